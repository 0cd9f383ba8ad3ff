// Masking of personal data for display. Works on Unicode characters, never on
// bytes, so a Chinese name is never cut inside a character.
#include "shared/mask.h"

#include <vector>

#include "shared/utf8.h"

namespace ankang {
namespace {

// Splits UTF-8 text into characters (ill-formed bytes become one piece each).
std::vector<std::string_view> Chars(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t pos = 0; pos < s.size();) {
    const size_t n = utf8::CharLength(s, pos);
    out.push_back(s.substr(pos, n));
    pos += n;
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& chars, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < chars.size(); ++i) out.append(chars[i]);
  return out;
}

// Keeps `head` leading and `tail` trailing characters, stars in between.
std::string KeepEnds(std::string_view s, size_t head, size_t tail) {
  const std::vector<std::string_view> chars = Chars(s);
  const size_t n = chars.size();
  if (head + tail >= n) return std::string(n, '*');
  return Join(chars, 0, head) + std::string(n - head - tail, '*') + Join(chars, n - tail, n);
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// ITU-T E.164 country calling codes: 1 and 7 have one digit, the listed ones
// two, all others three.
size_t CountryCodeLength(std::string_view digits) {
  if (digits.empty()) return 0;
  if (digits[0] == '1' || digits[0] == '7') return 1;
  static const char kTwoDigit[] =
      "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 "
      "64 65 66 81 82 84 86 90 91 92 93 94 95 98";
  if (digits.size() >= 2) {
    const std::string_view table(kTwoDigit);
    for (size_t i = 0; i + 1 < table.size(); i += 3) {
      if (table[i] == digits[0] && table[i + 1] == digits[1]) return 2;
    }
  }
  return digits.size() >= 3 ? 3 : digits.size();
}

// A letter of the Latin script: ASCII, Latin-1 Supplement, Latin Extended-A/B
// (é, ß, ł, ș ...), with the marks that join the words of a Latin name.
bool IsLatinNameChar(std::string_view ch) {
  char32_t cp = 0;
  if (utf8::Decode(ch, 0, &cp) != ch.size() || ch.empty()) return false;
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) return true;
  if (cp == ' ' || cp == '-' || cp == '\'' || cp == '.') return true;
  return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

// Word by word: each word keeps its first letter, the rest become stars;
// spaces, hyphens, apostrophes and dots stay ("Mary-Jane O'Brien" ->
// "M***-J*** O'B****"), so the shape of the name on the passport shows.
std::string MaskLatinName(const std::vector<std::string_view>& chars) {
  std::string out;
  bool word_start = true;
  for (std::string_view ch : chars) {
    const bool mark = ch == " " || ch == "-" || ch == "'" || ch == ".";
    if (mark) {
      out.append(ch);
      word_start = true;
    } else {
      out.append(word_start ? std::string(ch) : std::string("*"));
      word_start = false;
    }
  }
  return out;
}

}  // namespace

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); pos += utf8::CharLength(s, pos)) ++n;
  return n;
}

std::string MaskName(std::string_view name) {
  const std::vector<std::string_view> chars = Chars(name);
  const size_t n = chars.size();
  if (n == 0) return "";
  if (n == 1) return "*";
  bool latin = true;
  bool letter = false;
  for (std::string_view ch : chars) {
    latin = latin && IsLatinNameChar(ch);
    letter = letter || !(ch == " " || ch == "-" || ch == "'" || ch == ".");
  }
  if (latin && letter) return MaskLatinName(chars);
  if (n == 2) return std::string(chars[0]) + "*";
  return std::string(chars[0]) + std::string(n - 2, '*') + std::string(chars[n - 1]);
}

std::string MaskIdNumber(std::string_view id) {
  const size_t n = Utf8Length(id);
  if (n > 8) return KeepEnds(id, 4, 4);
  // Short document numbers: only the tail stays readable.
  if (n > 4) return KeepEnds(id, 0, 4);
  return std::string(n, '*');
}

std::string IdTail(std::string_view id) {
  const std::vector<std::string_view> chars = Chars(id);
  const size_t n = chars.size();
  return Join(chars, n > 4 ? n - 4 : 0, n);
}

std::string MaskPhone(std::string_view phone) {
  if (!phone.empty() && phone[0] == '+') {
    const std::string_view digits = phone.substr(1);
    for (char c : digits) {
      if (!IsAsciiDigit(c)) return KeepEnds(phone, 0, 4);
    }
    const size_t cc = CountryCodeLength(digits);
    if (digits.size() <= cc + 4)
      return "+" + std::string(digits.substr(0, cc)) + std::string(digits.size() - cc, '*');
    return "+" + std::string(digits.substr(0, cc)) + std::string(digits.size() - cc - 4, '*') +
           std::string(digits.substr(digits.size() - 4));
  }
  if (phone.size() == 11) return KeepEnds(phone, 3, 4);
  return KeepEnds(phone, 0, 4);
}

}  // namespace ankang
