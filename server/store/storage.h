// Storage behind one interface (SPEC §6). The server speaks rows, never SQL;
// SqliteStorage is the embedded implementation, a PostgreSQL one can follow
// with the same portable schema. Personal data arrives already encrypted
// (the *_enc columns) with keyed hashes for look-ups (*_hmac); storage never
// sees a plaintext ID or phone number.
//
// Failures of the database itself throw StorageError (the HTTP layer answers
// 500 "internal"); expected outcomes (not found, duplicate) are return values.
// All methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ankang::server {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AccountRow {
  std::string id;
  std::string phone_hmac;
  std::string phone_enc;
  int64_t created_at = 0;
};

struct SessionRow {
  std::string token_hash;  // SHA-256 hex of the bearer token
  std::string kind;        // "resident" or "staff"
  std::string subject_id;  // account id or staff id
  std::string role;        // "resident", "verifier", "issuer", "venue", "admin"
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

struct OtpRow {
  std::string phone_hmac;
  std::string code_hash;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int attempts = 0;
};

struct StaffRow {
  std::string id;
  std::string username;
  std::string role;
  std::string password_hash;  // Argon2id string
  int64_t created_at = 0;
  bool disabled = false;
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
  std::string last_color;      // colour of the last code read (statistics)
};

struct GuardianRow {
  std::string account_id;
  std::string person_id;
  std::string relation;  // "self", "parent", "child", "spouse", "other", ...
  int64_t created_at = 0;
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

struct CaseRow {
  std::string id_hmac;
  std::string status;  // confirmed | suspected | asymptomatic | close_contact | recovered | cleared
                       // | falsified
  std::string since;   // "YYYY-MM-DD" or ""
  int64_t updated_at = 0;
  std::string updated_by;
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

struct AuditRow {
  std::string id;
  int64_t at = 0;
  std::string actor;   // "staff:<username>", "account:<id>", "system"
  std::string action;  // e.g. "risk_areas.put"
  std::string target;  // ids only, never personal data
  std::string detail;  // JSON text
};

struct KeyMetaRow {
  std::string kid;
  std::string public_key;  // base64url
  int64_t not_before = 0;
  int64_t not_after = 0;
};

// --- Issue 5, the staff side (venues, 互认, rule sets, statistics, audit search).

struct VenueRow {
  std::string id;
  std::string owner_staff_id;
  std::string name;
  std::string region;
  std::string address;
  int64_t created_at = 0;
};

struct VisitRow {
  std::string id;
  std::string venue_id;
  std::string person_id;
  std::string account_id;
  int64_t at = 0;
  std::string day;  // local date "YYYY-MM-DD"
  double temperature = 0;
  std::string color;  // the person's colour at check-in
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

struct AuditQuery {
  std::string actor;   // exact, e.g. "staff:admin"; "" = any
  std::string action;  // prefix, e.g. "risk_areas"; "" = any
  std::string target;  // exact; "" = any
  int64_t from = 0;    // inclusive; 0 = open
  int64_t to = 0;      // exclusive; 0 = open
  int limit = 100;
};

// One bar segment of the statistics: key is a day or a region.
struct ColorCount {
  std::string key;
  std::string color;
  int64_t count = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Runs fn inside one transaction: all of it is committed (durably) or none.
  // Nested calls join the outer transaction. Exceptions roll back and propagate.
  virtual void Transaction(const std::function<void()>& fn) = 0;
  virtual int SchemaVersion() = 0;
  // "ok" or the integrity checker's first complaint.
  virtual std::string IntegrityCheck() = 0;

  // Accounts and sessions.
  virtual std::optional<AccountRow> FindAccountByPhone(const std::string& phone_hmac) = 0;
  virtual std::optional<AccountRow> GetAccount(const std::string& id) = 0;
  virtual void CreateAccount(const AccountRow& a) = 0;
  virtual void PutSession(const SessionRow& s) = 0;
  virtual std::optional<SessionRow> GetSession(const std::string& token_hash) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;
  virtual int DeleteExpiredSessions(int64_t now) = 0;

  // One-time codes and their rate limits.
  virtual void PutOtp(const OtpRow& o) = 0;  // replaces any code of that phone
  virtual std::optional<OtpRow> GetOtp(const std::string& phone_hmac) = 0;
  virtual void CountOtpAttempt(const std::string& phone_hmac) = 0;
  virtual void DeleteOtp(const std::string& phone_hmac) = 0;
  virtual void RecordOtpSend(const std::string& phone_hmac, const std::string& ip_hash,
                             int64_t at) = 0;
  virtual int CountOtpSendsByPhone(const std::string& phone_hmac, int64_t since) = 0;
  virtual int CountOtpSendsByIp(const std::string& ip_hash, int64_t since) = 0;

  // Staff.
  virtual bool CreateStaff(const StaffRow& s) = 0;  // false: username taken
  virtual std::optional<StaffRow> FindStaffByUsername(const std::string& username) = 0;
  virtual std::optional<StaffRow> GetStaff(const std::string& id) = 0;
  virtual std::vector<StaffRow> ListStaff() = 0;
  virtual bool UpdateStaff(const StaffRow& s) = 0;  // role, password_hash, disabled

  // Persons and guardianship.
  virtual std::optional<PersonRow> GetPerson(const std::string& id) = 0;
  virtual std::optional<PersonRow> FindPersonByIdHmac(const std::string& id_hmac) = 0;
  virtual std::optional<PersonRow> FindPersonByRef(const std::string& person_ref) = 0;
  virtual void CreatePerson(const PersonRow& p) = 0;
  virtual void UpdatePerson(const PersonRow& p) = 0;
  virtual void SetPersonColor(const std::string& id, const std::string& color) = 0;
  virtual std::vector<GuardianRow> GuardianshipsOfAccount(const std::string& account_id) = 0;
  virtual std::optional<GuardianRow> GetGuardianship(const std::string& account_id,
                                                     const std::string& person_id) = 0;
  virtual int CountGuardians(const std::string& person_id) = 0;
  virtual void AddGuardian(const GuardianRow& g) = 0;
  virtual bool RemoveGuardian(const std::string& account_id, const std::string& person_id) = 0;

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
  virtual std::vector<CheckinRow> CheckinsSince(const std::string& person_id, int64_t since) = 0;
  virtual int64_t CountDeclarations() = 0;
  // Everything ScorePerson reads about p in one read transaction: the latest
  // declaration, declarations and check-ins since min(its time, window_start),
  // and the case status of p.id_hmac.
  virtual PersonHistory History(const PersonRow& p, int64_t window_start) = 0;

  // Authority data.
  virtual void ReplaceRiskAreas(const std::map<std::string, std::string>& areas, int64_t at) = 0;
  virtual std::map<std::string, std::string> RiskAreas() = 0;
  virtual void PutCaseStatus(const CaseRow& c) = 0;
  virtual std::optional<CaseRow> GetCaseStatus(const std::string& id_hmac) = 0;
  virtual void ReplaceReviewRegions(const std::vector<std::string>& regions) = 0;
  virtual std::vector<std::string> ReviewRegions() = 0;

  // Appeals.
  virtual void AddAppeal(const AppealRow& a) = 0;
  virtual std::optional<AppealRow> GetAppeal(const std::string& id) = 0;
  virtual std::vector<AppealRow> AppealsOfAccount(const std::string& account_id) = 0;
  virtual std::vector<AppealRow> ListAppeals(const std::string& state) = 0;  // "" = all
  virtual void UpdateAppeal(const AppealRow& a) = 0;

  // Audit log and key metadata.
  virtual void AddAudit(const AuditRow& a) = 0;
  virtual std::vector<AuditRow> ListAudit(int limit) = 0;  // newest first
  virtual void PutKeyMeta(const KeyMetaRow& k) = 0;

  // Statistics.
  virtual std::map<std::string, int64_t> CountPersonsByColor() = 0;

  // --- Issue 5, the staff side.
  // Venues and visits.
  virtual void CreateVenue(const VenueRow& v) = 0;
  virtual std::optional<VenueRow> GetVenue(const std::string& id) = 0;
  virtual std::vector<VenueRow> ListVenues(const std::string& owner_staff_id) = 0;  // "" = all
  virtual void AddVisit(const VisitRow& v) = 0;
  // Visits at a venue with from <= at < to, oldest first.
  virtual std::vector<VisitRow> VisitsBetween(const std::string& venue_id, int64_t from,
                                              int64_t to) = 0;
  virtual int64_t CountVisits(const std::string& venue_id, int64_t since) = 0;
  // Trusted other issuers (互认).
  virtual void PutTrustedIssuer(const TrustedIssuerRow& t) = 0;  // insert or replace
  virtual std::optional<TrustedIssuerRow> GetTrustedIssuer(const std::string& issuer) = 0;
  virtual std::vector<TrustedIssuerRow> ListTrustedIssuers() = 0;
  virtual bool DeleteTrustedIssuer(const std::string& issuer) = 0;
  // Rule sets; at most one is active (none: the --rules preset is in force).
  virtual void AddRuleSet(const RuleSetRow& r) = 0;  // insert or replace
  virtual std::optional<RuleSetRow> GetRuleSet(const std::string& id) = 0;
  virtual std::vector<RuleSetRow> ListRuleSets() = 0;  // newest first
  virtual void SetActiveRuleSet(const std::string& id) = 0;
  // Persons in id order after `after_id` ("" = from the start), for bulk rescoring.
  virtual std::vector<PersonRow> ListPersons(const std::string& after_id, int limit) = 0;
  // The persons a change of risk level at any of `codes` (region codes or
  // countries) can recolour, in id order: living at a code or below a listed
  // city / province, or whose latest declaration names such a place (travel_14d
  // region or country, or its own region). Never fewer; a few more are harmless.
  virtual std::vector<PersonRow> PersonsNamingRegions(const std::vector<std::string>& codes) = 0;
  // Statistics: the colour a person's code had on a day (last one wins).
  virtual void RecordColorDay(const std::string& day, const std::string& person_id,
                              const std::string& region, const std::string& color) = 0;
  virtual std::vector<ColorCount> ColorsByDay(const std::string& from_day) = 0;
  virtual std::vector<ColorCount> ColorsByRegion() = 0;               // persons' last colour
  virtual std::vector<AuditRow> QueryAudit(const AuditQuery& q) = 0;  // newest first
  // The community (region code) an issuer or venue manager works for; "" = everywhere.
  virtual void SetStaffRegion(const std::string& staff_id, const std::string& region) = 0;
  virtual std::string StaffRegion(const std::string& staff_id) = 0;
  virtual std::map<std::string, std::string> StaffRegions() = 0;  // staff id -> region

  // Retention: deletes declarations and check-ins made before `before`, and
  // expired sessions / one-time codes; returns the number of rows deleted.
  virtual int64_t PurgeBefore(int64_t before) = 0;
  // Deletes every row of personal and operational data (schema kept).
  virtual void WipeAll() = 0;
};

}  // namespace ankang::server
