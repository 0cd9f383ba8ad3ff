// The JSON type the core speaks. nlohmann/json is used without exceptions
// crossing the core's API: parse with Json::parse(text, nullptr, false) and
// check types before reading values, as StrField does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ankang {

using Json = nlohmann::json;

// The string member `key` of j. Default: fallback when j is not an object, has
// no such member, or the member is not a string.
std::string StrField(const Json& j, const char* key, std::string_view fallback = "");

}  // namespace ankang
