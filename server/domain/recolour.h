// Recolouring after authority data or the rules change: only the persons a
// change can reach are scored again (everyone for a rule set), and new colours
// are stored page by page. The console's activations and imports hand this to
// the background thread of domain/recolour_jobs.h; a venue's close contacts
// are recoloured at once (RecolourAfter).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/app.h"
#include "server/store/storage.h"
#include "shared/json.h"

namespace ankang::server {

struct Recolour {
  int64_t total = 0;                           // persons scored
  int64_t changed = 0;                         // persons whose colour differs
  std::map<std::string, int64_t> transitions;  // "green->red": n
  // Counts one person scored `before` ("" = none) and `after`.
  void Add(const std::string& before, const std::string& after);
  void Add(const Recolour& other);  // sums
};
// Compares two colour maps (person id -> colour) taken before and after.
Recolour Compare(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after);

// Targeted rescoring. Runs `change` (a write of authority data) and recolours
// the persons it can affect: each of `affected` is scored before and after,
// and a new colour is stored (persons.last_color and today's statistics) at
// once. The counts are exact as long as `affected` holds everyone whose
// colour the change can alter; see the two functions below.
Recolour RecolourAfter(App& app, const std::vector<PersonRow>& affected,
                       const std::function<void()>& change);
// Who a change of the risk-area list from `before` to `after` can recolour:
// only the codes whose level differs count (Storage::PersonsNamingRegions).
std::vector<PersonRow> PersonsAffectedByRiskChange(App& app,
                                                   const std::map<std::string, std::string>& before,
                                                   const std::map<std::string, std::string>& after);
// The persons with these ID HMACs (a case-status change reaches no one else).
std::vector<PersonRow> PersonsWithIdHmacs(App& app, const std::vector<std::string>& id_hmacs);

// A rule set against the rules in force, for everyone with a declaration: one
// pass in pages of persons, each person's data read once and scored with both
// (reader connections; the writer is never held). Writes nothing.
Recolour DryRunRules(App& app, const Json& rule_set);
Json ToJson(const Recolour& r);

}  // namespace ankang::server
