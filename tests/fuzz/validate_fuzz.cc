// libFuzzer target: validation of what a resident types (shared/validate.h).
// The input is JSON text (a declaration, or any value); it goes through
// ValidateDeclaration, ValidatePerson on its "person" (or on itself),
// ValidateCheckin, and, for a string, the ID and phone checks. Checks, besides
// the sanitizers: what validation accepts it accepts again unchanged (the
// normalised form is a fixed point), and every answer serialises as strict
// UTF-8 JSON (the wasm build has no exceptions: a dump() error aborts there).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "shared/validate.h"

namespace {

using ankang::Json;

void Fail(const char* what) {
  std::fprintf(stderr, "validate fuzz: %s\n", what);
  std::abort();
}

// Strict dump: throws on invalid UTF-8, as the wasm build would abort.
void MustDump(const Json& j, const char* what) {
  try {
    (void)j.dump();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "validate fuzz: %s does not serialise: %s\n", what, e.what());
    std::abort();
  }
}

template <typename Validate>
void CheckFixedPoint(const Json& in, Validate validate, const char* what) {
  Json out;
  const std::vector<ankang::FieldError> errors = validate(in, &out);
  MustDump(ankang::ToJson(errors, "en"), what);
  MustDump(ankang::ToJson(errors, "zh"), what);
  MustDump(out, what);
  for (const ankang::FieldError& e : errors) {
    if (e.field.empty() || e.code.empty() || e.message_zh.empty() || e.message_en.empty()) {
      Fail("an error without field, code or messages");
    }
  }
  if (!errors.empty()) return;
  Json again;
  if (!validate(out, &again).empty()) Fail(what);
  if (again != out) Fail(what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Json in = Json::parse(data, data + size, nullptr, false);
  if (in.is_discarded()) return 0;
  // "Today" is an ordinary day, or for odd sizes a leap day at the top of the range.
  for (const ankang::Date today :
       {size % 2 ? ankang::Date{9996, 2, 29} : ankang::Date{2026, 11, 21}}) {
    CheckFixedPoint(
        in,
        [&](const Json& j, Json* out) { return ankang::ValidateDeclaration(j, today, out); },
        "ValidateDeclaration is not a fixed point");
    const Json& person = in.is_object() && in.contains("person") ? in["person"] : in;
    CheckFixedPoint(
        person,
        [&](const Json& j, Json* out) { return ankang::ValidatePerson(j, today, "person.", out); },
        "ValidatePerson is not a fixed point");
    if (in.is_string()) {
      const std::string& s = in.get_ref<const std::string&>();
      std::string normal;
      const std::string code = ankang::CheckResidentId(s, today, &normal);
      if (code.empty() && !ankang::CheckResidentId(normal, today, nullptr).empty()) {
        Fail("a normalised resident ID is not valid");
      }
      for (auto type : {ankang::IdType::kResidentId, ankang::IdType::kPassport,
                        ankang::IdType::kHkMacaoPermit, ankang::IdType::kTaiwanPermit,
                        ankang::IdType::kForeignPermanentId}) {
        std::string n1, n2;
        if (ankang::CheckIdNumber(type, s, today, &n1).empty() &&
            (!ankang::CheckIdNumber(type, n1, today, &n2).empty() || n2 != n1)) {
          Fail("CheckIdNumber is not a fixed point");
        }
      }
      (void)ankang::CheckPhone(s);
    }
  }
  CheckFixedPoint(
      in, [](const Json& j, Json* out) { return ankang::ValidateCheckin(j, out); },
      "ValidateCheckin is not a fixed point");
  return 0;
}
