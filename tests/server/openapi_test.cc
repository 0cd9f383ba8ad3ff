// The OpenAPI description (server/api/openapi.json, embedded) against the
// route table: every route the server registers is described with its roles,
// the description names no route the server lacks, and GET /api/v1/openapi.json
// serves it.
#include "server/api/openapi.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "tests/server/helpers.h"

namespace ankang::server {
namespace {

using testing::DevApp;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options"};

TEST_CASE("every registered route is described, and nothing else", "[openapi]") {
  const Json doc = Json::parse(OpenApiJson(), nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(doc.value("openapi", "") == "3.1.0");
  App& app = DevApp();  // --dev: the clock routes are registered too

  std::set<std::string> registered;
  std::string missing;
  for (const Route& r : app.router.routes()) {
    const std::string key = r.method + " " + r.pattern;
    registered.insert(key);
    const Json* op = nullptr;
    if (doc["paths"].contains(r.pattern) && doc["paths"][r.pattern].contains(Lower(r.method))) {
      op = &doc["paths"][r.pattern][Lower(r.method)];
    }
    if (op == nullptr) {
      missing += "\n  " + key;
      continue;
    }
    INFO(key);
    CHECK((*op)["x-ankang-roles"] == Json(r.roles));
    CHECK((*op)["responses"].is_object());
    CHECK(!(*op)["responses"].empty());
  }
  INFO("registered but not in server/api/openapi.json (edit server/api/openapi.mjs):" << missing);
  CHECK(missing.empty());

  std::string extra;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!kMethods.count(method)) continue;
      const std::string key = Upper(method) + " " + path;
      if (!registered.count(key)) extra += "\n  " + key;
    }
  }
  INFO("described in server/api/openapi.json but not registered:" << extra);
  CHECK(extra.empty());
}

TEST_CASE("GET /api/v1/openapi.json serves the embedded document, cacheable", "[openapi]") {
  auto a = testing::Call(DevApp(), "GET", "/api/v1/openapi.json");
  REQUIRE(a.status == 200);
  CHECK(a.raw.body == std::string(OpenApiJson()));
  CHECK(a.raw.content_type.rfind("application/json", 0) == 0);
  bool cacheable = false;
  for (const auto& [name, value] : a.raw.headers) {
    cacheable = cacheable || (name == "Cache-Control" && value.rfind("public", 0) == 0);
  }
  CHECK(cacheable);
}

}  // namespace
}  // namespace ankang::server
