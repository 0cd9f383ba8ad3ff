// Runs every rule-case file tests/rules/<preset>.json against the native
// engine: {"name","rule_set","cases":[{"name","facts","expected":{"color","rules"}}]}.
// The same files run against the wasm build, so both engines provably agree.
#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "shared/rules.h"

namespace ankang {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  std::string dir = std::string(ANKANG_SOURCE_DIR) + "/tests/rules";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json") files.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("every rule-case file passes against its preset", "[rule_cases]") {
  std::vector<std::string> files = CaseFiles();
  REQUIRE(files.size() >= 3);
  for (const std::string& path : files) {
    INFO("file " << path);
    Json doc = Json::parse(ReadFile(path), nullptr, false);
    REQUIRE(!doc.is_discarded());
    REQUIRE(doc["rule_set"].is_string());
    REQUIRE(doc["cases"].is_array());
    std::string rs_path = std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" +
                          doc["rule_set"].get<std::string>() + ".json";
    Json rule_set = Json::parse(ReadFile(rs_path), nullptr, false);
    REQUIRE(!rule_set.is_discarded());
    std::vector<RuleSetProblem> problems = CheckRuleSet(rule_set);
    for (const RuleSetProblem& p : problems)
      UNSCOPED_INFO(p.path << " " << p.code << " " << p.message);
    REQUIRE(problems.empty());

    int passed = 0;
    for (const Json& c : doc["cases"]) {
      INFO("case " << c.value("name", std::string("?")));
      REQUIRE(c["expected"]["color"].is_string());
      Verdict v = Evaluate(rule_set, c["facts"]);
      std::vector<std::string> ids;
      for (const FiredRule& f : v.fired) ids.push_back(f.id);
      std::vector<std::string> want;
      for (const Json& id : c["expected"]["rules"]) want.push_back(id.get<std::string>());
      CHECK(ToString(v.color) == c["expected"]["color"].get<std::string>());
      CHECK(ids == want);
      if (ToString(v.color) == c["expected"]["color"].get<std::string>() && ids == want) ++passed;
    }
    std::printf("rule cases %s: %d/%zu passed (%s)\n", path.substr(path.rfind('/') + 1).c_str(),
                passed, doc["cases"].size(), doc["rule_set"].get<std::string>().c_str());
    CHECK(passed == static_cast<int>(doc["cases"].size()));
  }
}

TEST_CASE("every rule of every preset fires in some case", "[rule_cases]") {
  for (const std::string& path : CaseFiles()) {
    Json doc = Json::parse(ReadFile(path), nullptr, false);
    REQUIRE(!doc.is_discarded());
    Json rule_set = Json::parse(ReadFile(std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" +
                                         doc["rule_set"].get<std::string>() + ".json"),
                                nullptr, false);
    REQUIRE(rule_set.is_object());
    for (const Json& rule : rule_set["rules"]) {
      bool covered = false;
      for (const Json& c : doc["cases"]) {
        for (const Json& id : c["expected"]["rules"]) covered = covered || id == rule["id"];
      }
      INFO(path << " rule " << rule["id"]);
      CHECK(covered);
    }
  }
}

}  // namespace
}  // namespace ankang
