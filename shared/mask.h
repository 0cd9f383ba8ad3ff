// Masking of personal data for display (SPEC §2, §4). Unicode-aware (UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace ankang {

// 张三 -> 张*; 张小三 -> 张*三; 欧阳小明 -> 欧**明; 阿依古丽·买买提 -> 阿******提;
// Latin names likewise keep the first and last character: "John Smith" -> "J********h".
// A one-character name becomes "*".
std::string MaskName(std::string_view name);
// 370102199001011234 -> 3701**********1234 (first 4, last 4).
std::string MaskIdNumber(std::string_view id);
// Last 4 characters (the "ID tail" a verifier compares with the ID card).
std::string IdTail(std::string_view id);
// 13812345678 -> 138****5678; E.164 keeps "+" country prefix and last 4.
std::string MaskPhone(std::string_view phone);
// Number of Unicode code points in UTF-8 text (invalid bytes count as one each).
size_t Utf8Length(std::string_view s);

}  // namespace ankang
