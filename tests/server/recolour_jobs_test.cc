// Recolouring in the background (domain/recolour_jobs.h): an activation is in
// force when it answers and its job recolours everyone in pages; the counts
// equal a full rescoring before and after, the stored colours equal a full
// rescoring afterwards and every stored verdict is fresh again; a newer
// activation supersedes a running one; large imports answer 202 with the job;
// the progress endpoint; a server stopped mid-job restarts consistent.
#include "server/domain/recolour_jobs.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "helpers.h"
#include "server/domain/recolour.h"
#include "server/domain/scoring.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::testing;

namespace {

constexpr int kPage = 4;  // persons per page: a few dozen persons make many pages

// A --dev App for this file, with small pages, and its residents.
struct Province {
  std::unique_ptr<App> app;
  std::string admin;
  std::vector<std::string> persons;  // ids
  std::vector<std::string> tokens;
};

Province& TestProvince() {
  static Province p = [] {
    Province out;
    Options o;
    o.dev = true;
    out.app = NewApp(o);
    App& app = *out.app;
    app.recolour_jobs = std::make_unique<RecolourJobs>(&app, RecolourJobsOptions{kPage, 20, 0});
    out.admin = LoginStaff(app, "admin");
    // 10:00 local: far from midnight and from the hour after the declarations, so
    // a stored verdict still holds when a case checks it.
    app.dev_clock->Set(AtLocalTime(app.Today(), 10, 0, app.opts.tz_offset_minutes).unix_seconds);
    const char* regions[] = {"370102", "370103", "420102", "110105"};
    for (int i = 0; i < 30; ++i) {
      const std::string token = LoginResident(app, 7000 + i);
      const char* digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
      Json d = Declaration(std::string("测试") + digits[i / 10] + digits[i % 10],
                           ResidentId(500 + i), regions[i % 4], i % 5 == 0 ? 37.6 : 36.5);
      Answer a = Call(app, "POST", "/api/v1/declarations", d, token);
      REQUIRE(a.status == 201);
      out.persons.push_back(a.json["person_id"].get<std::string>());
      out.tokens.push_back(token);
    }
    // A verdict scored in the second of a declaration holds for that second only.
    app.dev_clock->Set(app.Now() + 5);
    return out;
  }();
  return p;
}

// Everyone's colour now, scored one by one.
std::map<std::string, std::string> EveryColour(App& app) {
  std::map<std::string, std::string> out;
  for (const PersonRow& p : app.db->ListPersons("", 100000)) {
    if (auto s = ScorePerson(app, p)) out[p.id] = ToString(s->verdict.color);
  }
  return out;
}

// Stored colours equal a full rescoring, and every stored verdict is fresh: a
// code display answers it without rescoring.
void CheckStored(App& app) {
  for (const auto& [id, colour] : EveryColour(app)) {
    INFO(id);
    const PersonRow p = *app.db->GetPerson(id);
    CHECK(p.last_color == colour);
    std::optional<CurrentCode> code = CodeOnRead(app, p);
    REQUIRE(code);
    CHECK(code->stored);
    CHECK(ToString(code->color) == colour);
  }
}

// A rule set under `id` whose extra rule makes everyone living in `region` yellow.
std::string Upload(App& app, const std::string& admin, const std::string& id,
                   const std::string& region) {
  const Json when =
      Json::parse(R"({"==": [{"var": "declaration.person.region"}, ")" + region + R"("]})");
  Json rs = Json::parse(PresetText("default"));
  rs["id"] = id;
  rs["rules"].push_back({{"id", "extra"},
                         {"color", "yellow"},
                         {"when", when},
                         {"reason", {{"zh", "测试"}, {"en", "test"}}},
                         {"advice", {{"zh", "测试"}, {"en", "test"}}}});
  Answer a = Call(app, "POST", "/api/v1/admin/rulesets", Json{{"rule_set", rs}}, admin);
  REQUIRE(a.status == 201);
  return a.json["ruleset_id"].get<std::string>();
}

// Holds the job's thread after each page until released.
class Gate {
 public:
  void Install(RecolourJobs& jobs) {
    jobs.SetPageHook([this](const RecolourJob& j) {
      std::unique_lock<std::mutex> l(mu_);
      pages_ += 1;
      last_ = j;
      cv_.notify_all();
      cv_.wait(l, [&] { return open_; });
    });
  }
  // Waits until a page was done (and the job is held after it).
  RecolourJob WaitForPage() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return pages_ > 0; });
    return last_;
  }
  void Open() {
    std::lock_guard<std::mutex> l(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int pages_ = 0;
  bool open_ = false;
  RecolourJob last_;
};

RecolourJob WaitOver(App& app, const std::string& id) {
  std::optional<RecolourJob> j;
  for (int i = 0; i < 600 && !(j = app.recolour_jobs->Wait(id, 100))->Over(); ++i) {
  }
  REQUIRE(j);
  REQUIRE(j->Over());
  return *j;
}

}  // namespace

TEST_CASE(
    "an activation answers before its recolouring ends; the counts and stored colours are exact",
    "[recolour_jobs]") {
  Province& pv = TestProvince();
  App& app = *pv.app;
  // Fever or travel: those already yellow stay yellow; the rest of Jinan turns yellow.
  const std::string rs = Upload(app, pv.admin, "jinan-yellow", "370102");
  const auto before = EveryColour(app);
  Gate gate;
  gate.Install(*app.recolour_jobs);

  Answer a =
      Call(app, "POST", "/api/v1/admin/rulesets/" + rs + "/activate", Json::object(), pv.admin);
  REQUIRE(a.status == 202);
  CHECK(a.json["active"] == true);
  const std::string job = a.json["job"]["job_id"].get<std::string>();
  CHECK(a.json["job"]["kind"] == "ruleset");
  CHECK(a.json["job"]["subject"] == rs);

  // Held after its first page: the answer came first, the rules are in force
  // (a code display shows the new colour), most stored colours are not yet new.
  const RecolourJob first = gate.WaitForPage();
  CHECK(first.id == job);
  CHECK(first.done == kPage);
  CHECK(first.total == 30);
  const auto after = EveryColour(app);
  int stale = 0;
  for (const auto& [id, colour] : after) stale += app.db->GetPerson(id)->last_color != colour;
  CHECK(stale > 0);
  // Persons 4, 8, 12, ... live in 370102 without a fever: green before, yellow now.
  Answer code =
      Call(app, "GET", "/api/v1/persons/" + pv.persons[4] + "/code", nullptr, pv.tokens[4]);
  REQUIRE(code.status == 200);
  CHECK(before.at(pv.persons[4]) == "green");
  CHECK(code.json["color"] == "yellow");
  Answer progress = Call(app, "GET", "/api/v1/admin/recolour-jobs/" + job, nullptr, pv.admin);
  REQUIRE(progress.status == 200);
  CHECK(progress.json["state"] == "running");
  CHECK(progress.json["done"] == kPage);
  CHECK(progress.json["total"] == 30);
  CHECK(progress.json["finished_at"].is_null());
  CHECK(!progress.json["started_at"].is_null());

  gate.Open();
  const RecolourJob done = WaitOver(app, job);
  app.recolour_jobs->SetPageHook(nullptr);
  CHECK(done.state == "finished");
  CHECK(done.done == 30);
  CHECK(done.total == 30);
  const Recolour full = Compare(before, after);
  CHECK(full.changed > 0);
  CHECK(ToJson(done.counts) == ToJson(full));
  CheckStored(app);

  progress = Call(app, "GET", "/api/v1/admin/recolour-jobs/" + job, nullptr, pv.admin);
  CHECK(progress.json["state"] == "finished");
  CHECK(progress.json["done"] == 30);
  CHECK(progress.json["counts"] == ToJson(full));
  CHECK(!progress.json["finished_at"].is_null());
  CHECK(progress.json["rate"].get<double>() > 0);
  Answer list = Call(app, "GET", "/api/v1/admin/recolour-jobs", nullptr, pv.admin);
  REQUIRE(list.status == 200);
  CHECK(list.json["jobs"][0]["job_id"] == job);
  CHECK(Call(app, "GET", "/api/v1/admin/recolour-jobs/job_nope", nullptr, pv.admin).status == 404);
  CHECK(Call(app, "GET", "/api/v1/admin/recolour-jobs/" + job, nullptr, pv.tokens[0]).status ==
        403);
}

TEST_CASE("a newer activation supersedes a running recolouring; the last one leaves exact colours",
          "[recolour_jobs]") {
  Province& pv = TestProvince();
  App& app = *pv.app;
  const std::string rs1 = Upload(app, pv.admin, "wuhan-yellow", "420102");
  const std::string rs2 = Upload(app, pv.admin, "beijing-yellow", "110105");
  Gate gate;
  gate.Install(*app.recolour_jobs);
  Answer a1 =
      Call(app, "POST", "/api/v1/admin/rulesets/" + rs1 + "/activate", Json::object(), pv.admin);
  REQUIRE(a1.status == 202);
  const std::string job1 = a1.json["job"]["job_id"].get<std::string>();
  gate.WaitForPage();  // job 1 holds after one page: a few stored colours are rs1's

  const auto before2 = EveryColour(app);  // under rs1
  Answer a2 =
      Call(app, "POST", "/api/v1/admin/rulesets/" + rs2 + "/activate", Json::object(), pv.admin);
  REQUIRE(a2.status == 202);
  const std::string job2 = a2.json["job"]["job_id"].get<std::string>();
  CHECK(a2.json["job"]["state"] == "queued");
  const auto after2 = EveryColour(app);  // under rs2
  app.recolour_jobs->SetPageHook(nullptr);
  gate.Open();

  const RecolourJob j1 = WaitOver(app, job1);
  CHECK(j1.state == "superseded");
  CHECK(j1.superseded_by == job2);
  CHECK(j1.done < 30);
  const RecolourJob j2 = WaitOver(app, job2);
  CHECK(j2.state == "finished");
  CHECK(j2.done == 30);
  CHECK(ToJson(j2.counts) == ToJson(Compare(before2, after2)));
  CheckStored(app);
  // Audited at the end of each.
  Answer audit = Call(app, "GET", "/api/v1/admin/audit-log?action=recolour.", nullptr, pv.admin);
  std::set<std::string> seen;
  for (const Json& e : audit.json["entries"])
    seen.insert(e["action"].get<std::string>() + " " + e["target"].get<std::string>());
  CHECK(seen.count("recolour.superseded " + job1));
  CHECK(seen.count("recolour.finished " + job2));

  // Back to the preset for the other cases.
  Answer back =
      Call(app, "POST", "/api/v1/admin/rulesets/preset:default/activate", Json::object(), pv.admin);
  REQUIRE(back.status == 202);
  WaitOver(app, back.json["job"]["job_id"].get<std::string>());
  CheckStored(app);
}

TEST_CASE(
    "imports answer 202 with their job when it outlasts --recolour-wait-ms; counts stay exact",
    "[recolour_jobs]") {
  Province& pv = TestProvince();
  App& app = *pv.app;
  app.opts.recolour_wait_ms = 0;
  Gate gate;
  gate.Install(*app.recolour_jobs);

  auto before = EveryColour(app);
  Answer a = Call(app, "POST", "/api/v1/admin/risk-areas/import",
                  Json{{"csv", "region,level\n370100,high\n420102,medium\n"}}, pv.admin);
  REQUIRE(a.status == 202);
  CHECK(a.json["accepted"] == 2);
  CHECK(!a.json.contains("recolored"));
  const std::string job = a.json["job"]["job_id"].get<std::string>();
  CHECK(a.json["job"]["kind"] == "risk_areas");
  gate.WaitForPage();
  auto after = EveryColour(app);  // the new levels are in force already
  app.recolour_jobs->SetPageHook(nullptr);
  gate.Open();
  RecolourJob j = WaitOver(app, job);
  CHECK(j.state == "finished");
  CHECK(j.total == 23);  // living in Jinan (two counties) or in Wuhan's 420102
  CHECK(j.counts.total == 23);
  CHECK(j.counts.changed == Compare(before, after).changed);
  CHECK(ToJson(j.counts)["transitions"] == ToJson(Compare(before, after))["transitions"]);
  CHECK(j.counts.changed > 0);
  CheckStored(app);

  // Case status: the person's colour before is the one without the case.
  before = EveryColour(app);
  // Persons 3 and 7 live in Beijing without a fever: green, then red.
  Gate gate2;
  gate2.Install(*app.recolour_jobs);
  Answer c = Call(app, "POST", "/api/v1/admin/case-status/import",
                  Json{{"csv", "resident_id," + ResidentId(503) + ",confirmed,\nresident_id," +
                                   ResidentId(507) + ",close_contact,\n"}},
                  pv.admin);
  REQUIRE(c.status == 202);
  gate2.WaitForPage();
  after = EveryColour(app);
  app.recolour_jobs->SetPageHook(nullptr);
  gate2.Open();
  j = WaitOver(app, c.json["job"]["job_id"].get<std::string>());
  CHECK(j.total == 2);
  CHECK(j.counts.changed == Compare(before, after).changed);
  CHECK(ToJson(j.counts)["transitions"] == Json{{"green->red", 2}});
  CHECK(j.counts.changed == 2);
  CheckStored(app);

  // Waiting long enough gives the synchronous answer with the counts.
  app.opts.recolour_wait_ms = 10000;
  before = EveryColour(app);
  Answer s = Call(app, "POST", "/api/v1/admin/risk-areas/import",
                  Json{{"csv", "370100,low\n420102,low\n"}}, pv.admin);
  REQUIRE(s.status == 200);
  CHECK(s.json["recolored"] == Compare(before, EveryColour(app)).changed);
  CHECK(s.json["job"]["state"] == "finished");
  CheckStored(app);
  app.opts.recolour_wait_ms = 500;
}

TEST_CASE("a server stopped during a recolouring leaves nothing a restart reads wrong",
          "[recolour_jobs]") {
  char tmpl[] = "/tmp/ankang-recolour-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const KeyFiles keys{DataKeys::Random(), SigningKeys::Generate(SystemClock().Now())};
  Options o;
  o.dev = true;
  o.quiet = true;
  o.data = dir;
  std::map<std::string, std::string> after;
  std::string job;
  int64_t stopped_at = 0;
  {
    std::unique_ptr<App> app = MakeApp(o, OpenSqliteStorage(dir + "/ankang.db"), keys);
    app->recolour_jobs = std::make_unique<RecolourJobs>(app.get(), RecolourJobsOptions{2, 20, 0});
    const std::string admin = LoginStaff(*app, "admin");
    for (int i = 0; i < 12; ++i) {
      const char* digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
      Json d = Declaration(std::string("重启") + digits[i / 10] + digits[i % 10],
                           ResidentId(600 + i), i % 2 ? "370102" : "110105");
      REQUIRE(Call(*app, "POST", "/api/v1/declarations", d, LoginResident(*app, 7100 + i)).status ==
              201);
    }
    app->dev_clock->Set(app->Now() + 5);
    const std::string rs = Upload(*app, admin, "jinan-yellow", "370102");
    Gate gate;
    gate.Install(*app->recolour_jobs);
    Answer a =
        Call(*app, "POST", "/api/v1/admin/rulesets/" + rs + "/activate", Json::object(), admin);
    REQUIRE(a.status == 202);
    job = a.json["job"]["job_id"].get<std::string>();
    gate.WaitForPage();  // 2 of 12 done
    after = EveryColour(*app);
    stopped_at = app->Now();
    // The gate opens only once the App is being destroyed: opened before, the
    // job could finish its last pages before the stop (seen under load).
    std::thread opener([&gate] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      gate.Open();
    });
    app.reset();  // stops the job after its current page, then the write-behind, then storage
    opener.join();
  }
  // The restart: the new rules are in force and every code equals a full rescoring.
  std::unique_ptr<App> app = MakeApp(o, OpenSqliteStorage(dir + "/ankang.db"), keys);
  app->dev_clock->Set(stopped_at + 1);
  CHECK(StrField(app->CurrentRules()->json, "id") == "jinan-yellow");
  CHECK(EveryColour(*app) == after);
  int stale = 0;
  for (const auto& [id, colour] : after) {
    std::optional<CurrentCode> code = CodeOnRead(*app, *app->db->GetPerson(id));
    REQUIRE(code);
    CHECK(ToString(code->color) == colour);
    stale += code->stored ? 0 : 1;
  }
  CHECK(stale > 0);  // the verdicts the job did not reach were rescored on read
  const auto entries = app->db->QueryAudit(AuditQuery{"", "recolour.stopped", job, 0, 0, 10});
  CHECK(entries.size() == 1);
  app.reset();
  std::filesystem::remove_all(dir);
}
