// The application: options, storage, keys, clock, rules and the route table,
// plus Handle(), which turns a Request into a Response (authentication, role
// checks, 404/405, catch-all, metrics). The Pistache layer only translates.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/clock.h"
#include "server/crypto/crypto.h"
#include "server/domain/rulesets.h"
#include "server/http/metrics.h"
#include "server/http/request.h"
#include "server/http/router.h"
#include "server/http/work_pool.h"
#include "server/options.h"
#include "server/outbound/otp_sender.h"
#include "server/store/storage.h"
#include "shared/dates.h"

namespace ankang::server {

class WriteBehind;
class RecolourJobs;

// Risk areas and review regions change rarely and are read on every code;
// cached here and refreshed when written through this process (and every few
// seconds otherwise). With a database shared by several processes (--db) the
// maximum age is 0: every read sees another process's change at once.
class AuthorityCache {
 public:
  using Areas = std::map<std::string, std::string>;
  Areas RiskAreas(Storage& db, int64_t now) { return *RiskSnapshot(db, now); }
  // The same without copying the list (scoring reads it on every code).
  std::shared_ptr<const Areas> RiskSnapshot(Storage& db, int64_t now);
  std::vector<std::string> ReviewRegions(Storage& db, int64_t now);
  void Invalidate();
  void SetMaxAgeSeconds(int64_t s) { max_age_ = s; }  // before serving

 private:
  std::mutex mu_;
  int64_t max_age_ = 2;
  int64_t loaded_at_ = -1;
  int64_t generation_ = 0;  // bumped by Invalidate()
  std::shared_ptr<const Areas> risk_;
  std::vector<std::string> review_;
  void Refresh(Storage& db, int64_t now);
};

struct App {
  App();
  ~App();  // stops recolour_jobs, flushes write_behind before the storage closes
  Options opts;
  std::unique_ptr<Storage> db;
  // The writes a code display or verification causes (statistics, colours,
  // review auto-issue), committed in the background (domain/write_behind.h).
  std::unique_ptr<WriteBehind> write_behind;
  // Recolouring after an activation or an import, on its own thread
  // (domain/recolour_jobs.h); stopped before write_behind.
  std::unique_ptr<RecolourJobs> recolour_jobs;
  std::unique_ptr<Clock> clock;
  DevClock* dev_clock = nullptr;  // set only with --dev
  DataKeys data_keys;
  SigningKeys signing;
  // --kek-file: the keys are sealed in the database (data_folder.h). A
  // rotation through any node stores a new version; FollowSealedKeys() makes
  // this node sign and verify with it within --key-poll-seconds.
  Bytes kek;
  std::mutex sealed_mu;
  int64_t sealed_version = 0;  // under sealed_mu
  std::thread key_watch;
  std::condition_variable key_watch_cv;
  bool key_watch_stop = false;  // under sealed_mu
  // Takes the sealed keys stored after sealed_version, if any (logged); true when it did.
  bool RefreshSealedKeys();
  // Signs with `keys` from now on when `version` is newer than the one in use.
  bool TakeSealedKeys(const SigningKeys& keys, int64_t version);
  ActiveRules rules;  // as loaded at start; read the rules in force with CurrentRules()
  // The rule set in force: `rules` until the admin console activates another
  // (api/admin_rulesets.cc). Readers take a snapshot; swapping is thread-safe.
  std::shared_ptr<const ActiveRules> CurrentRules();
  void SetRules(ActiveRules r);
  std::mutex rules_mu;
  std::shared_ptr<const ActiveRules> rules_now;
  std::unique_ptr<OtpSender> otp;
  // Work that must not hold an HTTP worker (http/work_pool.h): Argon2id
  // password checks and hashes (--hash-threads, niced), fetching other
  // issuers' key lists, and the CSV imports. Stopped first when the App goes.
  std::unique_ptr<WorkPool> password_pool;
  std::unique_ptr<WorkPool> fetch_pool;
  std::unique_ptr<WorkPool> import_pool;
  Metrics metrics;
  Router router;
  AuthorityCache authority;
  HttpSite site;  // what the Pistache skin serves: Handle() and the static files

  int64_t Now() const { return clock->Now(); }
  Instant NowInstant() const { return Instant{Now(), opts.tz_offset_minutes}; }
  Date Today() const { return LocalDate(NowInstant()); }
  std::string Iso(int64_t unix_seconds) const {
    return FormatInstant(Instant{unix_seconds, opts.tz_offset_minutes});
  }

  // Routing, authentication, roles, errors: the whole API.
  Response Handle(Request req);
  // Audit log entry (ids only, never personal data).
  void Audit(const Caller& who, const std::string& action, const std::string& target,
             const Json& detail = Json::object());
  // The entry Audit() writes, at Now(), for writing later.
  AuditRow AuditEntry(const Caller& who, const std::string& action, const std::string& target,
                      const Json& detail = Json::object()) const;
};

// Builds an App for opts with the given storage and keys (used by main and by
// server_tests). Creates the --dev staff accounts when opts.dev.
// Throws std::runtime_error on a bad rule set.
std::unique_ptr<App> MakeApp(const Options& opts, std::unique_ptr<Storage> db, KeyFiles keys);

// With keys sealed in the database: remembers the KEK and version and starts
// the thread that polls for newer keys every opts.key_poll_seconds.
void FollowSealedKeys(App& app, Bytes kek, int64_t version);

// One request through the HTTP layer's Dispatch() (API or static file, with
// its headers), as the server handles it; for tests and benchmarks.
Response Dispatch(App& app, Request req);

}  // namespace ankang::server
