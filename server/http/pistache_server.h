// The Pistache skin: turns Pistache requests into Request values, sends API
// paths to the site's API handler and everything else to the static files,
// adds the security headers, enforces the body limit, writes the access log
// (route patterns, never personal data). An answer that comes later from a
// pool (http/work_pool.h) is sent from the thread that resolves it: the worker
// goes on with other connections meanwhile. It knows nothing of the application
// beyond HttpSite.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "server/http/metrics.h"
#include "server/http/request.h"
#include "server/http/router.h"

namespace ankang::server {

// The flags the HTTP layer reads (part of Options).
struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web;  // Default: web/dist, else web
  int threads = 2;
  size_t max_body_bytes = 64 * 1024;
  // Peers (IP literals) whose X-Forwarded-For names the client, e.g. the local
  // nginx; empty: the peer address is the client (the header is ignored).
  std::vector<std::string> trusted_proxies;
  bool quiet = false;  // no access log
  // The access log's lines: "text" (Default: `GET /route 200 1.2ms`) or "json"
  // (one object per line: time, method, route, status, duration_ms, bytes).
  std::string log_format = "text";
  // Connections held at once (lowered to fit RLIMIT_NOFILE); beyond, 503 and close.
  size_t max_connections = 1024;
  // Listen on a non-loopback --host. Default: refused (nginx in front is the
  // supported exposure; see ExposureError).
  bool direct = false;
};

// What the skin serves: the API handler, the route table (for access-log
// labels) and the counters. The pointers outlive the server.
struct HttpSite {
  const HttpOptions* opts = nullptr;
  std::function<Response(Request)> api;
  const Router* router = nullptr;
  Metrics* metrics = nullptr;
  std::string banner;  // printed after "listening on http://host:port/"
};

// Why the server must not listen as configured ("" when it may): a --host
// that is not a loopback address without --direct.
std::string ExposureError(const HttpOptions& opts);

// Serves until SIGINT or SIGTERM; returns the process exit code.
int RunHttpServer(const HttpSite& site);

// Handles one request the way the server does (API or static file), headers
// included. req.ip is the peer address; Dispatch replaces it with ClientIp()
// (the one place that reads X-Forwarded-For). An answer a pool works on is
// returned pending (Response::pending, headers added when it resolves).
Response Dispatch(const HttpSite& site, Request req);

// The client's address: `peer`, unless peer is one of `trusted_proxies`; then
// the right-most X-Forwarded-For entry that is not a trusted proxy (entries
// left of it were written by the client and prove nothing). A malformed entry
// ends the walk at the last trusted hop.
std::string ClientIp(const std::string& peer, const std::string& forwarded_for,
                     const std::vector<std::string>& trusted_proxies);
// An IPv4 or IPv6 literal in canonical form ("::FFFF:10.0.0.1" -> "::ffff:10.0.0.1"),
// "" when s is not one.
std::string CanonicalIp(const std::string& s);

}  // namespace ankang::server
