// The rules engine: a total JsonLogic evaluator (CertLogic-like subset), the
// rule-set shape checker and the verdict. Nothing here throws or aborts: any
// missing value reads as null, any type mismatch gives null or false.
//
// Deliberate choices where JsonLogic (JavaScript) semantics would surprise a
// rule author:
// - a comparison involving null is false (JS would read null as 0, so a
//   missing "days_ago" would satisfy "< 14");
// - two strings that both parse as ISO dates/instants compare as instants
//   (a date is local midnight in the other operand's offset, default +08:00);
// - min/max with a single array argument range over its elements;
// - cat renders null as "".
#include "shared/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace ankang {
namespace {

constexpr int kMaxDepth = 64;
constexpr int kDefaultOffsetMinutes = 480;

// ---------------------------------------------------------------- values

Json Number(double x) {
  if (!std::isfinite(x)) return nullptr;
  if (std::fabs(x) < 9007199254740992.0 && std::floor(x) == x) {
    return static_cast<int64_t>(x);
  }
  return x;
}

// JS-like Number() for the types where it is unsurprising; null and
// non-numeric strings are not numbers here.
std::optional<double> ToNumber(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t b = s.find_first_not_of(" \t\n\r");
    if (b == std::string::npos) return std::nullopt;
    size_t e = s.find_last_not_of(" \t\n\r");
    std::string t = s.substr(b, e - b + 1);
    for (char c : t) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        return std::nullopt;
      }
    }
    char* end = nullptr;
    double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

std::string ToText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    Json n = Number(v.get<double>());
    if (!n.is_number_float()) return n.dump();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v.get<double>());
    return buf;
  }
  return v.dump();
}

// A date or an instant read from an ISO string.
struct TimeValue {
  bool is_date = false;
  Date date;
  Instant instant;
};

std::optional<TimeValue> ToTime(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() == 10) {
    auto d = ParseDate(s);
    if (!d) return std::nullopt;
    TimeValue t;
    t.is_date = true;
    t.date = *d;
    return t;
  }
  auto i = ParseInstant(s);
  if (!i) return std::nullopt;
  TimeValue t;
  t.instant = *i;
  return t;
}

Instant AsInstant(const TimeValue& t, int offset_minutes) {
  if (!t.is_date) return t.instant;
  return AtLocalTime(t.date, 0, 0, offset_minutes);
}

// -1, 0, 1 when both are times.
std::optional<int> CompareTimes(const Json& a, const Json& b) {
  auto ta = ToTime(a);
  auto tb = ToTime(b);
  if (!ta || !tb) return std::nullopt;
  if (ta->is_date && tb->is_date) {
    int64_t x = DaysFromCivil(ta->date), y = DaysFromCivil(tb->date);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  int oa = ta->is_date ? tb->instant.offset_minutes : ta->instant.offset_minutes;
  int ob = tb->is_date ? ta->instant.offset_minutes : tb->instant.offset_minutes;
  int64_t x = AsInstant(*ta, oa).unix_seconds, y = AsInstant(*tb, ob).unix_seconds;
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Ordering for <, <=, >, >=: times, then strings, then numbers.
std::optional<int> Compare(const Json& a, const Json& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_string() && b.is_string()) {
    if (auto t = CompareTimes(a, b)) return t;
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  auto x = ToNumber(a), y = ToNumber(b);
  if (!x || !y) return std::nullopt;
  return *x < *y ? -1 : (*x > *y ? 1 : 0);
}

bool StrictEquals(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  return a == b;
}

// JS == restricted to JSON values.
bool LooseEquals(const Json& a, const Json& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_string() && b.is_string()) return a == b;
  if (a.is_structured() || b.is_structured()) return a == b;
  auto x = ToNumber(a), y = ToNumber(b);
  if (!x || !y) return false;
  return *x == *y;
}

const Json& NullJson() {
  static const Json kNull = nullptr;
  return kNull;
}

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

// ---------------------------------------------------------------- operators

struct OpInfo {
  const char* name;
  int min_args;
  int max_args;  // -1: unbounded
};

const OpInfo kOps[] = {
    {"var", 0, 2},    {"if", 1, -1},        {"?:", 3, 3},        {"and", 1, -1},
    {"or", 1, -1},    {"!", 1, 1},          {"!!", 1, 1},        {"==", 2, 2},
    {"!=", 2, 2},     {"===", 2, 2},        {"!==", 2, 2},       {"<", 2, 3},
    {"<=", 2, 3},     {">", 2, 2},          {">=", 2, 2},        {"in", 2, 2},
    {"+", 1, -1},     {"-", 1, 2},          {"*", 1, -1},        {"/", 2, 2},
    {"%", 2, 2},      {"min", 1, -1},       {"max", 1, -1},      {"some", 2, 2},
    {"all", 2, 2},    {"none", 2, 2},       {"filter", 2, 2},    {"map", 2, 2},
    {"count", 1, -1}, {"cat", 1, -1},       {"plusTime", 3, 3},  {"before", 2, 3},
    {"after", 2, 3},  {"not-before", 2, 3}, {"not-after", 2, 3}, {"daysBetween", 2, 2},
};

const OpInfo* FindOp(const std::string& name) {
  for (const OpInfo& op : kOps) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

// The operator's argument list: a non-array value is a single argument.
Json Args(const Json& v) {
  if (v.is_array()) return v;
  Json a = Json::array();
  a.push_back(v);
  return a;
}

Json Eval(const Json& expr, const Json& data, int depth);

Json EvalArg(const Json& args, size_t i, const Json& data, int depth) {
  if (i >= args.size()) return nullptr;
  return Eval(args[i], data, depth + 1);
}

Json EvalVar(const Json& args, const Json& data, int depth) {
  Json path = EvalArg(args, 0, data, depth);
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
  auto t = ToTime(EvalArg(args, 0, data, depth));
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
  if (!raw_args.is_array()) wrapped = Args(raw_args);
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

  if (op == "==") return LooseEquals(at(0), at(1));
  if (op == "!=") return !LooseEquals(at(0), at(1));
  if (op == "===") return StrictEquals(at(0), at(1));
  if (op == "!==") return !StrictEquals(at(0), at(1));
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    size_t pairs = (op == "<" || op == "<=") && v.size() >= 3 ? 2 : 1;
    for (size_t i = 0; i < pairs; ++i) {
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
    auto a = ToTime(at(0)), b = ToTime(at(1));
    if (!a || !b) return nullptr;
    return DaysBetween(LocalDateOf(*a), LocalDateOf(*b));
  }
  return nullptr;  // Unknown operator: CheckRuleSet reports it; evaluation stays total.
}

Json Eval(const Json& expr, const Json& data, int depth) {
  if (!expr.is_structured()) return expr;
  if (depth > kMaxDepth) return nullptr;  // Too deep: the whole sub-expression reads as null.
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

// ---------------------------------------------------------------- checking

class Checker {
 public:
  std::vector<RuleSetProblem> problems;

  void Add(const std::string& path, const std::string& code, const std::string& message) {
    problems.push_back({path, code, message});
  }

  void Logic(const Json& expr, const std::string& path, int depth) {
    if (depth > kMaxDepth) {
      Add(path, "too_deep", "expression nested deeper than " + std::to_string(kMaxDepth));
      return;
    }
    if (expr.is_array()) {
      for (size_t i = 0; i < expr.size(); ++i) {
        Logic(expr[i], path + "[" + std::to_string(i) + "]", depth + 1);
      }
      return;
    }
    if (!expr.is_object()) return;
    if (expr.size() != 1) {
      Add(path, "bad_type", "an expression object must have exactly one operator key");
      return;
    }
    auto it = expr.begin();
    const std::string& name = it.key();
    const OpInfo* op = FindOp(name);
    std::string p = path + "." + name;
    if (!op) {
      Add(p, "unknown_operator", "unknown operator \"" + name + "\"");
      return;
    }
    Json args = Args(it.value());
    int n = static_cast<int>(args.size());
    if (n < op->min_args || (op->max_args >= 0 && n > op->max_args)) {
      std::string want = op->max_args < 0 ? "at least " + std::to_string(op->min_args)
                         : op->min_args == op->max_args
                             ? std::to_string(op->min_args)
                             : std::to_string(op->min_args) + ".." + std::to_string(op->max_args);
      Add(p, "bad_arity",
          "\"" + name + "\" takes " + want + " argument(s), got " + std::to_string(n));
    }
    if (name == "var" && n >= 1 && !args[0].is_string() && !args[0].is_number() &&
        !args[0].is_null() && !args[0].is_object()) {
      Add(p + "[0]", "bad_type", "var path must be a string or a number");
    }
    if (name == "plusTime" && n >= 3 && args[2].is_string() && args[2] != "day" &&
        args[2] != "hour") {
      Add(p + "[2]", "bad_value", "plusTime unit must be \"day\" or \"hour\"");
    }
    for (size_t i = 0; i < args.size(); ++i) {
      Logic(args[i], p + "[" + std::to_string(i) + "]", depth + 1);
    }
  }

  void TextField(const Json& obj, const std::string& key, const std::string& path) {
    std::string p = path.empty() ? key : path + "." + key;
    auto it = obj.find(key);
    if (it == obj.end()) {
      Add(p, "required", "\"" + key + "\" is required ({\"zh\",\"en\"})");
      return;
    }
    if (!it->is_object()) {
      Add(p, "bad_type", "must be an object {\"zh\",\"en\"}");
      return;
    }
    for (const char* lang : {"zh", "en"}) {
      auto l = it->find(lang);
      if (l == it->end()) {
        Add(p + "." + lang, "required", std::string("text in \"") + lang + "\" is required");
      } else if (!l->is_string() || l->get_ref<const std::string&>().empty()) {
        Add(p + "." + lang, "bad_type", "must be a non-empty string");
      }
    }
  }

  void NonEmptyString(const Json& obj, const std::string& key, const std::string& path) {
    std::string p = path.empty() ? key : path + "." + key;
    auto it = obj.find(key);
    if (it == obj.end()) {
      Add(p, "required", "\"" + key + "\" is required");
    } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      Add(p, "bad_type", "must be a non-empty string");
    }
  }

  void UnknownKeys(const Json& obj, std::initializer_list<const char*> allowed,
                   const std::string& path) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        Add(path.empty() ? it.key() : path + "." + it.key(), "unknown_key",
            "unknown key \"" + it.key() + "\"");
      }
    }
  }

  void Params(const Json& rs) {
    auto it = rs.find("params");
    if (it == rs.end()) {
      Add("params", "required", "\"params\" is required");
      return;
    }
    if (!it->is_object()) {
      Add("params", "bad_type", "must be an object");
      return;
    }
    const Json& p = *it;
    auto hours = p.find("validity_hours");
    if (hours == p.end()) {
      Add("params.validity_hours", "required", "\"validity_hours\" is required");
    } else if (!hours->is_number() || hours->get<double>() <= 0) {
      Add("params.validity_hours", "bad_type", "must be a positive number");
    }
    for (const char* key : {"yellow_clear_streak", "red_clear_streak"}) {
      auto s = p.find(key);
      std::string path = std::string("params.") + key;
      if (s == p.end()) {
        Add(path, "required", std::string("\"") + key + "\" is required");
      } else if (!s->is_number_integer() && !s->is_number_unsigned()) {
        Add(path, "bad_type", "must be a positive integer");
      } else if (s->get<int64_t>() < 1) {
        Add(path, "out_of_range", "must be at least 1");
      }
    }
    auto review = p.find("review");
    if (review == p.end()) {
      Add("params.review", "required", "\"review\" is required");
    } else if (!review->is_boolean()) {
      Add("params.review", "bad_type", "must be true or false");
    }
    auto edit = p.find("edit_policy");
    if (edit == p.end()) {
      Add("params.edit_policy", "required", "\"edit_policy\" is required");
    } else if (!edit->is_string() || (*edit != "daily" && *edit != "once")) {
      Add("params.edit_policy", "bad_value", "must be \"daily\" or \"once\"");
    }
    auto show = p.find("show_streak");
    if (show != p.end() && !show->is_boolean()) {
      Add("params.show_streak", "bad_type", "must be true or false");
    }
    UnknownKeys(p,
                {"validity_hours", "yellow_clear_streak", "red_clear_streak", "review",
                 "edit_policy", "show_streak"},
                "params");
  }

  void Rule(const Json& r, const std::string& path, std::vector<std::string>* ids) {
    if (!r.is_object()) {
      Add(path, "bad_type", "a rule must be an object");
      return;
    }
    NonEmptyString(r, "id", path);
    auto id = r.find("id");
    if (id != r.end() && id->is_string() && !id->get_ref<const std::string&>().empty()) {
      const std::string& value = id->get_ref<const std::string&>();
      if (std::find(ids->begin(), ids->end(), value) != ids->end()) {
        Add(path + ".id", "duplicate_id", "rule id \"" + value + "\" is used twice");
      } else {
        ids->push_back(value);
      }
    }
    auto color = r.find("color");
    if (color == r.end()) {
      Add(path + ".color", "required", "\"color\" is required");
    } else if (!color->is_string() || (*color != "red" && *color != "yellow" && *color != "gray")) {
      Add(path + ".color", "bad_color", "must be \"red\", \"yellow\" or \"gray\"");
    }
    auto when = r.find("when");
    if (when == r.end()) {
      Add(path + ".when", "required", "\"when\" is required");
    } else {
      Logic(*when, path + ".when", 0);
    }
    TextField(r, "reason", path);
    TextField(r, "advice", path);
    auto next = r.find("next");
    if (next != r.end()) {
      if (!next->is_object() || next->size() != 1 ||
          (!next->contains("streak") && !next->contains("days"))) {
        Add(path + ".next", "bad_type", "must be {\"streak\": <expr>} or {\"days\": <expr>}");
      } else {
        Logic(next->begin().value(), path + ".next." + next->begin().key(), 0);
      }
    }
    UnknownKeys(r, {"id", "color", "when", "reason", "advice", "next", "note"}, path);
  }

  void RuleSet(const Json& rs) {
    if (!rs.is_object()) {
      Add("", "bad_type", "a rule set must be a JSON object");
      return;
    }
    NonEmptyString(rs, "id", "");
    NonEmptyString(rs, "version", "");
    TextField(rs, "name", "");
    Params(rs);
    auto green = rs.find("green");
    if (green == rs.end()) {
      Add("green", "required", "\"green\" is required ({\"advice\": {\"zh\",\"en\"}})");
    } else if (!green->is_object()) {
      Add("green", "bad_type", "must be an object");
    } else {
      TextField(*green, "advice", "green");
    }
    auto rules = rs.find("rules");
    if (rules == rs.end()) {
      Add("rules", "required", "\"rules\" is required");
    } else if (!rules->is_array()) {
      Add("rules", "bad_type", "must be an array");
    } else {
      std::vector<std::string> ids;  // a few dozen rules: a linear search is enough
      for (size_t i = 0; i < rules->size(); ++i) {
        Rule((*rules)[i], "rules[" + std::to_string(i) + "]", &ids);
      }
    }
    UnknownKeys(rs, {"id", "version", "name", "description", "params", "green", "rules"}, "");
  }
};

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
  std::string count = std::to_string(std::max<int64_t>(1, static_cast<int64_t>(left)));
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

bool Truthy(const Json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) {
    double d = v.get<double>();
    return d != 0 && !std::isnan(d);
  }
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_array()) return !v.empty();
  return true;
}

Json EvalLogic(const Json& expr, const Json& data) { return Eval(expr, data, 0); }

std::vector<RuleSetProblem> CheckRuleSet(const Json& rule_set) {
  Checker c;
  c.RuleSet(rule_set);
  return c.problems;
}

Verdict Evaluate(const Json& rule_set, const Json& facts_in) {
  Verdict v;
  if (!rule_set.is_object()) return v;
  // The rules read the rule set's own params, whatever the facts carry.
  Json facts = facts_in.is_object() ? facts_in : Json::object();
  auto params = rule_set.find("params");
  if (params != rule_set.end() && params->is_object()) facts["params"] = *params;

  v.rules_version = StrField(rule_set, "id") + "@" + StrField(rule_set, "version");
  const Json* health = Lookup(facts, "health.streak");
  if (health && health->is_number()) v.streak = static_cast<int>(health->get<double>());

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
