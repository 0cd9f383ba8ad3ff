// Masking of personal data for display (SPEC §2, §4). Unicode-aware (UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace ankang {

// 张三 -> 张*; 张小三 -> 张*三; 欧阳小明 -> 欧**明; 阿依古丽·买买提 -> 阿******提.
// A name written in Latin letters only is masked word by word, each word keeping
// its first letter, so a guard can hold it against the passport's name:
// "John Smith" -> "J*** S****", "Mary-Jane O'Brien" -> "M***-J*** O'B****",
// "José" -> "J***". A one-character name becomes "*".
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
