// The rules evaluator: a total JsonLogic evaluator (CertLogic-like subset)
// and the verdict of a rule set over a facts document. Nothing here throws or
// aborts: any missing value reads as null, any type mismatch gives null or
// false (value coercion: shared/rules_coerce.h).
//
// Deliberate choices where JsonLogic (JavaScript) semantics would surprise a
// rule author, besides those of the coercions:
// - min/max with a single array argument range over its elements;
// - cat renders null as "";
// - an unknown operator reads as null (CheckRuleSet reports it).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "shared/rules.h"
#include "shared/rules_coerce.h"

namespace ankang {
namespace {

using coerce::AsInstant;
using coerce::Compare;
using coerce::CompareTimes;
using coerce::LooseEquals;
using coerce::NullJson;
using coerce::Number;
using coerce::StrictEquals;
using coerce::TimeValue;
using coerce::ToNumber;
using coerce::ToText;
using coerce::ToTime;

constexpr int kDefaultOffsetMinutes = 480;

// ---------------------------------------------------------------- values

// Walks "a.b.0.c" through objects and arrays; nullptr when missing.
const Json* Lookup(const Json& data, const std::string& path) {
  if (path.empty()) return &data;
  const Json* cur = &data;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string seg =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur->is_object()) {
      auto it = cur->find(seg);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (seg.empty() || seg.size() > 9 ||
          seg.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      size_t idx = 0;  // at most 9 digits, checked above: no overflow
      for (char c : seg) idx = idx * 10 + static_cast<size_t>(c - '0');
      if (idx >= cur->size()) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

// ---------------------------------------------------------------- the hold of "now"

// While Evaluate runs, the facts' "now" is watched so that the verdict can say
// until when it holds (Verdict::holds_until). Every comparison of "now" with
// another time records the instants at which its outcome can change (the
// other time, and the second after it); every other use of "now" whose result
// could depend on its value (cat, in, a path, plusTime, ...) makes the verdict
// hold for the current second only. Until the earliest of these instants every
// decision taken on the evaluation path is the same, so the verdict is too.
// Values that merely equal the "now" text are treated as "now" (safe: at
// worst an earlier instant). One watch per thread, set only inside Evaluate.
struct NowWatch {
  std::string text;  // facts.now as the facts carry it
  Instant now;
  int64_t until = std::numeric_limits<int64_t>::max();
  void Limit(int64_t t) { until = std::min(until, t); }
};
thread_local NowWatch* t_watch = nullptr;

bool IsNow(const Json& v) {
  return v.is_string() && v.get_ref<const std::string&>() == t_watch->text;
}

bool ContainsNow(const Json& v) {
  if (IsNow(v)) return true;
  if (!v.is_structured()) return false;
  for (const Json& e : v) {
    if (ContainsNow(e)) return true;
  }
  return false;
}

// `now` used in a way whose outcome is not followed: it holds for this second.
void NoteAnyUse(const Json& v) {
  if (t_watch && ContainsNow(v)) t_watch->Limit(t_watch->now.unix_seconds + 1);
}

// An ordering or equality of a and b.
void NoteCompared(const Json& a, const Json& b) {
  if (!t_watch) return;
  const bool an = IsNow(a), bn = IsNow(b);
  if (!an && !bn) {
    NoteAnyUse(a);  // "now" nested in an array or object
    NoteAnyUse(b);
    return;
  }
  if (an && bn) {
    // Either both are "now" (always equal) or one is a time that equals it
    // this second (changes at the next).
    t_watch->Limit(t_watch->now.unix_seconds + 1);
    return;
  }
  const Json& other = an ? b : a;
  auto t = ToTime(other);
  if (!t) {
    // Strings compare as text, and "now" changes every second; anything
    // else never compares with a time.
    if (other.is_string()) NoteAnyUse(an ? a : b);
    return;
  }
  const int64_t x = AsInstant(*t, t_watch->now.offset_minutes).unix_seconds;
  const int64_t n = t_watch->now.unix_seconds;
  if (n < x) {
    t_watch->Limit(x);
  } else if (n == x && x < std::numeric_limits<int64_t>::max()) {
    t_watch->Limit(x + 1);
  }
}

// A use of the local date of a and b (daysBetween): changes at local midnight.
void NoteDates(const Json& a, const Json& b) {
  if (!t_watch || !(IsNow(a) || IsNow(b))) return;
  const Instant& n = t_watch->now;
  t_watch->Limit(AtLocalTime(AddDays(LocalDate(n), 1), 0, 0, n.offset_minutes).unix_seconds);
}

// ---------------------------------------------------------------- operators

Json Eval(const Json& expr, const Json& data, int depth);

Json EvalArg(const Json& args, size_t i, const Json& data, int depth) {
  if (i >= args.size()) return nullptr;
  return Eval(args[i], data, depth + 1);
}

Json EvalVar(const Json& args, const Json& data, int depth) {
  Json path = EvalArg(args, 0, data, depth);
  NoteAnyUse(path);
  const Json* found = nullptr;
  if (path.is_null()) {
    found = &data;
  } else if (path.is_string()) {
    found = Lookup(data, path.get<std::string>());
  } else if (path.is_number()) {
    found = Lookup(data, ToText(path));
  }
  if (found && !found->is_null()) return *found;
  return EvalArg(args, 1, data, depth);
}

Json EvalArrayOp(const std::string& op, const Json& args, const Json& data, int depth) {
  Json arr = EvalArg(args, 0, data, depth);
  const Json& logic = args.size() > 1 ? args[1] : NullJson();
  if (!arr.is_array()) {
    if (op == "none") return true;
    if (op == "filter" || op == "map") return Json::array();
    return false;
  }
  if (op == "some" || op == "all" || op == "none") {
    if (op == "all" && arr.empty()) return false;
    for (const Json& el : arr) {
      bool t = Truthy(Eval(logic, el, depth + 1));
      if (op == "some" && t) return true;
      if (op == "none" && t) return false;
      if (op == "all" && !t) return false;
    }
    return op != "some";
  }
  Json out = Json::array();
  for (const Json& el : arr) {
    if (op == "filter") {
      if (Truthy(Eval(logic, el, depth + 1))) out.push_back(el);
    } else {
      out.push_back(Eval(logic, el, depth + 1));
    }
  }
  return out;
}

Json EvalPlusTime(const Json& args, const Json& data, int depth) {
  Json from = EvalArg(args, 0, data, depth);
  NoteAnyUse(from);
  auto t = ToTime(from);
  auto amount = ToNumber(EvalArg(args, 1, data, depth));
  Json unit = EvalArg(args, 2, data, depth);
  if (!t || !amount || !unit.is_string() || std::floor(*amount) != *amount ||
      std::fabs(*amount) > 1e7) {
    return nullptr;
  }
  int64_t n = static_cast<int64_t>(*amount);
  const std::string& u = unit.get_ref<const std::string&>();
  if (u == "day") {
    if (t->is_date) return FormatDate(AddDays(t->date, n));
    Instant i = t->instant;
    i.unix_seconds += n * 86400;
    return FormatInstant(i);
  }
  if (u == "hour") {
    Instant i = AsInstant(*t, kDefaultOffsetMinutes);
    i.unix_seconds += n * 3600;
    return FormatInstant(i);
  }
  return nullptr;
}

// before / after / not-before / not-after, with the CertLogic 3-argument form
// (a op b and b op c).
Json EvalTimeCompare(const std::string& op, const Json& args, const Json& data, int depth) {
  std::vector<Json> v;
  for (size_t i = 0; i < args.size(); ++i) v.push_back(EvalArg(args, i, data, depth));
  if (v.size() < 2) return false;
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    NoteCompared(v[i], v[i + 1]);
    auto c = CompareTimes(v[i], v[i + 1]);
    if (!c) return false;
    bool ok = op == "before"       ? *c < 0
              : op == "after"      ? *c > 0
              : op == "not-before" ? *c >= 0
                                   : *c <= 0;
    if (!ok) return false;
  }
  return true;
}

Date LocalDateOf(const TimeValue& t) { return t.is_date ? t.date : LocalDate(t.instant); }

Json EvalOp(const std::string& op, const Json& raw_args, const Json& data, int depth) {
  // A lone argument may stand without its array; only then is one built, so
  // the usual case reads the rule's own argument list without copying it.
  Json wrapped;
  if (!raw_args.is_array()) wrapped = coerce::ArgList(raw_args);
  const Json& args = raw_args.is_array() ? raw_args : wrapped;
  if (op == "var") return EvalVar(args, data, depth);
  if (op == "if" || op == "?:") {
    size_t i = 0;
    for (; i + 1 < args.size(); i += 2) {
      if (Truthy(EvalArg(args, i, data, depth))) return EvalArg(args, i + 1, data, depth);
    }
    return i < args.size() ? EvalArg(args, i, data, depth) : Json(nullptr);
  }
  if (op == "and" || op == "or") {
    Json last = nullptr;
    for (size_t i = 0; i < args.size(); ++i) {
      last = EvalArg(args, i, data, depth);
      bool t = Truthy(last);
      if (op == "and" && !t) return last;
      if (op == "or" && t) return last;
    }
    return last;
  }
  if (op == "!") return !Truthy(EvalArg(args, 0, data, depth));
  if (op == "!!") return Truthy(EvalArg(args, 0, data, depth));
  if (op == "some" || op == "all" || op == "none" || op == "filter" || op == "map") {
    return EvalArrayOp(op, args, data, depth);
  }
  if (op == "plusTime") return EvalPlusTime(args, data, depth);
  if (op == "before" || op == "after" || op == "not-before" || op == "not-after") {
    return EvalTimeCompare(op, args, data, depth);
  }

  // The rest evaluate every argument first.
  std::vector<Json> v;
  v.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) v.push_back(EvalArg(args, i, data, depth));
  auto at = [&](size_t i) -> const Json& { return i < v.size() ? v[i] : NullJson(); };
  const bool compares = op == "==" || op == "!=" || op == "===" || op == "!==" || op == "<" ||
                        op == "<=" || op == ">" || op == ">=";
  if (t_watch && !compares && op != "daysBetween") {
    for (const Json& x : v) NoteAnyUse(x);
  }

  if (compares && t_watch) NoteCompared(at(0), at(1));
  if (op == "==") return LooseEquals(at(0), at(1));
  if (op == "!=") return !LooseEquals(at(0), at(1));
  if (op == "===") return StrictEquals(at(0), at(1));
  if (op == "!==") return !StrictEquals(at(0), at(1));
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    size_t pairs = (op == "<" || op == "<=") && v.size() >= 3 ? 2 : 1;
    for (size_t i = 0; i < pairs; ++i) {
      if (i > 0) NoteCompared(at(i), at(i + 1));
      auto c = Compare(at(i), at(i + 1));
      if (!c) return false;
      bool ok = op == "<" ? *c < 0 : op == "<=" ? *c <= 0 : op == ">" ? *c > 0 : *c >= 0;
      if (!ok) return false;
    }
    return true;
  }
  if (op == "in") {
    const Json& needle = at(0);
    const Json& hay = at(1);
    if (hay.is_string()) {
      if (!needle.is_string() && !needle.is_number()) return false;
      return hay.get_ref<const std::string&>().find(ToText(needle)) != std::string::npos;
    }
    if (hay.is_array()) {
      for (const Json& el : hay) {
        if (StrictEquals(el, needle)) return true;
      }
    }
    return false;
  }
  if (op == "+" || op == "*") {
    if (v.empty()) return nullptr;
    double acc = op == "+" ? 0 : 1;
    for (const Json& x : v) {
      auto n = ToNumber(x);
      if (!n) return nullptr;
      acc = op == "+" ? acc + *n : acc * *n;
    }
    return Number(acc);
  }
  if (op == "-") {
    auto a = ToNumber(at(0));
    if (!a) return nullptr;
    if (v.size() < 2) return Number(-*a);
    auto b = ToNumber(at(1));
    if (!b) return nullptr;
    return Number(*a - *b);
  }
  if (op == "/" || op == "%") {
    auto a = ToNumber(at(0)), b = ToNumber(at(1));
    if (!a || !b || *b == 0) return nullptr;
    return Number(op == "/" ? *a / *b : std::fmod(*a, *b));
  }
  if (op == "min" || op == "max") {
    std::vector<Json> items = v;
    if (v.size() == 1 && v[0].is_array()) items.assign(v[0].begin(), v[0].end());
    if (items.empty()) return nullptr;
    std::optional<double> best;
    for (const Json& x : items) {
      auto n = ToNumber(x);
      if (!n) return nullptr;
      if (!best || (op == "min" ? *n < *best : *n > *best)) best = *n;
    }
    return Number(*best);
  }
  if (op == "count") {
    if (v.size() == 1) {
      if (v[0].is_array()) return v[0].size();
      if (v[0].is_string()) return v[0].get_ref<const std::string&>().size();
      if (v[0].is_null()) return 0;
      return nullptr;
    }
    return v.size();
  }
  if (op == "cat") {
    std::string s;
    for (const Json& x : v) s += ToText(x);
    return s;
  }
  if (op == "daysBetween") {
    NoteDates(at(0), at(1));
    auto a = ToTime(at(0)), b = ToTime(at(1));
    if (!a || !b) return nullptr;
    return DaysBetween(LocalDateOf(*a), LocalDateOf(*b));
  }
  return nullptr;  // Unknown operator: CheckRuleSet reports it; evaluation stays total.
}

Json Eval(const Json& expr, const Json& data, int depth) {
  if (!expr.is_structured()) return expr;
  if (depth > kMaxLogicDepth) return nullptr;  // Too deep: the whole sub-expression reads as null.
  if (expr.is_array()) {
    Json out = Json::array();
    for (const Json& e : expr) out.push_back(Eval(e, data, depth + 1));
    return out;
  }
  if (expr.is_object() && expr.size() == 1) {
    auto it = expr.begin();
    return EvalOp(it.key(), it.value(), data, depth);
  }
  return expr;
}

// ---------------------------------------------------------------- verdict

Text ReadText(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  return {StrField(*it, "zh"), StrField(*it, "en")};
}

Text NextStep(const Json& rule, const Json& facts, int streak) {
  Text t;
  auto next = rule.find("next");
  if (next == rule.end() || !next->is_object() || next->size() != 1) return t;
  auto n = ToNumber(Eval(next->begin().value(), facts, 0));
  if (!n) return t;
  double left = next->begin().key() == "streak" ? *n - streak : std::ceil(*n);
  if (!std::isfinite(left) || left > 1e6) return t;
  // Clamped before the conversion: a double below INT64_MIN does not convert.
  std::string count = std::to_string(static_cast<int64_t>(std::max(1.0, left)));
  if (next->begin().key() == "streak") {
    t.zh = "再连续正常打卡 " + count + " 天可转为绿码";
    t.en = "green after " + count + " more normal check-in" + (count == "1" ? "" : "s");
  } else if (next->begin().key() == "days") {
    t.zh = count + " 天后可转为绿码（如无其他情况）";
    t.en = "green in " + count + " day" + (count == "1" ? "" : "s") + " if nothing else applies";
  }
  return t;
}

}  // namespace

Json EvalLogic(const Json& expr, const Json& data) { return Eval(expr, data, 0); }

Verdict Evaluate(const Json& rule_set, const Json& facts_in) {
  Verdict v;
  if (!rule_set.is_object()) return v;
  // The rules read the rule set's own params, whatever the facts carry.
  Json facts = facts_in.is_object() ? facts_in : Json::object();
  auto params = rule_set.find("params");
  if (params != rule_set.end() && params->is_object()) facts["params"] = *params;

  v.rules_version = StrField(rule_set, "id") + "@" + StrField(rule_set, "version");
  NowWatch watch;
  watch.text = StrField(facts, "now");
  struct Scope {
    explicit Scope(NowWatch* w) { t_watch = w; }
    ~Scope() { t_watch = nullptr; }
  };
  std::optional<Scope> watching;
  if (auto now = ParseInstant(watch.text)) {
    watch.now = *now;
    watching.emplace(&watch);
  }
  const Json* health = Lookup(facts, "health.streak");
  if (health && health->is_number()) {
    // Facts may come from a caller (the wasm evaluate()): a number beyond int
    // does not convert, so it is clamped first.
    v.streak = static_cast<int>(std::clamp(health->get<double>(), -1e9, 1e9));
  }

  std::vector<const Json*> fired_rules;
  auto rules = rule_set.find("rules");
  if (rules != rule_set.end() && rules->is_array()) {
    for (const Json& r : *rules) {
      if (!r.is_object()) continue;
      auto color = ColorFromString(StrField(r, "color"));
      auto when = r.find("when");
      if (!color || when == r.end()) continue;
      if (!Truthy(Eval(*when, facts, 0))) continue;
      v.fired.push_back({StrField(r, "id"), *color, ReadText(r, "reason"), ReadText(r, "advice")});
      fired_rules.push_back(&r);
    }
  }
  // Most severe first, file order within a colour: one pass per severity
  // (a stable sort over four keys, without instantiating std::stable_sort).
  std::vector<size_t> order;
  for (int s = Severity(Color::kRed); s >= Severity(Color::kGreen); --s) {
    for (size_t i = 0; i < v.fired.size(); ++i) {
      if (Severity(v.fired[i].color) == s) order.push_back(i);
    }
  }
  std::vector<FiredRule> sorted;
  for (size_t i : order) sorted.push_back(v.fired[i]);
  v.fired = std::move(sorted);

  if (v.fired.empty()) {
    auto green = rule_set.find("green");
    if (green != rule_set.end()) v.advice = ReadText(*green, "advice");
  } else {
    v.color = v.fired[0].color;
    v.advice = v.fired[0].advice;
    v.next_step = NextStep(*fired_rules[order[0]], facts, v.streak);
  }

  auto last = ParseInstant(StrField(facts, "last_report_at"));
  const Json* hours = Lookup(facts, "params.validity_hours");
  if (last && hours && hours->is_number()) {
    Instant until = *last;
    until.unix_seconds += static_cast<int64_t>(std::llround(hours->get<double>() * 3600));
    if (auto now = ParseInstant(StrField(facts, "now"))) {
      until.offset_minutes = now->offset_minutes;
    }
    v.valid_until = FormatInstant(until);
  }
  v.holds_until = watch.until;
  return v;
}

Json ToJson(const Verdict& v) {
  Json reasons = Json::array();
  for (const FiredRule& f : v.fired) {
    reasons.push_back({{"rule", f.id},
                       {"color", ToString(f.color)},
                       {"zh", f.reason.zh},
                       {"en", f.reason.en},
                       {"advice", {{"zh", f.advice.zh}, {"en", f.advice.en}}}});
  }
  return {{"color", ToString(v.color)},
          {"reasons", reasons},
          {"advice", {{"zh", v.advice.zh}, {"en", v.advice.en}}},
          {"valid_until", v.valid_until},
          {"streak", v.streak},
          {"next_step", {{"zh", v.next_step.zh}, {"en", v.next_step.en}}},
          {"rules_version", v.rules_version}};
}

}  // namespace ankang
