#include "server/http/pistache_server.h"

#include <arpa/inet.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "server/http/static_files.h"

namespace ankang::server {
namespace {

using namespace Pistache;

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Pistache 0.0.5 writes only typed headers; this one carries any name.
class NamedHeader : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override {
    uint64_t h = 14695981039346656037ull;  // FNV-1a of the name; never a registered type
    for (char c : name_) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
  }
#endif

 private:
  std::string name_;
  std::string value_;
};

void AddHeader(Http::ResponseWriter& w, const std::string& name, const std::string& value) {
  w.headers().add(std::make_shared<NamedHeader>(name, value));
}

// The same, sharing one header object per thread for each name and value seen
// (every answer carries the same security and cache headers; a header is only
// read once added).
void AddSharedHeader(Http::ResponseWriter& w, const std::string& name, const std::string& value) {
  if (name == "Set-Cookie") return AddHeader(w, name, value);  // a session token: kept nowhere
  // By name, then value: found without copying either (the CSP value is long).
  thread_local std::map<std::string, std::map<std::string, std::shared_ptr<NamedHeader>>> made;
  thread_local size_t count = 0;
  auto& values = made[name];
  auto it = values.find(value);
  if (it == values.end()) {
    if (++count > 64) {  // varying values (Allow, Retry-After, ...) do not pile up
      made.clear();
      count = 1;
      return AddSharedHeader(w, name, value);
    }
    it = values.emplace(value, std::make_shared<NamedHeader>(name, value)).first;
  }
  w.headers().add(it->second);
}

bool IsApiPath(const std::string& p) {
  return p.rfind("/api/", 0) == 0 || p == "/api" || p == "/healthz" || p == "/metrics";
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // header names are ASCII
  }
  return s;
}

// Pistache's own error answers are plain text; ours are JSON. `code` is
// HttpCode() of a Status, or the code of Pistache's parse error.
void SendJsonError(Http::ResponseWriter& w, int code, const std::string& err,
                   const std::string& message) {
  Json body = {{"error", {{"code", err}, {"message", message}}}};
  AddHeader(w, "X-Content-Type-Options", "nosniff");
  w.send(static_cast<Http::Code>(code), body.dump(), MIME(Application, Json));
}

// Headers on every answer, API or page.
void AddSecurityHeaders(Response* resp) {
  resp->headers.emplace_back("X-Content-Type-Options", "nosniff");
  resp->headers.emplace_back("Referrer-Policy", "no-referrer");
  resp->headers.emplace_back("Content-Security-Policy", kCsp);
  resp->headers.emplace_back("X-Frame-Options", "DENY");
}

// The answers a pool thread still has to send (Response::pending). At shutdown
// the skin waits for them while the reactors still run, then marks the skin
// closed: an answer resolved after that is dropped instead of being written
// to a transport that is gone.
struct InFlight {
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0;
  bool open = true;
};

class ApiHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(ApiHandler)
  ApiHandler(const HttpSite* site, std::shared_ptr<InFlight> in_flight)
      : site_(site), in_flight_(std::move(in_flight)) {}

  // As Pistache's Http::Handler::onInput (0.0.5), but its error answers
  // (request too large, malformed request) are JSON, an oversize request
  // closes the connection instead of parsing the rest of its body as requests,
  // and HTTP/1.1 keeps the connection alive by default.
  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto parser = getParser(peer);
    auto& request = parser->request;
    try {
      if (!parser->feed(buffer, len)) {
        parser->reset();
        Http::ResponseWriter w(request.version(), transport(), this, peer);
        w.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
        SendJsonError(w, HttpCode(Status::kTooLarge), "too_large",
                      "The request is larger than the limit.");
        site_->metrics->CountRequest("?", "too_large", HttpCode(Status::kTooLarge));
        return;
      }
      auto state = parser->parse();
      if (state == Http::Private::State::Done) {
        Http::ResponseWriter w(request.version(), transport(), this, peer);
        request.copyAddress(peer->address());
        // HTTP/1.1 connections stay open unless the client says otherwise
        // (Pistache 0.0.5 closes them when there is no Connection header).
        auto connection = request.headers().tryGet<Http::Header::Connection>();
        const auto control = connection ? connection->control()
                             : request.version() == Http::Version::Http11
                                 ? Http::ConnectionControl::KeepAlive
                                 : Http::ConnectionControl::Close;
        w.headers().add<Http::Header::Connection>(control);
        peer->setIdle(false);
        onRequest(request, std::move(w));
        parser->reset();
      }
    } catch (const Http::HttpError& e) {
      Http::ResponseWriter w(request.version(), transport(), this, peer);
      SendJsonError(w, e.code(), "bad_request", "Malformed request.");
      parser->reset();
    } catch (...) {
      Http::ResponseWriter w(request.version(), transport(), this, peer);
      SendJsonError(w, HttpCode(Status::kInternal), "internal", "Internal error.");
      parser->reset();
    }
  }

  void onRequest(const Http::Request& preq, Http::ResponseWriter w) override {
    const auto start = std::chrono::steady_clock::now();
    Response resp;
    Request req;
    try {
      req.method = Http::methodString(preq.method());
      req.path = preq.resource();
      // Pistache 0.0.5 leaves the query as sent: decoded here, for every handler.
      bool query_ok = true;
      for (auto it = preq.query().parameters_begin(); it != preq.query().parameters_end(); ++it) {
        std::string name;
        std::string value;
        query_ok = query_ok && PercentDecode(it->first, &name) && PercentDecode(it->second, &value);
        req.query[name] = value;
      }
      // One stream per thread (building an ostringstream per header costs
      // more than writing the header).
      thread_local std::ostringstream os;
      for (const auto& h : preq.headers().list()) {
        os.str(std::string());
        os.clear();
        h->write(os);
        req.headers[Lower(h->name())] = os.str();
      }
      for (const auto& [name, raw] : preq.headers().rawList()) {
        req.headers[Lower(raw.name())] = raw.value();
      }
      // Pistache keeps the Cookie header apart, parsed; given back as one header.
      std::string cookies;
      for (const Http::Cookie& c : preq.cookies()) {
        cookies += (cookies.empty() ? "" : "; ") + c.name + "=" + c.value;
      }
      if (!cookies.empty()) req.headers["cookie"] = cookies;
      req.body = preq.body();
      req.ip = preq.address().host();
      if (query_ok) {
        resp = Dispatch(*site_, std::move(req));
      } else {
        resp = ErrorResponse(Status::kBadRequest, "bad_query",
                             "The query string has a malformed %-escape.");
        resp.headers.emplace_back("Cache-Control", "no-store");
        AddSecurityHeaders(&resp);
        site_->metrics->CountRequest(req.method, "bad_query", HttpCode(resp.status));
      }
    } catch (...) {
      resp = ErrorResponse(Status::kInternal, "internal", "Internal error.");
    }
    if (!resp.pending) {
      Send(w, preq.method(), preq.resource(), start, std::move(resp));
      return;
    }
    // Answered later by a pool thread (http/work_pool.h): this worker goes on
    // with other connections; the writer is sent from the resolving thread
    // (Pistache queues every write to the connection's reactor).
    {
      std::lock_guard<std::mutex> l(in_flight_->mu);
      ++in_flight_->pending;
    }
    auto writer = std::make_shared<Http::ResponseWriter>(std::move(w));
    resp.pending->OnDone([this, in_flight = in_flight_, writer, method = preq.method(),
                          path = preq.resource(), start](Response answer) {
      std::lock_guard<std::mutex> l(in_flight->mu);
      if (in_flight->open) Send(*writer, method, path, start, std::move(answer));  // `this` lives
      --in_flight->pending;
      in_flight->cv.notify_all();
    });
  }

 private:
  void Send(Http::ResponseWriter& w, Http::Method method, const std::string& path,
            std::chrono::steady_clock::time_point start, Response resp) {
    try {
      for (const auto& [name, value] : resp.headers) {
        AddSharedHeader(w, name, value);
      }
      const int code = HttpCode(resp.status);
      if (method == Http::Method::Head) resp.body.clear();
      w.send(static_cast<Http::Code>(code), resp.body, Mime(resp.content_type));
      if (!site_->opts->quiet) {
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        std::printf("%s %s %d %.1fms\n", Http::methodString(method), RouteLabel(path).c_str(), code,
                    ms);
      }
    } catch (...) {
      // The peer went away; nothing to answer.
    }
  }

  // The parsed media type of a Content-Type text, parsed once per thread
  // (a handful of distinct types: JSON, SVG, the static files').
  static const Http::Mime::MediaType& Mime(const std::string& content_type) {
    thread_local std::unordered_map<std::string, Http::Mime::MediaType> parsed;
    auto it = parsed.find(content_type);
    if (it != parsed.end()) return it->second;
    if (parsed.size() > 64) parsed.clear();
    return parsed
        .emplace(content_type, content_type.empty()
                                   ? Http::Mime::MediaType()
                                   : Http::Mime::MediaType::fromString(content_type))
        .first->second;
  }

  // The access log shows API route patterns (no ids) and static paths.
  std::string RouteLabel(const std::string& path) {
    if (!IsApiPath(path)) return path.size() > 80 ? path.substr(0, 80) : path;
    Router::Match m = site_->router->Find("GET", path);
    for (const char* meth : {"POST", "PUT", "PATCH", "DELETE"}) {
      if (m.route == nullptr) m = site_->router->Find(meth, path);
    }
    return m.route ? m.route->pattern : "(unknown api path)";
  }

  const HttpSite* site_;
  std::shared_ptr<InFlight> in_flight_;
};

}  // namespace

std::string CanonicalIp(const std::string& s) {
  unsigned char addr[sizeof(struct in6_addr)];
  char text[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, s.c_str(), addr) == 1 &&
        inet_ntop(family, addr, text, sizeof text) != nullptr) {
      return text;
    }
  }
  return "";
}

std::string ClientIp(const std::string& peer, const std::string& forwarded_for,
                     const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& ip) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), ip) != trusted_proxies.end();
  };
  std::string client = CanonicalIp(peer);
  if (client.empty()) return peer;
  size_t end = forwarded_for.size();
  while (trusted(client) && end > 0) {
    const size_t comma = forwarded_for.rfind(',', end - 1);
    const size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string entry = forwarded_for.substr(begin, end - begin);
    const size_t a = entry.find_first_not_of(" \t");
    entry = a == std::string::npos ? "" : entry.substr(a, entry.find_last_not_of(" \t") - a + 1);
    const std::string ip = CanonicalIp(entry);
    if (ip.empty()) break;
    client = ip;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

Response Dispatch(const HttpSite& site, Request req) {
  const HttpOptions& opts = *site.opts;
  req.ip = ClientIp(req.ip, req.Header("x-forwarded-for"), opts.trusted_proxies);
  Response resp;
  if (req.body.size() > opts.max_body_bytes) {
    resp =
        ErrorResponse(Status::kTooLarge, "too_large",
                      "The body is larger than " + std::to_string(opts.max_body_bytes) + " bytes.");
  } else if (IsApiPath(req.path)) {
    resp = site.api(std::move(req));
    auto finish = [](Response r) {
      bool has_cache = false;
      for (const auto& h : r.headers) has_cache = has_cache || h.first == "Cache-Control";
      if (!has_cache) r.headers.emplace_back("Cache-Control", "no-store");
      AddSecurityHeaders(&r);
      return r;
    };
    if (resp.pending) {
      resp.pending = resp.pending->Then(finish);
      return resp;
    }
    return finish(std::move(resp));
  } else if (req.method != "GET" && req.method != "HEAD") {
    resp = ErrorResponse(Status::kMethodNotAllowed, "method_not_allowed",
                         "Only GET and HEAD for pages.");
    resp.headers.emplace_back("Allow", "GET, HEAD");
  } else {
    resp = ServeStatic(opts.web, req);
  }
  AddSecurityHeaders(&resp);
  return resp;
}

int RunHttpServer(const HttpSite& site) {
  const HttpOptions& o = *site.opts;
  // Block the stop signals in every thread; this one waits for them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Address addr(o.host, Port(static_cast<uint16_t>(o.port)));
  Http::Endpoint endpoint(addr);
  auto opts = Http::Endpoint::options()
                  .threads(o.threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(o.max_body_bytes + 16 * 1024)
                  .maxResponseSize(4 * 1024 * 1024)
                  .headerTimeout(std::chrono::seconds(10))
                  .bodyTimeout(std::chrono::seconds(30))
                  .keepaliveTimeout(std::chrono::seconds(60));
  endpoint.init(opts);
  auto in_flight = std::make_shared<InFlight>();
  endpoint.setHandler(Http::make_handler<ApiHandler>(&site, in_flight));
  endpoint.serveThreaded();
  std::printf("ankang-server listening on http://%s:%u/ %s\n", o.host.c_str(),
              static_cast<unsigned>(static_cast<uint16_t>(endpoint.getPort())),
              site.banner.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  std::printf("ankang-server: signal %d, shutting down\n", sig);
  {
    // Answers still being worked on in a pool go out while the reactors run.
    std::unique_lock<std::mutex> l(in_flight->mu);
    in_flight->cv.wait_for(l, std::chrono::seconds(10), [&] { return in_flight->pending == 0; });
    in_flight->open = false;
  }
  endpoint.shutdown();
  return 0;
}

}  // namespace ankang::server
