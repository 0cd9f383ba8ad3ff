// How long a verdict holds (Verdict::holds_until and FactsHoldUntil): for
// random histories under each preset and under rules that compare "now"
// directly, evaluating again at any instant before the bound gives the same
// verdict, and at the bound the facts or a comparison really can change.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "shared/facts.h"
#include "shared/rules.h"

namespace ankang {
namespace {

Json Load(const std::string& name) {
  std::ifstream in(std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str(), nullptr, false);
}

// The default preset plus rules that read "now" in every way the watch follows.
Json NowRules() {
  Json rs = Load("default");
  rs["id"] = "now-rules";
  Json extra = Json::parse(R"([
    {"id": "evening", "color": "yellow",
     "when": {"not-before": [{"var": "now"}, {"plusTime": [{"var": "today"}, 19, "hour"]}]},
     "reason": {"zh": "晚", "en": "evening"}, "advice": {"zh": "建议", "en": "advice"}},
    {"id": "fixed_instant", "color": "gray",
     "when": {"after": [{"var": "now"}, "2026-11-20T10:30:17+08:00"]},
     "reason": {"zh": "固定", "en": "fixed"}, "advice": {"zh": "建议", "en": "advice"}},
    {"id": "half_day", "color": "yellow",
     "when": {"<": [{"var": "last_report_at"}, {"var": "now"},
                    {"plusTime": [{"var": "last_report_at"}, 13, "hour"]}]},
     "reason": {"zh": "半天", "en": "half day"}, "advice": {"zh": "建议", "en": "advice"}},
    {"id": "days", "color": "yellow",
     "when": {">": [{"daysBetween": [{"var": "declaration.declared_at"}, {"var": "now"}]}, 9]},
     "reason": {"zh": "天", "en": "days"}, "advice": {"zh": "建议", "en": "advice"}}
  ])");
  for (const Json& r : extra) rs["rules"].push_back(r);
  for (const RuleSetProblem& p : CheckRuleSet(rs)) FAIL(p.path << ": " << p.code << " " << p.message);
  return rs;
}

Json Declaration(std::mt19937_64& rng) {
  Json d = Json::parse(R"({
    "person": {"name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X",
               "phone": "13800138000", "nationality": "CHN", "region": "370102",
               "address": "泉城路 1 号", "relation": "self"},
    "health": {"temperature": 36.5, "symptoms": [], "fever_clinic_14d": false},
    "travel_14d": [], "contact_14d": "none", "commitment": true})");
  if (rng() % 4 == 0) d["health"]["temperature"] = 37.8;
  if (rng() % 5 == 0) {
    d["travel_14d"].push_back({{"region", "420106"}, {"from", "2026-11-10"}, {"to", "2026-11-12"}});
  }
  return d;
}

TEST_CASE("A verdict is the same at every instant before it stops holding", "[hold]") {
  std::mt19937_64 rng(20261129);
  const int64_t base = ParseInstant("2026-11-10T00:00:00+08:00")->unix_seconds;
  const std::vector<Json> rule_sets = {Load("default"), Load("hangzhou"), Load("international"),
                                       NowRules()};
  int checked = 0, boundaries_that_changed = 0;
  for (int round = 0; round < 2000; ++round) {
    const Json& rs = rule_sets[round % rule_sets.size()];
    FactsInput in;
    in.declaration = Declaration(rng);
    in.declared_at = Instant{base + static_cast<int64_t>(rng() % (10 * 86400)), 480};
    in.reports.push_back(ReportFromHealth("declaration", in.declared_at, in.declaration["health"]));
    int64_t t = in.declared_at.unix_seconds;
    for (int i = 0, n = static_cast<int>(rng() % 12); i < n; ++i) {
      t += 3600 * (6 + static_cast<int64_t>(rng() % 40));
      Report r;
      r.kind = "checkin";
      r.at = Instant{t, 480};
      r.temperature = rng() % 6 == 0 ? 38.0 : 36.4;
      in.reports.push_back(r);
    }
    in.review_required = rng() % 3 == 0;
    in.review_state = in.review_required ? "pending" : "none";
    if (rng() % 4 == 0) {
      in.authority.case_status = "close_contact";
      in.authority.case_since = "2026-11-12";
    }
    if (rng() % 3 == 0) in.authority.risk_areas["420100"] = "high";
    in.now = Instant{t + static_cast<int64_t>(rng() % (20 * 86400)), 480};
    if (rng() % 2 == 0) {
      // Just before an instant one of the rules compares "now" with.
      const int64_t evening = ParseInstant("2026-11-20T19:00:00+08:00")->unix_seconds +
                              86400 * static_cast<int64_t>(rng() % 5);
      const int64_t marks[] = {evening, ParseInstant("2026-11-20T10:30:17+08:00")->unix_seconds,
                               t + 13 * 3600};
      in.now.unix_seconds = marks[rng() % 3] - static_cast<int64_t>(rng() % 3600);
    }

    const Verdict v = Evaluate(rs, BuildFacts(in, rs));
    const int64_t until = std::min(v.holds_until, FactsHoldUntil(in, rs));
    REQUIRE(until > in.now.unix_seconds);
    const Json expected = ToJson(v);
    // Instants inside [now, until): the last second, the middle, random ones.
    std::vector<int64_t> probes = {until - 1,
                                   in.now.unix_seconds + (until - in.now.unix_seconds) / 2};
    for (int k = 0; k < 4; ++k) {
      probes.push_back(
          in.now.unix_seconds +
          static_cast<int64_t>(rng() % static_cast<uint64_t>(until - in.now.unix_seconds)));
    }
    for (int64_t at : probes) {
      FactsInput later = in;
      later.now.unix_seconds = at;
      INFO("rule set " << StrField(rs, "id") << " now " << in.now.unix_seconds << " at " << at
                       << " until " << until);
      CHECK(ToJson(Evaluate(rs, BuildFacts(later, rs))) == expected);
      ++checked;
    }
    FactsInput at_bound = in;
    at_bound.now.unix_seconds = until;
    Json facts_now = BuildFacts(in, rs), facts_bound = BuildFacts(at_bound, rs);
    facts_now.erase("now");
    facts_bound.erase("now");
    if (facts_now != facts_bound || ToJson(Evaluate(rs, BuildFacts(at_bound, rs))) != expected) {
      ++boundaries_that_changed;
    }
  }
  CHECK(checked >= 12000);
  // The bounds are not just "now + 1": many of them mark a real change.
  CHECK(boundaries_that_changed > 500);
}

TEST_CASE("Any other use of now holds for the current second only", "[hold]") {
  Json rs = NowRules();
  rs["rules"].push_back(Json::parse(R"({"id": "text", "color": "gray",
     "when": {"in": ["T1", {"var": "now"}]},
     "reason": {"zh": "文字", "en": "text"}, "advice": {"zh": "建议", "en": "advice"}})"));
  FactsInput in;
  in.declaration = Json::object();
  in.declared_at = *ParseInstant("2026-11-20T09:00:00+08:00");
  in.now = *ParseInstant("2026-11-20T10:00:00+08:00");
  const Verdict v = Evaluate(rs, BuildFacts(in, rs));
  CHECK(v.holds_until == in.now.unix_seconds + 1);  // the "in" rule reads now as text
  Json plain = Load("default");
  const Verdict p = Evaluate(plain, BuildFacts(in, plain));
  CHECK(p.holds_until > in.now.unix_seconds + 3600);
}

TEST_CASE("A comparison with now holds until the instant compared with", "[hold]") {
  Json rs = Load("default");
  rs["rules"] = Json::parse(R"([{"id": "fixed", "color": "gray",
     "when": {"after": [{"var": "now"}, "2026-11-20T10:30:17+08:00"]},
     "reason": {"zh": "理由", "en": "reason"}, "advice": {"zh": "建议", "en": "advice"}}])");
  FactsInput in;
  in.declaration = Json::object();
  in.declared_at = *ParseInstant("2026-11-20T09:00:00+08:00");
  const int64_t x = ParseInstant("2026-11-20T10:30:17+08:00")->unix_seconds;
  in.now = Instant{x - 100, 480};
  CHECK(Evaluate(rs, BuildFacts(in, rs)).holds_until == x);
  in.now = Instant{x, 480};
  CHECK(Evaluate(rs, BuildFacts(in, rs)).holds_until == x + 1);
  in.now = Instant{x + 1, 480};
  CHECK(Evaluate(rs, BuildFacts(in, rs)).holds_until == INT64_MAX);
}

}  // namespace
}  // namespace ankang
