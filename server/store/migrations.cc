#include "server/store/migrations.h"

namespace ankang::server {

const std::vector<std::string>& Migrations() {
  // Portable SQL: TEXT / INTEGER / BIGINT / DOUBLE PRECISION, explicit
  // primary keys, no AUTOINCREMENT.
  static const std::vector<std::string> kMigrations = {
      // 1: the initial schema.
      R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  phone_hmac TEXT NOT NULL UNIQUE,
  phone_enc TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE otp_codes (
  phone_hmac TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL
);
CREATE TABLE otp_sends (
  phone_hmac TEXT NOT NULL,
  ip_hash TEXT NOT NULL,
  sent_at BIGINT NOT NULL
);
CREATE INDEX otp_sends_phone ON otp_sends (phone_hmac, sent_at);
CREATE INDEX otp_sends_ip ON otp_sends (ip_hash, sent_at);
CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL
);
CREATE TABLE persons (
  id TEXT PRIMARY KEY,
  person_ref TEXT NOT NULL UNIQUE,
  id_type TEXT NOT NULL,
  id_hmac TEXT NOT NULL UNIQUE,
  id_enc TEXT NOT NULL,
  id_tail TEXT NOT NULL,
  name_enc TEXT NOT NULL,
  name_masked TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  nationality TEXT NOT NULL,
  region TEXT NOT NULL,
  address_enc TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_edit_day TEXT NOT NULL,
  edit_count INTEGER NOT NULL,
  code_issued_at BIGINT NOT NULL,
  last_color TEXT NOT NULL
);
CREATE TABLE guardianships (
  account_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  relation TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, person_id)
);
CREATE INDEX guardianships_person ON guardianships (person_id);
CREATE TABLE declarations (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  declared_at BIGINT NOT NULL,
  day TEXT NOT NULL,
  body TEXT NOT NULL,
  review_required INTEGER NOT NULL,
  review_state TEXT NOT NULL,
  review_due BIGINT NOT NULL,
  reviewed_by TEXT NOT NULL,
  reviewed_at BIGINT NOT NULL,
  review_note TEXT NOT NULL
);
CREATE INDEX declarations_person ON declarations (person_id, declared_at);
CREATE INDEX declarations_review ON declarations (review_state, declared_at);
CREATE TABLE checkins (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  day TEXT NOT NULL,
  at BIGINT NOT NULL,
  temperature DOUBLE PRECISION NOT NULL,
  symptoms TEXT NOT NULL,
  UNIQUE (person_id, day)
);
CREATE TABLE risk_areas (
  region TEXT PRIMARY KEY,
  level TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE case_status (
  id_hmac TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  since TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE review_regions (
  region TEXT PRIMARY KEY
);
CREATE TABLE appeals (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  message TEXT NOT NULL,
  state TEXT NOT NULL,
  filed_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL,
  resolved_by TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX appeals_account ON appeals (account_id, filed_at);
CREATE INDEX appeals_state ON appeals (state, filed_at);
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL
);
CREATE TABLE venues (
  id TEXT PRIMARY KEY,
  owner_staff_id TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  address TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  venue_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  day TEXT NOT NULL,
  temperature DOUBLE PRECISION NOT NULL,
  color TEXT NOT NULL
);
CREATE INDEX visits_venue ON visits (venue_id, at);
)sql",
      // 2: trusted issuers (互认), uploaded rule sets, colour statistics per
      // day, and the indexes behind venue lists, colours by region and audit
      // search.
      R"sql(
CREATE TABLE trusted_issuers (
  issuer TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  keys_url TEXT NOT NULL,
  keys_json TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  added_by TEXT NOT NULL
);
CREATE TABLE rule_sets (
  id TEXT PRIMARY KEY,
  rule_set_id TEXT NOT NULL,
  version TEXT NOT NULL,
  body TEXT NOT NULL,
  source TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  uploaded_by TEXT NOT NULL,
  active INTEGER NOT NULL
);
CREATE TABLE color_days (
  day TEXT NOT NULL,
  person_id TEXT NOT NULL,
  region TEXT NOT NULL,
  color TEXT NOT NULL,
  PRIMARY KEY (day, person_id)
);
CREATE INDEX venues_owner ON venues (owner_staff_id);
CREATE INDEX persons_region ON persons (region, last_color);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
)sql",
      // 3: the community an issuer works for (review queue scoping).
      R"sql(
CREATE TABLE staff_regions (
  staff_id TEXT PRIMARY KEY,
  region TEXT NOT NULL
);
)sql",
      // 4: scoring reads a person's declarations and check-ins in time order
      // straight from an index (no sort step per verify).
      R"sql(
CREATE INDEX declarations_person_time ON declarations (person_id, declared_at, id);
DROP INDEX declarations_person;
CREATE INDEX checkins_person_time ON checkins (person_id, at, id);
)sql",
      // Consent and claims: requests to join an existing person as a guardian
      // (approved by the person or a guardian), claims to an ID number decided
      // by an issuer, and the device and last use of each session.
      R"sql(
CREATE TABLE join_requests (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  requester_id TEXT NOT NULL,
  relation TEXT NOT NULL,
  valid INTEGER NOT NULL,
  state TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  id_hmac TEXT NOT NULL,
  name_masked TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL,
  decided_by TEXT NOT NULL
);
CREATE INDEX join_requests_person ON join_requests (person_id, state);
CREATE INDEX join_requests_requester ON join_requests (requester_id, created_at);
CREATE INDEX join_requests_id ON join_requests (id_hmac, created_at);
CREATE TABLE claims (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  id_type TEXT NOT NULL,
  id_hmac TEXT NOT NULL,
  id_enc TEXT NOT NULL,
  name_enc TEXT NOT NULL,
  note TEXT NOT NULL,
  state TEXT NOT NULL,
  person_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL,
  decided_by TEXT NOT NULL,
  decision_note TEXT NOT NULL
);
CREATE INDEX claims_account ON claims (account_id, created_at);
CREATE INDEX claims_state ON claims (state, created_at);
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_subject_created ON sessions (subject_id, created_at);
)sql",
      // staff sign-in: failure counters with back-off per username and per
      // client address, and TOTP secrets.
      R"sql(
CREATE TABLE sign_in_failures (
  lock_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
CREATE TABLE staff_totp (
  staff_id TEXT PRIMARY KEY,
  secret_enc TEXT NOT NULL,
  enrolled_at BIGINT NOT NULL,
  last_step BIGINT NOT NULL
);
)sql",
      // Stored verdicts: each person's verdict with what it read (the
      // person's data version, the rules, the risk levels, the instants it
      // holds between), reused by code displays and verifications.
      R"sql(
ALTER TABLE persons ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN verdict_code TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN verdict_version BIGINT NOT NULL DEFAULT -1;
ALTER TABLE persons ADD COLUMN verdict_rules TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN verdict_regions TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN verdict_risk TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN verdict_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN verdict_until BIGINT NOT NULL DEFAULT 0;
)sql",
      // A stored verdict's colour and validity beside its JSON (a code display
      // signs them without parsing it).
      R"sql(
ALTER TABLE persons ADD COLUMN verdict_color TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN verdict_valid_until TEXT NOT NULL DEFAULT '';
)sql",
      // Check values of the data folder's keys: a database is never served
      // with keys other than those it was written with (data_folder.h).
      R"sql(
CREATE TABLE key_checks (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql",
      // The keys sealed with a key-encryption key (--kek-file): nodes on one
      // PostgreSQL database need no shared folder (data_folder.h).
      R"sql(
CREATE TABLE sealed_keys (
  name TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql",
  };
  return kMigrations;
}

}  // namespace ankang::server
