#include "server/app.h"

#include <chrono>
#include <cstdio>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/data_folder.h"
#include "server/domain/recolour_jobs.h"
#include "server/domain/rulesets.h"
#include "server/domain/sessions.h"
#include "server/domain/write_behind.h"
#include "server/store/storage.h"

namespace ankang::server {
namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Resolves the bearer token, or a browser's device-session cookie
// (domain/sessions.h), into a Caller; false when absent or invalid.
bool Authenticate(App& app, Request* req) {
  const std::string h = req->Header("authorization");
  const std::string prefix = "Bearer ";
  std::string token;
  if (h.size() > prefix.size() && h.compare(0, prefix.size(), prefix) == 0) {
    token = h.substr(prefix.size());
  }
  const std::string cookie_kind = token.empty() ? CookieSessionKind(*req) : "";
  if (!cookie_kind.empty()) token = CookieSessionToken(*req);
  if (token.empty() || token.size() > 200) return false;
  const std::string hash = Sha256Hex(token);
  auto s = app.db->GetSession(hash);
  if (!s || s->expires_at <= app.Now()) return false;
  if (!cookie_kind.empty() && s->kind != cookie_kind) return false;
  // "Last seen" for the resident's device list: at most every few minutes, and
  // never awaited by the request (the device list flushes before reading). A
  // device session used through its cookie ends only after a spell unused.
  if (app.Now() - s->last_seen_at >= 300) {
    const int64_t idle = cookie_kind.empty() ? 0 : DeviceIdleSeconds(app.opts, s->kind, s->role);
    app.write_behind->SessionSeen(hash, app.Now(), idle > 0 ? app.Now() + idle : 0);
  }
  Caller c;
  c.kind = s->kind;
  c.subject_id = s->subject_id;
  c.role = s->role;
  c.token_hash = hash;
  if (s->kind == "staff") {
    auto st = app.db->GetStaff(s->subject_id);
    if (!st || st->disabled || st->role != s->role) return false;
    c.username = st->username;
  }
  req->caller = c;
  return true;
}

bool RoleAllowed(const std::vector<std::string>& roles, const std::string& role) {
  for (const auto& r : roles) {
    if (r == "*" || r == role) return true;
  }
  return false;
}

}  // namespace

// The database is read without holding mu_: a thread inside a storage
// transaction may be waiting for mu_, so mu_ must never wait for the database.
void AuthorityCache::Refresh(Storage& db, int64_t now) {
  int64_t generation;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (loaded_at_ >= 0 && now >= loaded_at_ && now - loaded_at_ < max_age_) return;
    generation = generation_;
  }
  auto risk = std::make_shared<const AuthorityCache::Areas>(db.RiskAreas());
  auto review = db.ReviewRegions();
  std::lock_guard<std::mutex> l(mu_);
  if (generation != generation_) return;  // invalidated meanwhile: the next read reloads
  risk_ = std::move(risk);
  review_ = std::move(review);
  loaded_at_ = now;
}

std::shared_ptr<const AuthorityCache::Areas> AuthorityCache::RiskSnapshot(Storage& db,
                                                                          int64_t now) {
  Refresh(db, now);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (loaded_at_ >= 0) return risk_;
  }
  return std::make_shared<const Areas>(db.RiskAreas());  // invalidated while refreshing
}

std::vector<std::string> AuthorityCache::ReviewRegions(Storage& db, int64_t now) {
  Refresh(db, now);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (loaded_at_ >= 0) return review_;
  }
  return db.ReviewRegions();
}

void AuthorityCache::Invalidate() {
  std::lock_guard<std::mutex> l(mu_);
  loaded_at_ = -1;
  ++generation_;
}

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Response App::Handle(Request req) {
  const auto start = std::chrono::steady_clock::now();
  std::string route_name = "unmatched";
  Response resp;
  try {
    Router::Match m = router.Find(req.method, req.path);
    if (m.route == nullptr && m.allowed.empty()) {
      resp = ErrorResponse(Status::kNotFound, "not_found", "No such API path.");
    } else if (m.route == nullptr) {
      route_name = "method_not_allowed";
      resp = ErrorResponse(Status::kMethodNotAllowed, "method_not_allowed",
                           "Method " + req.method + " is not allowed here.");
      resp.headers.emplace_back("Allow", Join(m.allowed, ", "));
    } else {
      route_name = m.route->pattern;
      req.params = std::move(m.params);
      const auto& roles = m.route->roles;
      if (!roles.empty() && !Authenticate(*this, &req)) {
        resp = ErrorResponse(Status::kUnauthorized, "unauthorized",
                             "Log in first (Authorization: Bearer <token>).");
        resp.headers.emplace_back("WWW-Authenticate", "Bearer");
      } else if (!roles.empty() && !RoleAllowed(roles, req.caller.role)) {
        resp = ErrorResponse(Status::kForbidden, "forbidden",
                             "Your role (" + req.caller.role + ") may not do this.");
      } else {
        resp = m.route->handler(*this, req);
      }
    }
  } catch (const std::exception& e) {
    // The exception's text goes to the log (it never holds personal data:
    // values are bound, not formatted into SQL), never to the client.
    std::fprintf(stderr, "internal error on %s %s: %s\n", req.method.c_str(), route_name.c_str(),
                 e.what());
    resp = ErrorResponse(Status::kInternal, "internal", "Internal error.");
  } catch (...) {
    std::fprintf(stderr, "internal error on %s %s\n", req.method.c_str(), route_name.c_str());
    resp = ErrorResponse(Status::kInternal, "internal", "Internal error.");
  }
  if (resp.pending) {  // answered by a pool thread: counted when it is
    resp.pending = resp.pending->Then([this, method = req.method, route_name, start](Response r) {
      metrics.CountRequest(method, route_name, HttpCode(r.status), SecondsSince(start));
      return r;
    });
    return resp;
  }
  metrics.CountRequest(req.method, route_name, HttpCode(resp.status), SecondsSince(start));
  return resp;
}

App::App() = default;

App::~App() {
  if (key_watch.joinable()) {
    {
      std::lock_guard<std::mutex> l(sealed_mu);
      key_watch_stop = true;
    }
    key_watch_cv.notify_all();
    key_watch.join();
  }
  password_pool.reset();
  fetch_pool.reset();
  import_pool.reset();
  recolour_jobs.reset();  // a running job uses the clock, write_behind and the storage
  write_behind.reset();
}

void App::Audit(const Caller& who, const std::string& action, const std::string& target,
                const Json& detail) {
  db->AddAudit(AuditEntry(who, action, target, detail));
}

AuditRow App::AuditEntry(const Caller& who, const std::string& action, const std::string& target,
                         const Json& detail) const {
  AuditRow a;
  a.id = RandomId();
  a.at = Now();
  if (who.kind == "staff") {
    a.actor = "staff:" + who.username;
  } else if (who.kind == "resident") {
    a.actor = "account:" + who.subject_id;
  } else {
    a.actor = "system";
  }
  a.action = action;
  a.target = target;
  a.detail = detail.dump();
  return a;
}

bool App::TakeSealedKeys(const SigningKeys& keys, int64_t version) {
  std::lock_guard<std::mutex> l(sealed_mu);
  if (version <= sealed_version) return false;
  signing = keys;
  sealed_version = version;
  return true;
}

bool App::RefreshSealedKeys() {
  int64_t version;
  {
    std::lock_guard<std::mutex> l(sealed_mu);
    version = sealed_version;
  }
  auto newer = NewerSealedKeys(*db, kek, version);
  if (!newer || !TakeSealedKeys(newer->first.signing, newer->second)) return false;
  std::printf("ankang-server: signing keys updated (version %lld, active key %s)\n",
              static_cast<long long>(newer->second), newer->first.signing.ActiveKid().c_str());
  std::fflush(stdout);
  return true;
}

void FollowSealedKeys(App& app, Bytes kek, int64_t version) {
  app.kek = std::move(kek);
  app.sealed_version = version;
  App* a = &app;
  app.key_watch = std::thread([a] {
    std::unique_lock<std::mutex> l(a->sealed_mu);
    for (;;) {
      a->key_watch_cv.wait_for(l, std::chrono::seconds(a->opts.key_poll_seconds),
                               [a] { return a->key_watch_stop; });
      if (a->key_watch_stop) return;
      l.unlock();
      try {
        a->RefreshSealedKeys();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "ankang-server: reading the sealed keys failed: %s\n", e.what());
      }
      l.lock();
    }
  });
}

std::unique_ptr<App> MakeApp(const Options& opts, std::unique_ptr<Storage> db, KeyFiles keys) {
  auto app = std::make_unique<App>();
  app->opts = opts;
  app->db = std::move(db);
  // With --db other servers write persons too: their rows are read every time.
  app->db->SetReadCache(opts.cache_ms, opts.db.empty() ? opts.cache_ms : 0);
  WriteBehindOptions behind;
  Metrics* metrics = &app->metrics;
  behind.on_flush = [metrics](double seconds, size_t rows) {
    metrics->ObserveWriteBehindFlush(seconds, rows);
  };
  app->write_behind = std::make_unique<WriteBehind>(app->db.get(), behind);
  app->recolour_jobs = std::make_unique<RecolourJobs>(app.get());
  if (!opts.db.empty()) app->authority.SetMaxAgeSeconds(0);  // other processes write too
  if (opts.dev) {
    auto dc = std::make_unique<DevClock>();
    app->dev_clock = dc.get();
    app->clock = std::move(dc);
  } else {
    app->clock = std::make_unique<SystemClock>();
  }
  std::string error;
  if (!LoadRules(opts.rules, &app->rules, &error)) throw std::runtime_error(error);
  app->data_keys = std::move(keys.data);
  app->signing = keys.signing;
  for (const SigningKey& k : app->signing.Published(app->Now())) {
    app->db->PutKeyMeta(
        KeyMetaRow{k.kid, Base64UrlEncode(k.public_key), k.not_before, k.not_after});
  }
  OtpSenderOptions sms;
  sms.queue = static_cast<size_t>(opts.otp_queue);
  sms.timeout_ms = opts.otp_timeout_ms;
  app->otp = MakeOtpSender(opts.otp_webhook, sms);
  WorkPoolOptions hashing;
  hashing.name = "ankang-hash";
  hashing.threads = opts.hash_threads;
  hashing.queue = static_cast<size_t>(opts.hash_queue);
  hashing.nice = 5;
  hashing.max_wait_ms = 7000;  // + one check (~80 ms): under the 10 s header timeout
  app->password_pool = std::make_unique<WorkPool>(hashing);
  WorkPoolOptions fetching;
  fetching.name = "ankang-fetch";
  fetching.queue = 4;  // waiting at most 4 s, + the fetch's 5 s: under the 10 s header timeout
  app->fetch_pool = std::make_unique<WorkPool>(fetching);
  WorkPoolOptions importing;
  importing.name = "ankang-import";
  importing.queue = 4;  // a 64 KiB chunk takes well under a second, + --recolour-wait-ms
  app->import_pool = std::make_unique<WorkPool>(importing);
  LoadStoredRules(*app);  // an activated uploaded rule set outlives restarts
  RegisterAllRoutes(*app);
  App* a = app.get();
  app->site.opts = &app->opts;
  app->site.api = [a](Request req) { return a->Handle(std::move(req)); };
  app->site.router = &app->router;
  app->site.metrics = &app->metrics;
  app->site.banner =
      "(web " + app->opts.web + ", rules " + app->rules.name + (app->opts.dev ? ", --dev)" : ")");
  if (opts.dev) {
    for (const char* role : {"admin", "verifier", "issuer", "venue"}) {
      if (app->db->FindStaffByUsername(role)) continue;
      StaffRow s;
      s.id = RandomId();
      s.username = role;
      s.role = role;
      s.password_hash = HashPassword(opts.dev_password);
      s.created_at = app->Now();
      app->db->CreateStaff(s);
    }
  }
  return app;
}

namespace {

// Rules put together in code (tests) get the digest MakeActiveRules gives.
ActiveRules WithDigest(ActiveRules r) {
  if (r.digest.empty()) r.digest = Sha256Hex(r.text.empty() ? r.json.dump() : r.text).substr(0, 32);
  return r;
}

}  // namespace

std::shared_ptr<const ActiveRules> App::CurrentRules() {
  std::lock_guard<std::mutex> l(rules_mu);
  if (!rules_now) rules_now = std::make_shared<const ActiveRules>(WithDigest(rules));
  return rules_now;
}

void App::SetRules(ActiveRules r) {
  auto p = std::make_shared<const ActiveRules>(WithDigest(std::move(r)));
  std::lock_guard<std::mutex> l(rules_mu);
  rules_now = std::move(p);
}

Response Dispatch(App& app, Request req) {
  return AwaitResponse(Dispatch(app.site, std::move(req)));
}

}  // namespace ankang::server
