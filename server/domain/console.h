// The staff side's domain operations (issue 5), shared by routes_console.cc,
// routes_venues.cc and the verifier: cross-region recognition (互认) of other
// issuers' tokens, rescoring after authority data or rules change (only the
// persons a change can reach; everyone for rule sets), the rule set in force
// at run time, and fetching another issuer's key list over HTTP.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/app.h"
#include "shared/json.h"
#include "shared/token.h"

namespace ankang::server {

// The verify answer for a token whose issuer is not ours: unknown_issuer unless
// the admin trusts that issuer; then its signature (with that issuer's keys)
// and expiry decide, and the answer names the issuer. `out` is VerifyQr's
// answer so far (status "malformed", nulls).
Json VerifyTrustedIssuer(App& app, const ParsedToken& t, Json out);

struct Recolour {
  int64_t total = 0;                           // persons scored
  int64_t changed = 0;                         // persons whose colour differs
  std::map<std::string, int64_t> transitions;  // "green->red": n
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
// Makes `activate` run (it switches the rules in force) and recolours everyone
// whose colour differs between the rules before and after, in one pass.
Recolour ActivateAndRecolour(App& app, const std::function<void()>& activate);
Json ToJson(const Recolour& r);

// True when the caller may review declarations of a person living in `region`:
// admins always; an issuer when the region is inside the community assigned to
// them (PUT /api/v1/admin/staff/{id}/region), or anywhere if none is assigned.
bool MayReview(App& app, const Caller& caller, const std::string& region);

// Makes the activated rule set stored in the database (if any) the one in force.
void LoadStoredRules(App& app);

// GET of an http(s):// URL with a time limit (curl, no redirects, ≤ 256 KiB);
// nullopt on any failure or an error answer. Used to fetch another issuer's key list.
std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error);

// Checks a key list {"issuer"?, "keys":[{kid, x, not_before?, not_after?}]} (or the
// bare array); returns the normalised keys array, or an error text.
std::optional<Json> NormaliseKeys(const Json& keys_or_list, std::string* error);

}  // namespace ankang::server
