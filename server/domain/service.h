// Domain operations shared by the route handlers: reading persons the caller
// may reach, scoring with the shared core against current authority data,
// issuing signed codes and verifying them. Handlers stay one screen; this is
// where the work is.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "server/app.h"
#include "server/store/storage.h"
#include "shared/facts.h"
#include "shared/json.h"
#include "shared/rules.h"

namespace ankang::server {

constexpr int kMaxOthersPerAccount = 3;
constexpr int kMaxGuardiansPerPerson = 3;

// Personal data decrypted for the person's own guardians.
struct PersonPlain {
  std::string name;
  std::string id_number;
  std::string phone;
  std::string address;
};
PersonPlain Decrypt(const App& app, const PersonRow& p);

// Keyed hash for ID look-ups (the same for persons and the authority's case list).
std::string IdHmac(const App& app, const std::string& id_type, const std::string& id_number);
std::string PhoneHmac(const App& app, const std::string& phone);

// The person if the caller (a resident) is one of its guardians.
std::optional<PersonRow> ReachablePerson(App& app, const Caller& caller,
                                         const std::string& person_id);

// True when region (6 digits) is in the list, directly or through its
// province ("370000") or city ("370100").
bool RegionListed(const std::vector<std::string>& list, const std::string& region);

// 18:00 local time on the day after `at`: when a pending review auto-issues.
int64_t ReviewDeadline(const App& app, int64_t at);
// `at` plus n working days (Monday to Friday), local time.
int64_t AddWorkingDays(const App& app, int64_t at, int n);

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
// auto-issues (written and audited when `write`).
std::optional<ScoreInput> LoadScoreInput(App& app, const PersonRow& p, bool write = true);
Scored Score(const ScoreInput& input, const Json& rules);

// Scores a person's latest declaration now; nullopt when it has none.
// Applies the review auto-issue when its deadline has passed.
// With rule_set (a dry run of another rule set) nothing is written.
std::optional<Scored> ScorePerson(App& app, const PersonRow& p, const Json* rule_set = nullptr);

// The part of the risk-area list BuildFacts() can consult for a declaration
// (residence and travel codes with their cities and provinces): scoring with
// it gives the same facts as with the whole list.
std::map<std::string, std::string> RelevantRiskAreas(const std::map<std::string, std::string>& all,
                                                     const Json& declaration);

enum class TokenKind { kScreen, kPaper };

struct IssuedCode {
  Json code;  // CODE of SPEC §5 plus person_id, name_masked, next_step, qr_matrix, review
  Scored scored;
  int64_t token_expires_at = 0;
};
// Scores and signs; nullopt when the person has no declaration yet.
std::optional<IssuedCode> IssueCode(App& app, PersonRow p, TokenKind kind);

// POST /api/v1/verify answer for a QR text.
Json VerifyQr(App& app, const std::string& qr);

}  // namespace ankang::server
