// The Pistache skin: turns Pistache requests into Request values, sends API
// paths to App::Handle and everything else to the static files, adds the
// security headers, enforces the body limit, writes the access log (route
// patterns, never personal data).
#pragma once

#include <string>
#include <vector>

#include "server/app.h"

namespace ankang::server {

// Serves until SIGINT or SIGTERM; returns the process exit code.
int RunHttpServer(App& app);

// Handles one request the way the server does (API or static file), headers
// included; exposed for tests. req.ip is the peer address; Dispatch replaces
// it with ClientIp() (the one place that reads X-Forwarded-For).
Response Dispatch(App& app, Request req);

// The client's address: `peer`, unless peer is one of `trusted_proxies`; then
// the right-most X-Forwarded-For entry that is not a trusted proxy (entries
// left of it were written by the client and prove nothing). A malformed entry
// ends the walk at the last trusted hop.
std::string ClientIp(const std::string& peer, const std::string& forwarded_for,
                     const std::vector<std::string>& trusted_proxies);

}  // namespace ankang::server
