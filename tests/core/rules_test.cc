// The JsonLogic subset, its totality, the rule-set checker and the verdict.
#include "shared/rules.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace ankang {
namespace {

Json J(const char* s) { return Json::parse(s, nullptr, false); }
Json Ev(const char* expr, const char* data = "{}") { return EvalLogic(J(expr), J(data)); }

Json LoadPreset(const std::string& name) {
  std::ifstream in(std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str(), nullptr, false);
}

bool HasProblem(const std::vector<RuleSetProblem>& ps, const std::string& path,
                const std::string& code) {
  return std::any_of(ps.begin(), ps.end(),
                     [&](const RuleSetProblem& p) { return p.path == path && p.code == code; });
}

TEST_CASE("var reads dot paths, array indices and defaults", "[rules]") {
  const char* data = R"({"a":{"b":[10,{"c":"x"}]},"n":null,"z":0})";
  CHECK(Ev(R"({"var":"a.b.0"})", data) == 10);
  CHECK(Ev(R"({"var":"a.b.1.c"})", data) == "x");
  CHECK(Ev(R"({"var":["a.missing","dflt"]})", data) == "dflt");
  CHECK(Ev(R"({"var":["n",5]})", data) == 5);  // null takes the default
  CHECK(Ev(R"({"var":["z",5]})", data) == 0);  // 0 is a value, not missing
  CHECK(Ev(R"({"var":"a.b.9"})", data).is_null());
  CHECK(Ev(R"({"var":"a.b.x"})", data).is_null());
  CHECK(Ev(R"({"var":""})", "[1,2]") == J("[1,2]"));
  CHECK(Ev(R"({"var":1})", "[\"p\",\"q\"]") == "q");
  CHECK(Ev(R"({"var":{"cat":["a",".b.0"]}})", data) == 10);
}

TEST_CASE("logic and equality follow JsonLogic", "[rules]") {
  CHECK(Ev(R"({"if":[true,"yes","no"]})") == "yes");
  CHECK(Ev(R"({"if":[false,"a",0,"b","c"]})") == "c");
  CHECK(Ev(R"({"if":[false,"a"]})").is_null());
  CHECK(Ev(R"({"?:":[0,"a","b"]})") == "b");
  CHECK(Ev(R"({"and":[1,"x",0,2]})") == 0);
  CHECK(Ev(R"({"and":[1,"x"]})") == "x");
  CHECK(Ev(R"({"or":[0,"",[],"first",2]})") == "first");
  CHECK(Ev(R"({"!":[[]]})") == true);
  CHECK(Ev(R"({"!!":["0"]})") == true);
  CHECK(Ev(R"({"!!":[0]})") == false);
  CHECK(Ev(R"({"==":[1,"1"]})") == true);
  CHECK(Ev(R"({"===":[1,"1"]})") == false);
  CHECK(Ev(R"({"===":[1,1.0]})") == true);
  CHECK(Ev(R"({"!==":[1,"1"]})") == true);
  CHECK(Ev(R"({"==":[null,0]})") == false);
  CHECK(Ev(R"({"==":[null,null]})") == true);
  CHECK(Ev(R"({"!=":["a","b"]})") == true);
  CHECK(Ev(R"({"==":[true,1]})") == true);
}

TEST_CASE("comparisons on numbers, between form, null and strings", "[rules]") {
  CHECK(Ev(R"({"<":[1,2]})") == true);
  CHECK(Ev(R"({"<":[2,2]})") == false);
  CHECK(Ev(R"({"<=":[2,2]})") == true);
  CHECK(Ev(R"({">":["10",9]})") == true);
  CHECK(Ev(R"({">=":[37.3,37.3]})") == true);
  CHECK(Ev(R"({">=":[37.2,37.3]})") == false);
  CHECK(Ev(R"({"<":[1,5,10]})") == true);
  CHECK(Ev(R"({"<":[1,10,5]})") == false);
  CHECK(Ev(R"({"<=":[1,1,1]})") == true);
  // Missing data never satisfies a comparison (JS would read null as 0).
  CHECK(Ev(R"({"<":[{"var":"missing"},14]})") == false);
  CHECK(Ev(R"({">=":[{"var":"missing"},0]})") == false);
  CHECK(Ev(R"({"<":["abc",1]})") == false);
  CHECK(Ev(R"({"<":["a","b"]})") == true);
}

TEST_CASE("dates and instants compare as instants", "[rules]") {
  CHECK(Ev(R"({"<":["2026-11-20T23:00:00+08:00","2026-11-20T16:00:00Z"]})") == true);
  CHECK(Ev(R"({"==":["2026-11-20","2026-11-20"]})") == true);
  // A date is local midnight in the other operand's offset.
  CHECK(Ev(R"({"<":["2026-11-20","2026-11-20T00:00:01+08:00"]})") == true);
  CHECK(Ev(R"({"<":["2026-11-20","2026-11-20T00:00:00+08:00"]})") == false);
  CHECK(Ev(R"({"<=":["2026-11-20","2026-11-20T00:00:00+08:00"]})") == true);
  CHECK(Ev(R"({"before":["2026-11-19","2026-11-20"]})") == true);
  CHECK(Ev(R"({"before":["2026-11-20","2026-11-20T00:00:00Z"]})") == false);
  CHECK(Ev(R"({"after":["2026-11-21T00:00:00+08:00","2026-11-20T15:59:59Z"]})") == true);
  CHECK(Ev(R"({"not-after":["2026-11-21T00:00:00+08:00","2026-11-20T16:00:00Z"]})") == true);
  CHECK(Ev(R"({"not-before":["2026-11-21T00:00:00+08:00","2026-11-20T16:00:01Z"]})") == false);
  CHECK(Ev(R"({"before":["2026-11-01","2026-11-10","2026-11-20"]})") == true);
  CHECK(Ev(R"({"before":["2026-11-01","2026-11-30","2026-11-20"]})") == false);
  CHECK(Ev(R"({"before":["not a date","2026-11-20"]})") == false);
  CHECK(Ev(R"({"after":[null,"2026-11-20"]})") == false);
}

TEST_CASE("plusTime and daysBetween", "[rules]") {
  CHECK(Ev(R"({"plusTime":["2026-11-07T08:00:00+08:00",336,"hour"]})") ==
        "2026-11-21T08:00:00+08:00");
  CHECK(Ev(R"({"plusTime":["2026-11-21T08:00:00Z",1,"day"]})") == "2026-11-22T08:00:00+00:00");
  CHECK(Ev(R"({"plusTime":["2026-02-27",2,"day"]})") == "2026-03-01");
  CHECK(Ev(R"({"plusTime":["2026-11-20",-1,"day"]})") == "2026-11-19");
  CHECK(Ev(R"({"plusTime":["2026-11-20",25,"hour"]})") == "2026-11-21T01:00:00+08:00");
  CHECK(Ev(R"({"plusTime":["2026-11-20",1,"week"]})").is_null());
  CHECK(Ev(R"({"plusTime":["2026-11-20",1.5,"day"]})").is_null());
  CHECK(Ev(R"({"plusTime":[null,1,"day"]})").is_null());
  CHECK(Ev(R"({"daysBetween":["2026-11-07","2026-11-21"]})") == 14);
  CHECK(Ev(R"({"daysBetween":["2026-11-21","2026-11-07"]})") == -14);
  CHECK(Ev(R"({"daysBetween":["2024-02-28","2024-03-01"]})") == 2);
  // Instants count by their own local date.
  CHECK(Ev(R"({"daysBetween":["2026-11-20T23:59:00+08:00","2026-11-21T00:01:00+08:00"]})") == 1);
  CHECK(Ev(R"({"daysBetween":["2026-11-21","2026-11-20T17:00:00Z"]})") == -1);
  CHECK(Ev(R"({"daysBetween":["2026-13-01","2026-11-20"]})").is_null());
  // The expiry rule's own shape: after(now, last + 336 h).
  const char* expired = R"({"after":[{"var":"now"},{"plusTime":[{"var":"last"},336,"hour"]}]})";
  CHECK(Ev(expired, R"({"now":"2026-11-21T08:00:00+08:00","last":"2026-11-07T08:00:00+08:00"})") ==
        false);
  CHECK(Ev(expired, R"({"now":"2026-11-21T08:00:00+08:00","last":"2026-11-07T07:59:59+08:00"})") ==
        true);
}

TEST_CASE("arithmetic, in, cat, count, min/max", "[rules]") {
  CHECK(Ev(R"({"+":[1,2,"3"]})") == 6);
  CHECK(Ev(R"({"+":["x",1]})").is_null());
  CHECK(Ev(R"({"-":[14,13]})") == 1);
  CHECK(Ev(R"({"-":[5]})") == -5);
  CHECK(Ev(R"({"*":[2,3,0.5]})") == 3);
  CHECK(Ev(R"({"/":[7,2]})") == 3.5);
  CHECK(Ev(R"({"/":[1,0]})").is_null());
  CHECK(Ev(R"({"%":[7,3]})") == 1);
  CHECK(Ev(R"({"%":[7,0]})").is_null());
  CHECK(Ev(R"({"min":[3,1,2]})") == 1);
  CHECK(Ev(R"({"max":[3,1,2]})") == 3);
  CHECK(Ev(R"({"min":[{"var":"a"}]})", R"({"a":[5,4,9]})") == 4);
  CHECK(Ev(R"({"min":[{"var":"a"}]})", R"({"a":[]})").is_null());
  CHECK(Ev(R"({"max":[1,"x"]})").is_null());
  CHECK(Ev(R"({"in":["Spring","Springfield"]})") == true);
  CHECK(Ev(R"({"in":["x","Springfield"]})") == false);
  CHECK(Ev(R"({"in":["confirmed",["confirmed","suspected"]]})") == true);
  CHECK(Ev(R"({"in":["unsure",["confirmed","suspected"]]})") == false);
  CHECK(Ev(R"({"in":["a",null]})") == false);
  CHECK(Ev(R"({"cat":["a",1,"-",2.5,null,true]})") == "a1-2.5true");
  CHECK(Ev(R"({"count":[{"var":"s"}]})", R"({"s":["a","b"]})") == 2);
  CHECK(Ev(R"({"count":[{"var":"missing"}]})") == 0);
  CHECK(Ev(R"({"count":[1,2,3]})") == 3);
}

TEST_CASE("array operators scope var to the element", "[rules]") {
  const char* data = R"({"t":[{"risk":"high","days_ago":13},{"risk":"medium","days_ago":2},
                              {"risk":"high","days_ago":20}],"n":[1,2,3]})";
  CHECK(Ev(R"({"some":[{"var":"t"},{"==":[{"var":"risk"},"high"]}]})", data) == true);
  CHECK(Ev(R"({"all":[{"var":"t"},{"<":[{"var":"days_ago"},14]}]})", data) == false);
  CHECK(Ev(R"({"none":[{"var":"t"},{"==":[{"var":"risk"},"low"]}]})", data) == true);
  CHECK(Ev(R"({"filter":[{"var":"n"},{">":[{"var":""},1]}]})", data) == J("[2,3]"));
  CHECK(Ev(R"({"map":[{"var":"n"},{"*":[{"var":""},10]}]})", data) == J("[10,20,30]"));
  CHECK(Ev(R"({"map":[{"filter":[{"var":"t"},{"==":[{"var":"risk"},"high"]}]},
                      {"var":"days_ago"}]})",
           data) == J("[13,20]"));
  CHECK(Ev(R"({"all":[[],true]})") == false);
  CHECK(Ev(R"({"some":[{"var":"missing"},true]})") == false);
  CHECK(Ev(R"({"none":[{"var":"missing"},true]})") == true);
  CHECK(Ev(R"({"map":["not an array",1]})") == J("[]"));
}

TEST_CASE("truthiness is JsonLogic's", "[rules]") {
  CHECK_FALSE(Truthy(J("0")));
  CHECK_FALSE(Truthy(J("\"\"")));
  CHECK_FALSE(Truthy(J("[]")));
  CHECK_FALSE(Truthy(J("null")));
  CHECK_FALSE(Truthy(J("false")));
  CHECK(Truthy(J("\"0\"")));
  CHECK(Truthy(J("[0]")));
  CHECK(Truthy(J("{}")));
  CHECK(Truthy(J("-1")));
}

TEST_CASE("evaluation is total on garbage", "[rules]") {
  const char* garbage[] = {R"({"var":[[1,2],{"x":1}]})",
                           R"({"unknown_op":[1]})",
                           R"({"+":[{"a":1},[1]]})",
                           R"({"plusTime":[{"x":1},"a",3]})",
                           R"({"daysBetween":[1,true]})",
                           R"({"some":[1,2]})",
                           R"({"in":[{"a":1},[[1]]]})",
                           R"({"min":[]})",
                           R"({"-":[]})",
                           R"({"/":["a"]})",
                           R"({"if":[]})",
                           R"({"and":[]})",
                           R"({"before":[1]})",
                           R"({"<":[]})",
                           R"({"a":1,"b":2})",
                           R"({"var":"a.b.c.d.e.f"})",
                           R"({"var":"a.99999999999999999999"})",
                           R"({"count":[]})"};
  for (const char* g : garbage) {
    INFO(g);
    Json out = Ev(g, R"({"a":{"b":"str"}})");
    (void)out;
    SUCCEED();
  }
  CHECK(Ev(R"({"unknown_op":[1]})").is_null());
  CHECK(Ev(R"({"var":"a.b.c"})", R"({"a":{"b":"str"}})").is_null());
  // Deep nesting is cut off instead of overflowing the stack.
  Json deep = true;
  for (int i = 0; i < 2000; ++i) {
    Json wrapper = Json::object();
    wrapper["!"] = Json::array();
    wrapper["!"].push_back(std::move(deep));
    deep = std::move(wrapper);
  }
  CHECK(EvalLogic(deep, Json::object()).is_boolean());
  std::vector<RuleSetProblem> deep_problems = CheckRuleSet(Json{{"rules", {{{"when", deep}}}}});
  CHECK(std::any_of(deep_problems.begin(), deep_problems.end(),
                    [](const RuleSetProblem& p) { return p.code == "too_deep"; }));
  Json deep_var = Json{{"var", "x"}};
  for (int i = 0; i < 200; ++i) deep_var = Json{{"var", Json::array({"y", deep_var})}};
  CHECK(EvalLogic(deep_var, J(R"({"x":1})")).is_null());
}

TEST_CASE("CheckRuleSet reports every problem at once", "[rules]") {
  Json rs = J(R"({
    "id": "", "name": {"zh": "名字"},
    "params": {"validity_hours": "336", "yellow_clear_streak": 0, "review": "yes",
               "edit_policy": "weekly", "extra": 1},
    "green": {},
    "rules": [
      {"id": "a", "color": "red", "when": {"==": [1]}, "reason": {"zh": "甲", "en": "A"},
       "advice": {"zh": "甲", "en": "A"}},
      {"id": "a", "color": "purple", "when": {"frobnicate": [1]}, "reason": {"zh": "乙"},
       "advice": "no", "next": {"weeks": 3}},
      {"color": "yellow", "when": {"and": [{"var": "x"}, {"plusTime": ["2026-01-01", 1, "week"]}]},
       "reason": {"zh": "", "en": "C"}, "advice": {"zh": "丙", "en": "C"}, "wen": true},
      7
    ]})");
  std::vector<RuleSetProblem> ps = CheckRuleSet(rs);
  for (const auto& p : ps) UNSCOPED_INFO(p.path << " " << p.code << " " << p.message);
  CHECK(HasProblem(ps, "id", "bad_type"));
  CHECK(HasProblem(ps, "version", "required"));
  CHECK(HasProblem(ps, "name.en", "required"));
  CHECK(HasProblem(ps, "params.validity_hours", "bad_type"));
  CHECK(HasProblem(ps, "params.yellow_clear_streak", "out_of_range"));
  CHECK(HasProblem(ps, "params.red_clear_streak", "required"));
  CHECK(HasProblem(ps, "params.review", "bad_type"));
  CHECK(HasProblem(ps, "params.edit_policy", "bad_value"));
  CHECK(HasProblem(ps, "params.extra", "unknown_key"));
  CHECK(HasProblem(ps, "green.advice", "required"));
  CHECK(HasProblem(ps, "rules[0].when.==", "bad_arity"));
  CHECK(HasProblem(ps, "rules[1].id", "duplicate_id"));
  CHECK(HasProblem(ps, "rules[1].color", "bad_color"));
  CHECK(HasProblem(ps, "rules[1].when.frobnicate", "unknown_operator"));
  CHECK(HasProblem(ps, "rules[1].reason.en", "required"));
  CHECK(HasProblem(ps, "rules[1].advice", "bad_type"));
  CHECK(HasProblem(ps, "rules[1].next", "bad_type"));
  CHECK(HasProblem(ps, "rules[2].id", "required"));
  CHECK(HasProblem(ps, "rules[2].when.and[1].plusTime[2]", "bad_value"));
  CHECK(HasProblem(ps, "rules[2].reason.zh", "bad_type"));
  CHECK(HasProblem(ps, "rules[2].wen", "unknown_key"));
  CHECK(HasProblem(ps, "rules[3]", "bad_type"));
  CHECK(ps.size() == 22);

  CHECK(HasProblem(CheckRuleSet(J("[]")), "", "bad_type"));
  CHECK(CheckRuleSet(J("{}")).size() == 6);  // id, version, name, params, green, rules
}

TEST_CASE("the shipped presets pass the checker", "[rules]") {
  for (const char* name : {"default", "hangzhou", "international"}) {
    Json rs = LoadPreset(name);
    INFO(name);
    REQUIRE(rs.is_object());
    CHECK(CheckRuleSet(rs).empty());
    CHECK(rs["version"] == "2026.1");
    CHECK(rs["id"] == name);
  }
  CHECK(LoadPreset("default")["params"]["validity_hours"] == 336);
  CHECK(LoadPreset("hangzhou")["params"]["edit_policy"] == "once");
  CHECK(LoadPreset("hangzhou")["params"]["review"] == false);
  CHECK(LoadPreset("international")["params"]["validity_hours"] == 24);
  CHECK(LoadPreset("international")["params"]["show_streak"] == true);
}

Json MiniRuleSet() {
  return J(R"({
    "id": "mini", "version": "1", "name": {"zh": "小", "en": "mini"},
    "params": {"validity_hours": 24, "yellow_clear_streak": 7, "red_clear_streak": 14,
               "review": false, "edit_policy": "daily"},
    "green": {"advice": {"zh": "绿", "en": "green advice"}},
    "rules": [
      {"id": "y1", "color": "yellow", "when": {"var": "y1"}, "reason": {"zh": "黄1", "en": "y1"},
       "advice": {"zh": "黄1建议", "en": "y1 advice"},
       "next": {"streak": {"var": "params.yellow_clear_streak"}}},
      {"id": "g1", "color": "gray", "when": {"var": "g1"}, "reason": {"zh": "灰", "en": "g1"},
       "advice": {"zh": "灰建议", "en": "g1 advice"}},
      {"id": "r1", "color": "red", "when": {"var": "r1"}, "reason": {"zh": "红", "en": "r1"},
       "advice": {"zh": "红建议", "en": "r1 advice"},
       "next": {"days": {"-": [14, {"var": "ago"}]}}},
      {"id": "y2", "color": "yellow", "when": {"var": "y2"}, "reason": {"zh": "黄2", "en": "y2"},
       "advice": {"zh": "黄2建议", "en": "y2 advice"}}
    ]})");
}

TEST_CASE("Evaluate: colour, order, advice, next step, validity", "[rules]") {
  Json rs = MiniRuleSet();
  REQUIRE(CheckRuleSet(rs).empty());

  Verdict g = Evaluate(rs, J(R"({"now":"2026-11-21T08:00:00+08:00",
                                  "last_report_at":"2026-11-21T01:00:00Z"})"));
  CHECK(g.color == Color::kGreen);
  CHECK(g.fired.empty());
  CHECK(g.advice.en == "green advice");
  CHECK(g.valid_until == "2026-11-22T09:00:00+08:00");  // +24 h, shown in now's offset
  CHECK(g.rules_version == "mini@1");
  CHECK(g.next_step.zh.empty());

  Verdict v = Evaluate(rs, J(R"({"y2":1,"g1":1,"y1":1,"r1":1,"ago":11,"health":{"streak":3}})"));
  CHECK(v.color == Color::kRed);
  REQUIRE(v.fired.size() == 4);
  CHECK(v.fired[0].id == "r1");
  CHECK(v.fired[1].id == "y1");
  CHECK(v.fired[2].id == "y2");
  CHECK(v.fired[3].id == "g1");
  CHECK(v.advice.en == "r1 advice");
  CHECK(v.streak == 3);
  CHECK(v.next_step.zh == "3 天后可转为绿码（如无其他情况）");
  CHECK(v.next_step.en == "green in 3 days if nothing else applies");
  CHECK(v.valid_until.empty());

  Verdict y = Evaluate(rs, J(R"({"y1":true,"y2":true,"health":{"streak":3}})"));
  CHECK(y.color == Color::kYellow);
  CHECK(y.advice.zh == "黄1建议");
  CHECK(y.next_step.zh == "再连续正常打卡 4 天可转为绿码");
  CHECK(y.next_step.en == "green after 4 more normal check-ins");
  Verdict y6 = Evaluate(rs, J(R"({"y1":true,"health":{"streak":6}})"));
  CHECK(y6.next_step.en == "green after 1 more normal check-in");
  Verdict y9 = Evaluate(rs, J(R"({"y1":true,"health":{"streak":9}})"));
  CHECK(y9.next_step.en == "green after 1 more normal check-in");  // never fewer than 1

  Verdict gray = Evaluate(rs, J(R"({"g1":true})"));
  CHECK(gray.color == Color::kGray);
  CHECK(gray.next_step.en.empty());

  // Facts' own params are replaced by the rule set's.
  Verdict p = Evaluate(rs, J(R"({"y1":true,"params":{"yellow_clear_streak":100}})"));
  CHECK(p.next_step.en == "green after 7 more normal check-ins");

  Json j = ToJson(v);
  CHECK(j["color"] == "red");
  CHECK(j["reasons"].size() == 4);
  CHECK(j["reasons"][0]["rule"] == "r1");
  CHECK(j["reasons"][0]["zh"] == "红");
  CHECK(j["reasons"][0]["en"] == "r1");
  CHECK(j["advice"]["en"] == "r1 advice");
  CHECK(j["streak"] == 3);
  CHECK(j["next_step"]["en"] == "green in 3 days if nothing else applies");
  CHECK(j["rules_version"] == "mini@1");
}

TEST_CASE("Evaluate on a preset gives the decisive rule's next step", "[rules]") {
  Json rs = LoadPreset("default");
  REQUIRE(rs.is_object());
  Verdict red = Evaluate(rs, J(R"({"health":{"hold":"red","streak":5}})"));
  CHECK(red.color == Color::kRed);
  CHECK(red.next_step.zh == "再连续正常打卡 9 天可转为绿码");
  Verdict yellow = Evaluate(rs, J(R"({"health":{"hold":"yellow","streak":2}})"));
  CHECK(yellow.next_step.en == "green after 5 more normal check-ins");
  Verdict travel = Evaluate(rs, J(R"({"declaration":{"travel_14d":[
      {"risk":"high","days_ago":10},{"risk":"high","days_ago":4},{"risk":"high","days_ago":20}]}})"));
  CHECK(travel.color == Color::kRed);
  CHECK(travel.next_step.en == "green in 10 days if nothing else applies");
  Verdict intl = Evaluate(LoadPreset("international"), J(R"({"now":"2026-11-21T08:00:00+08:00",
                                "last_report_at":"2026-11-21T07:30:00+08:00"})"));
  CHECK(intl.valid_until == "2026-11-22T07:30:00+08:00");
  CHECK(intl.rules_version == "international@2026.1");
}

TEST_CASE("Evaluate reads numbers beyond int from the facts without UB", "[rules]") {
  // Facts can come from a caller (wasm evaluate()); these converted a double
  // out of range to an integer (UBSan: float-cast-overflow).
  const Json facts = J(R"({"health":{"hold":"yellow","streak":1e300},"x":-1e300})");
  Verdict v = Evaluate(LoadPreset("default"), facts);
  CHECK(v.streak == 1000000000);
  v = Evaluate(LoadPreset("default"), J(R"({"health":{"streak":-1e300}})"));
  CHECK(v.streak == -1000000000);
  const Json rs = J(R"({"id":"t","version":"1","name":{"zh":"t","en":"t"},
    "params":{"validity_hours":336,"yellow_clear_streak":7,"red_clear_streak":14,
              "review":false,"edit_policy":"daily"},"green":{"advice":{"zh":"g","en":"g"}},
    "rules":[{"id":"r","color":"yellow","when":true,"reason":{"zh":"r","en":"r"},
              "advice":{"zh":"a","en":"a"},"next":{"streak":{"var":"x"}}}]})");
  REQUIRE(CheckRuleSet(rs).empty());
  v = Evaluate(rs, facts);
  CHECK(v.color == Color::kYellow);
  CHECK(v.next_step.en == "green after 1 more normal check-in");
}

}  // namespace
}  // namespace ankang
