// Persons and what hangs off them: the accounts that are their guardians,
// their declarations (with review) and daily check-ins, the history scoring
// reads, appeals against their code, and the colour statistics. ID numbers,
// names, phones and addresses arrive encrypted (*_enc) with keyed hashes for
// look-ups (*_hmac); the store never sees them in plain text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/store/authority_store.h"

namespace ankang::server {

// A person's verdict as stored with what it read (persons.verdict_*): a code
// display or verification reuses it while none of this has moved (see
// server/domain/scoring.h). Written only by StoreVerdict.
struct VerdictRow {
  std::string code;   // JSON: the CODE fields of the verdict ("" when none stored)
  std::string color;  // its colour and valid_until, as in `code`
  std::string valid_until;
  int64_t version = -1;  // the person's data_version it was computed from
  std::string rules;     // digest of the rule set in force
  std::string regions;   // the region codes whose risk level it read, ","-joined
  std::string risk;      // what it read for them: "code=level,..." in code order
  int64_t from = 0;      // it holds for now in [from, until)
  int64_t until = 0;
};

struct PersonRow {
  std::string id;
  std::string person_ref;  // opaque random reference carried in tokens
  std::string id_type;
  std::string id_hmac;  // keyed hash of id_type + id_number
  std::string id_enc;
  std::string id_tail;  // last 4 characters (shown to verifiers)
  std::string name_enc;
  std::string name_masked;
  std::string phone_enc;  // "" when none
  std::string nationality;
  std::string region;
  std::string address_enc;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string last_edit_day;  // "YYYY-MM-DD" of the last info edit, "" if never
  int edit_count = 0;
  int64_t code_issued_at = 0;  // first code issued; identity locked from then on
  std::string last_color;      // colour of the last verdict computed (statistics)
  // Bumped by every write to what scoring reads of the person (the person's
  // region, nationality and id_hmac, declarations, check-ins, review
  // decisions, case status, retention purges); never written from a row.
  int64_t data_version = 0;
  VerdictRow verdict;
};

struct GuardianRow {
  std::string account_id;
  std::string person_id;
  std::string relation;  // "self", "parent", "child", "spouse", "other", ...
  int64_t created_at = 0;
};

// A request to become a guardian of an existing person (consent, SPEC §2
// "Who may act for whom"). `valid` is false when the name given did not match
// the record: such a request looks pending to its requester but is never shown
// to guardians and can never be approved.
struct JoinRequestRow {
  std::string id;
  std::string person_id;
  std::string requester_id;  // account id
  std::string relation;
  bool valid = false;
  std::string state = "pending";  // pending | approved | refused | withdrawn
  std::string code_hash;          // one-time code sent to the person's phone, hashed
  int attempts = 0;               // wrong codes entered by the requester
  std::string id_hmac;            // of the ID number asked for (per-ID limits)
  std::string name_masked;        // the name the requester gave, masked
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t decided_at = 0;
  std::string decided_by;  // "account:<id>", "code" or ""
};

// A resident's claim to an ID number (纠错): decided by an issuer, who sees
// the claimed name and the ID in clear to check them against a document.
struct ClaimRow {
  std::string id;
  std::string account_id;
  std::string id_type;
  std::string id_hmac;
  std::string id_enc;
  std::string name_enc;
  std::string note;
  std::string state = "pending";  // pending | approved | rejected
  std::string person_id;          // the record on approval
  int64_t created_at = 0;
  int64_t decided_at = 0;
  std::string decided_by;
  std::string decision_note;
};

struct DeclarationRow {
  std::string id;
  std::string person_id;
  std::string account_id;
  int64_t declared_at = 0;
  std::string day;   // local date "YYYY-MM-DD"
  std::string body;  // normalised declaration JSON without plaintext ID / phone / name / address
  bool review_required = false;
  std::string review_state = "none";  // none | pending | approved | rejected | auto_issued
  int64_t review_due = 0;             // auto-issue instant (18:00 the next day)
  std::string reviewed_by;
  int64_t reviewed_at = 0;
  std::string review_note;
};

struct CheckinRow {
  std::string id;
  std::string person_id;
  std::string account_id;
  std::string day;
  int64_t at = 0;
  double temperature = 36.5;
  std::string symptoms;  // JSON array text
};

// What scoring a person reads, taken from one consistent snapshot.
struct PersonHistory {
  std::optional<DeclarationRow> latest;      // the latest declaration; none: nothing to score
  std::vector<DeclarationRow> declarations;  // declared_at >= since, oldest first (<= 1000)
  std::vector<CheckinRow> checkins;          // at >= since, oldest first (<= 1000)
  std::optional<CaseRow> case_status;        // by the person's id_hmac
  int64_t since = 0;                         // min(latest->declared_at, window_start)
};

struct AppealRow {
  std::string id;
  std::string person_id;
  std::string account_id;
  std::string topic;           // "color", "identity", "other"
  std::string message;         // resident's text (no ID numbers asked for)
  std::string state = "open";  // open | resolved | rejected
  int64_t filed_at = 0;
  int64_t due_at = 0;
  int64_t resolved_at = 0;
  std::string resolved_by;
  std::string note;
};

// One bar segment of the statistics: key is a day or a region.
struct ColorCount {
  std::string key;
  std::string color;
  int64_t count = 0;
};

class PersonStore {
 public:
  virtual ~PersonStore() = default;

  // Persons.
  virtual std::optional<PersonRow> GetPerson(const std::string& id) = 0;
  virtual std::optional<PersonRow> FindPersonByIdHmac(const std::string& id_hmac) = 0;
  virtual std::optional<PersonRow> FindPersonByRef(const std::string& person_ref) = 0;
  // REQUIRES: id, person_ref and id_hmac are not taken; a duplicate throws.
  virtual void CreatePerson(const PersonRow& p) = 0;
  virtual void UpdatePerson(const PersonRow& p) = 0;  // every column but person_ref, created_at
  virtual void SetPersonColor(const std::string& id, const std::string& color) = 0;
  // Stores a verdict (its colour also as last_color) unless the person's
  // data_version has moved from v.version since it was read; false then.
  virtual bool StoreVerdict(const std::string& id, const VerdictRow& v) = 0;
  // Persons in id order after `after_id` ("" = from the start), for bulk rescoring.
  virtual std::vector<PersonRow> ListPersons(const std::string& after_id, int limit) = 0;
  // The persons a change of risk level at any of `codes` (region codes or
  // countries) can recolour, in id order: living at a code or below a listed
  // city / province (RegionCovers in shared/regions.h), or whose latest
  // declaration names such a place (travel_14d region or country, or its own
  // region). Never fewer; a few more are harmless.
  virtual std::vector<PersonRow> PersonsNamingRegions(const std::vector<std::string>& codes) = 0;

  // Guardianship: the accounts that may act for a person.
  virtual std::vector<GuardianRow> GuardianshipsOfAccount(const std::string& account_id) = 0;
  virtual std::optional<GuardianRow> GetGuardianship(const std::string& account_id,
                                                     const std::string& person_id) = 0;
  virtual int CountGuardians(const std::string& person_id) = 0;
  virtual void AddGuardian(const GuardianRow& g) = 0;
  virtual bool RemoveGuardian(const std::string& account_id,
                              const std::string& person_id) = 0;  // false: none
  virtual std::vector<GuardianRow> GuardiansOfPerson(const std::string& person_id) = 0;

  // Join requests (consent) and claims (纠错).
  virtual void AddJoinRequest(const JoinRequestRow& r) = 0;
  virtual std::optional<JoinRequestRow> GetJoinRequest(const std::string& id) = 0;
  // state, attempts, decided_at, decided_by.
  virtual void UpdateJoinRequest(const JoinRequestRow& r) = 0;
  virtual std::vector<JoinRequestRow> JoinRequestsOfRequester(
      const std::string& account_id) = 0;  // newest first
  // Valid pending requests for a person, oldest first.
  virtual std::vector<JoinRequestRow> PendingJoinRequests(const std::string& person_id) = 0;
  // Requests made at or after `since` by an account / for an ID number.
  virtual int CountJoinRequestsBy(const std::string& account_id, int64_t since) = 0;
  virtual int CountJoinRequestsFor(const std::string& id_hmac, int64_t since) = 0;
  virtual void AddClaim(const ClaimRow& c) = 0;
  virtual std::optional<ClaimRow> GetClaim(const std::string& id) = 0;
  // state, person_id, decided_at, decided_by, decision_note.
  virtual void UpdateClaim(const ClaimRow& c) = 0;
  virtual std::vector<ClaimRow> ClaimsOfAccount(const std::string& account_id) = 0;  // newest first
  virtual std::vector<ClaimRow> PendingClaims(int limit) = 0;                        // oldest first
  virtual int CountClaimsBy(const std::string& account_id, int64_t since) = 0;

  // Declarations and check-ins.
  virtual void AddDeclaration(const DeclarationRow& d) = 0;
  virtual std::optional<DeclarationRow> GetDeclaration(const std::string& id) = 0;
  virtual std::optional<DeclarationRow> LatestDeclaration(const std::string& person_id) = 0;
  // Declarations of a person at or after `since`, oldest first.
  virtual std::vector<DeclarationRow> DeclarationsSince(const std::string& person_id,
                                                        int64_t since) = 0;
  virtual void UpdateReview(const DeclarationRow& d) = 0;  // review_* columns
  // Latest declarations still pending review, oldest first.
  virtual std::vector<DeclarationRow> PendingReviews(int limit) = 0;
  virtual bool AddCheckin(const CheckinRow& c) = 0;  // false: already one that day
  // Check-ins of a person at or after `since`, oldest first.
  virtual std::vector<CheckinRow> CheckinsSince(const std::string& person_id, int64_t since) = 0;
  virtual int64_t CountDeclarations() = 0;
  // Everything ScorePerson reads about p in one read transaction: the latest
  // declaration, declarations and check-ins since min(its time, window_start),
  // and the case status of p.id_hmac.
  virtual PersonHistory History(const PersonRow& p, int64_t window_start) = 0;

  // Appeals against a person's code or data.
  virtual void AddAppeal(const AppealRow& a) = 0;
  virtual std::optional<AppealRow> GetAppeal(const std::string& id) = 0;
  virtual std::vector<AppealRow> AppealsOfAccount(
      const std::string& account_id) = 0;  // newest first
  virtual std::vector<AppealRow> ListAppeals(
      const std::string& state) = 0;                  // "" = all; newest first
  virtual void UpdateAppeal(const AppealRow& a) = 0;  // state, resolved_at, resolved_by, note

  // Colour statistics.
  virtual std::map<std::string, int64_t> CountPersonsByColor() = 0;  // persons' last colour
  // The colour a person's code had on a day (last one wins).
  virtual void RecordColorDay(const std::string& day, const std::string& person_id,
                              const std::string& region, const std::string& color) = 0;
  virtual std::vector<ColorCount> ColorsByDay(const std::string& from_day) = 0;
  virtual std::vector<ColorCount> ColorsByRegion() = 0;  // persons' last colour
};

}  // namespace ankang::server
