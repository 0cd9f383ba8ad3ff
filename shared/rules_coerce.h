// How the rules engine reads JSON values: numbers, text, dates and instants,
// equality and ordering, truthiness. Used by the evaluator (rules_eval.cc) and,
// for ArgList, the checker (rules_check.cc); internal to the rules engine (the
// public API is shared/rules.h). Total: a value that cannot be read as the
// wanted type gives nullopt / null / false.
//
// Deliberate choices where JsonLogic (JavaScript) semantics would surprise a
// rule author:
// - a comparison involving null is false (JS would read null as 0, so a
//   missing "days_ago" would satisfy "< 14");
// - two strings that both parse as ISO dates/instants compare as instants
//   (a date is local midnight in the other operand's offset, default +08:00);
// - null and non-numeric strings are not numbers.
#pragma once

#include <optional>
#include <string>

#include "shared/dates.h"
#include "shared/json.h"

namespace ankang::coerce {

// A JSON number for x: an integer when x is integral and exact, null when not finite.
Json Number(double x);
// JS-like Number() for numbers, booleans and numeric strings; nullopt otherwise.
std::optional<double> ToNumber(const Json& v);
// JS-like String(): null is "", numbers without a trailing ".0".
std::string ToText(const Json& v);

// A date or an instant read from an ISO string.
struct TimeValue {
  bool is_date = false;
  Date date;
  Instant instant;
};
// "YYYY-MM-DD" as a date, an ISO 8601 instant as an instant; nullopt otherwise.
std::optional<TimeValue> ToTime(const Json& v);
// An instant as it is; a date as local midnight in the given offset.
Instant AsInstant(const TimeValue& t, int offset_minutes);
// -1, 0, 1 when both are times; nullopt otherwise.
std::optional<int> CompareTimes(const Json& a, const Json& b);
// Ordering for <, <=, >, >=: times, then strings, then numbers; nullopt when
// either is null or they do not compare.
std::optional<int> Compare(const Json& a, const Json& b);
// JS === restricted to JSON values (1 and 1.0 are equal).
bool StrictEquals(const Json& a, const Json& b);
// JS == restricted to JSON values.
bool LooseEquals(const Json& a, const Json& b);

// A null to refer to.
const Json& NullJson();

// An operator's argument list: a non-array value is a single argument.
Json ArgList(const Json& v);

}  // namespace ankang::coerce
