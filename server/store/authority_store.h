// What the authority decides and publishes: risk areas, the case status of an
// ID (by its keyed hash), the regions whose declarations need review, rule
// sets, other issuers whose codes are recognised (互认) and the metadata of
// our own signing keys.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ankang::server {

struct CaseRow {
  std::string id_hmac;
  std::string status;  // confirmed | suspected | asymptomatic | close_contact | recovered | cleared
                       // | falsified
  std::string since;   // "YYYY-MM-DD" or ""
  int64_t updated_at = 0;
  std::string updated_by;
};

// An uploaded (or activated preset) rule set.
struct RuleSetRow {
  std::string id;           // "rs_<random>" or "preset:<name>"
  std::string rule_set_id;  // the document's "id"
  std::string version;      // the document's "version"
  std::string body;         // JSON text
  std::string source;       // "upload" or "preset"
  int64_t uploaded_at = 0;
  std::string uploaded_by;
  bool active = false;
};

// Another issuer whose codes are recognised (互认): its published key list.
struct TrustedIssuerRow {
  std::string issuer;     // the "iss" in its tokens
  std::string name;       // display name, e.g. "杭州 Hangzhou"
  std::string keys_url;   // where its GET /api/v1/keys lives; "" when keys were pasted
  std::string keys_json;  // JSON array of {kid, x, not_before, not_after}
  int64_t updated_at = 0;
  std::string added_by;
};

struct KeyMetaRow {
  std::string kid;
  std::string public_key;  // base64url
  int64_t not_before = 0;
  int64_t not_after = 0;
};

// A check value of one of the data folder's symmetric keys (data_folder.h),
// derived from the key: a database opened with another key notices it.
struct KeyCheckRow {
  std::string name;  // "data.key", "hmac.key"
  std::string value;
  int64_t created_at = 0;
};

// The data folder's keys sealed with a key-encryption key (--kek-file,
// data_folder.h): one row "keys"; each rotation stores a new version.
struct SealedKeysRow {
  std::string name;  // "keys"
  std::string sealed;
  int64_t version = 0;  // 1 for the first, +1 for each change
  int64_t updated_at = 0;
};

class AuthorityStore {
 public:
  virtual ~AuthorityStore() = default;

  // Risk levels by region code or country; a new list replaces the old one whole.
  virtual void ReplaceRiskAreas(const std::map<std::string, std::string>& areas, int64_t at) = 0;
  virtual std::map<std::string, std::string> RiskAreas() = 0;  // code -> level

  // Case status by ID hash; a new row replaces that ID's old one.
  virtual void PutCaseStatus(const CaseRow& c) = 0;
  virtual std::optional<CaseRow> GetCaseStatus(const std::string& id_hmac) = 0;

  // Regions whose residents' declarations wait for review; replaced whole.
  virtual void ReplaceReviewRegions(const std::vector<std::string>& regions) = 0;
  virtual std::vector<std::string> ReviewRegions() = 0;  // sorted

  // Rule sets; at most one is active (none: the --rules preset is in force).
  virtual void AddRuleSet(const RuleSetRow& r) = 0;  // insert or replace
  virtual std::optional<RuleSetRow> GetRuleSet(const std::string& id) = 0;
  virtual std::vector<RuleSetRow> ListRuleSets() = 0;        // newest first
  virtual void SetActiveRuleSet(const std::string& id) = 0;  // "" deactivates all

  // Trusted other issuers (互认).
  virtual void PutTrustedIssuer(const TrustedIssuerRow& t) = 0;  // insert or replace
  virtual std::optional<TrustedIssuerRow> GetTrustedIssuer(const std::string& issuer) = 0;
  virtual std::vector<TrustedIssuerRow> ListTrustedIssuers() = 0;   // by issuer
  virtual bool DeleteTrustedIssuer(const std::string& issuer) = 0;  // false: none

  // Our own signing keys as published; an existing kid only has not_after updated.
  virtual void PutKeyMeta(const KeyMetaRow& k) = 0;
  // Every kid ever put, oldest first.
  virtual std::vector<KeyMetaRow> ListKeyMeta() = 0;

  // The data folder's key check values, by name; adding keeps an existing
  // name's value (the first process to write it wins).
  virtual std::vector<KeyCheckRow> ListKeyChecks() = 0;
  virtual void AddKeyCheck(const KeyCheckRow& c) = 0;

  // Sealed keys by name. Put stores k when the stored version is
  // k.version - 1 (none for version 1): false when another process stored
  // that version first (read again and retry).
  virtual std::optional<SealedKeysRow> GetSealedKeys(const std::string& name) = 0;
  virtual bool PutSealedKeys(const SealedKeysRow& k) = 0;
};

}  // namespace ankang::server
