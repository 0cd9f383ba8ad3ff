// Declaration validation (shared/validate.h): ID numbers, phones, every field
// of a declaration, all errors at once, and the normalised output.
#include "shared/validate.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using ankang::CheckIdNumber;
using ankang::CheckPhone;
using ankang::CheckResidentId;
using ankang::Date;
using ankang::FieldError;
using ankang::IdType;
using ankang::Json;

namespace {

const Date kToday{2024, 3, 15};

// A first-17 plus its check character (the algorithm itself is pinned by the
// independent vectors in "check characters follow ISO 7064 MOD 11-2").
std::string WithCheck(const std::string& first17) {
  return first17 + ankang::ResidentIdCheckChar(first17);
}

std::string CodeOf(const std::vector<FieldError>& errs, const std::string& field) {
  for (const auto& e : errs) {
    if (e.field == field) return e.code;
  }
  return "";
}

size_t CountField(const std::vector<FieldError>& errs, const std::string& field) {
  size_t n = 0;
  for (const auto& e : errs) n += e.field == field ? 1 : 0;
  return n;
}

std::string Dump(const std::vector<FieldError>& errs) { return ankang::ToJson(errs).dump(); }

Json ValidBody() {
  return Json::parse(R"({
    "person": {"name": " 张小三 ", "id_type": "resident_id", "id_number": "11010519491231002x",
               "phone": "138 1234 5678", "region": "370102", "address": "  历下区泉城路1号 "},
    "health": {"temperature": 36.5, "symptoms": []},
    "travel_14d": [{"region": "370102", "from": "2024-03-05", "to": "2024-03-10"}],
    "contact_14d": "none",
    "commitment": true})");
}

std::vector<FieldError> Validate(const Json& body, Json* out = nullptr) {
  return ankang::ValidateDeclaration(body, kToday, out);
}

}  // namespace

TEST_CASE("check characters follow ISO 7064 MOD 11-2", "[validate]") {
  // Vectors computed independently (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
  CHECK(ankang::ResidentIdCheckChar("11010519491231002") == 'X');
  CHECK(ankang::ResidentIdCheckChar("37010219900101123") == '1');
  CHECK(ankang::ResidentIdCheckChar("44030619850520421") == '3');
  CHECK(ankang::ResidentIdCheckChar("51010720000229001") == '0');
  CHECK(ankang::ResidentIdCheckChar("62010220240101000") == '7');
  CHECK(ankang::ResidentIdCheckChar("45010219491001003") == '0');
  CHECK(ankang::ResidentIdCheckChar("1101051949123100") == '\0');
  CHECK(ankang::ResidentIdCheckChar("1101051949123100A") == '\0');
}

TEST_CASE("valid resident ID numbers pass and are normalised", "[validate]") {
  std::string norm;
  CHECK(CheckResidentId("11010519491231002X", kToday, &norm) == "");
  CHECK(norm == "11010519491231002X");
  CHECK(CheckResidentId("370102199001011231", kToday, &norm) == "");
  CHECK(CheckResidentId("440306198505204213", kToday, &norm) == "");
  CHECK(CheckResidentId("510107200002290010", kToday, &norm) == "");  // born on a leap day
  CHECK(CheckResidentId("620102202401010007", kToday, &norm) == "");  // a baby
  SECTION("lower-case x is accepted and upper-cased") {
    CHECK(CheckResidentId("11010519491231002x", kToday, &norm) == "");
    CHECK(norm == "11010519491231002X");
    CHECK(CheckIdNumber(IdType::kResidentId, " 11010519491231002x ", kToday, &norm) == "");
    CHECK(norm == "11010519491231002X");
  }
  SECTION("old region codes are fine as long as the province exists") {
    CHECK(CheckResidentId(WithCheck("37120219800101001"), kToday, nullptr) == "");  // old 莱芜
  }
}

TEST_CASE("invalid resident ID numbers give the right code", "[validate]") {
  CHECK(CheckResidentId("110105194912310021", kToday, nullptr) == "checksum");
  CHECK(CheckResidentId("370102199001011232", kToday, nullptr) == "checksum");
  CHECK(CheckResidentId("110105199902300015", kToday, nullptr) == "bad_date");  // 1999-02-30
  CHECK(CheckResidentId(WithCheck("11010519991301001"), kToday, nullptr) == "bad_date");
  CHECK(CheckResidentId("370102202403160015", kToday, nullptr) == "bad_date");  // tomorrow
  CHECK(CheckResidentId("110101189303150014", kToday, nullptr) == "bad_date");  // 131 today
  CHECK(CheckResidentId("11010118930316001X", kToday, nullptr) == "");          // still 130
  CHECK(CheckResidentId("990105199001010014", kToday, nullptr) == "bad_region");
  CHECK(CheckResidentId("000105199001010015", kToday, nullptr) == "bad_region");
  CHECK(CheckResidentId("11010519491231002", kToday, nullptr) == "bad_format");
  CHECK(CheckResidentId("11010519491231002XX", kToday, nullptr) == "bad_format");
  CHECK(CheckResidentId("1101051949123100X2", kToday, nullptr) == "bad_format");
  CHECK(CheckResidentId("11010519491231002Y", kToday, nullptr) == "bad_format");
  CHECK(CheckResidentId("", kToday, nullptr) == "bad_format");
  CHECK(CheckIdNumber(IdType::kResidentId, "  ", kToday, nullptr) == "required");
}

TEST_CASE("other ID types follow their formats", "[validate]") {
  std::string norm;
  SECTION("passport") {
    CHECK(CheckIdNumber(IdType::kPassport, "E12345678", kToday, &norm) == "");
    CHECK(CheckIdNumber(IdType::kPassport, "ea1234567", kToday, &norm) == "");
    CHECK(norm == "EA1234567");
    CHECK(CheckIdNumber(IdType::kPassport, "G12345678", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kPassport, "533123456", kToday, nullptr) == "");  // US
    CHECK(CheckIdNumber(IdType::kPassport, "A1234", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kPassport, "A123", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kPassport, "ABCDEFGH", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kPassport, "E1234-5678", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kPassport, "E123456789012345678", kToday, nullptr) == "bad_format");
  }
  SECTION("Home Return Permit") {
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "H12345678", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "m12345678", kToday, &norm) == "");
    CHECK(norm == "M12345678");
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "H1234567890", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "K12345678", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "H1234567", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kHkMacaoPermit, "H123456789", kToday, nullptr) == "bad_format");
  }
  SECTION("Taiwan permit") {
    CHECK(CheckIdNumber(IdType::kTaiwanPermit, "12345678", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kTaiwanPermit, "1234567890", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kTaiwanPermit, "123456789", kToday, nullptr) == "bad_format");
    CHECK(CheckIdNumber(IdType::kTaiwanPermit, "T1234567", kToday, nullptr) == "bad_format");
  }
  SECTION("Foreign Permanent Resident ID") {
    CHECK(CheckIdNumber(IdType::kForeignPermanentId, "USA110085123456", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kForeignPermanentId, "US1110085123456", kToday, nullptr) ==
          "bad_format");
    CHECK(CheckIdNumber(IdType::kForeignPermanentId, "911000840199001016", kToday, nullptr) == "");
    CHECK(CheckIdNumber(IdType::kForeignPermanentId, "911000840199001017", kToday, nullptr) ==
          "checksum");
    // A resident ID number is not a permanent residence ID.
    CHECK(CheckIdNumber(IdType::kForeignPermanentId, "370102199001011231", kToday, nullptr) ==
          "bad_format");
  }
}

TEST_CASE("id types convert to and from strings", "[validate]") {
  for (IdType t : {IdType::kResidentId, IdType::kPassport, IdType::kHkMacaoPermit,
                   IdType::kTaiwanPermit, IdType::kForeignPermanentId}) {
    auto back = ankang::IdTypeFromString(ankang::ToString(t));
    REQUIRE(back);
    CHECK(*back == t);
  }
  CHECK(std::string(ankang::ToString(IdType::kHkMacaoPermit)) == "hk_macao_permit");
  CHECK_FALSE(ankang::IdTypeFromString("Resident_ID"));
  CHECK_FALSE(ankang::IdTypeFromString(""));
}

TEST_CASE("phones: mainland mobiles and E.164", "[validate]") {
  CHECK(CheckPhone("13812345678") == "");
  CHECK(CheckPhone("19912345678") == "");
  CHECK(CheckPhone("+8613812345678") == "");
  CHECK(CheckPhone("+85291234567") == "");
  CHECK(CheckPhone("+12025550123") == "");
  CHECK(CheckPhone("+12345678") == "");         // 8 digits
  CHECK(CheckPhone("+123456789012345") == "");  // 15 digits
  CHECK(CheckPhone("") == "required");
  CHECK(CheckPhone("12812345678") == "bad_format");  // 12x is not a mobile prefix
  CHECK(CheckPhone("23812345678") == "bad_format");
  CHECK(CheckPhone("1381234567") == "bad_format");
  CHECK(CheckPhone("138123456789") == "bad_format");
  CHECK(CheckPhone("1381234567a") == "bad_format");
  CHECK(CheckPhone("+1234567") == "bad_format");           // 7 digits
  CHECK(CheckPhone("+1234567890123456") == "bad_format");  // 16 digits
  CHECK(CheckPhone("+86-13812345678") == "bad_format");
  CHECK(CheckPhone("+0123456789") == "bad_format");
}

TEST_CASE("a valid declaration passes and is normalised with defaults", "[validate]") {
  Json out;
  auto errs = Validate(ValidBody(), &out);
  INFO(Dump(errs));
  REQUIRE(errs.empty());
  const Json& p = out["person"];
  CHECK(p["name"] == "张小三");
  CHECK(p["id_type"] == "resident_id");
  CHECK(p["id_number"] == "11010519491231002X");
  CHECK(p["phone"] == "13812345678");
  CHECK(p["nationality"] == "CHN");
  CHECK(p["relation"] == "self");
  CHECK(p["region"] == "370102");
  CHECK(p["address"] == "历下区泉城路1号");
  CHECK(out["health"]["temperature"] == 36.5);
  CHECK(out["health"]["symptoms"] == Json::array());
  CHECK(out["health"]["fever_clinic_14d"] == false);
  CHECK(out["travel_14d"].size() == 1);
  CHECK(out["travel_14d"][0]["region"] == "370102");
  CHECK(out["travel_14d"][0]["from"] == "2024-03-05");
  CHECK(out["contact_14d"] == "none");
  CHECK(out["commitment"] == true);
  CHECK_FALSE(out.contains("arrived_from_overseas_on"));
}

TEST_CASE("defaults fill in omitted optional fields", "[validate]") {
  Json body = ValidBody();
  body.erase("travel_14d");
  body.erase("contact_14d");
  body["health"].erase("symptoms");
  body["person"].erase("address");
  Json out;
  auto errs = Validate(body, &out);
  INFO(Dump(errs));
  REQUIRE(errs.empty());
  CHECK(out["travel_14d"] == Json::array());
  CHECK(out["contact_14d"] == "none");
  CHECK(out["health"]["symptoms"] == Json::array());
  CHECK(out["person"]["address"] == "");
}

TEST_CASE("every problem is reported at once", "[validate]") {
  Json body = Json::parse(R"({
    "person": {"name": "", "id_type": "resident_id", "id_number": "110105194912310021",
               "phone": "12345", "nationality": "XXX", "region": "999999",
               "address": 5, "relation": "boss"},
    "health": {"temperature": "37", "symptoms": ["cough"], "fever_clinic_14d": "no"},
    "travel_14d": [{"region": "overseas", "from": "2024-03-10", "to": "2024-03-01"}],
    "contact_14d": "maybe",
    "arrived_from_overseas_on": "2024-04-01",
    "commitment": false})");
  auto errs = Validate(body);
  INFO(Dump(errs));
  CHECK(CodeOf(errs, "person.name") == "required");
  CHECK(CodeOf(errs, "person.id_number") == "checksum");
  CHECK(CodeOf(errs, "person.phone") == "bad_format");
  CHECK(CodeOf(errs, "person.nationality") == "not_allowed");
  CHECK(CodeOf(errs, "person.region") == "bad_region");
  CHECK(CodeOf(errs, "person.address") == "bad_type");
  CHECK(CodeOf(errs, "person.relation") == "not_allowed");
  CHECK(CodeOf(errs, "health.temperature") == "bad_type");
  CHECK(CodeOf(errs, "health.symptoms") == "not_allowed");
  CHECK(CodeOf(errs, "health.fever_clinic_14d") == "bad_type");
  CHECK(CodeOf(errs, "travel_14d[0].country") == "required");
  CHECK(CodeOf(errs, "travel_14d[0].to") == "bad_date");
  CHECK(CodeOf(errs, "contact_14d") == "not_allowed");
  CHECK(CodeOf(errs, "arrived_from_overseas_on") == "future_date");
  CHECK(CodeOf(errs, "commitment") == "required");
  CHECK(errs.size() == 15);
  // Every error carries both messages.
  for (const auto& e : errs) {
    CHECK_FALSE(e.message_zh.empty());
    CHECK_FALSE(e.message_en.empty());
  }
}

TEST_CASE("error JSON has field, code and messages", "[validate]") {
  Json body = ValidBody();
  body["person"]["id_number"] = "110105194912310021";
  auto errs = Validate(body);
  REQUIRE(errs.size() == 1);
  Json one = ankang::ToJson(errs[0]);
  CHECK(one["field"] == "person.id_number");
  CHECK(one["code"] == "checksum");
  CHECK(one["message_zh"] == "身份证号码最后一位校验码不正确，请核对");
  CHECK_FALSE(one.contains("message"));
  Json zh = ankang::ToJson(errs);
  REQUIRE(zh.size() == 1);
  CHECK(zh[0]["message"] == zh[0]["message_zh"]);
  Json en = ankang::ToJson(errs, "en");
  CHECK(en[0]["message"] == en[0]["message_en"]);
  CHECK(en[0]["message"].get<std::string>().find("check digit") != std::string::npos);
}

TEST_CASE("person: name rules", "[validate]") {
  auto name_code = [](const Json& name) {
    Json body = ValidBody();
    body["person"]["name"] = name;
    Json out;
    auto errs = Validate(body, &out);
    std::string code = CodeOf(errs, "person.name");
    return code.empty() ? "ok:" + out["person"]["name"].get<std::string>() : code;
  };
  CHECK(name_code("张三") == "ok:张三");
  CHECK(name_code("欧阳小明") == "ok:欧阳小明");
  CHECK(name_code("阿依古丽·买买提") == "ok:阿依古丽·买买提");
  CHECK(name_code("阿依古丽•买买提") == "ok:阿依古丽·买买提");  // bullet → middle dot
  CHECK(name_code("  John   Smith ") == "ok:John Smith");
  CHECK(name_code("Mary-Jane O'Neil Jr.") == "ok:Mary-Jane O'Neil Jr.");
  CHECK(name_code("José Müller") == "ok:José Müller");
  CHECK(name_code("Иван Петров") == "ok:Иван Петров");
  CHECK(name_code("김민준") == "ok:김민준");
  CHECK(name_code("　王〇　") == "ok:王〇");  // ideographic spaces trimmed
  CHECK(name_code("Ｊｏｈｎ") == "ok:John");  // full-width Latin
  CHECK(name_code("") == "required");
  CHECK(name_code("   ") == "required");
  CHECK(name_code(Json()) == "required");
  CHECK(name_code(123) == "bad_type");
  CHECK(name_code("张三1") == "bad_format");
  CHECK(name_code("张三😀") == "bad_format");
  CHECK(name_code("张\t三") == "bad_format");
  CHECK(name_code("张三!") == "bad_format");
  CHECK(name_code("张三（小）") == "bad_format");
  CHECK(name_code("···") == "bad_format");
  CHECK(name_code("\xe5\xbc\xa0\xff") == "bad_format");  // invalid UTF-8
  CHECK(name_code(std::string(40, 'a')) == "ok:" + std::string(40, 'a'));
  CHECK(name_code(std::string(41, 'a')) == "too_long");
  std::string forty_han;
  for (int i = 0; i < 40; ++i) forty_han += "张";
  CHECK(name_code(forty_han) == "ok:" + forty_han);
  CHECK(name_code(forty_han + "三") == "too_long");
}

TEST_CASE("person: ID type and number", "[validate]") {
  auto errs_for = [](const Json& type, const Json& number) {
    Json body = ValidBody();
    body["person"]["id_type"] = type;
    body["person"]["id_number"] = number;
    return Validate(body);
  };
  CHECK(CodeOf(errs_for("passport", "e12345678"), "person.id_number") == "");
  CHECK(CodeOf(errs_for("passport", "12"), "person.id_number") == "bad_format");
  CHECK(CodeOf(errs_for("hk_macao_permit", "H12345678"), "person.id_number") == "");
  CHECK(CodeOf(errs_for("taiwan_permit", "12345678"), "person.id_number") == "");
  CHECK(CodeOf(errs_for("foreign_permanent_id", "911000840199001016"), "person.id_number") == "");
  CHECK(CodeOf(errs_for("identity_card", "11010519491231002X"), "person.id_type") == "not_allowed");
  CHECK(CodeOf(errs_for("", "11010519491231002X"), "person.id_type") == "required");
  CHECK(CodeOf(errs_for(7, "11010519491231002X"), "person.id_type") == "bad_type");
  CHECK(CodeOf(errs_for("resident_id", ""), "person.id_number") == "required");
  CHECK(CodeOf(errs_for("resident_id", 11010519), "person.id_number") == "bad_type");
  CHECK(CodeOf(errs_for("resident_id", "990105199001010014"), "person.id_number") == "bad_region");
  CHECK(CodeOf(errs_for("resident_id", "123"), "person.id_number") == "bad_format");

  SECTION("the birth-date messages say what is wrong") {
    auto future = errs_for("resident_id", "370102202403160015");
    REQUIRE(CodeOf(future, "person.id_number") == "bad_date");
    CHECK(future[0].message_zh.find("晚于今天") != std::string::npos);
    auto old = errs_for("resident_id", "110101189303150014");
    REQUIRE(CodeOf(old, "person.id_number") == "bad_date");
    CHECK(old[0].message_zh.find("130") != std::string::npos);
    auto impossible = errs_for("resident_id", "110105199902300015");
    REQUIRE(CodeOf(impossible, "person.id_number") == "bad_date");
    CHECK(impossible[0].message_zh.find("不是有效日期") != std::string::npos);
  }
}

TEST_CASE("person: phone, nationality, region, address, relation", "[validate]") {
  auto with = [](const char* key, const Json& value, Json* out = nullptr) {
    Json body = ValidBody();
    body["person"][key] = value;
    return Validate(body, out);
  };
  Json out;
  CHECK(with("phone", "+852 9123-4567", &out).empty());
  CHECK(out["person"]["phone"] == "+85291234567");
  CHECK(CodeOf(with("phone", ""), "person.phone") == "required");
  CHECK(CodeOf(with("phone", "110"), "person.phone") == "bad_format");
  CHECK(CodeOf(with("phone", 13812345678LL), "person.phone") == "bad_type");

  CHECK(with("nationality", "usa", &out).empty());
  CHECK(out["person"]["nationality"] == "USA");
  CHECK(with("nationality", "HKG").empty());
  CHECK(CodeOf(with("nationality", "CN"), "person.nationality") == "bad_format");
  CHECK(CodeOf(with("nationality", "ZZZ"), "person.nationality") == "not_allowed");

  CHECK(with("region", "370100").empty());  // a known city code is accepted
  CHECK(with("region", "441900").empty());  // 东莞市 has no counties
  CHECK(CodeOf(with("region", ""), "person.region") == "required");
  CHECK(CodeOf(with("region", "37010"), "person.region") == "bad_format");
  CHECK(CodeOf(with("region", "abcdef"), "person.region") == "bad_format");
  CHECK(CodeOf(with("region", "379999"), "person.region") == "bad_region");

  CHECK(with("address", std::string(120, 'a')).empty());
  std::string long_zh;
  for (int i = 0; i < 121; ++i) long_zh += "路";
  CHECK(CodeOf(with("address", long_zh), "person.address") == "too_long");
  CHECK(CodeOf(with("address",
                    "a\x01"
                    "b"),
               "person.address") == "bad_format");

  for (const char* r :
       {"self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"}) {
    CHECK(with("relation", r, &out).empty());
    CHECK(out["person"]["relation"] == r);
  }
  CHECK(CodeOf(with("relation", "friend"), "person.relation") == "not_allowed");
}

TEST_CASE("a relative declared for may have no phone", "[validate]") {
  Json body = ValidBody();
  body["person"]["relation"] = "grandparent";
  body["person"].erase("phone");
  Json out;
  auto errs = Validate(body, &out);
  INFO(Dump(errs));
  CHECK(errs.empty());
  CHECK(out["person"]["phone"] == "");
  body["person"]["relation"] = "self";
  CHECK(CodeOf(Validate(body), "person.phone") == "required");
}

TEST_CASE("person or person_id must be given", "[validate]") {
  Json body = ValidBody();
  body.erase("person");
  CHECK(CodeOf(Validate(body), "person") == "required");
  body["person_id"] = "  p_123  ";
  Json out;
  auto errs = Validate(body, &out);
  INFO(Dump(errs));
  CHECK(errs.empty());
  CHECK(out["person_id"] == "p_123");
  CHECK_FALSE(out.contains("person"));
  body["person_id"] = "";
  CHECK(CodeOf(Validate(body), "person_id") == "required");
  body["person_id"] = 42;
  CHECK(CodeOf(Validate(body), "person_id") == "bad_type");
  body.erase("person_id");
  body["person"] = "张三";
  CHECK(CodeOf(Validate(body), "person") == "bad_type");
}

TEST_CASE("temperature limits and decimals", "[validate]") {
  auto temp = [](const Json& t, Json* out = nullptr) {
    Json body = ValidBody();
    body["health"]["temperature"] = t;
    return CodeOf(Validate(body, out), "health.temperature");
  };
  Json out;
  CHECK(temp(34.0) == "");
  CHECK(temp(43.0) == "");
  CHECK(temp(37, &out) == "");
  CHECK(out["health"]["temperature"] == 37.0);
  CHECK(temp(37.3, &out) == "");
  CHECK(out["health"]["temperature"] == 37.3);
  CHECK(temp(36.6) == "");
  CHECK(temp(33.9) == "out_of_range");
  CHECK(temp(43.1) == "out_of_range");
  CHECK(temp(-1) == "out_of_range");
  CHECK(temp(37.25) == "bad_format");
  CHECK(temp(36.55) == "bad_format");
  CHECK(temp("37.0") == "bad_type");
  CHECK(temp(true) == "bad_type");
  CHECK(temp(Json()) == "required");
  Json body = ValidBody();
  body["health"]["temperature"] = 50;
  auto errs = Validate(body);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].message_zh == "体温应在 34.0–43.0 ℃ 之间，请核对");
  CHECK(errs[0].message_en.find("34.0") != std::string::npos);
  body.erase("health");
  CHECK(CodeOf(Validate(body), "health.temperature") == "required");
  body["health"] = "fine";
  CHECK(CodeOf(Validate(body), "health") == "bad_type");
}

TEST_CASE("symptoms: known codes, sorted and unique; none is empty", "[validate]") {
  auto sym = [](const Json& s, Json* out) {
    Json body = ValidBody();
    body["health"]["symptoms"] = s;
    return CodeOf(Validate(body, out), "health.symptoms");
  };
  Json out;
  CHECK(sym(Json::parse(R"(["sore_throat","fever","fever","dry_cough"])"), &out) == "");
  CHECK(out["health"]["symptoms"] == Json::parse(R"(["dry_cough","fever","sore_throat"])"));
  CHECK(sym("none", &out) == "");
  CHECK(out["health"]["symptoms"] == Json::array());
  CHECK(sym(Json::parse(R"(["none"])"), &out) == "");
  CHECK(out["health"]["symptoms"] == Json::array());
  CHECK(sym(Json::parse(R"(["fever","headache"])"), &out) == "not_allowed");
  CHECK(sym(Json::parse(R"(["none","fever"])"), &out) == "not_allowed");
  CHECK(sym(Json::parse(R"([1])"), &out) == "bad_type");
  CHECK(sym("fever", &out) == "bad_type");
  CHECK(ankang::SymptomCodes().size() == 8);
  std::set<std::string> all(ankang::SymptomCodes().begin(), ankang::SymptomCodes().end());
  CHECK(all.count("loss_of_smell") == 1);
}

TEST_CASE("fever clinic is a yes/no answer", "[validate]") {
  Json body = ValidBody();
  body["health"]["fever_clinic_14d"] = true;
  Json out;
  CHECK(Validate(body, &out).empty());
  CHECK(out["health"]["fever_clinic_14d"] == true);
  body["health"]["fever_clinic_14d"] = 1;
  CHECK(CodeOf(Validate(body), "health.fever_clinic_14d") == "bad_type");
}

TEST_CASE("travel history entries", "[validate]") {
  auto travel = [](const Json& list, Json* out = nullptr) {
    Json body = ValidBody();
    body["travel_14d"] = list;
    return Validate(body, out);
  };
  Json out;
  auto errs = travel(Json::parse(R"([
      {"region": "310101", "from": "2024-03-01", "to": "2024-03-02"},
      {"region": "overseas", "country": "jpn", "from": "2024-02-20", "to": "2024-03-01"}])"),
                     &out);
  INFO(Dump(errs));
  CHECK(errs.empty());
  CHECK(out["travel_14d"][1]["country"] == "JPN");
  CHECK(out["travel_14d"][1]["region"] == "overseas");
  CHECK_FALSE(out["travel_14d"][0].contains("country"));

  // "to" exactly 14 days ago still counts; 15 days ago is out of range.
  CHECK(travel(Json::parse(R"([{"region":"310101","from":"2024-02-01","to":"2024-03-01"}])"))
            .empty());
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"310101","from":"2024-02-01","to":"2024-02-29"}])")),
             "travel_14d[0].to") == "out_of_range");
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"310101","from":"2024-03-10","to":"2024-03-16"}])")),
             "travel_14d[0].to") == "future_date");
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"310101","from":"2024-03-16","to":"2024-03-16"}])")),
             "travel_14d[0].from") == "future_date");
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"310101","from":"2024-03-10","to":"2024-03-09"}])")),
             "travel_14d[0].to") == "bad_date");
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"310101","from":"2024-02-30","to":"2024-03-09"}])")),
             "travel_14d[0].from") == "bad_date");
  CHECK(CodeOf(travel(Json::parse(R"([{"region":"310101","from":"3/1","to":"2024-03-09"}])")),
               "travel_14d[0].from") == "bad_format");
  CHECK(CodeOf(travel(Json::parse(R"([{"region":"310101","to":"2024-03-09"}])")),
               "travel_14d[0].from") == "required");
  CHECK(
      CodeOf(travel(Json::parse(R"([{"region":"999999","from":"2024-03-01","to":"2024-03-09"}])")),
             "travel_14d[0].region") == "bad_region");
  CHECK(CodeOf(travel(Json::parse(R"([{"from":"2024-03-01","to":"2024-03-09"}])")),
               "travel_14d[0].region") == "required");
  CHECK(
      CodeOf(
          travel(Json::parse(
              R"([{"region":"overseas","country":"CHN","from":"2024-03-01","to":"2024-03-09"}])")),
          "travel_14d[0].country") == "not_allowed");
  CHECK(
      CodeOf(
          travel(Json::parse(
              R"([{"region":"overseas","country":"QQQ","from":"2024-03-01","to":"2024-03-09"}])")),
          "travel_14d[0].country") == "not_allowed");
  CHECK(CodeOf(travel(Json::parse(R"(["310101"])")), "travel_14d[0]") == "bad_type");
  CHECK(CodeOf(travel("none"), "travel_14d") == "bad_type");

  // Errors name the entry they belong to.
  auto two = travel(Json::parse(R"([
      {"region": "310101", "from": "2024-03-01", "to": "2024-03-02"},
      {"region": "310101", "from": "2024-03-01", "to": "bad"}])"));
  CHECK(CodeOf(two, "travel_14d[1].to") == "bad_format");
  CHECK(CountField(two, "travel_14d[0].to") == 0);

  Json many = Json::array();
  for (int i = 0; i < 21; ++i) {
    many.push_back({{"region", "310101"}, {"from", "2024-03-01"}, {"to", "2024-03-02"}});
  }
  CHECK(CodeOf(travel(many), "travel_14d") == "too_many");
  many.erase(many.begin());
  CHECK(travel(many).empty());
}

TEST_CASE("contact, arrival date and commitment", "[validate]") {
  Json body = ValidBody();
  Json out;
  for (const char* c : {"none", "confirmed", "suspected", "unsure"}) {
    body["contact_14d"] = c;
    CHECK(Validate(body, &out).empty());
    CHECK(out["contact_14d"] == c);
  }
  body["contact_14d"] = "yes";
  CHECK(CodeOf(Validate(body), "contact_14d") == "not_allowed");
  body["contact_14d"] = false;
  CHECK(CodeOf(Validate(body), "contact_14d") == "bad_type");
  body["contact_14d"] = "none";

  body["arrived_from_overseas_on"] = "2024-03-15";
  CHECK(Validate(body, &out).empty());
  CHECK(out["arrived_from_overseas_on"] == "2024-03-15");
  body["arrived_from_overseas_on"] = "2023-01-01";  // long ago: allowed, kept
  CHECK(Validate(body, &out).empty());
  CHECK(out["arrived_from_overseas_on"] == "2023-01-01");
  body["arrived_from_overseas_on"] = "2024-03-16";
  CHECK(CodeOf(Validate(body), "arrived_from_overseas_on") == "future_date");
  body["arrived_from_overseas_on"] = "20240301";
  CHECK(CodeOf(Validate(body), "arrived_from_overseas_on") == "bad_format");
  body["arrived_from_overseas_on"] = nullptr;
  CHECK(Validate(body).empty());

  for (const Json& c : {Json(false), Json("true"), Json(1), Json()}) {
    body["commitment"] = c;
    CHECK(CodeOf(Validate(body), "commitment") == "required");
  }
  body.erase("commitment");
  CHECK(CodeOf(Validate(body), "commitment") == "required");
}

TEST_CASE("a body that is not an object", "[validate]") {
  Json out;
  auto errs = Validate(Json::array(), &out);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].code == "bad_type");
  CHECK(Validate(Json()).size() == 1);
}

TEST_CASE("ValidatePerson uses the given prefix", "[validate]") {
  Json person = ValidBody()["person"];
  person["phone"] = "1";
  Json out;
  auto errs = ankang::ValidatePerson(person, kToday, "member.", &out);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].field == "member.phone");
  CHECK(out["id_number"] == "11010519491231002X");
}

TEST_CASE("daily check-in", "[validate]") {
  Json out;
  auto errs =
      ankang::ValidateCheckin(Json::parse(R"({"temperature":37.4,"symptoms":["fatigue"]})"), &out);
  CHECK(errs.empty());
  CHECK(out["temperature"] == 37.4);
  CHECK(out["symptoms"] == Json::parse(R"(["fatigue"])"));
  CHECK_FALSE(out.contains("fever_clinic_14d"));
  errs = ankang::ValidateCheckin(Json::parse(R"({"temperature":44,"symptoms":["x"]})"), &out);
  CHECK(CodeOf(errs, "temperature") == "out_of_range");
  CHECK(CodeOf(errs, "symptoms") == "not_allowed");
  errs = ankang::ValidateCheckin(Json::parse(R"({})"), &out);
  CHECK(CodeOf(errs, "temperature") == "required");
  CHECK(ankang::ValidateCheckin(Json("x"), &out).size() == 1);
}

TEST_CASE("phone numbers typed with spaces and dashes are one number", "[validate][phone]") {
  CHECK(ankang::NormalizePhone("+44 7700 900123") == "+447700900123");
  CHECK(ankang::NormalizePhone("138-1234-5678") == "13812345678");
  CHECK(ankang::NormalizePhone("+1 (202) 555.0123") == "+12025550123");
  CHECK(ankang::CheckPhone(ankang::NormalizePhone("+44 7700 900123")).empty());
  const ankang::FieldError e = ankang::PhoneFormatError("phone");
  CHECK(e.code == "bad_format");
  CHECK(e.message_en.find("+44 7700 900123") != std::string::npos);
  CHECK(e.message_en.find("E.164") == std::string::npos);  // plain words, no standard's number
}
