// Scoring a person with the shared core: what it reads (history, case status,
// the risk areas that matter to the declaration), the review deadline and its
// auto-issue, and the verdict under the rules in force or any other rule set.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/app.h"
#include "server/store/storage.h"
#include "shared/facts.h"
#include "shared/json.h"
#include "shared/rules.h"

namespace ankang::server {

struct Scored {
  Verdict verdict;
  DeclarationRow declaration;
};

// What scoring a person reads (history, case status, the risk areas that
// matter to the declaration), loaded once and scored against any rule set.
struct ScoreInput {
  FactsInput facts;
  DeclarationRow declaration;  // the latest declaration
};
// nullopt when the person has no declaration. A passed review deadline
// auto-issues (written and audited when `write`, once even if a display queued
// it; REQUIRES then: not inside Storage::Transaction()).
std::optional<ScoreInput> LoadScoreInput(App& app, const PersonRow& p, bool write = true);
Scored Score(const ScoreInput& input, const Json& rules);

// Scores a person's latest declaration now; nullopt when it has none.
// Applies the review auto-issue when its deadline has passed.
// With rule_set (a dry run of another rule set) nothing is written.
std::optional<Scored> ScorePerson(App& app, const PersonRow& p, const Json* rule_set = nullptr);
// The same for a code display or verification: the auto-issue is in the
// verdict at once and its write goes to app.write_behind (never awaited).
std::optional<Scored> ScoreOnRead(App& app, const PersonRow& p);

// The part of the risk-area list BuildFacts() can consult for a declaration
// (residence and travel codes with their cities and provinces): scoring with
// it gives the same facts as with the whole list.
std::map<std::string, std::string> RelevantRiskAreas(const std::map<std::string, std::string>& all,
                                                     const Json& declaration);

}  // namespace ankang::server
