// Validation of everything a resident types (SPEC §2). Every problem is
// reported at once, each with a stable machine code and messages in zh-CN
// and en. Pure: "today" comes in as a value. Never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/dates.h"
#include "shared/json.h"

namespace ankang {

// Stable codes: "required", "too_long", "bad_format", "checksum", "bad_date",
// "out_of_range", "bad_region", "not_allowed", "bad_type", "too_many", "future_date".
struct FieldError {
  std::string field;  // e.g. "person.id_number", "travel_14d[1].from", "commitment"
  std::string code;
  std::string message_zh;
  std::string message_en;
};

// {"field","code","message_zh","message_en"}; with lang ("zh"/"en") also "message".
Json ToJson(const FieldError& e);
Json ToJson(const std::vector<FieldError>& errors, const std::string& lang = "zh");

enum class IdType { kResidentId, kPassport, kHkMacaoPermit, kTaiwanPermit, kForeignPermanentId };
const char* ToString(IdType t);  // "resident_id", "passport", ...
std::optional<IdType> IdTypeFromString(std::string_view s);

// GB 11643-1999 resident ID. REQUIRES nothing; returns "" when valid or the
// error code ("bad_format", "checksum", "bad_date", "bad_region").
// *normalized gets the upper-case form ('x' -> 'X') when non-null.
std::string CheckResidentId(std::string_view id, const Date& today, std::string* normalized);
// ISO 7064 MOD 11-2 check character for the first 17 digits ('0'-'9' or 'X').
char ResidentIdCheckChar(std::string_view first17);
// Any ID type: "" or an error code; normalises (trim, upper-case) into *normalized.
std::string CheckIdNumber(IdType type, std::string_view id, const Date& today,
                          std::string* normalized);

// "" or an error code. Mainland mobile "1[3-9]" + 9 digits, or E.164 "+" 8–15 digits.
std::string CheckPhone(std::string_view phone);
// A phone number as typed, without the separators people write in it (spaces,
// '-', '(', ')', '.'): "+44 7700 900123" -> "+447700900123". The form CheckPhone,
// storage and log-in look-ups use.
std::string NormalizePhone(std::string_view typed);
// The "bad_format" error for a phone number in `field`, in plain words.
FieldError PhoneFormatError(const std::string& field);

// The person part ("person": {name,id_type,id_number,phone,nationality,region,address,relation}).
// Field names are prefixed with `prefix` (e.g. "person."). Normalised values go into *out.
std::vector<FieldError> ValidatePerson(const Json& person, const Date& today,
                                       const std::string& prefix, Json* out);

// A whole declaration body as in SPEC §5 POST /api/v1/declarations; either
// "person" or "person_id" must be present. *out (if non-null) receives the
// normalised declaration (trimmed strings, upper-case ID, sorted unique symptoms,
// temperature rounded to one decimal).
std::vector<FieldError> ValidateDeclaration(const Json& body, const Date& today, Json* out);

// A daily check-in {"temperature","symptoms"}.
std::vector<FieldError> ValidateCheckin(const Json& body, Json* out);

// The list of symptom codes accepted (SPEC §2).
const std::vector<std::string>& SymptomCodes();

}  // namespace ankang
