// The rules engine (SPEC §3). A rule set is a versioned JSON document; its
// rules are JsonLogic expressions (a CertLogic-like subset) over a facts
// document. Evaluation is total: a rule set that passed CheckRuleSet always
// evaluates, and missing facts read as null. Never throws. Evaluation lives
// in rules_eval.cc, the shape check in rules_check.cc and the reading of
// values (numbers, times, equality) in rules_coerce.{h,cc}.
//
// Rule set shape:
// {
//   "id": "default", "version": "2026.1",
//   "name": {"zh": "...", "en": "..."},
//   "params": {"validity_hours": 336, "yellow_clear_streak": 7, "red_clear_streak": 14,
//              "review": true, "edit_policy": "daily" | "once"},
//   "green": {"advice": {"zh","en"}},
//   "rules": [{"id": "case_confirmed", "color": "red" | "yellow" | "gray",
//              "when": <JsonLogic>, "reason": {"zh","en"}, "advice": {"zh","en"},
//              "next": optional {"streak": <JsonLogic number>} or {"days": <JsonLogic number>}}]
// }
// Operators: var (dot paths, array indices, default), if / ?:, and, or, !, !!,
// ==, !=, ===, !==, <, <=, >, >= (numbers; ISO dates/instants compare as instants),
// in (string or array), +, -, *, /, %, min, max, some, all, none, filter, map,
// count, cat, plusTime [instant|date, amount, "day"|"hour"], before, after,
// not-before, not-after, daysBetween [a, b].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shared/color.h"
#include "shared/dates.h"
#include "shared/json.h"

namespace ankang {

struct Text {
  std::string zh;
  std::string en;
};

struct RuleSetProblem {
  std::string path;  // JSON pointer-ish, e.g. "rules[3].when"
  std::string code;  // "required", "bad_type", "unknown_operator", "bad_arity", "duplicate_id", ...
  std::string message;
};

// Expressions nested deeper than this are refused by CheckRuleSet
// ("too_deep"); evaluation reads a too-deep sub-expression as null.
constexpr int kMaxLogicDepth = 64;

// Every shape problem at once; empty means the rule set is usable.
std::vector<RuleSetProblem> CheckRuleSet(const Json& rule_set);

// Evaluates one JsonLogic expression against data (exposed for tests and tools).
Json EvalLogic(const Json& expr, const Json& data);
// JsonLogic truthiness.
bool Truthy(const Json& v);

struct FiredRule {
  std::string id;
  Color color;
  Text reason;
  Text advice;
};

struct Verdict {
  Color color = Color::kGreen;
  std::vector<FiredRule> fired;  // every rule that fired, most severe first
  Text advice;                   // the decisive rule's advice (or the green advice)
  std::string valid_until;       // ISO instant: last report + validity_hours
  int streak = 0;                // consecutive normal daily reports (facts.health.streak)
  Text next_step;                // e.g. "green after 3 more normal check-ins"; empty if none
  std::string rules_version;     // "<id>@<version>"
  // Unix seconds: with the same facts and a later facts.now, the verdict is
  // the same until this instant as far as the rules' own comparisons with
  // "now" go (the facts' own change over time: FactsHoldUntil). INT64_MAX when
  // the rules never read "now"; facts.now + 1 when they use it otherwise.
  int64_t holds_until = INT64_MAX;
};

// REQUIRES: CheckRuleSet(rule_set) is empty. The rules see facts.params set
// to the rule set's own "params" (so rules may read e.g. params.red_clear_streak).
Verdict Evaluate(const Json& rule_set, const Json& facts);

// CODE fields of SPEC §5 without issued_at / qr:
// {"color","reasons":[{"rule","zh","en"}],"advice":{"zh","en"},"valid_until","streak",
//  "next_step":{"zh","en"},"rules_version"}. Each reason also carries its rule's
// "color" and "advice":{"zh","en"}; next_step has empty strings when there is none.
Json ToJson(const Verdict& v);

}  // namespace ankang
