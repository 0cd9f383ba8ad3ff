// Targeted rescoring (domain/recolour.h): risk-area and case-status imports and
// close-contact marking rescore only the persons the change can reach, and
// report exactly what rescoring everyone would; the rule-set dry run still
// considers everyone, once.
#include <catch2/catch.hpp>

#include "helpers.h"
#include "server/domain/recolour.h"
#include "server/domain/scoring.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::testing;

namespace {

// A fresh --dev App for this file (authority data of its own).
App& RescoreApp() {
  static std::unique_ptr<App> app = [] {
    Options o;
    o.dev = true;
    return NewApp(o);
  }();
  return *app;
}

// Everyone's colour now, scored one by one: what the console used to compute.
std::map<std::string, std::string> EveryColour(App& app) {
  std::map<std::string, std::string> out;
  for (const PersonRow& p : app.db->ListPersons("", 100000)) {
    if (auto s = ScorePerson(app, p)) out[p.id] = ToString(s->verdict.color);
  }
  return out;
}

// The recolour answer equals the comparison of everyone before and after, and
// every changed person's stored colour is the new one.
void CheckExact(App& app, const std::map<std::string, std::string>& before, const Answer& a) {
  REQUIRE(a.status == 200);
  const auto after = EveryColour(app);
  Recolour full = Compare(before, after);
  CHECK(a.json["recolored"] == full.changed);
  CHECK(a.json["transitions"] == ToJson(full)["transitions"]);
  for (const auto& [id, color] : after) {
    if (before.at(id) != color) CHECK(app.db->GetPerson(id)->last_color == color);
  }
}

struct Resident {
  std::string token;
  std::string person_id;
  Json declaration;
};

int next_resident = 8000;

Resident Declare(App& app, const std::string& region, const Json& travel = Json::array(),
                 double temperature = 36.5) {
  Resident r;
  const int n = next_resident++;
  r.token = LoginResident(app, n);
  Json& d = r.declaration;
  const char* digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  std::string name = "测试";
  for (char c : std::to_string(n)) name += digits[c - '0'];
  d = Declaration(name, ResidentId(n % 1000), region, temperature);
  d["travel_14d"] = travel;
  Answer a = Call(app, "POST", "/api/v1/declarations", d, r.token);
  INFO(a.raw.body);
  REQUIRE(a.status == 201);
  r.person_id = a.json["person_id"].get<std::string>();
  return r;
}

Json Stay(App& app, const std::string& region) {
  return Json::array({{{"region", region},
                       {"from", FormatDate(AddDays(app.Today(), -4))},
                       {"to", FormatDate(AddDays(app.Today(), -3))}}});
}

}  // namespace

TEST_CASE("risk-area and case-status imports rescore only who they reach, with exact counts",
          "[rescore]") {
  App& app = RescoreApp();
  const std::string admin = LoginStaff(app, "admin");
  Declare(app, "420102");                       // lives in the city marked below
  Declare(app, "420103");                       // same city, another county
  Declare(app, "420102", Json::array(), 37.6);  // already yellow (fever)
  Declare(app, "370102", Stay(app, "420102"));  // travelled there
  Declare(app, "370102", Stay(app, "440305"));  // travelled elsewhere
  Resident far = Declare(app, "110105");        // unrelated
  Declare(app, "440305");                       // lives in the second city
  // Travelled to the city once, but the latest declaration has no travel.
  Resident moved = Declare(app, "370103", Stay(app, "420103"));
  app.dev_clock->Set(app.Now() + 120);  // a later declaration, not one of the same second
  moved.declaration["travel_14d"] = Json::array();
  moved.declaration["person_id"] = moved.person_id;
  Answer again = Call(app, "POST", "/api/v1/declarations", moved.declaration, moved.token);
  REQUIRE(again.status == 201);

  auto before = EveryColour(app);
  Answer a = Call(app, "POST", "/api/v1/admin/risk-areas/import",
                  Json{{"csv", "region,level\n420100,high\n"}}, admin);
  CheckExact(app, before, a);
  CHECK(a.json["recolored"] == 4);  // the three in Wuhan and the traveller
  CHECK(a.json["rescored"] == 4);   // the person whose older declaration named it is not read

  // The same level again reaches nobody.
  before = EveryColour(app);
  a = Call(app, "POST", "/api/v1/admin/risk-areas/import", Json{{"csv", "420100,high\n"}}, admin);
  CheckExact(app, before, a);
  CHECK(a.json["recolored"] == 0);
  CHECK(a.json["rescored"] == 0);

  // Lowering one area and raising another: both sets are rescored.
  before = EveryColour(app);
  a = Call(app, "POST", "/api/v1/admin/risk-areas/import",
           Json{{"csv", "420100,low\n440300,medium\n"}}, admin);
  CheckExact(app, before, a);
  CHECK(a.json["recolored"] == 6);
  CHECK(a.json["rescored"] == 6);

  // A province-wide level reaches every county below it.
  before = EveryColour(app);
  a = Call(app, "POST", "/api/v1/admin/risk-areas/import", Json{{"csv", "370000,high\n"}}, admin);
  CheckExact(app, before, a);
  CHECK(a.json["rescored"] == 3);

  // Case status: only the persons with the listed IDs.
  before = EveryColour(app);
  a = Call(app, "POST", "/api/v1/admin/case-status/import",
           Json{{"csv", "resident_id," + far.declaration["person"]["id_number"].get<std::string>() +
                            ",confirmed,2026-11-01\n"}},
           admin);
  CheckExact(app, before, a);
  CHECK(a.json["recolored"] == 1);
  CHECK(a.json["rescored"] == 1);
  CHECK(a.json["transitions"] == Json{{"green->red", 1}});
}

TEST_CASE("close contacts rescore the visitors only, with exact counts", "[rescore]") {
  App& app = RescoreApp();
  const std::string admin = LoginStaff(app, "admin");
  const std::string venue_staff = LoginStaff(app, "venue");
  Answer v = Call(app, "POST", "/api/v1/venues",
                  Json{{"name", "图书馆"}, {"region", "110105"}, {"address", ""}}, venue_staff);
  REQUIRE(v.status == 201);
  const std::string path = "/api/v1/venues/" + v.json["venue_id"].get<std::string>();
  Resident a1 = Declare(app, "110105");
  Resident a2 = Declare(app, "110105");
  Declare(app, "110105");  // stayed home
  for (const Resident& r : {a1, a2}) {
    REQUIRE(Call(app, "POST", path + "/checkins",
                 Json{{"visitors", {{{"person_id", r.person_id}, {"temperature", 36.4}}}}}, r.token)
                .status == 201);
  }
  auto before = EveryColour(app);
  Answer a =
      Call(app, "POST", "/api/v1/admin" + path.substr(7) + "/close-contacts",
           Json{{"from", app.Iso(app.Now() - 3600)}, {"to", app.Iso(app.Now() + 60)}}, admin);
  CheckExact(app, before, a);
  CHECK(a.json["marked"] == 2);
  CHECK(a.json["rescored"] == 2);
  CHECK(a.json["recolored"] == 2);
}

TEST_CASE("a rule-set dry run still considers everyone, once, and writes nothing", "[rescore]") {
  App& app = RescoreApp();
  const std::string admin = LoginStaff(app, "admin");
  const auto before = EveryColour(app);
  Json strict = Json::parse(PresetText("default"));
  // Everyone yellow: a rule that always fires.
  strict["id"] = "strict";
  strict["rules"].push_back({{"id", "always"},
                             {"color", "yellow"},
                             {"when", true},
                             {"reason", {{"zh", "测试"}, {"en", "test"}}},
                             {"advice", {{"zh", "测试"}, {"en", "test"}}}});
  Answer a = Call(app, "POST", "/api/v1/admin/rulesets/dry-run", Json{{"rule_set", strict}}, admin);
  REQUIRE(a.status == 200);
  Recolour expected;
  for (const auto& [id, color] : before) {
    ++expected.total;
    if (color == "green") {
      ++expected.changed;
      ++expected.transitions["green->yellow"];
    }
  }
  CHECK(a.json["dry_run"] == ToJson(expected));
  CHECK(a.json["dry_run"]["total"] == static_cast<int64_t>(before.size()));
  CHECK(EveryColour(app) == before);  // nothing written
}
