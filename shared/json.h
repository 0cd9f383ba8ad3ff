// The JSON type the core speaks. nlohmann/json is used without exceptions
// crossing the core's API: parse with Json::parse(text, nullptr, false) and
// check types before reading values.
#pragma once

#include <nlohmann/json.hpp>

namespace ankang {
using Json = nlohmann::json;
}  // namespace ankang
