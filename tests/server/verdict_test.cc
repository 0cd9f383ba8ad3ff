// Stored verdicts (domain/scoring.h): after every step of a long random run of
// declarations, check-ins, person edits, risk-area and case-status imports,
// rule-set changes, review decisions, retention purges, write-behind flushes
// and clock moves (forward, and now and then back), what a code display
// answers for each person equals a full rescoring of that person, and a good
// share of those answers came from the stored verdict.
#include <catch2/catch.hpp>
#include <random>

#include "helpers.h"
#include "server/domain/rulesets.h"
#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::testing;

namespace {

// The default preset with rules that compare "now" with instants of their own.
ActiveRules NowRules() {
  Json rs = Json::parse(PresetText("default"));
  rs["id"] = "now-rules";
  for (const char* rule : {
           R"({"id": "evening", "color": "yellow",
               "when": {"not-before": [{"var": "now"}, {"plusTime": [{"var": "today"}, 19, "hour"]}]},
               "reason": {"zh": "晚", "en": "evening"}, "advice": {"zh": "晚", "en": "evening"}})",
           R"({"id": "half_day", "color": "yellow",
               "when": {"<": [{"var": "last_report_at"}, {"var": "now"},
                              {"plusTime": [{"var": "last_report_at"}, 13, "hour"]}]},
               "reason": {"zh": "半天", "en": "half day"}, "advice": {"zh": "半", "en": "half"}})",
       }) {
    rs["rules"].push_back(Json::parse(rule));
  }
  ActiveRules a;
  std::string error;
  REQUIRE(MakeActiveRules("now-rules", rs.dump(), &a, &error));
  return a;
}

ActiveRules Preset(const std::string& name) {
  ActiveRules a;
  std::string error;
  REQUIRE(LoadRules(name, &a, &error));
  return a;
}

struct Resident {
  std::string token;
  std::string person_id;
  std::string id_number;
};

const char* const kNames[] = {"张一", "王二", "李三", "赵四", "钱五", "孙六", "周七", "吴八"};
const char* const kRegions[] = {"370102", "420102", "320102", "110105", "440305"};

Json Health(std::mt19937& rng) {
  Json symptoms = Json::array();
  if (rng() % 8 == 0) symptoms.push_back("dry_cough");
  const double temps[] = {36.4, 36.8, 37.5, 38.2};
  return {{"temperature", temps[rng() % 4 < 3 ? rng() % 2 : 2 + rng() % 2]},
          {"symptoms", symptoms},
          {"fever_clinic_14d", false}};
}

std::string DaysAgo(App& app, int64_t days_ago) {
  return FormatDate(AddDays(app.Today(), -days_ago));
}

}  // namespace

TEST_CASE("a stored verdict answers exactly what a full rescoring gives, step after step",
          "[verdicts]") {
  Options o;
  o.dev = true;
  std::unique_ptr<App> owned = NewApp(o);
  App& app = *owned;
  std::mt19937 rng(20261129);
  int64_t now = ParseInstant("2026-11-20T08:00:00+08:00")->unix_seconds;
  app.dev_clock->Set(now);
  std::string admin = LoginStaff(app, "admin");
  std::string issuer = LoginStaff(app, "issuer");
  // Staff sessions end after hours of the moving clock: signed in again then.
  auto as = [&](std::string* token, const char* user, const std::string& method,
                const std::string& path, const Json& body) {
    Answer a = Call(app, method, path, body, *token);
    if (a.status != 401) return a;
    *token = LoginStaff(app, user);
    return Call(app, method, path, body, *token);
  };
  REQUIRE(Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", {"320100"}}}, admin)
              .status == 200);
  const std::vector<ActiveRules> rule_sets = {Preset("default"), Preset("hangzhou"),
                                              Preset("international"), NowRules()};

  std::vector<Resident> residents;
  for (int i = 0; i < 8; ++i) {
    Resident r;
    r.token = LoginResident(app, 9300 + i);
    r.id_number = ResidentId(700 + i);
    Answer a = Call(app, "POST", "/api/v1/declarations",
                    Declaration(kNames[i], r.id_number, kRegions[i % 5]), r.token);
    REQUIRE(a.status == 201);
    r.person_id = a.json["person_id"];
    residents.push_back(r);
  }

  int compared = 0, from_store = 0;
  std::map<std::string, int> ops;
  for (int step = 0; step < 600; ++step) {
    Resident& r = residents[rng() % residents.size()];
    const int op = static_cast<int>(rng() % 20);
    std::string what;
    if (op < 3) {
      what = "declare";
      Json d = {{"person_id", r.person_id},
                {"health", Health(rng)},
                {"travel_14d", Json::array()},
                {"contact_14d", rng() % 10 == 0 ? "confirmed" : "none"},
                {"commitment", true}};
      if (rng() % 3 == 0) {
        d["travel_14d"].push_back(
            {{"region", kRegions[rng() % 5]}, {"from", DaysAgo(app, 5)}, {"to", DaysAgo(app, 2)}});
      }
      Call(app, "POST", "/api/v1/declarations", d, r.token);
    } else if (op < 7) {
      what = "checkin";
      Call(app, "POST", "/api/v1/persons/" + r.person_id + "/checkins", Health(rng), r.token);
    } else if (op == 7) {
      what = "edit";
      Call(app, "PATCH", "/api/v1/persons/" + r.person_id,
           Json{{"region", kRegions[rng() % 5]}, {"address", "2 Test Road"}}, r.token);
    } else if (op == 8) {
      what = "risk";
      Json areas = Json::array();
      const char* levels[] = {"high", "medium", "low"};
      for (const char* code : {"420100", "370102", "320000", "440305", "110000"}) {
        if (rng() % 3 == 0) areas.push_back({{"region", code}, {"level", levels[rng() % 3]}});
      }
      REQUIRE(
          as(&admin, "admin", "PUT", "/api/v1/admin/risk-areas", Json{{"areas", areas}}).status ==
          200);
    } else if (op == 9) {
      what = "case";
      const char* statuses[] = {"close_contact", "confirmed", "recovered", "cleared"};
      as(&admin, "admin", "PUT", "/api/v1/admin/case-status",
         Json{{"id_type", "resident_id"},
              {"id_number", r.id_number},
              {"status", statuses[rng() % 4]},
              {"since", DaysAgo(app, rng() % 10)}});
    } else if (op == 10) {
      what = "rules";
      app.SetRules(rule_sets[rng() % rule_sets.size()]);
    } else if (op == 11) {
      what = "review";
      Answer q = as(&issuer, "issuer", "GET", "/api/v1/review/pending", nullptr);
      if (q.status == 200 && q.json.is_array() && !q.json.empty()) {
        const std::string id = q.json[0]["declaration_id"];
        as(&issuer, "issuer", "POST", "/api/v1/review/" + id,
           rng() % 2 ? Json{{"decision", "approve"}}
                     : Json{{"decision", "reject"}, {"note", "不符"}});
      }
    } else if (op == 12) {
      what = "purge";
      app.db->PurgeBefore(now - 45 * 86400);  // inside the 60-day history window
    } else if (op < 15) {
      what = "flush";
      app.write_behind->Flush();
    } else {
      what = "clock";
      const int64_t steps[] = {1, 59, 600, 3600, 3 * 3600, 86400, 3 * 86400};
      now += rng() % 12 == 0 ? -static_cast<int64_t>(3600 * (1 + rng() % 5))
                             : steps[rng() % 7] + static_cast<int64_t>(rng() % 600);
      app.dev_clock->Set(now);
      app.authority.Invalidate();
    }
    ++ops[what];
    std::shared_ptr<const ActiveRules> rules = app.CurrentRules();
    for (const Resident& x : residents) {
      std::optional<PersonRow> p = app.db->GetPerson(x.person_id);
      REQUIRE(p);
      std::optional<CurrentCode> shown = CodeOnRead(app, *p);
      std::optional<Scored> full = ScorePerson(app, *p, &rules->json);
      REQUIRE(shown.has_value() == full.has_value());
      if (!shown) continue;
      INFO("step " << step << " after " << what << " person " << x.person_id << " stored "
                   << shown->stored);
      REQUIRE(Json::parse(shown->fields) == CodeFields(app, *full));
      ++compared;
      from_store += shown->stored ? 1 : 0;
    }
  }
  std::string mix;
  for (const auto& [what, n] : ops) mix += what + " " + std::to_string(n) + ", ";
  WARN("steps: " << mix);
  // Persons whose declarations were all purged have no code (nor a rescoring).
  CHECK(compared > 600 * 8 / 2);
  // Most reads find nothing moved since the last one was stored (after a flush).
  CHECK(from_store > compared / 4);
  WARN("stored verdicts answered " << from_store << " of " << compared << " reads");
}
