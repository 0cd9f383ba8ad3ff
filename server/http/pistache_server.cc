#include "server/http/pistache_server.h"

#include <arpa/inet.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "server/http/connections.h"
#include "server/http/framing.h"
#include "server/http/static_files.h"

namespace ankang::server {
namespace {

// A JSON string literal of s; control characters escaped, bytes beyond ASCII
// shown as '?' (a log line is always valid UTF-8).
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(c < 0x80 ? static_cast<char>(c) : '?');
    }
  }
  return out + "\"";
}

// One access-log line for --log-format json. What it holds is what the text
// line holds (no client address, no query, no header, no body) plus the time
// and the size of the answer's body.
std::string JsonLogLine(const char* method, const std::string& route, int status, double ms,
                        size_t bytes) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const int millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char time[40];
  std::snprintf(time, sizeof time, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  char tail[96];
  std::snprintf(tail, sizeof tail, ",\"status\":%d,\"duration_ms\":%.3f,\"bytes\":%zu}", status, ms,
                bytes);
  return std::string("{\"time\":\"") + time + "\",\"method\":" + JsonString(method) +
         ",\"route\":" + JsonString(route) + tail;
}

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
Async::Promise<ssize_t> SendJsonError(Http::ResponseWriter& w, int code, const std::string& err,
                                      const std::string& message) {
  Json body = {{"error", {{"code", err}, {"message", message}}}};
  AddHeader(w, "X-Content-Type-Options", "nosniff");
  return w.send(static_cast<Http::Code>(code), body.dump(), MIME(Application, Json));
}

// Closes the connection once `sent` is on the wire: our side sends FIN after
// the answer; the peer's close (or Pistache's keep-alive timeout, the peer
// being idle) removes it. Pistache 0.0.5 itself never closes after an answer,
// whatever the Connection header says.
void CloseAfter(Async::Promise<ssize_t> sent, int fd) {
  sent.then([fd](ssize_t) { ::shutdown(fd, SHUT_WR); }, Async::IgnoreException);
}

bool SaysClose(const Http::ResponseWriter& w) {
  auto c = w.headers().tryGet<Http::Header::Connection>();
  return c && c->control() == Http::ConnectionControl::Close;
}

// One connection as the skin sees it (framing.h): the input not yet handed to
// Pistache's parser, from the current request's first byte; whether its
// answer is being worked on in a pool; whether the connection is closing.
struct Connection : std::enable_shared_from_this<Connection> {
  std::shared_ptr<ConnectionCount::Slot> slot;
  std::string input;
  size_t fed = 0;        // bytes of `input` the parser has
  bool closing = false;  // reactor thread only: input is dropped
  std::mutex mu;         // the two below: reactor and pool threads
  bool in_flight = false;
  bool close_after = false;       // more input came while in flight: close after that answer
  std::atomic<int> unwritten{0};  // answers handed to Pistache, not yet in the socket
};

constexpr const char* kConnectionData = "ankang.connection";

// Answers of one connection queued in Pistache but not yet in the socket (its
// peer sends requests without reading the answers): beyond, it is closed.
constexpr int kMaxUnwrittenAnswers = 1024;

void CountUntilWritten(Async::Promise<ssize_t>& sent, Connection* conn) {
  auto counted = conn->shared_from_this();
  counted->unwritten.fetch_add(1);
  sent.then([counted](ssize_t) { counted->unwritten.fetch_sub(1); },
            [counted](std::exception_ptr) { counted->unwritten.fetch_sub(1); });
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
  ApiHandler(const HttpSite* site, std::shared_ptr<InFlight> in_flight,
             std::shared_ptr<ConnectionCount> connections)
      : site_(site), in_flight_(std::move(in_flight)), connections_(std::move(connections)) {
    framing_limits_.max_body_bytes = site->opts->max_body_bytes;
  }

  // A new connection: Pistache's parser, our framing state, and a slot
  // against --max-connections; beyond it, 503 and close at once.
  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    // As Pistache's own (private) Http::Handler::onConnection: the parser.
    peer->putData(ParserData, std::make_shared<Http::RequestParser>(getMaxRequestSize()));
    auto conn = std::make_shared<Connection>();
    bool over_cap = false;
    conn->slot = ConnectionCount::Open(connections_, &over_cap);
    if (over_cap) {
      conn->closing = true;
      conn->slot.reset();
      peer->setIdle(true);  // Pistache's timeout then removes it without writing
      const std::string_view answer = OverloadedAnswer();
      ::send(peer->fd(), answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(peer->fd(), SHUT_RDWR);  // reads end at once: Pistache removes the peer
    }
    peer->putData(kConnectionData, conn);
  }

  // Replaces Pistache's Http::Handler::onInput (0.0.5), which answers only the
  // first of several requests in one read, never closes after
  // "Connection: close", and trusts the framing headers (framing.h). Here
  // every request is framed first; whole requests go to the parser one at a
  // time and are answered in order; a refused framing is answered (JSON) and
  // the connection closed; input that arrives while an answer is still being
  // worked on in a pool closes the connection after that answer.
  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto conn = std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData));
    if (!conn || conn->closing) return;
    {
      std::lock_guard<std::mutex> l(conn->mu);
      if (conn->in_flight) {
        conn->close_after = true;
        conn->closing = true;
        return;
      }
    }
    if (conn->unwritten.load() > kMaxUnwrittenAnswers) {
      // Pipelining without reading the answers: no more answers are queued
      // (they would pile up in memory); the connection is closed.
      conn->closing = true;
      ::shutdown(peer->fd(), SHUT_RDWR);
      return;
    }
    conn->input.append(buffer, len);
    auto parser = getParser(peer);
    try {
      for (;;) {
        const Framing f = FrameRequest(conn->input, framing_limits_);
        if (f.kind == Framing::Kind::kRefused) {
          Refuse(conn.get(), peer, HttpCode(f.status), f.code, f.message);
          return;
        }
        const size_t have = f.kind == Framing::Kind::kRequest ? f.length : conn->input.size();
        // A Content-Length body goes to the parser as it arrives (its body
        // timeout then applies); a chunked one only whole.
        if (f.head_length > 0 && (f.kind == Framing::Kind::kRequest || !f.chunked) &&
            have > conn->fed) {
          if (!parser->feed(conn->input.data() + conn->fed, have - conn->fed)) {
            Refuse(conn.get(), peer, HttpCode(Status::kTooLarge), "too_large",
                   "The request is larger than the limit.");
            return;
          }
          conn->fed = have;
          const auto state = parser->parse();
          if ((state == Http::Private::State::Done) != (f.kind == Framing::Kind::kRequest)) {
            Refuse(conn.get(), peer, HttpCode(Status::kBadRequest), "bad_request",
                   "Malformed request.");
            return;
          }
        }
        if (f.kind != Framing::Kind::kRequest) return;
        conn->input.erase(0, f.length);
        conn->fed = 0;
        Answer(conn, peer, parser->request, f.close);
        parser->reset();
        if (f.close) {
          conn->closing = true;
          return;
        }
        {
          std::lock_guard<std::mutex> l(conn->mu);
          if (conn->in_flight && !conn->input.empty()) {
            conn->close_after = true;
            conn->closing = true;
          }
          if (conn->in_flight) return;
        }
        if (conn->input.empty()) return;
      }
    } catch (const Http::HttpError& e) {
      Refuse(conn.get(), peer, e.code(), "bad_request", "Malformed request.");
    } catch (...) {
      Refuse(conn.get(), peer, HttpCode(Status::kInternal), "internal", "Internal error.");
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
        site_->metrics->CountRequest(
            req.method, "bad_query", HttpCode(resp.status),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
    } catch (...) {
      resp = ErrorResponse(Status::kInternal, "internal", "Internal error.");
    }
    if (!resp.pending) {
      Send(w, preq.method(), preq.resource(), start, std::move(resp), answering_.get());
      return;
    }
    // Answered later by a pool thread (http/work_pool.h): this worker goes on
    // with other connections; the writer is sent from the resolving thread
    // (Pistache queues every write to the connection's reactor).
    {
      std::lock_guard<std::mutex> l(in_flight_->mu);
      ++in_flight_->pending;
    }
    std::shared_ptr<Connection> conn = answering_;
    if (conn) {
      std::lock_guard<std::mutex> l(conn->mu);
      conn->in_flight = true;
    }
    auto writer = std::make_shared<Http::ResponseWriter>(std::move(w));
    resp.pending->OnDone([this, in_flight = in_flight_, conn, writer, method = preq.method(),
                          path = preq.resource(), start](Response answer) {
      std::lock_guard<std::mutex> l(in_flight->mu);
      if (in_flight->open) SendInOrder(conn.get(), *writer, method, path, start, std::move(answer));
      --in_flight->pending;
      in_flight->cv.notify_all();
    });
  }

 private:
  // Hands one parsed request to onRequest, with the Connection header the
  // answer will carry.
  void Answer(const std::shared_ptr<Connection>& conn, const std::shared_ptr<Tcp::Peer>& peer,
              Http::Request& request, bool close) {
    Http::ResponseWriter w(request.version(), transport(), this, peer);
    request.copyAddress(peer->address());
    w.headers().add<Http::Header::Connection>(close ? Http::ConnectionControl::Close
                                                    : Http::ConnectionControl::KeepAlive);
    peer->setIdle(false);
    answering_ = conn;
    onRequest(request, std::move(w));
    answering_.reset();
  }

  // An error answer for what could not be parsed or framed; the rest of the
  // connection's input cannot be trusted, so the connection closes after it.
  void Refuse(Connection* conn, const std::shared_ptr<Tcp::Peer>& peer, int code,
              const std::string& err, const std::string& message) {
    conn->closing = true;
    conn->input.clear();
    Http::ResponseWriter w(Http::Version::Http11, transport(), this, peer);
    w.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    CloseAfter(SendJsonError(w, code, err, message), peer->fd());
    site_->metrics->CountRequest("?", err, code);
  }

  // A pool's answer: sent under the connection's lock, so an answer to a
  // request read after it cannot overtake it; closes the connection when
  // input came meanwhile (onInput dropped it).
  void SendInOrder(Connection* conn, Http::ResponseWriter& w, Http::Method method,
                   const std::string& path, std::chrono::steady_clock::time_point start,
                   Response resp) {
    if (conn == nullptr) return Send(w, method, path, start, std::move(resp), nullptr);
    std::lock_guard<std::mutex> l(conn->mu);
    if (conn->close_after) {
      w.headers().remove<Http::Header::Connection>();
      w.headers().add<Http::Header::Connection>(Http::ConnectionControl::Close);
    }
    conn->in_flight = false;
    Send(w, method, path, start, std::move(resp), conn);
  }

  // `conn` (may be null) counts the answer until it is in the socket.
  void Send(Http::ResponseWriter& w, Http::Method method, const std::string& path,
            std::chrono::steady_clock::time_point start, Response resp, Connection* conn) {
    try {
      for (const auto& [name, value] : resp.headers) {
        AddSharedHeader(w, name, value);
      }
      const int code = HttpCode(resp.status);
      if (method == Http::Method::Head) resp.body.clear();
      const bool close = SaysClose(w);
      const int fd = close ? w.peer()->fd() : -1;
      auto sent = w.send(static_cast<Http::Code>(code), resp.body, Mime(resp.content_type));
      if (conn != nullptr) CountUntilWritten(sent, conn);
      if (close) CloseAfter(std::move(sent), fd);
      if (!site_->opts->quiet) {
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (site_->opts->log_format == "json") {
          std::printf("%s\n", JsonLogLine(Http::methodString(method), RouteLabel(path), code, ms,
                                          resp.body.size())
                                  .c_str());
        } else {
          std::printf("%s %s %d %.1fms\n", Http::methodString(method), RouteLabel(path).c_str(),
                      code, ms);
        }
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
  std::shared_ptr<ConnectionCount> connections_;
  FramingLimits framing_limits_;
  std::shared_ptr<Connection> answering_;  // the connection onRequest answers (reactor thread)
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

std::string ExposureError(const HttpOptions& opts) {
  const std::string ip = opts.host == "localhost" ? "127.0.0.1" : CanonicalIp(opts.host);
  const bool loopback = ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
  if (loopback || opts.direct) return "";
  return "--host " + opts.host +
         " is not a loopback address. Pistache 0.0.5 should not face clients itself: "
         "it has no TLS, no per-address limits and known parser defects (server/README.md, "
         "\"Connections and direct exposure\"). Listen on 127.0.0.1 behind nginx "
         "(deploy/nginx.conf), or pass "
         "--direct to serve this address anyway.";
}

int RunHttpServer(const HttpSite& site) {
  const HttpOptions& o = *site.opts;
  if (const std::string refusal = ExposureError(o); !refusal.empty()) {
    std::fprintf(stderr, "ankang-server: %s\n", refusal.c_str());
    return 2;
  }
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
  // Descriptors: as many as allowed; connections capped to fit in them; and
  // if they run out all the same, accept() backs off instead of spinning.
  const uint64_t file_limit = RaiseFileLimit();
  InstallAcceptBackoff();
  auto connections = std::make_shared<ConnectionCount>(o.max_connections);
  endpoint.setHandler(Http::make_handler<ApiHandler>(&site, in_flight, connections));
  endpoint.serveThreaded();
  connections->set_cap(EffectiveConnectionCap(o.max_connections, file_limit, OpenFileCount()));
  if (connections->cap() < o.max_connections) {
    std::printf(
        "ankang-server: at most %zu connections: the file-descriptor limit is %llu "
        "(raise it: ulimit -n, or LimitNOFILE= in the systemd unit)\n",
        connections->cap(), static_cast<unsigned long long>(file_limit));
  }
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
