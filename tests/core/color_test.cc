// Colour tests: names round-trip through ToString / ColorFromString, and every
// colour has its words in zh and en.
#include "shared/color.h"

#include <catch2/catch.hpp>
#include <string>

namespace ankang {
namespace {

TEST_CASE("Colour names round-trip, unknown names are rejected", "[color]") {
  for (Color c : {Color::kGreen, Color::kGray, Color::kYellow, Color::kRed})
    CHECK(ColorFromString(ToString(c)) == c);
  CHECK_FALSE(ColorFromString("blue"));
  CHECK_FALSE(ColorFromString("Green"));
}

TEST_CASE("Colour words in zh and en, other languages get zh", "[color]") {
  CHECK(std::string(ColorWord(Color::kGreen, "zh")) == "绿码");
  CHECK(std::string(ColorWord(Color::kYellow, "zh")) == "黄码");
  CHECK(std::string(ColorWord(Color::kRed, "zh")) == "红码");
  CHECK(std::string(ColorWord(Color::kGray, "zh")) == "灰码");
  CHECK(std::string(ColorWord(Color::kGreen, "en")) == "Green code");
  CHECK(std::string(ColorWord(Color::kYellow, "en")) == "Yellow code");
  CHECK(std::string(ColorWord(Color::kRed, "en")) == "Red code");
  CHECK(std::string(ColorWord(Color::kGray, "en")) == "Gray code");
  CHECK(std::string(ColorWord(Color::kRed, "fr")) == "红码");
}

}  // namespace
}  // namespace ankang
