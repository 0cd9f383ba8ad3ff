// BuildFacts: turns stored history plus current authority data into the facts
// document the rules read. Days are counted in the offset of `now`.
#include "shared/facts.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "shared/regions.h"

namespace ankang {
namespace {

int LevelRank(const std::string& level) {
  if (level == "high") return 3;
  if (level == "medium") return 2;
  if (level == "low") return 1;
  return 0;
}

const char* LevelName(int rank) {
  switch (rank) {
    case 3:
      return "high";
    case 2:
      return "medium";
    case 1:
      return "low";
  }
  return "none";
}

int64_t DayNumber(const Instant& t, int offset_minutes) {
  return DaysFromCivil(LocalDate(Instant{t.unix_seconds, offset_minutes}));
}

int64_t IntParam(const Json& rule_set, const char* key, int64_t fallback) {
  if (!rule_set.is_object()) return fallback;
  auto p = rule_set.find("params");
  if (p == rule_set.end() || !p->is_object()) return fallback;
  auto it = p->find(key);
  if (it == p->end() || !it->is_number()) return fallback;
  return static_cast<int64_t>(std::llround(it->get<double>()));
}

// A declaration's "health" member; null when there is none.
const Json& HealthOf(const Json& declaration) {
  static const Json kNull;
  if (!declaration.is_object()) return kNull;
  auto h = declaration.find("health");
  return h != declaration.end() ? *h : kNull;
}

// Whole days from a "YYYY-MM-DD" string to today; null when unparseable.
Json DaysAgo(const Json& date, const Date& today) {
  if (!date.is_string()) return nullptr;
  auto d = ParseDate(date.get<std::string>());
  if (!d) return nullptr;
  return DaysBetween(*d, today);
}

}  // namespace

Report ReportFromHealth(std::string kind, const Instant& at, const Json& health) {
  Report r;
  r.kind = std::move(kind);
  r.at = at;
  if (!health.is_object()) return r;
  auto t = health.find("temperature");
  if (t != health.end() && t->is_number()) r.temperature = t->get<double>();
  auto s = health.find("symptoms");
  if (s != health.end() && s->is_array()) {
    for (const Json& x : *s) {
      if (x.is_string()) r.symptoms.push_back(x.get<std::string>());
    }
  }
  return r;
}

AuthorityView AuthorityFromJson(const Json& authority) {
  AuthorityView view;
  if (!authority.is_object()) return view;
  auto areas = authority.find("risk_areas");
  if (areas != authority.end() && areas->is_object()) {
    for (auto it = areas->begin(); it != areas->end(); ++it) {
      if (it.value().is_string()) view.risk_areas[it.key()] = it.value().get<std::string>();
    }
  } else if (areas != authority.end() && areas->is_array()) {
    for (const Json& e : *areas) {
      if (!e.is_object()) continue;
      auto r = e.find("region");
      auto l = e.find("level");
      if (r != e.end() && l != e.end() && r->is_string() && l->is_string()) {
        view.risk_areas[r->get<std::string>()] = l->get<std::string>();
      }
    }
  }
  view.case_status = StrField(authority, "case_status", view.case_status);
  view.case_since = StrField(authority, "case_since", view.case_since);
  return view;
}

FactsInput PreviewInput(Json declaration, const Json& authority, const Instant& now) {
  FactsInput in;
  in.declared_at = now;
  in.now = now;
  in.reports.push_back(ReportFromHealth("declaration", now, HealthOf(declaration)));
  in.declaration = std::move(declaration);
  in.authority = AuthorityFromJson(authority);
  if (authority.is_object()) {
    auto review = authority.find("review_required");
    in.review_required = review != authority.end() && review->is_boolean() && review->get<bool>();
  }
  in.review_state = in.review_required ? "pending" : "none";
  return in;
}

std::string RiskOf(const std::map<std::string, std::string>& areas, const std::string& code) {
  int best = 0;
  for (const std::string& key : RegionAndAncestors(code)) {
    auto it = areas.find(key);
    if (it != areas.end()) best = std::max(best, LevelRank(it->second));
  }
  return LevelName(best);
}

bool IsAbnormal(const Report& r) { return r.temperature >= 37.3 || !r.symptoms.empty(); }

Instant ReviewDeadline(const Instant& submitted) {
  Date next = AddDays(LocalDate(submitted), 1);
  return AtLocalTime(next, 18, 0, submitted.offset_minutes);
}

Json BuildFacts(const FactsInput& in, const Json& rule_set) {
  const int offset = in.now.offset_minutes;
  const Date today = LocalDate(in.now);
  const int64_t today_n = DaysFromCivil(today);
  const AuthorityView& auth = in.authority;

  Json f = Json::object();
  f["now"] = FormatInstant(in.now);
  f["today"] = FormatDate(today);

  // The declaration, with days counted from today.
  Json decl = in.declaration.is_object() ? in.declaration : Json::object();
  decl["declared_at"] = FormatInstant(in.declared_at);
  const int64_t decl_day = DayNumber(in.declared_at, offset);
  decl["date"] = FormatDate(CivilFromDays(decl_day));
  decl["days_ago"] = today_n - decl_day;
  Json travel = Json::array();
  auto t = decl.find("travel_14d");
  if (t != decl.end() && t->is_array()) {
    for (const Json& entry : *t) {
      if (!entry.is_object()) continue;
      Json e = entry;
      std::string region = StrField(entry, "region");
      std::string risk;
      if (region == "overseas") {
        std::string country = StrField(entry, "country");
        risk = RiskOf(auth.risk_areas, country.empty() ? region : country);
        if (risk == "none") risk = RiskOf(auth.risk_areas, region);
      } else {
        risk = RiskOf(auth.risk_areas, region);
      }
      e["risk"] = risk;
      Json ago = DaysAgo(entry.contains("to") ? entry["to"] : Json(), today);
      if (ago.is_null()) ago = DaysAgo(entry.contains("from") ? entry["from"] : Json(), today);
      e["days_ago"] = ago;
      travel.push_back(e);
    }
  }
  decl["travel_14d"] = travel;
  decl["arrived_days_ago"] = DaysAgo(
      decl.contains("arrived_from_overseas_on") ? decl["arrived_from_overseas_on"] : Json(), today);
  std::string residence;
  auto person = decl.find("person");
  if (person != decl.end()) residence = StrField(*person, "region");
  if (residence.empty()) residence = StrField(decl, "region");
  f["region_risk"] = RiskOf(auth.risk_areas, residence);
  f["declaration"] = decl;

  // The latest self-report (the declaration itself when there are none).
  const Report latest =
      in.reports.empty() ? ReportFromHealth("declaration", in.declared_at, HealthOf(in.declaration))
                         : in.reports.back();
  Json symptoms = Json::array();
  for (const std::string& s : latest.symptoms) symptoms.push_back(s);
  f["latest"] = {{"temperature", latest.temperature},
                 {"symptoms", symptoms},
                 {"fever", latest.temperature >= 37.3},
                 {"abnormal", IsAbnormal(latest)},
                 {"date", FormatDate(CivilFromDays(DayNumber(latest.at, offset)))},
                 {"at", FormatInstant(latest.at)},
                 {"kind", latest.kind}};
  const int64_t validity_s = IntParam(rule_set, "validity_hours", 336) * 3600;
  const int64_t since_s = in.now.unix_seconds - latest.at.unix_seconds;
  f["last_report_at"] = FormatInstant(latest.at);
  f["expired"] = since_s > validity_s;
  f["hours_since_report"] = since_s >= 0 ? since_s / 3600 : -((-since_s + 3599) / 3600);

  // Replay of the self-reports: the yellow/red hold and the normal streak.
  const int64_t yellow_clear = IntParam(rule_set, "yellow_clear_streak", 7);
  const int64_t red_clear = IntParam(rule_set, "red_clear_streak", 14);
  std::string hold = "none";
  int64_t streak = 0;
  // Day numbers; kNoDay when there was none (far from any real day).
  constexpr int64_t kNoDay = -(int64_t{1} << 40);
  int64_t abnormal_day = kNoDay, counted_day = kNoDay, normal_day = kNoDay;
  for (const Report& r : in.reports) {
    const int64_t day = DayNumber(r.at, offset);
    if (IsAbnormal(r)) {
      hold = hold == "none" ? "yellow" : "red";
      streak = 0;
      abnormal_day = day;
      normal_day = kNoDay;
      continue;
    }
    if (r.kind != "checkin") {
      normal_day = day;  // A normal declaration keeps a run going but does not add to it.
      continue;
    }
    if (day == abnormal_day || day == counted_day) continue;
    if (streak > 0 && day - normal_day > 1) streak = 0;  // A missed day.
    ++streak;
    counted_day = day;
    normal_day = day;
    if ((hold == "yellow" && streak >= yellow_clear) || (hold == "red" && streak >= red_clear)) {
      hold = "none";
    }
  }
  f["health"] = {{"hold", hold}, {"streak", streak}};

  Json since = nullptr, case_days = nullptr;
  if (auto d = ParseDate(auth.case_since)) {
    since = FormatDate(*d);
    case_days = DaysBetween(*d, today);
  }
  f["authority"] = {{"case_status", auth.case_status.empty() ? "none" : auth.case_status},
                    {"case_since", since},
                    {"case_days", case_days}};

  Json review = {{"required", in.review_required}, {"state", in.review_state}};
  if (in.review_state == "pending" || in.review_state == "auto_issued") {
    Instant deadline = ReviewDeadline(in.declared_at);
    review["deadline"] = FormatInstant(deadline);
    if (in.now.unix_seconds >= deadline.unix_seconds) review["state"] = "auto_issued";
  }
  f["review"] = review;

  Json params = Json::object();
  if (rule_set.is_object()) {
    auto p = rule_set.find("params");
    if (p != rule_set.end() && p->is_object()) params = *p;
  }
  f["params"] = params;
  return f;
}

int64_t FactsHoldUntil(const FactsInput& in, const Json& rule_set) {
  const int64_t now = in.now.unix_seconds;
  // "today" and every count of days: the next local midnight.
  int64_t until =
      AtLocalTime(AddDays(LocalDate(in.now), 1), 0, 0, in.now.offset_minutes).unix_seconds;
  const Report latest =
      in.reports.empty() ? ReportFromHealth("declaration", in.declared_at, HealthOf(in.declaration))
                         : in.reports.back();
  const int64_t at = latest.at.unix_seconds;
  // hours_since_report: floor((now - at) / 3600), the next whole hour after the report.
  const int64_t since = now - at;
  const int64_t hours = since >= 0 ? since / 3600 : -((-since + 3599) / 3600);
  until = std::min(until, at + (hours + 1) * 3600);
  // expired: since > validity.
  const int64_t validity_s = IntParam(rule_set, "validity_hours", 336) * 3600;
  if (since <= validity_s) until = std::min(until, at + validity_s + 1);
  // A pending review is reported auto-issued from its deadline.
  if (in.review_state == "pending") {
    const int64_t deadline = ReviewDeadline(in.declared_at).unix_seconds;
    if (now < deadline) until = std::min(until, deadline);
  }
  return until;
}

}  // namespace ankang
