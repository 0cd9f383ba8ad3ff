#include "server/domain/rulesets.h"

#include <fstream>
#include <sstream>
#include <string_view>

#include "shared/rules.h"

namespace ankang::server {
namespace {

struct EmbeddedRuleSet {
  const char* name;
  std::string_view text;
};

#include "rules_embedded.inc"

}  // namespace

std::vector<std::string> PresetNames() {
  std::vector<std::string> out;
  for (const auto& r : kEmbeddedRuleSets) {
    if (r.name[0] != '\0') out.push_back(r.name);
  }
  return out;
}

std::string PresetText(const std::string& name) {
  for (const auto& r : kEmbeddedRuleSets) {
    if (name == r.name && !name.empty()) return std::string(r.text);
  }
  return "";
}

bool LoadRules(const std::string& name_or_path, ActiveRules* out, std::string* error) {
  std::string text = PresetText(name_or_path);
  if (text.empty()) {
    std::ifstream f(name_or_path);
    if (!f) {
      *error = "unknown rule set '" + name_or_path + "' (presets:";
      for (const auto& n : PresetNames()) *error += " " + n;
      *error += "; or a path to a JSON file)";
      return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "rule set '" + name_or_path + "' is not a JSON object";
    return false;
  }
  std::vector<RuleSetProblem> problems = CheckRuleSet(j);
  if (!problems.empty()) {
    *error = "rule set '" + name_or_path + "' has problems:";
    for (const auto& p : problems) *error += "\n  " + p.path + ": " + p.code + " " + p.message;
    return false;
  }
  out->name = name_or_path;
  out->text = text;
  out->json = j;
  const Json params =
      j.contains("params") && j["params"].is_object() ? j["params"] : Json::object();
  out->review =
      params.contains("review") && params["review"].is_boolean() && params["review"].get<bool>();
  out->edit_policy = params.contains("edit_policy") && params["edit_policy"].is_string()
                         ? params["edit_policy"].get<std::string>()
                         : "daily";
  return true;
}

}  // namespace ankang::server
