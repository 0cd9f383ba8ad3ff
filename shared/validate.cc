// Validation of a declaration (SPEC §2, §5). Each check adds FieldErrors to a
// list and keeps going, so a resident sees every problem at once. Messages are
// short, concrete and kind (many users are elderly): they say what is wrong and
// what a right value looks like, with the limits spelled out.
#include "shared/validate.h"

#include <algorithm>
#include <cmath>

#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/utf8.h"

namespace ankang {
namespace {

constexpr double kMinTemperature = 34.0;
constexpr double kMaxTemperature = 43.0;
constexpr size_t kMaxNameChars = 40;
constexpr size_t kMaxAddressChars = 120;
constexpr size_t kMaxPersonIdChars = 64;
constexpr size_t kMaxTravel = 20;
constexpr int kWindowDays = 14;
constexpr int kMaxAge = 130;

// ISO 3166-1 alpha-3, the 249 officially assigned codes, sorted.
constexpr char kAlpha3[] =
    "ABWAFGAGOAIAALAALBANDAREARGARMASMATAATFATGAUSAUTAZE"
    "BDIBELBENBESBFABGDBGRBHRBHSBIHBLMBLRBLZBMUBOLBRABRBBRNBTNBVTBWA"
    "CAFCANCCKCHECHLCHNCIVCMRCODCOGCOKCOLCOMCPVCRICUBCUWCXRCYMCYPCZE"
    "DEUDJIDMADNKDOMDZA"
    "ECUEGYERIESHESPESTETH"
    "FINFJIFLKFRAFROFSM"
    "GABGBRGEOGGYGHAGIBGINGLPGMBGNBGNQGRCGRDGRLGTMGUFGUMGUY"
    "HKGHMDHNDHRVHTIHUN"
    "IDNIMNINDIOTIRLIRNIRQISLISRITA"
    "JAMJEYJORJPN"
    "KAZKENKGZKHMKIRKNAKORKWT"
    "LAOLBNLBRLBYLCALIELKALSOLTULUXLVA"
    "MACMAFMARMCOMDAMDGMDVMEXMHLMKDMLIMLTMMRMNEMNGMNPMOZMRTMSRMTQMUSMWIMYSMYT"
    "NAMNCLNERNFKNGANICNIUNLDNORNPLNRUNZL"
    "OMN"
    "PAKPANPCNPERPHLPLWPNGPOLPRIPRKPRTPRYPSEPYF"
    "QAT"
    "REUROURUSRWA"
    "SAUSDNSENSGPSGSSHNSJMSLBSLESLVSMRSOMSPMSRBSSDSTPSURSVKSVNSWESWZSXMSYCSYR"
    "TCATCDTGOTHATJKTKLTKMTLSTONTTOTUNTURTUVTWNTZA"
    "UGAUKRUMIURYUSAUZB"
    "VATVCTVENVGBVIRVNMVUT"
    "WLFWSM"
    "YEM"
    "ZAFZMBZWE";

bool IsKnownCountry(std::string_view code) {
  if (code.size() != 3) return false;
  size_t lo = 0, hi = (sizeof(kAlpha3) - 1) / 3;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const std::string_view probe(kAlpha3 + mid * 3, 3);
    if (probe == code) return true;
    if (probe < code) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

// --- small string helpers -------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

// REQUIRES: s is all digits.
int Number(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Trims ASCII white space, no-break spaces and the ideographic space U+3000
// (Chinese input methods type it) from both ends.
std::string Trim(std::string_view s) {
  auto space_len_at = [&](size_t pos) -> size_t {
    const char c = s[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    char32_t cp;
    const size_t n = utf8::Decode(s, pos, &cp);
    return (n > 1 && (cp == 0x3000 || cp == 0xA0)) ? n : 0;
  };
  size_t b = 0;
  for (size_t n; b < s.size() && (n = space_len_at(b)) > 0;) b += n;
  size_t e = s.size();
  while (e > b) {
    // Step back over one character (continuation bytes first).
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    if (space_len_at(start) != e - start) break;
    e = start;
  }
  return std::string(s.substr(b, e - b));
}

// True when text is well-formed UTF-8 without control characters.
bool IsCleanText(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    char32_t cp;
    const size_t n = utf8::Decode(s, pos, &cp);
    if (n == 0) return false;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) return false;
    pos += n;
  }
  return true;
}

// --- errors ---------------------------------------------------------------

struct Label {
  const char* zh;
  const char* en;  // a noun phrase usable mid-sentence: "the mobile number"
};

const Label kName{"姓名", "your name"};
const Label kIdType{"证件类型", "the ID type"};
const Label kIdNumber{"证件号码", "the ID number"};
const Label kPhone{"手机号码", "the mobile number"};
const Label kNationality{"国籍", "the nationality"};
const Label kRegion{"所在地区", "the region"};
const Label kAddress{"详细地址", "the address"};
const Label kRelation{"与本人关系", "the relationship"};
const Label kPerson{"申报人信息", "the personal details"};
const Label kPersonId{"申报人", "the person"};
const Label kHealth{"健康情况", "the health details"};
const Label kTemperature{"体温", "the temperature"};
const Label kSymptoms{"症状", "the symptoms"};
const Label kFeverClinic{"是否去过发热门诊", "whether you visited a fever clinic"};
const Label kTravel{"14天内行程", "the places you stayed in the last 14 days"};
const Label kTravelEntry{"这条行程", "this stay"};
const Label kTravelRegion{"行程地区", "the place"};
const Label kCountry{"国家或地区", "the country or region"};
const Label kFrom{"到达日期", "the start date"};
const Label kTo{"离开日期", "the end date"};
const Label kContact{"接触史", "the contact history"};
const Label kArrived{"入境日期", "the date of arrival"};
const Label kBody{"申报内容", "the declaration"};

std::string Cap(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

using Errors = std::vector<FieldError>;

void Add(Errors* errs, const std::string& field, const char* code, std::string zh, std::string en) {
  errs->push_back(FieldError{field, code, std::move(zh), std::move(en)});
}

void Required(Errors* errs, const std::string& field, const Label& l) {
  Add(errs, field, "required", std::string("请填写") + l.zh,
      std::string("Please fill in ") + l.en + ".");
}

void BadType(Errors* errs, const std::string& field, const Label& l) {
  Add(errs, field, "bad_type", std::string(l.zh) + "的填写方式不对，请重新填写",
      Cap(l.en) + " is not in the expected form. Please fill it in again.");
}

void Choose(Errors* errs, const std::string& field, const Label& l) {
  Add(errs, field, "not_allowed", std::string("请从列表中选择") + l.zh,
      std::string("Please choose ") + l.en + " from the list.");
}

// --- JSON access ----------------------------------------------------------

// The member, or nullptr when it is missing or null (null means "not given").
const Json* Get(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// Reads an optional string member, trimmed. Returns false (after reporting
// bad_type) when the member is not a string; *present tells whether a
// non-empty value was given.
bool GetTrimmed(const Json& obj, const char* key, const std::string& field, const Label& l,
                Errors* errs, std::string* value) {
  value->clear();
  const Json* v = Get(obj, key);
  if (v == nullptr) return true;
  if (!v->is_string()) {
    BadType(errs, field, l);
    return false;
  }
  *value = Trim(v->get_ref<const std::string&>());
  return true;
}

// --- dates ----------------------------------------------------------------

// Parses a "YYYY-MM-DD" member. Reports required / bad_type / bad_format /
// bad_date / future_date under `field`. nullopt on any problem or absence.
std::optional<Date> CheckDateField(const Json& obj, const char* key, const std::string& field,
                                   const Label& l, const Date& today, bool required, Errors* errs) {
  std::string s;
  if (!GetTrimmed(obj, key, field, l, errs, &s)) return std::nullopt;
  if (s.empty()) {
    if (required) Required(errs, field, l);
    return std::nullopt;
  }
  const bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
                      AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2));
  if (!shaped) {
    Add(errs, field, "bad_format", std::string(l.zh) + "请按“年-月-日”填写，例如 2024-03-01",
        std::string("Please write ") + l.en + " as year-month-day, for example 2024-03-01.");
    return std::nullopt;
  }
  std::optional<Date> d = ParseDate(s);
  if (!d) {
    Add(errs, field, "bad_date", std::string(l.zh) + "不是有效的日期，请核对",
        Cap(l.en) + " is not a real date. Please check it.");
    return std::nullopt;
  }
  if (DaysBetween(*d, today) < 0) {
    Add(errs, field, "future_date", std::string(l.zh) + "不能晚于今天（" + FormatDate(today) + "）",
        Cap(l.en) + " cannot be later than today (" + FormatDate(today) + ").");
    return std::nullopt;
  }
  return d;
}

// --- ID numbers -----------------------------------------------------------

enum class DateProblem { kNone, kInvalid, kFuture, kTooOld };

std::string CheckResidentIdImpl(std::string_view id, const Date& today, std::string* normalized,
                                DateProblem* problem) {
  *problem = DateProblem::kNone;
  std::string up = UpperAscii(id);
  if (normalized != nullptr) *normalized = up;
  if (up.size() != 18 || !AllDigits(std::string_view(up).substr(0, 17)) ||
      !(IsDigit(up[17]) || up[17] == 'X')) {
    return "bad_format";
  }
  if (!IsKnownProvince(std::string_view(up).substr(0, 2))) return "bad_region";
  const int y = Number(std::string_view(up).substr(6, 4));
  const int m = Number(std::string_view(up).substr(10, 2));
  const int d = Number(std::string_view(up).substr(12, 2));
  if (!IsValidDate(y, m, d)) {
    *problem = DateProblem::kInvalid;
    return "bad_date";
  }
  const Date birth{y, m, d};
  if (DaysBetween(birth, today) < 0) {
    *problem = DateProblem::kFuture;
    return "bad_date";
  }
  int age = today.year - y;
  if (today.month < m || (today.month == m && today.day < d)) --age;
  if (age > kMaxAge) {
    *problem = DateProblem::kTooOld;
    return "bad_date";
  }
  if (ResidentIdCheckChar(std::string_view(up).substr(0, 17)) != up[17]) return "checksum";
  return "";
}

void IdNumberError(Errors* errs, const std::string& field, IdType type, const std::string& code,
                   DateProblem problem) {
  if (code == "required") return Required(errs, field, kIdNumber);
  const char* c = code.c_str();
  switch (type) {
    case IdType::kResidentId:
      if (code == "bad_region") {
        return Add(errs, field, c, "身份证号码前两位（省份代码）不正确，请核对",
                   "The first two digits of the ID number (the province code) are not right. "
                   "Please check them.");
      }
      if (code == "bad_date") {
        if (problem == DateProblem::kFuture) {
          return Add(errs, field, c, "身份证号码中的出生日期（第7到14位）晚于今天，请核对",
                     "The birth date in the ID number (digits 7 to 14) is later than today. "
                     "Please check it.");
        }
        if (problem == DateProblem::kTooOld) {
          return Add(errs, field, c, "身份证号码中的出生日期（第7到14位）表示年龄超过130岁，请核对",
                     "The birth date in the ID number (digits 7 to 14) gives an age over 130. "
                     "Please check it.");
        }
        return Add(errs, field, c, "身份证号码中的出生日期（第7到14位）不是有效日期，请核对",
                   "The birth date in the ID number (digits 7 to 14) is not a real date. "
                   "Please check it.");
      }
      if (code == "checksum") {
        return Add(errs, field, c, "身份证号码最后一位校验码不正确，请核对",
                   "The last character of the ID number (the check digit) does not match. "
                   "Please check the number.");
      }
      return Add(errs, field, c, "身份证号码应为18位：前17位是数字，最后一位是数字或字母X，请核对",
                 "A resident ID number has 18 characters: 17 digits, then a digit or the "
                 "letter X. Please check it.");
    case IdType::kPassport:
      return Add(errs, field, c, "护照号码应为5到17位字母或数字，并且含有数字，请核对",
                 "A passport number has 5 to 17 letters or digits, including at least one "
                 "digit. Please check it.");
    case IdType::kHkMacaoPermit:
      return Add(errs, field, c,
                 "港澳居民来往内地通行证号码应为字母H或M加8位数字（旧证为10位数字），请核对",
                 "A Home Return Permit number is the letter H or M followed by 8 digits "
                 "(10 digits on older permits). Please check it.");
    case IdType::kTaiwanPermit:
      return Add(errs, field, c, "台湾居民来往大陆通行证号码应为8位数字（旧证为10位数字），请核对",
                 "A Mainland Travel Permit for Taiwan Residents number has 8 digits "
                 "(10 digits on older permits). Please check it.");
    case IdType::kForeignPermanentId:
      if (code == "checksum") {
        return Add(errs, field, c, "永久居留身份证号码最后一位校验码不正确，请核对",
                   "The last character of the permanent residence ID number (the check digit) "
                   "does not match. Please check the number.");
      }
      return Add(errs, field, c,
                 "外国人永久居留身份证号码应为18位（以9开头，最后一位是数字或X），"
                 "旧证为3个字母加12位数字，请核对",
                 "A Foreign Permanent Resident ID number has 18 characters (starting with 9, "
                 "ending with a digit or X); older cards have 3 letters and 12 digits. "
                 "Please check it.");
  }
}

// --- names ----------------------------------------------------------------

// Characters that may stand in a name besides separators: letters of any
// script, with punctuation, symbols, digits, emoji and private-use characters
// left out (the blocks below are coarse on purpose; no Unicode tables here).
bool IsNameLetter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
  if (cp < 0xC0) return cp == 0xAA || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp < 0x2000) return true;   // Latin, Greek, Cyrillic, Arabic, Indic, ...
  if (cp < 0x2C00) return false;  // punctuation, symbols, arrows, shapes, dingbats
  if (cp < 0x2E00) return true;   // Glagolitic, Georgian, Ethiopic, ...
  if (cp < 0x2E80) return false;  // supplemental punctuation
  if (cp < 0x2FF0) return true;   // CJK radicals
  if (cp < 0x3040) return cp == 0x3005 || cp == 0x3007;  // 々 and 〇 appear in names
  if (cp >= 0x3200 && cp < 0x3400) return false;         // enclosed and squared forms
  if (cp >= 0x4DC0 && cp < 0x4E00) return false;         // hexagrams
  if (cp < 0xD800) return true;                          // kana, Hangul, CJK, Yi, ...
  if (cp < 0xF900) return false;                         // private use
  if (cp >= 0xFDD0 && cp < 0xFDF0) return false;         // noncharacters
  if (cp >= 0xFE10 && cp < 0xFE70) return false;         // vertical, small forms
  if (cp == 0xFEFF) return false;
  if (cp < 0xFF00) return true;
  if (cp >= 0xFF66 && cp < 0xFFDD) return true;  // half-width kana and Hangul
  if (cp < 0x10000) return false;                // full-width punctuation and specials
  if (cp < 0x1D000) return true;                 // historic scripts
  if (cp < 0x20000) return false;                // musical, math alphanumerics, emoji
  return cp < 0x40000;                           // CJK extensions B and later
}

// Normalises a name (trim, one space between words, the many middle dots to
// U+00B7, full-width Latin to ASCII). Returns "" or an error code.
std::string NormalizeName(std::string_view raw, std::string* out) {
  out->clear();
  std::string work;
  bool has_letter = false;
  bool pending_space = false;
  for (size_t pos = 0; pos < raw.size();) {
    char32_t cp;
    const size_t n = utf8::Decode(raw, pos, &cp);
    if (n == 0) return "bad_format";
    pos += n;
    if (cp >= 0xFF21 && cp <= 0xFF3A) cp = cp - 0xFF21 + 'A';
    if (cp >= 0xFF41 && cp <= 0xFF5A) cp = cp - 0xFF41 + 'a';
    if (cp == 0x2022 || cp == 0x2027 || cp == 0x30FB || cp == 0xFF65 || cp == 0x2219) cp = 0xB7;
    if (cp == 0x2010 || cp == 0x2011 || cp == 0xFF0D) cp = '-';
    if (cp == 0x2019 || cp == 0xFF07) cp = '\'';
    if (cp == 0xFF0E) cp = '.';
    if (cp == ' ' || cp == 0xA0 || cp == 0x3000) {
      pending_space = !work.empty();
      continue;
    }
    if (cp == 0xB7 || cp == '-' || cp == '\'' || cp == '.') {
      // separator
    } else if (IsNameLetter(cp)) {
      has_letter = true;
    } else {
      return "bad_format";
    }
    if (pending_space) work.push_back(' ');
    pending_space = false;
    utf8::Append(&work, cp);
  }
  if (work.empty()) return "required";
  if (Utf8Length(work) > kMaxNameChars) return "too_long";
  if (!has_letter) return "bad_format";
  *out = std::move(work);
  return "";
}

// --- shared field checks --------------------------------------------------

// A GB/T 2260 code the table knows. Reports under `field`; returns the code or "".
std::string CheckRegionCode(const std::string& code, const std::string& field, const Label& l,
                            Errors* errs) {
  if (code.size() != 6 || !AllDigits(code)) {
    Add(errs, field, "bad_format", std::string("请从列表中选择") + l.zh + "（6位行政区划代码）",
        std::string("Please choose ") + l.en + " from the list (a 6-digit division code).");
    return "";
  }
  if (!IsKnownRegion(code)) {
    Add(errs, field, "bad_region",
        std::string("没有找到这个地区代码（") + code + "），请从列表中重新选择",
        "The division code " + code + " was not found. Please choose " + l.en +
            " from the list again.");
    return "";
  }
  return code;
}

std::string CheckCountryCode(const std::string& raw, const std::string& field, const Label& l,
                             Errors* errs) {
  const std::string code = UpperAscii(raw);
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), IsUpper)) {
    Add(errs, field, "bad_format", std::string(l.zh) + "应为3个字母的国家代码，例如 CHN、USA",
        Cap(l.en) + " should be a 3-letter country code, for example CHN or USA.");
    return "";
  }
  if (!IsKnownCountry(code)) {
    Add(errs, field, "not_allowed", "没有找到国家代码 " + code + "，请从列表中选择",
        "The country code " + code + " is not known. Please choose " + l.en + " from the list.");
    return "";
  }
  return code;
}

// Temperature and symptoms (and, for declarations, fever_clinic_14d).
void ValidateHealth(const Json& health, const std::string& prefix, bool with_fever_clinic,
                    Errors* errs, Json* out) {
  const std::string t_field = prefix + "temperature";
  const Json* t = Get(health, "temperature");
  if (t == nullptr) {
    Required(errs, t_field, kTemperature);
  } else if (!t->is_number()) {
    Add(errs, t_field, "bad_type", "体温请填写数字，例如 36.5",
        "Please enter the temperature as a number, for example 36.5.");
  } else {
    const double v = t->get<double>();
    const double tenths = std::round(v * 10.0);
    if (!(v >= kMinTemperature && v <= kMaxTemperature)) {
      Add(errs, t_field, "out_of_range", "体温应在 34.0–43.0 ℃ 之间，请核对",
          "The temperature should be between 34.0 and 43.0 °C. Please check it.");
    } else if (std::fabs(v * 10.0 - tenths) > 1e-6) {
      Add(errs, t_field, "bad_format", "体温最多保留一位小数，例如 36.5",
          "Please give the temperature with at most one decimal, for example 36.5.");
    } else {
      (*out)["temperature"] = tenths / 10.0;
    }
  }

  const std::string s_field = prefix + "symptoms";
  const Json* s = Get(health, "symptoms");
  std::vector<std::string> codes;
  bool symptoms_ok = true;
  if (s == nullptr || (s->is_string() && s->get_ref<const std::string&>() == "none")) {
    // No symptoms.
  } else if (!s->is_array()) {
    symptoms_ok = false;
    Add(errs, s_field, "bad_type", "症状请从列表中选择；没有症状请选“无”",
        "Please choose the symptoms from the list, or \"none\".");
  } else {
    const auto& known = SymptomCodes();
    bool unknown = false, bad_item = false, saw_none = false;
    for (const Json& item : *s) {
      if (!item.is_string()) {
        bad_item = true;
        continue;
      }
      const std::string& code = item.get_ref<const std::string&>();
      if (code == "none") {
        saw_none = true;
      } else if (std::find(known.begin(), known.end(), code) != known.end()) {
        // Kept sorted and without repeats as it is built.
        auto pos = std::lower_bound(codes.begin(), codes.end(), code);
        if (pos == codes.end() || *pos != code) codes.insert(pos, code);
      } else {
        unknown = true;
      }
    }
    if (bad_item) {
      symptoms_ok = false;
      Add(errs, s_field, "bad_type", "症状请从列表中选择；没有症状请选“无”",
          "Please choose the symptoms from the list, or \"none\".");
    }
    if (unknown) {
      symptoms_ok = false;
      Add(errs, s_field, "not_allowed", "有不认识的症状，请从列表中选择",
          "One of the symptoms is not on the list. Please choose from the list.");
    }
    if (saw_none && !codes.empty()) {
      symptoms_ok = false;
      Add(errs, s_field, "not_allowed", "选了“无症状”就不能再选其他症状，请核对",
          "\"None\" cannot be chosen together with other symptoms. Please check.");
    }
  }
  if (symptoms_ok) {
    (*out)["symptoms"] = codes;
  }

  if (!with_fever_clinic) return;
  const Json* f = Get(health, "fever_clinic_14d");
  if (f == nullptr) {
    (*out)["fever_clinic_14d"] = false;
  } else if (!f->is_boolean()) {
    Add(errs, prefix + "fever_clinic_14d", "bad_type", "请选择14天内是否去过发热门诊（是或否）",
        "Please answer yes or no: did you visit a fever clinic in the last 14 days?");
  } else {
    (*out)["fever_clinic_14d"] = f->get<bool>();
  }
}

void ValidateTravel(const Json& body, const Date& today, Errors* errs, Json* out) {
  const Json* travel = Get(body, "travel_14d");
  Json list = Json::array();
  if (travel == nullptr) {
    (*out)["travel_14d"] = std::move(list);
    return;
  }
  if (!travel->is_array()) return BadType(errs, "travel_14d", kTravel);
  if (travel->size() > kMaxTravel) {
    return Add(errs, "travel_14d", "too_many", "14天内行程最多填写20条，请合并相同的地方",
               "Please list at most 20 stays; combine stays in the same place.");
  }
  bool all_ok = true;
  for (size_t i = 0; i < travel->size(); ++i) {
    const Json& entry = (*travel)[i];
    const std::string base = "travel_14d[" + std::to_string(i) + "]";
    const size_t before = errs->size();
    if (!entry.is_object()) {
      BadType(errs, base, kTravelEntry);
      all_ok = false;
      continue;
    }
    Json item = Json::object();
    std::string region;
    if (GetTrimmed(entry, "region", base + ".region", kTravelRegion, errs, &region)) {
      if (region.empty()) {
        Required(errs, base + ".region", kTravelRegion);
      } else if (region == "overseas") {
        item["region"] = region;
        std::string country;
        if (GetTrimmed(entry, "country", base + ".country", kCountry, errs, &country)) {
          if (country.empty()) {
            Add(errs, base + ".country", "required", "境外行程请选择国家或地区",
                "For a stay outside China, please choose the country or region.");
          } else {
            const std::string code = CheckCountryCode(country, base + ".country", kCountry, errs);
            if (code == "CHN") {
              Add(errs, base + ".country", "not_allowed",
                  "境外行程请选择中国以外的国家或地区；国内行程请选择行政区划",
                  "For a stay outside China, choose a country or region other than China; "
                  "for a stay in China, choose the place from the list.");
            } else if (!code.empty()) {
              item["country"] = code;
            }
          }
        }
      } else {
        const std::string code = CheckRegionCode(region, base + ".region", kTravelRegion, errs);
        if (!code.empty()) item["region"] = code;
      }
    }
    const std::optional<Date> from =
        CheckDateField(entry, "from", base + ".from", kFrom, today, true, errs);
    const std::optional<Date> to =
        CheckDateField(entry, "to", base + ".to", kTo, today, true, errs);
    if (from && to) {
      if (DaysBetween(*from, *to) < 0) {
        Add(errs, base + ".to", "bad_date", "离开日期不能早于到达日期，请核对",
            "The end date cannot be earlier than the start date. Please check the dates.");
      } else if (DaysBetween(*to, today) > kWindowDays) {
        Add(errs, base + ".to", "out_of_range",
            "这段行程在14天以前就结束了，不用填写；如果还在14天内，请核对日期",
            "This stay ended more than 14 days ago and need not be listed; if it did not, "
            "please check the dates.");
      } else {
        item["from"] = FormatDate(*from);
        item["to"] = FormatDate(*to);
      }
    }
    if (errs->size() == before) {
      list.push_back(std::move(item));
    } else {
      all_ok = false;
    }
  }
  if (all_ok) (*out)["travel_14d"] = std::move(list);
}

}  // namespace

// --- public API -----------------------------------------------------------

Json ToJson(const FieldError& e) {
  return Json{{"field", e.field},
              {"code", e.code},
              {"message_zh", e.message_zh},
              {"message_en", e.message_en}};
}

Json ToJson(const std::vector<FieldError>& errors, const std::string& lang) {
  Json out = Json::array();
  for (const FieldError& e : errors) {
    Json j = ToJson(e);
    j["message"] = lang == "en" ? e.message_en : e.message_zh;
    out.push_back(std::move(j));
  }
  return out;
}

const char* ToString(IdType t) {
  switch (t) {
    case IdType::kResidentId:
      return "resident_id";
    case IdType::kPassport:
      return "passport";
    case IdType::kHkMacaoPermit:
      return "hk_macao_permit";
    case IdType::kTaiwanPermit:
      return "taiwan_permit";
    case IdType::kForeignPermanentId:
      return "foreign_permanent_id";
  }
  return "";
}

std::optional<IdType> IdTypeFromString(std::string_view s) {
  for (IdType t : {IdType::kResidentId, IdType::kPassport, IdType::kHkMacaoPermit,
                   IdType::kTaiwanPermit, IdType::kForeignPermanentId}) {
    if (s == ToString(t)) return t;
  }
  return std::nullopt;
}

char ResidentIdCheckChar(std::string_view first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kMap[] = "10X98765432";
  if (first17.size() != 17 || !AllDigits(first17)) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kMap[sum % 11];
}

std::string CheckResidentId(std::string_view id, const Date& today, std::string* normalized) {
  DateProblem problem;
  return CheckResidentIdImpl(id, today, normalized, &problem);
}

std::string CheckIdNumber(IdType type, std::string_view id, const Date& today,
                          std::string* normalized) {
  const std::string up = UpperAscii(Trim(id));
  if (normalized != nullptr) *normalized = up;
  if (up.empty()) return "required";
  switch (type) {
    case IdType::kResidentId:
      return CheckResidentId(up, today, nullptr);
    case IdType::kPassport: {
      const bool ok =
          up.size() >= 5 && up.size() <= 17 &&
          std::all_of(up.begin(), up.end(), [](char c) { return IsDigit(c) || IsUpper(c); }) &&
          std::any_of(up.begin(), up.end(), IsDigit);
      return ok ? "" : "bad_format";
    }
    case IdType::kHkMacaoPermit: {
      const bool ok = (up.size() == 9 || up.size() == 11) && (up[0] == 'H' || up[0] == 'M') &&
                      AllDigits(std::string_view(up).substr(1));
      return ok ? "" : "bad_format";
    }
    case IdType::kTaiwanPermit:
      return (up.size() == 8 || up.size() == 10) && AllDigits(up) ? "" : "bad_format";
    case IdType::kForeignPermanentId: {
      if (up.size() == 15) {
        const bool ok = std::all_of(up.begin(), up.begin() + 3, IsUpper) &&
                        AllDigits(std::string_view(up).substr(3));
        return ok ? "" : "bad_format";
      }
      // 2023 card: '9', 17 digits in all, then a MOD 11-2 check character.
      if (up.size() != 18 || up[0] != '9' || !AllDigits(std::string_view(up).substr(0, 17)) ||
          !(IsDigit(up[17]) || up[17] == 'X')) {
        return "bad_format";
      }
      return ResidentIdCheckChar(std::string_view(up).substr(0, 17)) == up[17] ? "" : "checksum";
    }
  }
  return "bad_format";
}

std::string CheckPhone(std::string_view phone) {
  if (phone.empty()) return "required";
  if (phone[0] == '+') {
    const std::string_view digits = phone.substr(1);
    const bool ok =
        digits.size() >= 8 && digits.size() <= 15 && AllDigits(digits) && digits[0] != '0';
    return ok ? "" : "bad_format";
  }
  const bool ok = phone.size() == 11 && phone[0] == '1' && phone[1] >= '3' && phone[1] <= '9' &&
                  AllDigits(phone);
  return ok ? "" : "bad_format";
}

std::string NormalizePhone(std::string_view typed) {
  std::string phone;
  for (char c : typed) {
    if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '\t') phone.push_back(c);
  }
  return phone;
}

FieldError PhoneFormatError(const std::string& field) {
  return {field, "bad_format",
          "手机号码应为1开头的11位数字；境外号码请以“+”和国家代码开头，共8到15位数字，例如 +44 7700 900123",
          "A mobile number has 11 digits and starts with 1; for a number outside mainland China, "
          "start with + and the country code (8 to 15 digits in all), e.g. +44 7700 900123."};
}

const std::vector<std::string>& SymptomCodes() {
  static const std::vector<std::string> kCodes = {
      "fever",       "dry_cough", "fatigue",        "shortness_of_breath",
      "sore_throat", "diarrhea",  "conjunctivitis", "loss_of_smell"};
  return kCodes;
}

std::vector<FieldError> ValidatePerson(const Json& person, const Date& today,
                                       const std::string& prefix, Json* out) {
  Errors errs;
  Json result = Json::object();
  if (!person.is_object()) {
    BadType(&errs, prefix.empty() ? "person" : prefix.substr(0, prefix.size() - 1), kPerson);
    if (out != nullptr) *out = std::move(result);
    return errs;
  }

  // relation first: whether a phone is required depends on it.
  std::string relation;
  if (GetTrimmed(person, "relation", prefix + "relation", kRelation, &errs, &relation)) {
    static const char* const kRelations[] = {"self",        "spouse",     "child",   "parent",
                                             "grandparent", "grandchild", "sibling", "other"};
    if (relation.empty()) relation = "self";
    if (std::find_if(std::begin(kRelations), std::end(kRelations),
                     [&](const char* r) { return relation == r; }) == std::end(kRelations)) {
      Choose(&errs, prefix + "relation", kRelation);
    } else {
      result["relation"] = relation;
    }
  }

  std::string name_raw;
  if (GetTrimmed(person, "name", prefix + "name", kName, &errs, &name_raw)) {
    std::string name;
    const std::string code = NormalizeName(name_raw, &name);
    const std::string field = prefix + "name";
    if (code == "required") {
      Required(&errs, field, kName);
    } else if (code == "too_long") {
      Add(&errs, field, "too_long", "姓名最多40个字，请核对",
          "A name can have at most 40 characters. Please check it.");
    } else if (code == "bad_format") {
      Add(&errs, field, "bad_format",
          "姓名只能包含文字、空格和“·”“-”“'”“.”，不能有数字或其他符号，请核对",
          "A name may contain letters, spaces and the marks · - ' . only, without digits "
          "or other symbols. Please check it.");
    } else {
      result["name"] = name;
    }
  }

  std::optional<IdType> id_type;
  std::string id_type_raw;
  if (GetTrimmed(person, "id_type", prefix + "id_type", kIdType, &errs, &id_type_raw)) {
    if (id_type_raw.empty()) {
      Add(&errs, prefix + "id_type", "required", "请选择证件类型", "Please choose the ID type.");
    } else if (!(id_type = IdTypeFromString(id_type_raw))) {
      Choose(&errs, prefix + "id_type", kIdType);
    } else {
      result["id_type"] = ToString(*id_type);
    }
  }

  std::string id_number_raw;
  if (GetTrimmed(person, "id_number", prefix + "id_number", kIdNumber, &errs, &id_number_raw)) {
    if (id_number_raw.empty()) {
      Required(&errs, prefix + "id_number", kIdNumber);
    } else if (id_type) {
      std::string normalized;
      std::string code;
      DateProblem problem = DateProblem::kNone;
      if (*id_type == IdType::kResidentId) {
        code = CheckResidentIdImpl(id_number_raw, today, &normalized, &problem);
      } else {
        code = CheckIdNumber(*id_type, id_number_raw, today, &normalized);
      }
      if (code.empty()) {
        result["id_number"] = normalized;
      } else {
        IdNumberError(&errs, prefix + "id_number", *id_type, code, problem);
      }
    }
  }

  std::string phone_raw;
  if (GetTrimmed(person, "phone", prefix + "phone", kPhone, &errs, &phone_raw)) {
    const std::string phone = NormalizePhone(phone_raw);
    if (phone.empty()) {
      // People declared for by a relative may have no phone of their own.
      if (relation == "self") Required(&errs, prefix + "phone", kPhone);
      result["phone"] = "";
    } else if (!CheckPhone(phone).empty()) {
      errs.push_back(PhoneFormatError(prefix + "phone"));
    } else {
      result["phone"] = phone;
    }
  }

  std::string nationality;
  if (GetTrimmed(person, "nationality", prefix + "nationality", kNationality, &errs,
                 &nationality)) {
    if (nationality.empty()) nationality = "CHN";
    const std::string code =
        CheckCountryCode(nationality, prefix + "nationality", kNationality, &errs);
    if (!code.empty()) result["nationality"] = code;
  }

  std::string region;
  if (GetTrimmed(person, "region", prefix + "region", kRegion, &errs, &region)) {
    if (region.empty()) {
      Add(&errs, prefix + "region", "required", "请选择所在地区（省、市、区县）",
          "Please choose your region (province, city, county).");
    } else {
      const std::string code = CheckRegionCode(region, prefix + "region", kRegion, &errs);
      if (!code.empty()) result["region"] = code;
    }
  }

  std::string address;
  if (GetTrimmed(person, "address", prefix + "address", kAddress, &errs, &address)) {
    if (!IsCleanText(address)) {
      Add(&errs, prefix + "address", "bad_format", "详细地址中有无法识别的字符，请删除后重新填写",
          "The address contains characters that cannot be used. Please remove them.");
    } else if (Utf8Length(address) > kMaxAddressChars) {
      Add(&errs, prefix + "address", "too_long",
          "详细地址最多120个字，现在是" + std::to_string(Utf8Length(address)) + "个字",
          "The address can have at most 120 characters; it has " +
              std::to_string(Utf8Length(address)) + ".");
    } else {
      result["address"] = address;
    }
  }

  if (out != nullptr) *out = std::move(result);
  return errs;
}

std::vector<FieldError> ValidateDeclaration(const Json& body, const Date& today, Json* out) {
  Errors errs;
  Json result = Json::object();
  if (!body.is_object()) {
    BadType(&errs, "body", kBody);
    if (out != nullptr) *out = std::move(result);
    return errs;
  }

  const Json* person = Get(body, "person");
  const Json* person_id = Get(body, "person_id");
  if (person != nullptr) {
    Json p;
    Errors person_errs = ValidatePerson(*person, today, "person.", &p);
    errs.insert(errs.end(), person_errs.begin(), person_errs.end());
    result["person"] = std::move(p);
  }
  if (person_id != nullptr) {
    if (!person_id->is_string()) {
      BadType(&errs, "person_id", kPersonId);
    } else {
      const std::string id = Trim(person_id->get_ref<const std::string&>());
      if (id.empty()) {
        Add(&errs, "person_id", "required", "请选择为谁申报", "Please choose who you declare for.");
      } else if (Utf8Length(id) > kMaxPersonIdChars || !IsCleanText(id)) {
        BadType(&errs, "person_id", kPersonId);
      } else {
        result["person_id"] = id;
      }
    }
  }
  if (person == nullptr && person_id == nullptr) {
    Add(&errs, "person", "required", "请填写申报人信息，或选择为谁申报",
        "Please fill in the personal details, or choose who you declare for.");
  }

  const Json* health = Get(body, "health");
  Json h = Json::object();
  if (health != nullptr && !health->is_object()) {
    BadType(&errs, "health", kHealth);
  } else {
    ValidateHealth(health != nullptr ? *health : Json::object(), "health.", true, &errs, &h);
  }
  result["health"] = std::move(h);

  ValidateTravel(body, today, &errs, &result);

  const Json* contact = Get(body, "contact_14d");
  if (contact == nullptr) {
    result["contact_14d"] = "none";
  } else if (!contact->is_string()) {
    BadType(&errs, "contact_14d", kContact);
  } else {
    const std::string c = Trim(contact->get_ref<const std::string&>());
    if (c == "none" || c == "confirmed" || c == "suspected" || c == "unsure") {
      result["contact_14d"] = c;
    } else if (c.empty()) {
      result["contact_14d"] = "none";
    } else {
      Add(&errs, "contact_14d", "not_allowed",
          "14天内是否接触过确诊或疑似病例，请从“没有、确诊病例、疑似病例、不确定”中选择",
          "Please choose whether you were in contact with a confirmed or suspected case in the "
          "last 14 days: none, confirmed, suspected or unsure.");
    }
  }

  const std::optional<Date> arrived = CheckDateField(
      body, "arrived_from_overseas_on", "arrived_from_overseas_on", kArrived, today, false, &errs);
  if (arrived) result["arrived_from_overseas_on"] = FormatDate(*arrived);

  const Json* commitment = Get(body, "commitment");
  if (commitment == nullptr || !commitment->is_boolean() || !commitment->get<bool>()) {
    Add(&errs, "commitment", "required", "请阅读并勾选承诺：本人承诺以上填写的信息真实、准确",
        "Please read and tick the promise that the information above is true and correct.");
  } else {
    result["commitment"] = true;
  }

  if (out != nullptr) *out = std::move(result);
  return errs;
}

std::vector<FieldError> ValidateCheckin(const Json& body, Json* out) {
  Errors errs;
  Json result = Json::object();
  if (!body.is_object()) {
    BadType(&errs, "body", kHealth);
  } else {
    ValidateHealth(body, "", false, &errs, &result);
  }
  if (out != nullptr) *out = std::move(result);
  return errs;
}

}  // namespace ankang
