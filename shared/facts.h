// Builds the facts document the rules read, from stored history and current
// authority data. Shared by the server (authoritative) and the wasm preview,
// so both see exactly the same facts. Pure; never throws.
//
// Facts document:
// {
//   "now": "2026-11-21T08:00:00+08:00", "today": "2026-11-21",
//   "declaration": {<normalised declaration>, "declared_at": ISO, "date": "YYYY-MM-DD",
//                   "days_ago": n, "travel_14d": [{..., "risk": "high|medium|low|none",
//                   "days_ago": n (days since "to")}], "arrived_days_ago": n | null},
//   "region_risk": "high|medium|low|none",          // of the residence
//   "latest": {"temperature", "symptoms": [...], "fever": bool, "abnormal": bool,
//              "date", "at", "kind": "declaration" | "checkin"},
//   "last_report_at": ISO, "expired": bool, "hours_since_report": n,
//   "health": {"hold": "none|yellow|red", "streak": n},  // replay of self-reports
//   "authority": {"case_status": "none|confirmed|...", "case_since": date|null,
//                 "case_days": n|null},
//   "review": {"required": bool, "state": "none|pending|approved|rejected|auto_issued",
//              "deadline": ISO (when a review is pending or was auto-issued)},
//   "params": <rule set params>
// }
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "shared/dates.h"
#include "shared/json.h"

namespace ankang {

struct Report {
  std::string kind;  // "declaration" or "checkin"
  Instant at;
  double temperature = 36.5;
  std::vector<std::string> symptoms;
};

struct AuthorityView {
  // Risk level by GB/T 2260 code; a level set on a province ("370000") or a
  // city ("370100") applies to everything below it. Missing = "none".
  std::map<std::string, std::string> risk_areas;
  std::string case_status = "none";
  std::string case_since;  // "YYYY-MM-DD" or ""
};

struct FactsInput {
  Json declaration;  // normalised declaration (ValidateDeclaration output)
  Instant declared_at;
  std::vector<Report> reports;  // declaration and check-ins, oldest first
  AuthorityView authority;
  bool review_required = false;
  std::string review_state = "none";
  Instant now;
};

// A report from a declaration's "health" member: its "temperature" when a
// number, its "symptoms" that are strings. Default: health that is not an
// object (absent, null, ...) gives temperature 36.5 and no symptoms.
Report ReportFromHealth(std::string kind, const Instant& at, const Json& health);

// Authority data as JSON: {"risk_areas": {"370102": "high", ...} or
// [{"region": "370102", "level": "high"}, ...], "case_status"?: string,
// "case_since"?: "YYYY-MM-DD"}. Members of another type, and list entries
// without a string region and level, are skipped.
AuthorityView AuthorityFromJson(const Json& authority);

// The input for scoring a declaration before it is submitted (the preview):
// the declaration is the only report, declared at `now`; the authority data
// as AuthorityFromJson reads it, whose "review_required": true makes the
// review "pending". REQUIRES: declaration is ValidateDeclaration's output.
FactsInput PreviewInput(Json declaration, const Json& authority, const Instant& now);

// Risk level of a region code: the most severe level set on the code or on a
// code it falls under (RegionAndAncestors): "high", "medium", "low", "none".
std::string RiskOf(const std::map<std::string, std::string>& areas, const std::string& code);

// True when a report is abnormal: temperature >= 37.3 or any symptom.
bool IsAbnormal(const Report& r);

// When an undecided review is settled by the system (SPEC §3): 18:00 local
// time (in the submission's offset) on the day after `submitted`.
Instant ReviewDeadline(const Instant& submitted);

// REQUIRES: rule_set passed CheckRuleSet (its "params" are read for thresholds).
// A "pending" review whose deadline has passed (now >= deadline) is reported
// as "auto_issued". Health replay: an abnormal report sets hold none->yellow,
// yellow/red->red and streak 0; a normal check-in counts once per local day
// (not on a day with an abnormal report), restarts the streak at 1 after a
// missed day, and clears the hold at params.*_clear_streak; a normal
// declaration leaves hold and streak unchanged.
Json BuildFacts(const FactsInput& in, const Json& rule_set);

// The first instant after in.now at which BuildFacts(in with a later now,
// rule_set) can differ other than in "now" itself: the next local midnight
// (today and every count of days), the next whole hour since the latest
// report (hours_since_report), the second the report expires, a pending
// review's deadline. With Verdict::holds_until it bounds how long a verdict
// stays what a new evaluation would give.
int64_t FactsHoldUntil(const FactsInput& in, const Json& rule_set);

}  // namespace ankang
