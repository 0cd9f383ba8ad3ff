// Value coercion and comparison for the rules engine (shared/rules_coerce.h),
// and JsonLogic truthiness (shared/rules.h).
#include "shared/rules_coerce.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "shared/rules.h"

namespace ankang {
namespace coerce {

Json Number(double x) {
  if (!std::isfinite(x)) return nullptr;
  if (std::fabs(x) < 9007199254740992.0 && std::floor(x) == x) {
    return static_cast<int64_t>(x);
  }
  return x;
}

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

Json ArgList(const Json& v) {
  if (v.is_array()) return v;
  Json a = Json::array();
  a.push_back(v);
  return a;
}

}  // namespace coerce

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

}  // namespace ankang
