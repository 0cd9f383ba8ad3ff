#include "shared/color.h"

namespace ankang {

const char* ToString(Color c) {
  switch (c) {
    case Color::kGreen:
      return "green";
    case Color::kGray:
      return "gray";
    case Color::kYellow:
      return "yellow";
    case Color::kRed:
      return "red";
  }
  return "green";
}

std::optional<Color> ColorFromString(std::string_view s) {
  if (s == "green") return Color::kGreen;
  if (s == "gray") return Color::kGray;
  if (s == "yellow") return Color::kYellow;
  if (s == "red") return Color::kRed;
  return std::nullopt;
}

const char* ColorWord(Color c, std::string_view lang) {
  const bool en = lang == "en";
  switch (c) {
    case Color::kGreen:
      return en ? "Green code" : "绿码";
    case Color::kYellow:
      return en ? "Yellow code" : "黄码";
    case Color::kRed:
      return en ? "Red code" : "红码";
    case Color::kGray:
      return en ? "Gray code" : "灰码";
  }
  return en ? "Gray code" : "灰码";
}

}  // namespace ankang
