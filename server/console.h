// The staff side's domain operations (issue 5), shared by routes_console.cc,
// routes_venues.cc and the verifier: cross-region recognition (互认) of other
// issuers' tokens, rescoring everyone after authority data or rules change
// (for the recolour counts and the rule-set dry run), the rule set in force at
// run time, and fetching another issuer's key list over HTTP.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "server/app.h"
#include "shared/json.h"
#include "shared/token.h"

namespace ankang::server {

// The verify answer for a token whose issuer is not ours: unknown_issuer unless
// the admin trusts that issuer; then its signature (with that issuer's keys)
// and expiry decide, and the answer names the issuer. `out` is VerifyQr's
// answer so far (status "malformed", nulls).
Json VerifyTrustedIssuer(App& app, const ParsedToken& t, Json out);

// Colour of every person with a declaration, scored now with `rule_set`
// (nullptr: the rules in force). Writes nothing.
std::map<std::string, std::string> ScoreEveryone(App& app, const Json* rule_set = nullptr);

struct Recolour {
  int64_t total = 0;                           // persons scored
  int64_t changed = 0;                         // persons whose colour differs
  std::map<std::string, int64_t> transitions;  // "green->red": n
};
// Compares two ScoreEveryone() results.
Recolour Compare(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after);
// Stores the new colours of changed persons (persons.last_color and the
// statistics of today), so statistics follow authority changes at once.
void ApplyColours(App& app, const std::map<std::string, std::string>& before,
                  const std::map<std::string, std::string>& after);
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
