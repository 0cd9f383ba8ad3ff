// The four colours of a health code, ordered by severity (green < gray < yellow < red).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ankang {

enum class Color { kGreen = 0, kGray = 1, kYellow = 2, kRed = 3 };

// "green", "gray", "yellow", "red".
const char* ToString(Color c);
std::optional<Color> ColorFromString(std::string_view s);
// Severity rank: red 3 > yellow 2 > gray 1 > green 0.
inline int Severity(Color c) { return static_cast<int>(c); }

// The colour in words, as shown to people: "绿码" for lang "zh", "Green code"
// for "en". Default: any other lang gives the zh word.
const char* ColorWord(Color c, std::string_view lang);

}  // namespace ankang
