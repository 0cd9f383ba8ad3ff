#include "server/domain/rulesets.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "server/app.h"
#include "server/crypto/crypto.h"
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
  return MakeActiveRules(name_or_path, std::move(text), out, error);
}

bool MakeActiveRules(std::string name, std::string text, ActiveRules* out, std::string* error) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "rule set '" + name + "' is not a JSON object";
    return false;
  }
  std::vector<RuleSetProblem> problems = CheckRuleSet(j);
  if (!problems.empty()) {
    *error = "rule set '" + name + "' has problems:";
    for (const auto& p : problems) *error += "\n  " + p.path + ": " + p.code + " " + p.message;
    return false;
  }
  const Json params =
      j.contains("params") && j["params"].is_object() ? j["params"] : Json::object();
  out->review =
      params.contains("review") && params["review"].is_boolean() && params["review"].get<bool>();
  out->edit_policy = StrField(params, "edit_policy", "daily");
  out->name = std::move(name);
  out->digest = Sha256Hex(text).substr(0, 32);
  out->text = std::move(text);
  out->json = std::move(j);
  return true;
}

void LoadStoredRules(App& app) {
  for (const RuleSetRow& r : app.db->ListRuleSets()) {
    if (!r.active) continue;
    ActiveRules a;
    std::string error;
    if (!MakeActiveRules(r.id, r.body, &a, &error)) {
      std::fprintf(stderr, "stored rule set %s is unusable; keeping %s\n", r.id.c_str(),
                   app.rules.name.c_str());
      return;
    }
    app.SetRules(std::move(a));
    return;
  }
}

}  // namespace ankang::server
