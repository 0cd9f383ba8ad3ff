// BuildFacts: risk inheritance, day counting, expiry, review deadline and the
// replay of self-reports, checked both as facts and through the default preset.
#include "shared/facts.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "shared/rules.h"

namespace ankang {
namespace {

Instant At(const char* iso) {
  auto t = ParseInstant(iso);
  REQUIRE(t.has_value());
  return *t;
}

Json Preset(const std::string& name) {
  std::ifstream in(std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str(), nullptr, false);
}

Json Declaration() {
  return Json::parse(R"({
    "person": {"name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X",
               "phone": "13800138000", "nationality": "CHN", "region": "370102",
               "address": "泉城路 1 号", "relation": "self"},
    "health": {"temperature": 36.5, "symptoms": [], "fever_clinic_14d": false},
    "travel_14d": [], "contact_14d": "none", "commitment": true})",
                     nullptr, false);
}

Report Checkin(const char* at, double temp = 36.5, std::vector<std::string> symptoms = {}) {
  Report r;
  r.kind = "checkin";
  r.at = At(at);
  r.temperature = temp;
  r.symptoms = std::move(symptoms);
  return r;
}

Report Declared(const char* at, double temp = 36.5) {
  Report r = Checkin(at, temp);
  r.kind = "declaration";
  return r;
}

// A declaration on 2026-11-01 at 09:00, then one check-in per day at 08:00.
FactsInput Base() {
  FactsInput in;
  in.declaration = Declaration();
  in.declared_at = At("2026-11-01T09:00:00+08:00");
  in.reports.push_back(Declared("2026-11-01T09:00:00+08:00"));
  in.now = At("2026-11-01T12:00:00+08:00");
  return in;
}

std::string Day(int d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-11-%02dT08:00:00+08:00", d);
  return buf;
}

std::string ColorOf(const FactsInput& in, const Json& rs) {
  return ToString(Evaluate(rs, BuildFacts(in, rs)).color);
}

TEST_CASE("RiskOf inherits from province and city, most severe wins", "[facts]") {
  std::map<std::string, std::string> areas = {{"420000", "medium"},
                                              {"420100", "high"},
                                              {"440305", "low"},
                                              {"440000", "medium"},
                                              {"USA", "high"}};
  CHECK(RiskOf(areas, "420106") == "high");  // city Wuhan
  CHECK(RiskOf(areas, "420100") == "high");
  CHECK(RiskOf(areas, "420202") == "medium");  // province Hubei
  CHECK(RiskOf(areas, "440305") == "medium");  // county low, province medium
  CHECK(RiskOf(areas, "370102") == "none");
  CHECK(RiskOf(areas, "USA") == "high");
  CHECK(RiskOf(areas, "") == "none");
  CHECK(RiskOf({{"370102", "bogus"}}, "370102") == "none");
}

TEST_CASE("IsAbnormal: 37.3 or any symptom", "[facts]") {
  Report r;
  r.temperature = 37.2;
  CHECK_FALSE(IsAbnormal(r));
  r.temperature = 37.3;
  CHECK(IsAbnormal(r));
  r.temperature = 36.4;
  r.symptoms = {"sore_throat"};
  CHECK(IsAbnormal(r));
}

TEST_CASE("ReportFromHealth reads temperature and symptoms, defaults otherwise", "[facts]") {
  const Instant at = At("2026-11-21T09:00:00+08:00");
  Report r = ReportFromHealth("checkin", at,
                              Json::parse(R"({"temperature": 37.8, "symptoms": ["dry_cough", 3,
                                              "fatigue"], "fever_clinic_14d": false})"));
  CHECK(r.kind == "checkin");
  CHECK(r.at.unix_seconds == at.unix_seconds);
  CHECK(r.temperature == 37.8);
  CHECK(r.symptoms == std::vector<std::string>{"dry_cough", "fatigue"});  // non-strings skipped

  for (const Json& health : {Json(), Json("x"), Json::array({36.9}), Json::object(),
                             Json::parse(R"({"temperature": "38", "symptoms": "cough"})")}) {
    Report d = ReportFromHealth("declaration", at, health);
    CHECK(d.kind == "declaration");
    CHECK(d.temperature == 36.5);
    CHECK(d.symptoms.empty());
  }
}

TEST_CASE("ReviewDeadline is 18:00 local the next day", "[facts]") {
  CHECK(FormatInstant(ReviewDeadline(At("2026-11-20T10:00:00+08:00"))) ==
        "2026-11-21T18:00:00+08:00");  // Friday -> Saturday 18:00
  CHECK(FormatInstant(ReviewDeadline(At("2026-11-20T23:59:59+08:00"))) ==
        "2026-11-21T18:00:00+08:00");
  CHECK(FormatInstant(ReviewDeadline(At("2026-12-31T00:00:00+08:00"))) ==
        "2027-01-01T18:00:00+08:00");
  // Local day of the submission's own offset: 17:00Z on the 20th is the 21st in +08:00.
  CHECK(FormatInstant(ReviewDeadline(At("2026-11-20T17:00:00+08:00"))) ==
        "2026-11-21T18:00:00+08:00");
  CHECK(FormatInstant(ReviewDeadline(At("2026-11-20T17:00:00Z"))) == "2026-11-21T18:00:00+00:00");
}

TEST_CASE("review: pending until the deadline, then auto-issued", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.declared_at = At("2026-11-20T10:00:00+08:00");
  in.reports = {Declared("2026-11-20T10:00:00+08:00")};
  in.review_required = true;
  in.review_state = "pending";
  in.now = At("2026-11-21T17:59:59+08:00");
  Json f = BuildFacts(in, rs);
  CHECK(f["review"]["state"] == "pending");
  CHECK(f["review"]["deadline"] == "2026-11-21T18:00:00+08:00");
  CHECK(ColorOf(in, rs) == "gray");
  in.now = At("2026-11-21T18:00:00+08:00");
  CHECK(BuildFacts(in, rs)["review"]["state"] == "auto_issued");
  CHECK(ColorOf(in, rs) == "green");
  in.review_state = "approved";
  in.now = At("2026-11-20T11:00:00+08:00");
  f = BuildFacts(in, rs);
  CHECK(f["review"]["state"] == "approved");
  CHECK_FALSE(f["review"].contains("deadline"));
  CHECK(ColorOf(in, rs) == "green");
  in.review_state = "rejected";
  CHECK(ColorOf(in, rs) == "gray");
}

TEST_CASE("facts document: dates, travel, residence, authority", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.declaration["travel_14d"] = Json::parse(R"([
      {"region": "420106", "from": "2026-10-20", "to": "2026-10-25"},
      {"region": "overseas", "country": "USA", "from": "2026-10-10", "to": "2026-10-15"},
      {"region": "310115", "from": "2026-10-28", "to": "2026-10-30"}])");
  in.declaration["arrived_from_overseas_on"] = "2026-10-16";
  in.authority.risk_areas = {{"420100", "high"}, {"USA", "medium"}, {"370000", "low"}};
  in.authority.case_status = "recovered";
  in.authority.case_since = "2026-10-30";
  in.now = At("2026-11-01T00:30:00+08:00");  // still 2026-10-31 in UTC
  Json f = BuildFacts(in, rs);
  CHECK(f["today"] == "2026-11-01");
  CHECK(f["now"] == "2026-11-01T00:30:00+08:00");
  CHECK(f["declaration"]["date"] == "2026-11-01");
  CHECK(f["declaration"]["days_ago"] == 0);
  CHECK(f["declaration"]["declared_at"] == "2026-11-01T09:00:00+08:00");
  const Json& t = f["declaration"]["travel_14d"];
  REQUIRE(t.size() == 3);
  CHECK(t[0]["risk"] == "high");
  CHECK(t[0]["days_ago"] == 7);
  CHECK(t[1]["risk"] == "medium");
  CHECK(t[1]["days_ago"] == 17);
  CHECK(t[2]["risk"] == "none");  // Shanghai: nothing set on it or above it
  CHECK(f["declaration"]["arrived_days_ago"] == 16);
  CHECK(f["region_risk"] == "low");  // Shandong province is low
  CHECK(f["authority"]["case_status"] == "recovered");
  CHECK(f["authority"]["case_since"] == "2026-10-30");
  CHECK(f["authority"]["case_days"] == 2);
  CHECK(f["params"]["validity_hours"] == 336);
}

TEST_CASE("authority changes move the colour without a new declaration", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.declaration["travel_14d"] =
      Json::parse(R"([{"region": "420106", "from": "2026-10-20", "to": "2026-10-25"}])");
  in.now = At("2026-11-01T12:00:00+08:00");
  CHECK(ColorOf(in, rs) == "green");
  in.authority.risk_areas["420000"] = "medium";  // Hubei province medium
  CHECK(ColorOf(in, rs) == "yellow");
  in.authority.risk_areas["420100"] = "high";  // Wuhan city high
  CHECK(ColorOf(in, rs) == "red");
  in.now = At("2026-11-08T12:00:00+08:00");  // 14 days after leaving (with daily check-ins)
  for (int d = 2; d <= 8; ++d) in.reports.push_back(Checkin(Day(d).c_str()));
  CHECK(ColorOf(in, rs) == "green");

  in.authority.risk_areas.clear();
  in.authority.risk_areas["370102"] = "high";  // the residence itself
  CHECK(BuildFacts(in, rs)["region_risk"] == "high");
  CHECK(ColorOf(in, rs) == "red");
  in.authority.risk_areas.clear();
  in.authority.case_status = "close_contact";
  CHECK(ColorOf(in, rs) == "red");
  in.authority.case_status = "cleared";
  CHECK(ColorOf(in, rs) == "green");
}

TEST_CASE("expiry at exactly validity_hours", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.now = At("2026-11-15T09:00:00+08:00");  // exactly 336 h after the declaration
  Json f = BuildFacts(in, rs);
  CHECK(f["expired"] == false);
  CHECK(f["hours_since_report"] == 336);
  CHECK(f["last_report_at"] == "2026-11-01T09:00:00+08:00");
  CHECK(ColorOf(in, rs) == "green");
  Verdict v = Evaluate(rs, f);
  CHECK(v.valid_until == "2026-11-15T09:00:00+08:00");
  in.now = At("2026-11-15T09:00:01+08:00");
  CHECK(BuildFacts(in, rs)["expired"] == true);
  CHECK(ColorOf(in, rs) == "yellow");
  // A check-in counts as a declaration update.
  in.reports.push_back(Checkin("2026-11-15T08:00:00+08:00"));
  f = BuildFacts(in, rs);
  CHECK(f["expired"] == false);
  CHECK(f["latest"]["kind"] == "checkin");
  CHECK(ColorOf(in, rs) == "green");

  Json intl = Preset("international");
  FactsInput d = Base();
  d.now = At("2026-11-02T09:00:00+08:00");
  CHECK(BuildFacts(d, intl)["expired"] == false);
  CHECK(ColorOf(d, intl) == "green");
  d.now = At("2026-11-02T09:00:01+08:00");
  CHECK(BuildFacts(d, intl)["expired"] == true);
  CHECK(ColorOf(d, intl) == "yellow");
}

TEST_CASE("replay: green -> yellow on abnormal, green after 7 normal days", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.reports.push_back(Checkin(Day(2).c_str(), 37.8));
  in.now = At("2026-11-02T12:00:00+08:00");
  Json f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "yellow");
  CHECK(f["health"]["streak"] == 0);
  CHECK(f["latest"]["fever"] == true);
  CHECK(f["latest"]["abnormal"] == true);
  CHECK(ColorOf(in, rs) == "yellow");
  for (int d = 3; d <= 8; ++d) in.reports.push_back(Checkin(Day(d).c_str()));
  in.now = At("2026-11-08T12:00:00+08:00");
  f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "yellow");
  CHECK(f["health"]["streak"] == 6);
  Verdict v = Evaluate(rs, f);
  CHECK(ToString(v.color) == std::string("yellow"));
  CHECK(v.next_step.zh == "再连续正常打卡 1 天可转为绿码");
  in.reports.push_back(Checkin(Day(9).c_str()));
  in.now = At("2026-11-09T12:00:00+08:00");
  f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "none");
  CHECK(f["health"]["streak"] == 7);
  CHECK(ColorOf(in, rs) == "green");
}

TEST_CASE("replay: yellow -> red on abnormal while yellow, green after 14", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.reports.push_back(Checkin(Day(2).c_str(), 36.6, {"dry_cough"}));
  in.reports.push_back(Checkin(Day(3).c_str()));
  in.reports.push_back(Checkin(Day(4).c_str(), 37.5));
  in.now = At("2026-11-04T12:00:00+08:00");
  Json f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "red");
  CHECK(f["health"]["streak"] == 0);
  CHECK(ColorOf(in, rs) == "red");
  for (int d = 5; d <= 17; ++d) in.reports.push_back(Checkin(Day(d).c_str()));
  in.now = At("2026-11-17T12:00:00+08:00");
  f = BuildFacts(in, rs);
  CHECK(f["health"]["streak"] == 13);
  CHECK(f["health"]["hold"] == "red");
  CHECK(ColorOf(in, rs) == "red");
  CHECK(Evaluate(rs, f).next_step.en == "green after 1 more normal check-in");
  in.reports.push_back(Checkin(Day(18).c_str()));
  in.now = At("2026-11-18T12:00:00+08:00");
  f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "none");
  CHECK(f["health"]["streak"] == 14);
  CHECK(ColorOf(in, rs) == "green");
  // Abnormal again once green: yellow, not red.
  in.reports.push_back(Checkin(Day(19).c_str(), 38.0));
  in.now = At("2026-11-19T12:00:00+08:00");
  CHECK(BuildFacts(in, rs)["health"]["hold"] == "yellow");
}

TEST_CASE("replay: one count per day, missed days, declarations", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.reports.push_back(Checkin("2026-11-02T08:00:00+08:00"));
  in.reports.push_back(Checkin("2026-11-02T20:00:00+08:00"));  // same day: not counted again
  in.reports.push_back(Checkin("2026-11-03T08:00:00+08:00"));
  in.now = At("2026-11-03T12:00:00+08:00");
  CHECK(BuildFacts(in, rs)["health"]["streak"] == 2);
  // Local days are those of now's offset: 23:30 +08:00 on the 3rd is 15:30Z.
  in.reports.push_back(Checkin("2026-11-03T15:30:00Z"));  // 2026-11-03T23:30+08:00: same day
  CHECK(BuildFacts(in, rs)["health"]["streak"] == 2);
  in.reports.push_back(Checkin("2026-11-03T16:30:00Z"));  // 2026-11-04T00:30+08:00: next day
  CHECK(BuildFacts(in, rs)["health"]["streak"] == 3);
  // A missed day (the 5th) restarts the run.
  in.reports.push_back(Checkin("2026-11-06T08:00:00+08:00"));
  in.now = At("2026-11-06T12:00:00+08:00");
  CHECK(BuildFacts(in, rs)["health"]["streak"] == 1);
  // A normal re-declaration neither adds nor breaks the run, nor clears a hold.
  in.reports.push_back(Checkin("2026-11-07T08:00:00+08:00", 37.4));
  in.reports.push_back(Checkin("2026-11-08T08:00:00+08:00"));
  in.reports.push_back(Declared("2026-11-09T08:00:00+08:00"));
  in.reports.push_back(Checkin("2026-11-10T08:00:00+08:00"));
  in.now = At("2026-11-10T12:00:00+08:00");
  Json f = BuildFacts(in, rs);
  CHECK(f["health"]["hold"] == "yellow");
  CHECK(f["health"]["streak"] == 2);
  // A normal check-in on the day of an abnormal report does not count.
  FactsInput s = Base();
  s.reports.push_back(Checkin("2026-11-02T08:00:00+08:00", 36.5, {"fatigue"}));
  s.reports.push_back(Declared("2026-11-02T20:00:00+08:00"));
  s.reports.push_back(Checkin("2026-11-02T21:00:00+08:00"));
  s.now = At("2026-11-02T22:00:00+08:00");
  f = BuildFacts(s, rs);
  CHECK(f["health"]["hold"] == "yellow");
  CHECK(f["health"]["streak"] == 0);
  CHECK(f["latest"]["abnormal"] == false);
  CHECK(ColorOf(s, rs) == "yellow");  // the hold, not the latest report
}

TEST_CASE("hangzhou clear thresholds come from params; no reports reads the declaration",
          "[facts]") {
  Json rs = Preset("hangzhou");
  rs["params"]["yellow_clear_streak"] = 3;
  FactsInput in = Base();
  in.reports.push_back(Checkin(Day(2).c_str(), 37.6));
  for (int d = 3; d <= 5; ++d) in.reports.push_back(Checkin(Day(d).c_str()));
  in.now = At("2026-11-05T12:00:00+08:00");
  CHECK(BuildFacts(in, rs)["health"]["hold"] == "none");

  FactsInput bare = Base();
  bare.reports.clear();
  bare.declaration["health"]["temperature"] = 38.2;
  Json f = BuildFacts(bare, rs);
  CHECK(f["latest"]["kind"] == "declaration");
  CHECK(f["latest"]["temperature"] == 38.2);
  CHECK(f["latest"]["at"] == "2026-11-01T09:00:00+08:00");
  CHECK(f["health"]["hold"] == "none");  // no reports replayed
  CHECK(ColorOf(bare, rs) == "yellow");  // but the latest report has a fever
}

TEST_CASE("BuildFacts is total on a malformed declaration", "[facts]") {
  Json rs = Preset("default");
  FactsInput in = Base();
  in.declaration = Json::parse(R"({"travel_14d": [1, {"region": 5, "to": "nope"}],
                                   "person": "x", "arrived_from_overseas_on": 7})");
  Json f = BuildFacts(in, rs);
  REQUIRE(f["declaration"]["travel_14d"].size() == 1);
  CHECK(f["declaration"]["travel_14d"][0]["days_ago"].is_null());
  CHECK(f["declaration"]["travel_14d"][0]["risk"] == "none");
  CHECK(f["declaration"]["arrived_days_ago"].is_null());
  CHECK(f["region_risk"] == "none");
  in.declaration = "not an object";
  CHECK(BuildFacts(in, Json()).is_object());
  CHECK(ColorOf(in, rs) == "green");
}

TEST_CASE("AuthorityFromJson reads risk areas as an object or a list", "[facts]") {
  AuthorityView a = AuthorityFromJson(Json::parse(R"({
    "risk_areas": {"370102": "high", "420100": "medium", "bad": 3},
    "case_status": "close_contact", "case_since": "2026-11-18"})"));
  CHECK(a.risk_areas ==
        std::map<std::string, std::string>{{"370102", "high"}, {"420100", "medium"}});
  CHECK(a.case_status == "close_contact");
  CHECK(a.case_since == "2026-11-18");

  AuthorityView l = AuthorityFromJson(Json::parse(R"({"risk_areas": [
    {"region": "330100", "level": "high"}, {"region": "330200"}, {"region": 1, "level": "low"},
    "330300", {"region": "330400", "level": "low"}], "case_status": 5})"));
  CHECK(l.risk_areas == std::map<std::string, std::string>{{"330100", "high"}, {"330400", "low"}});
  CHECK(l.case_status == "none");
  CHECK(l.case_since.empty());

  for (const Json& nothing : {Json(), Json("x"), Json::array(), Json::object(),
                              Json::parse(R"({"risk_areas": "370102"})")}) {
    AuthorityView n = AuthorityFromJson(nothing);
    CHECK(n.risk_areas.empty());
    CHECK(n.case_status == "none");
  }
}

TEST_CASE("PreviewInput: the declaration is the only report, made now", "[facts]") {
  Json rs = Preset("default");
  const Instant now = At("2026-11-21T09:00:00+08:00");
  Json decl = Declaration();
  decl["health"]["temperature"] = 37.9;
  FactsInput in = PreviewInput(decl, Json::parse(R"({"risk_areas": [
      {"region": "370100", "level": "low"}], "review_required": true})"),
                               now);
  CHECK(in.declaration == decl);
  CHECK(in.declared_at.unix_seconds == now.unix_seconds);
  CHECK(in.now.unix_seconds == now.unix_seconds);
  REQUIRE(in.reports.size() == 1);
  CHECK(in.reports[0].kind == "declaration");
  CHECK(in.reports[0].temperature == 37.9);
  CHECK(in.authority.risk_areas.at("370100") == "low");
  CHECK(in.review_required);
  CHECK(in.review_state == "pending");
  Json f = BuildFacts(in, rs);
  CHECK(f["region_risk"] == "low");
  CHECK(f["latest"]["fever"] == true);
  CHECK(f["health"]["hold"] == "yellow");

  FactsInput plain = PreviewInput(Declaration(), Json::object(), now);
  CHECK_FALSE(plain.review_required);
  CHECK(plain.review_state == "none");
  CHECK(ColorOf(plain, rs) == "green");
  CHECK(PreviewInput(Declaration(), Json{{"review_required", "yes"}}, now).review_state == "none");
}

}  // namespace
}  // namespace ankang
