// service.cc: scoring reads only what it needs (the risk areas that matter to
// a declaration) and gives the same verdict as with everything.

#include <catch2/catch.hpp>

#include "helpers.h"
#include "server/domain/scoring.h"
#include "shared/facts.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::testing;

TEST_CASE("the risk areas that matter to a declaration give the same facts as the whole list",
          "[service][risk]") {
  const std::map<std::string, std::string> all = {
      {"370000", "medium"},  // the residence's province
      {"420100", "high"},    // a travel entry's city
      {"420102", "medium"},  // that travel entry itself
      {"USA", "high"},       // an overseas stay's country
      {"110101", "high"},    // unrelated
      {"440300", "medium"},  // unrelated
  };
  Json decl = {{"person", {{"region", "370102"}}},
               {"travel_14d",
                {{{"region", "420102"}, {"from", "2026-12-01"}, {"to", "2026-12-03"}},
                 {{"region", "overseas"}, {"country", "USA"}, {"from", "2026-11-20"}}}}};
  const auto relevant = RelevantRiskAreas(all, decl);
  CHECK(relevant ==
        std::map<std::string, std::string>{
            {"370000", "medium"}, {"420100", "high"}, {"420102", "medium"}, {"USA", "high"}});

  FactsInput in;
  in.declaration = decl;
  in.declared_at = Instant{1796515200, 480};
  in.now = Instant{1796515200 + 3600, 480};
  Json rules = Json::parse(PresetText("default"));
  in.authority.risk_areas = all;
  Json with_all = BuildFacts(in, rules);
  in.authority.risk_areas = relevant;
  Json with_relevant = BuildFacts(in, rules);
  CHECK(with_all == with_relevant);
  CHECK(with_all["region_risk"] == "medium");
  CHECK(with_all["declaration"]["travel_14d"][0]["risk"] == "high");
  CHECK(with_all["declaration"]["travel_14d"][1]["risk"] == "high");
  CHECK(Evaluate(rules, with_all).color == Evaluate(rules, with_relevant).color);
}

TEST_CASE("one load scores against several rule sets like separate scorings", "[service]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, 7101);
  Answer d = Call(app, "POST", "/api/v1/declarations",
                  Declaration("王五", ResidentId(711), "370102", 37.6), tok);
  REQUIRE(d.status == 201);
  auto p = app.db->GetPerson(d.json["person_id"].get<std::string>());
  REQUIRE(p);
  auto in = LoadScoreInput(app, *p, false);
  REQUIRE(in);
  for (const std::string name : {"default", "hangzhou", "international"}) {
    Json rules = Json::parse(PresetText(name));
    auto separate = ScorePerson(app, *p, &rules);
    REQUIRE(separate);
    Scored once = Score(*in, rules);
    CHECK(once.verdict.color == separate->verdict.color);
    CHECK(ToJson(once.verdict) == ToJson(separate->verdict));
  }
  CHECK(Score(*in, app.CurrentRules()->json).verdict.color == Color::kYellow);  // fever
}
