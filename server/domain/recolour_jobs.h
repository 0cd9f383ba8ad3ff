// Recolouring in the background. A rule-set activation, or an import of risk
// areas or case statuses, switches the data in force at once and answers; the
// stored verdicts (domain/scoring.h), colours (persons.last_color) and today's
// statistics are then brought up to date by one background thread, page by
// page (keyset pagination by person id; each page's writes go through the
// write-behind queue, flushed after the page: one short transaction), with
// its progress readable at any time. Code displays and verifications never
// wait for it: a stored verdict made stale by the change is rescored on read.
//
// Counts are exact: every person of a job is read once and scored with the
// data before and after that job's change (the rules, risk areas or case
// statuses captured when the change was made), as a synchronous recolouring
// would. Every person it goes through gets a fresh stored verdict with the
// data in force (RefreshVerdict), so a job cut short leaves nothing wrong,
// only verdicts that the next read (or the next job) rescores.
//
// One job runs at a time, the others wait in order. A new rule-set activation
// supersedes a rule-set job still waiting or running (that one stops at its
// next page); the new job goes through everyone. Jobs live in memory only: a
// restart forgets them; stale stored verdicts are rescored on read, and a
// colour in the statistics stays what it was until the person's next read.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/domain/recolour.h"
#include "server/domain/rulesets.h"
#include "server/store/storage.h"
#include "shared/json.h"

namespace ankang::server {

struct App;

struct RecolourJobsOptions {
  int page = 500;  // persons read, scored and stored per page
  int keep = 20;   // jobs remembered (the newest), for the console
  // Niceness of the job's thread (Linux: per thread), so that HTTP workers
  // win the cores when both want them. 0 keeps the process's priority.
  int nice = 10;
};

// A job as the console sees it.
struct RecolourJob {
  std::string id;       // "job_<random>"
  std::string kind;     // "ruleset" | "risk_areas" | "case_status"
  std::string subject;  // the rule set's id, or what the import changed
  // "queued" | "running" | "finished" | "superseded" | "failed" | "stopped" (server stopping)
  std::string state;
  int64_t total = -1;  // persons to go through; -1 until counted
  int64_t done = 0;    // persons gone through
  int64_t stored = 0;  // colours written
  Recolour counts;     // persons with a declaration scored, and their changes, so far
  int64_t created_at = 0;
  int64_t started_at = 0;   // app clock; 0 until it runs
  int64_t finished_at = 0;  // 0 until it ends
  double seconds = 0;       // running time so far (monotonic clock)
  std::string superseded_by;
  std::string error;  // "failed": what went wrong (also in the server log)
  bool Over() const { return state != "queued" && state != "running"; }
};
Json ToJson(const App& app, const RecolourJob& j);

class RecolourJobs {
 public:
  using Areas = std::map<std::string, std::string>;
  using Cases = std::map<std::string, std::optional<CaseRow>>;  // by id_hmac; nullopt: no row

  // The thread starts with the first job. REQUIRES: app outlives this object.
  explicit RecolourJobs(App* app, RecolourJobsOptions opts = {});
  // The running job stops at its next page ("stopped"); waiting ones are dropped.
  ~RecolourJobs();
  RecolourJobs(const RecolourJobs&) = delete;
  RecolourJobs& operator=(const RecolourJobs&) = delete;

  // Each returns the new job's id. After a rule-set activation: everyone.
  std::string AfterActivation(std::shared_ptr<const ActiveRules> before,
                              std::shared_ptr<const ActiveRules> after, std::string subject);
  // After the risk-area list changed: whoever a changed level can reach
  // (PersonsAffectedByRiskChange), selected by the job itself.
  std::string AfterRiskAreas(Areas before, Areas after, std::string subject);
  // After case statuses changed: the persons with these ID hashes, with the
  // rows before and after the change.
  std::string AfterCaseStatus(Cases before, Cases after, std::string subject);

  std::optional<RecolourJob> Get(const std::string& id);
  std::vector<RecolourJob> List();  // newest first
  // ToJson of the job; {"job_id": id} alone if it is no longer remembered.
  Json Describe(const std::string& id);
  // The job once it is over, or as it is after `ms` milliseconds.
  std::optional<RecolourJob> Wait(const std::string& id, int ms);

  // Tests: called on the job's thread after each page, outside every lock.
  void SetPageHook(std::function<void(const RecolourJob&)> hook);

  struct Work;  // what one kind of job reads and compares (recolour_jobs.cc)

 private:
  struct Entry;
  std::string Submit(std::string kind, std::string subject, std::unique_ptr<Work> work);
  void Run();
  void RunOne(const std::shared_ptr<Entry>& e);

  App* app_;
  RecolourJobsOptions opts_;
  std::mutex mu_;  // guards everything below
  std::condition_variable changed_;
  std::deque<std::shared_ptr<Entry>> queue_;
  std::vector<std::shared_ptr<Entry>> all_;  // newest last, at most opts_.keep (+ unfinished)
  std::function<void(const RecolourJob&)> page_hook_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ankang::server
