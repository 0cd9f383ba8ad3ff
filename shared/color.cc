#include "shared/color.h"

namespace ankang {

const char* ToString(Color c) {
  switch (c) {
    case Color::kGreen: return "green";
    case Color::kGray: return "gray";
    case Color::kYellow: return "yellow";
    case Color::kRed: return "red";
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

}  // namespace ankang
