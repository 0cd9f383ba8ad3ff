// libFuzzer target: the rules engine (shared/rules.h). The input is JSON text.
// Its "facts" member (or the whole value) is evaluated by every preset of
// shared/rules/; its "rule_set" member goes through CheckRuleSet and, when
// that finds no problem, Evaluate on the same facts; its "logic" member is
// evaluated by EvalLogic on its "data" member (or the facts). Checks, besides
// the sanitizers: a rule set that passed the check evaluates to one of the
// four colours with the decisive rule first, and every verdict serialises as
// strict UTF-8 JSON (the wasm build aborts where dump() would throw).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "shared/rules.h"

namespace {

using ankang::Json;

void Fail(const char* what) {
  std::fprintf(stderr, "rules fuzz: %s\n", what);
  std::abort();
}

void MustDump(const Json& j, const char* what) {
  try {
    (void)j.dump();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rules fuzz: %s does not serialise: %s\n", what, e.what());
    std::abort();
  }
}

const std::vector<Json>& Presets() {
  static const std::vector<Json> presets = [] {
    std::vector<Json> out;
    for (const char* name : {"default", "hangzhou", "international"}) {
      std::ifstream f(std::string(ANKANG_SOURCE_DIR) + "/shared/rules/" + name + ".json");
      std::stringstream text;
      text << f.rdbuf();
      Json j = Json::parse(text.str(), nullptr, false);
      if (j.is_discarded() || !ankang::CheckRuleSet(j).empty()) Fail("a preset does not load");
      out.push_back(std::move(j));
    }
    return out;
  }();
  return presets;
}

void CheckVerdict(const ankang::Verdict& v) {
  if (v.color != ankang::Color::kGreen && v.color != ankang::Color::kGray &&
      v.color != ankang::Color::kYellow && v.color != ankang::Color::kRed) {
    Fail("a verdict outside the four colours");
  }
  if (v.fired.empty() != (v.color == ankang::Color::kGreen)) {
    // Green means no rule fired; any fired rule decides a colour of its own.
    Fail("the colour does not match the rules that fired");
  }
  if (!v.fired.empty() && v.fired.front().color != v.color) Fail("the decisive rule is not first");
  MustDump(ankang::ToJson(v), "a verdict");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Presets();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Json in = Json::parse(data, data + size, nullptr, false);
  if (in.is_discarded()) return 0;
  const bool obj = in.is_object();
  const Json& facts = obj && in.contains("facts") ? in["facts"] : in;
  for (const Json& preset : Presets()) CheckVerdict(ankang::Evaluate(preset, facts));
  if (obj && in.contains("rule_set")) {
    const Json& rs = in["rule_set"];
    const std::vector<ankang::RuleSetProblem> problems = ankang::CheckRuleSet(rs);
    for (const auto& p : problems) {
      if (p.code.empty() || p.message.empty()) Fail("a problem without code or message");
    }
    if (problems.empty()) CheckVerdict(ankang::Evaluate(rs, facts));
  }
  if (obj && in.contains("logic")) {
    const Json& d = in.contains("data") ? in["data"] : facts;
    MustDump(ankang::EvalLogic(in["logic"], d), "an EvalLogic result");
    (void)ankang::Truthy(ankang::EvalLogic(in["logic"], d));
  }
  return 0;
}
