#include "server/domain/recolour_jobs.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

#include "server/app.h"
#include "server/crypto/crypto.h"
#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"
#include "shared/dates.h"

namespace ankang::server {

namespace {

using Steady = std::chrono::steady_clock;

// One person's colour before and after the job's change.
struct Change {
  std::string before;
  std::string after;
};

std::string ColourOf(const ScoreInput& in, const Json& rules) {
  return ToString(Score(in, rules).verdict.color);
}

}  // namespace

// What one kind of job reads and compares.
struct RecolourJobs::Work {
  virtual ~Work() = default;
  // Selects the persons to go through (on the job's thread); returns how many.
  virtual int64_t Prepare(App& app) = 0;
  // The next page of at most `limit` persons; empty at the end.
  virtual std::vector<PersonRow> Next(App& app, int limit) = 0;
  // `in` as LoadScoreInput read it (with the data in force); may be changed.
  virtual Change Compare(App& app, const PersonRow& p, ScoreInput& in) = 0;
};

namespace {

// Everyone, in id order (keyset pagination: each page starts after the last id).
class EveryoneWork : public RecolourJobs::Work {
 public:
  int64_t Prepare(App& app) override {
    int64_t n = 0;
    for (const auto& [colour, count] : app.db->CountPersonsByColor()) n += count;
    return n;
  }
  std::vector<PersonRow> Next(App& app, int limit) override {
    std::vector<PersonRow> page = app.db->ListPersons(after_id_, limit);
    if (!page.empty()) after_id_ = page.back().id;
    return page;
  }

 private:
  std::string after_id_;
};

// A chosen list of persons, read by id a page at a time (only the ids are held).
class ListedWork : public RecolourJobs::Work {
 public:
  std::vector<PersonRow> Next(App& app, int limit) override {
    std::vector<PersonRow> page;
    while (next_ < ids_.size() && page.size() < static_cast<size_t>(limit)) {
      if (auto p = app.db->GetPerson(ids_[next_++])) page.push_back(std::move(*p));
    }
    return page;
  }

 protected:
  int64_t Keep(std::vector<PersonRow> persons) {
    ids_.reserve(persons.size());
    for (PersonRow& p : persons) ids_.push_back(std::move(p.id));
    return static_cast<int64_t>(ids_.size());
  }

 private:
  std::vector<std::string> ids_;
  size_t next_ = 0;
};

class RulesWork : public EveryoneWork {
 public:
  RulesWork(std::shared_ptr<const ActiveRules> before, std::shared_ptr<const ActiveRules> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  Change Compare(App&, const PersonRow&, ScoreInput& in) override {
    Change c{ColourOf(in, before_->json), ""};
    c.after = after_ == before_ ? c.before : ColourOf(in, after_->json);
    return c;
  }

 private:
  std::shared_ptr<const ActiveRules> before_, after_;
};

class RiskAreasWork : public ListedWork {
 public:
  RiskAreasWork(RecolourJobs::Areas before, RecolourJobs::Areas after)
      : before_(std::move(before)), after_(std::move(after)) {}
  int64_t Prepare(App& app) override {
    return Keep(PersonsAffectedByRiskChange(app, before_, after_));
  }
  Change Compare(App& app, const PersonRow&, ScoreInput& in) override {
    std::shared_ptr<const ActiveRules> rules = app.CurrentRules();
    auto& areas = in.facts.authority.risk_areas;
    Change c;
    areas = RelevantRiskAreas(before_, in.facts.declaration);
    c.before = ColourOf(in, rules->json);
    areas = RelevantRiskAreas(after_, in.facts.declaration);
    c.after = ColourOf(in, rules->json);
    return c;
  }

 private:
  RecolourJobs::Areas before_, after_;
};

class CaseStatusWork : public ListedWork {
 public:
  CaseStatusWork(RecolourJobs::Cases before, RecolourJobs::Cases after)
      : before_(std::move(before)), after_(std::move(after)) {}
  int64_t Prepare(App& app) override {
    std::vector<std::string> ids;
    for (const auto& [id_hmac, row] : after_) ids.push_back(id_hmac);
    return Keep(PersonsWithIdHmacs(app, ids));
  }
  Change Compare(App& app, const PersonRow& p, ScoreInput& in) override {
    std::shared_ptr<const ActiveRules> rules = app.CurrentRules();
    Change c;
    Set(before_, p.id_hmac, &in.facts.authority);
    c.before = ColourOf(in, rules->json);
    Set(after_, p.id_hmac, &in.facts.authority);
    c.after = ColourOf(in, rules->json);
    return c;
  }

 private:
  // As scoring reads a case row (server/domain/scoring.cc): none -> "none", "".
  static void Set(const RecolourJobs::Cases& cases, const std::string& id_hmac, AuthorityView* a) {
    auto it = cases.find(id_hmac);
    const bool row = it != cases.end() && it->second;
    a->case_status = row ? it->second->status : "none";
    a->case_since = row ? it->second->since : "";
  }
  RecolourJobs::Cases before_, after_;
};

}  // namespace

struct RecolourJobs::Entry {
  RecolourJob job;             // guarded by mu_
  std::unique_ptr<Work> work;  // used by the job's thread only
  bool cancel = false;         // guarded by mu_: stop at the next page
  Steady::time_point started;  // set when it starts running
  RecolourJob Snapshot() const {
    RecolourJob j = job;
    if (j.state == "running") {
      j.seconds = std::chrono::duration<double>(Steady::now() - started).count();
    }
    return j;
  }
};

Json ToJson(const App& app, const RecolourJob& j) {
  auto at = [&](int64_t t) { return t ? Json(app.Iso(t)) : Json(nullptr); };
  Json out = {{"job_id", j.id},
              {"kind", j.kind},
              {"subject", j.subject},
              {"state", j.state},
              {"total", j.total < 0 ? Json(nullptr) : Json(j.total)},
              {"done", j.done},
              {"stored", j.stored},
              {"counts", ToJson(j.counts)},
              {"created_at", at(j.created_at)},
              {"started_at", at(j.started_at)},
              {"finished_at", at(j.finished_at)},
              {"seconds", j.seconds},
              {"rate", j.seconds > 0 ? static_cast<double>(j.done) / j.seconds : 0.0}};
  if (!j.superseded_by.empty()) out["superseded_by"] = j.superseded_by;
  if (!j.error.empty()) out["error"] = j.error;
  return out;
}

RecolourJobs::RecolourJobs(App* app, RecolourJobsOptions opts) : app_(app), opts_(opts) {}

RecolourJobs::~RecolourJobs() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    for (auto& e : all_) e->cancel = true;
    queue_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string RecolourJobs::AfterActivation(std::shared_ptr<const ActiveRules> before,
                                          std::shared_ptr<const ActiveRules> after,
                                          std::string subject) {
  return Submit("ruleset", std::move(subject),
                std::make_unique<RulesWork>(std::move(before), std::move(after)));
}

std::string RecolourJobs::AfterRiskAreas(Areas before, Areas after, std::string subject) {
  return Submit("risk_areas", std::move(subject),
                std::make_unique<RiskAreasWork>(std::move(before), std::move(after)));
}

std::string RecolourJobs::AfterCaseStatus(Cases before, Cases after, std::string subject) {
  return Submit("case_status", std::move(subject),
                std::make_unique<CaseStatusWork>(std::move(before), std::move(after)));
}

std::string RecolourJobs::Submit(std::string kind, std::string subject,
                                 std::unique_ptr<Work> work) {
  auto e = std::make_shared<Entry>();
  e->job.id = "job_" + RandomId(9);
  e->job.kind = std::move(kind);
  e->job.subject = std::move(subject);
  e->job.state = "queued";
  e->job.created_at = app_->Now();
  e->work = std::move(work);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (e->job.kind == "ruleset") {
      // A newer activation makes an older one's recolouring moot: it goes through everyone.
      for (auto it = queue_.begin(); it != queue_.end();) {
        if ((*it)->job.kind != "ruleset") {
          ++it;
          continue;
        }
        (*it)->job.state = "superseded";
        (*it)->job.superseded_by = e->job.id;
        (*it)->job.finished_at = e->job.created_at;
        (*it)->work.reset();  // never started: nothing else holds it
        it = queue_.erase(it);
      }
      for (auto& other : all_) {
        if (other->job.kind == "ruleset" && other->job.state == "running") {
          other->cancel = true;
          other->job.superseded_by = e->job.id;
        }
      }
    }
    queue_.push_back(e);
    all_.push_back(e);
    // Forget the oldest jobs that are over.
    size_t over = 0;
    for (const auto& x : all_) over += x->job.Over() ? 1 : 0;
    for (auto it = all_.begin(); it != all_.end() && over > static_cast<size_t>(opts_.keep);) {
      if ((*it)->job.Over()) {
        it = all_.erase(it);
        --over;
      } else {
        ++it;
      }
    }
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  changed_.notify_all();
  return e->job.id;
}

std::optional<RecolourJob> RecolourJobs::Get(const std::string& id) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& e : all_) {
    if (e->job.id == id) return e->Snapshot();
  }
  return std::nullopt;
}

Json RecolourJobs::Describe(const std::string& id) {
  std::optional<RecolourJob> j = Get(id);
  return j ? ToJson(*app_, *j) : Json{{"job_id", id}};
}

std::vector<RecolourJob> RecolourJobs::List() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<RecolourJob> out;
  for (auto it = all_.rbegin(); it != all_.rend(); ++it) out.push_back((*it)->Snapshot());
  return out;
}

std::optional<RecolourJob> RecolourJobs::Wait(const std::string& id, int ms) {
  std::unique_lock<std::mutex> l(mu_);
  std::shared_ptr<Entry> e;
  for (const auto& x : all_) {
    if (x->job.id == id) e = x;
  }
  if (!e) return std::nullopt;
  changed_.wait_for(l, std::chrono::milliseconds(ms), [&] { return e->job.Over(); });
  return e->Snapshot();
}

void RecolourJobs::SetPageHook(std::function<void(const RecolourJob&)> hook) {
  std::lock_guard<std::mutex> l(mu_);
  page_hook_ = std::move(hook);
}

void RecolourJobs::Run() {
  if (opts_.nice > 0) {
    // Linux applies a niceness to the one thread named by its id.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), opts_.nice);
  }
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    changed_.wait(l, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::shared_ptr<Entry> e = queue_.front();
    queue_.pop_front();
    e->job.state = "running";
    e->job.started_at = app_->Now();
    e->started = Steady::now();
    l.unlock();
    changed_.notify_all();
    RunOne(e);
    l.lock();
  }
}

void RecolourJobs::RunOne(const std::shared_ptr<Entry>& e) {
  App& app = *app_;
  std::string error;
  try {
    const int64_t total = e->work->Prepare(app);
    {
      std::lock_guard<std::mutex> l(mu_);
      e->job.total = total;
    }
    for (;;) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (e->cancel) break;
      }
      const std::vector<PersonRow> page = e->work->Next(app, opts_.page);
      if (page.empty()) break;
      Recolour counts;
      int64_t stored = 0;
      const std::string today = FormatDate(app.Today());
      for (const PersonRow& p : page) {
        std::optional<ScoreInput> in = LoadScoreInput(app, p, false);
        if (!in) continue;
        const Change c = e->work->Compare(app, p, *in);
        counts.Add(c.before, c.after);
        // The stored verdict and colour, with the data in force now (queued).
        std::optional<Scored> now = RefreshVerdict(app, p);
        if (!now) continue;
        const std::string colour = ToString(now->verdict.color);
        if (colour != p.last_color) ++stored;
        if (c.before != c.after) app.write_behind->ColourDay(today, p.id, p.region, colour);
      }
      // This page's verdicts, colours and statistics in one short transaction
      // (the queue stays small, the writer is held for one page's rows).
      app.write_behind->Flush();
      std::function<void(const RecolourJob&)> hook;
      RecolourJob now;
      {
        std::lock_guard<std::mutex> l(mu_);
        e->job.done += static_cast<int64_t>(page.size());
        e->job.stored += stored;
        e->job.counts.Add(counts);
        e->job.seconds = std::chrono::duration<double>(Steady::now() - e->started).count();
        hook = page_hook_;
        now = e->job;
      }
      changed_.notify_all();
      if (hook) hook(now);
    }
  } catch (const std::exception& ex) {
    error = ex.what();
    std::fprintf(stderr, "recolour job %s failed: %s\n", e->job.id.c_str(), ex.what());
  }
  // Audited before the job shows as over, so that whoever waits for it finds the entry.
  RecolourJob end;
  {
    std::lock_guard<std::mutex> l(mu_);
    end = e->job;
    end.state = !error.empty() ? "failed"
                : !e->cancel   ? "finished"
                : stop_        ? "stopped"
                               : "superseded";
  }
  try {
    app.Audit(Caller{}, "recolour." + end.state, end.id,
              {{"kind", end.kind},
               {"subject", end.subject},
               {"done", end.done},
               {"scored", end.counts.total},
               {"recolored", end.counts.changed},
               {"stored", end.stored}});
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "recolour job %s: audit entry lost: %s\n", end.id.c_str(), ex.what());
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    RecolourJob& j = e->job;
    j.state = end.state;
    j.error = error.empty() ? "" : "internal";
    j.finished_at = app.Now();
    j.seconds = std::chrono::duration<double>(Steady::now() - e->started).count();
    e->work.reset();  // the lists and rule sets it held
  }
  changed_.notify_all();
}

}  // namespace ankang::server
