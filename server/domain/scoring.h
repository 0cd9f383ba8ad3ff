// Scoring a person with the shared core: what it reads (history, case status,
// the risk areas that matter to the declaration), the review deadline and its
// auto-issue, the verdict under the rules in force or any other rule set, and
// the stored verdict a code display or verification reuses.
//
// Stored verdicts. A verdict is stored in the person's row with what it
// depends on: the person's data version (bumped by every write to what
// scoring reads of them: Storage, PersonRow::data_version), the digest of the
// rules in force, the risk levels it read for the regions the declaration
// names, and the span of time [from, until) in which time alone does not
// change it (the next midnight, the next whole hour since the latest report,
// its expiry, a review deadline, a report leaving the history window, and
// every instant a rule compares "now" with: FactsHoldUntil and
// Verdict::holds_until in the core). A read whose person, rules, risk levels
// and clock are all still inside those bounds answers the stored verdict;
// anything else rescores, answers the new verdict and queues it for storing
// (never waited for). The answer is the same either way
// (tests/server/verdict_test.cc compares them after every step of a long
// random run).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/app.h"
#include "server/store/storage.h"
#include "shared/color.h"
#include "shared/facts.h"
#include "shared/json.h"
#include "shared/rules.h"

namespace ankang::server {

struct Scored {
  Verdict verdict;
  DeclarationRow declaration;
  // Unix seconds: the verdict stays the same, whatever the clock says, until
  // then (and from the `now` it was computed at), while nothing else moves.
  int64_t holds_until = 0;
};

// What scoring a person reads (history, case status, the risk areas that
// matter to the declaration), loaded once and scored against any rule set.
struct ScoreInput {
  FactsInput facts;
  DeclarationRow declaration;        // the latest declaration
  std::vector<std::string> regions;  // whose risk levels were read (RegionsNamed)
  int64_t window_until = INT64_MAX;  // the first report leaves the history window
  int64_t data_version = 0;          // of the person row it was read with
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

// The CODE fields a display shows of a verdict: ToJson(verdict) plus
// "declared_at" and, when the declaration needs a review, "review".
Json CodeFields(App& app, const Scored& s);

// What a code display or verification shows of a person now.
struct CurrentCode {
  std::string fields;  // CodeFields, as JSON text (an object)
  Color color = Color::kGreen;
  std::string valid_until;
  bool stored = false;  // answered from the stored verdict
};
// The stored verdict while it holds, else a rescoring whose verdict (and a
// review auto-issue) is queued for writing. Never waits for a write.
// nullopt when the person has no declaration.
std::optional<CurrentCode> CodeOnRead(App& app, const PersonRow& p);
// Rescoring with the rules in force, its verdict queued for storing (as on a
// stale read); for recolouring in the background.
std::optional<Scored> RefreshVerdict(App& app, const PersonRow& p);

// The region codes whose risk level scoring a declaration can consult
// (residence and travel codes; their cities and provinces are added by
// RiskAreasFor), and the part of a risk-area list it consults for them:
// scoring with it gives the same facts as with the whole list.
std::vector<std::string> RegionsNamed(const Json& declaration);
std::map<std::string, std::string> RiskAreasFor(const std::map<std::string, std::string>& all,
                                                const std::vector<std::string>& regions);
std::map<std::string, std::string> RelevantRiskAreas(const std::map<std::string, std::string>& all,
                                                     const Json& declaration);

}  // namespace ankang::server
