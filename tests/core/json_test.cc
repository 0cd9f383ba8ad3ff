// StrField: a string member or the fallback, whatever the JSON holds.
#include "shared/json.h"

#include <catch2/catch.hpp>

namespace ankang {
namespace {

TEST_CASE("StrField reads a string member", "[json]") {
  const Json j = {{"name", "张三"}, {"empty", ""}};
  CHECK(StrField(j, "name") == "张三");
  CHECK(StrField(j, "name", "x") == "张三");
  CHECK(StrField(j, "empty", "x").empty());  // present: the fallback is not used
}

TEST_CASE("StrField gives the fallback for a missing member, another type or a non-object",
          "[json]") {
  const Json j = {{"n", 3}, {"null", nullptr}, {"list", {"a"}}};
  CHECK(StrField(j, "missing").empty());
  CHECK(StrField(j, "missing", "zh") == "zh");
  CHECK(StrField(j, "n", "d") == "d");
  CHECK(StrField(j, "null", "d") == "d");
  CHECK(StrField(j, "list", "d") == "d");
  CHECK(StrField(Json::array({"name"}), "name", "d") == "d");
  CHECK(StrField(Json("name"), "name", "d") == "d");
  CHECK(StrField(Json(), "name", "d") == "d");
  CHECK(StrField(Json(Json::value_t::discarded), "name", "d") == "d");
}

}  // namespace
}  // namespace ankang
