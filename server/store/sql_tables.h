// How each row struct of storage.h maps to its table (Table<Row>), the
// SELECT / INSERT / DELETE text built from that (Sql<Row>), and reading a
// result row back (ReadRow). The same on both databases; used by SqlStorage
// (sql_storage.h).
#pragma once

#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

#include "server/store/storage.h"

namespace ankang::server {

// One place per row type: its table, its columns in SELECT / INSERT order,
// and the struct's fields in that same order. Fields() serves both reading a
// result row (mutable row) and binding an INSERT (const row); the first
// column is the key that Replace() deletes by.
template <typename Row>
struct Table;

template <>
struct Table<AccountRow> {
  static constexpr const char* kName = "accounts";
  static constexpr const char* kColumns = "id, phone_hmac, phone_enc, created_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.phone_hmac, r.phone_enc, r.created_at);
  }
};

template <>
struct Table<SessionRow> {
  static constexpr const char* kName = "sessions";
  static constexpr const char* kColumns =
      "token_hash, kind, subject_id, role, created_at, expires_at, device, last_seen_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.token_hash, r.kind, r.subject_id, r.role, r.created_at, r.expires_at,
                    r.device, r.last_seen_at);
  }
};

template <>
struct Table<OtpRow> {
  static constexpr const char* kName = "otp_codes";
  static constexpr const char* kColumns = "phone_hmac, code_hash, created_at, expires_at, attempts";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.phone_hmac, r.code_hash, r.created_at, r.expires_at, r.attempts);
  }
};

template <>
struct Table<StaffRow> {
  static constexpr const char* kName = "staff";
  static constexpr const char* kColumns = "id, username, role, password_hash, created_at, disabled";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.username, r.role, r.password_hash, r.created_at, r.disabled);
  }
};

template <>
struct Table<SignInFailureRow> {
  static constexpr const char* kName = "sign_in_failures";
  static constexpr const char* kColumns = "lock_key, failures, last_failure_at, locked_until";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.key, r.failures, r.last_failure_at, r.locked_until);
  }
};

template <>
struct Table<StaffTotpRow> {
  static constexpr const char* kName = "staff_totp";
  static constexpr const char* kColumns = "staff_id, secret_enc, enrolled_at, last_step";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.staff_id, r.secret_enc, r.enrolled_at, r.last_step);
  }
};

template <>
struct Table<PersonRow> {
  static constexpr const char* kName = "persons";
  static constexpr const char* kColumns =
      "id, person_ref, id_type, id_hmac, id_enc, id_tail, name_enc, name_masked, phone_enc, "
      "nationality, region, address_enc, created_at, updated_at, last_edit_day, edit_count, "
      "code_issued_at, last_color, data_version, verdict_code, verdict_version, verdict_rules, "
      "verdict_regions, verdict_risk, verdict_from, verdict_until, verdict_color, "
      "verdict_valid_until";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_ref, r.id_type, r.id_hmac, r.id_enc, r.id_tail, r.name_enc,
                    r.name_masked, r.phone_enc, r.nationality, r.region, r.address_enc,
                    r.created_at, r.updated_at, r.last_edit_day, r.edit_count, r.code_issued_at,
                    r.last_color, r.data_version, r.verdict.code, r.verdict.version,
                    r.verdict.rules, r.verdict.regions, r.verdict.risk, r.verdict.from,
                    r.verdict.until, r.verdict.color, r.verdict.valid_until);
  }
};

template <>
struct Table<GuardianRow> {
  static constexpr const char* kName = "guardianships";
  static constexpr const char* kColumns = "account_id, person_id, relation, created_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.account_id, r.person_id, r.relation, r.created_at);
  }
};

template <>
struct Table<JoinRequestRow> {
  static constexpr const char* kName = "join_requests";
  static constexpr const char* kColumns =
      "id, person_id, requester_id, relation, valid, state, code_hash, attempts, id_hmac, "
      "name_masked, created_at, expires_at, decided_at, decided_by";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_id, r.requester_id, r.relation, r.valid, r.state, r.code_hash,
                    r.attempts, r.id_hmac, r.name_masked, r.created_at, r.expires_at, r.decided_at,
                    r.decided_by);
  }
};

template <>
struct Table<ClaimRow> {
  static constexpr const char* kName = "claims";
  static constexpr const char* kColumns =
      "id, account_id, id_type, id_hmac, id_enc, name_enc, note, state, person_id, created_at, "
      "decided_at, decided_by, decision_note";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.account_id, r.id_type, r.id_hmac, r.id_enc, r.name_enc, r.note, r.state,
                    r.person_id, r.created_at, r.decided_at, r.decided_by, r.decision_note);
  }
};

template <>
struct Table<DeclarationRow> {
  static constexpr const char* kName = "declarations";
  static constexpr const char* kColumns =
      "id, person_id, account_id, declared_at, day, body, review_required, review_state, "
      "review_due, reviewed_by, reviewed_at, review_note";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_id, r.account_id, r.declared_at, r.day, r.body,
                    r.review_required, r.review_state, r.review_due, r.reviewed_by, r.reviewed_at,
                    r.review_note);
  }
};

template <>
struct Table<CheckinRow> {
  static constexpr const char* kName = "checkins";
  static constexpr const char* kColumns =
      "id, person_id, account_id, day, at, temperature, symptoms";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_id, r.account_id, r.day, r.at, r.temperature, r.symptoms);
  }
};

template <>
struct Table<CaseRow> {
  static constexpr const char* kName = "case_status";
  static constexpr const char* kColumns = "id_hmac, status, since, updated_at, updated_by";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id_hmac, r.status, r.since, r.updated_at, r.updated_by);
  }
};

template <>
struct Table<AppealRow> {
  static constexpr const char* kName = "appeals";
  static constexpr const char* kColumns =
      "id, person_id, account_id, topic, message, state, filed_at, due_at, resolved_at, "
      "resolved_by, note";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_id, r.account_id, r.topic, r.message, r.state, r.filed_at,
                    r.due_at, r.resolved_at, r.resolved_by, r.note);
  }
};

template <>
struct Table<AuditRow> {
  static constexpr const char* kName = "audit_log";
  static constexpr const char* kColumns = "id, at, actor, action, target, detail";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.at, r.actor, r.action, r.target, r.detail);
  }
};

template <>
struct Table<KeyMetaRow> {
  static constexpr const char* kName = "signing_keys";
  static constexpr const char* kColumns = "kid, public_key, not_before, not_after";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.kid, r.public_key, r.not_before, r.not_after);
  }
};

template <>
struct Table<KeyCheckRow> {
  static constexpr const char* kName = "key_checks";
  static constexpr const char* kColumns = "name, value, created_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.name, r.value, r.created_at);
  }
};

template <>
struct Table<SealedKeysRow> {
  static constexpr const char* kName = "sealed_keys";
  static constexpr const char* kColumns = "name, sealed, version, updated_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.name, r.sealed, r.version, r.updated_at);
  }
};

template <>
struct Table<VenueRow> {
  static constexpr const char* kName = "venues";
  static constexpr const char* kColumns = "id, owner_staff_id, name, region, address, created_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.owner_staff_id, r.name, r.region, r.address, r.created_at);
  }
};

template <>
struct Table<VisitRow> {
  static constexpr const char* kName = "visits";
  static constexpr const char* kColumns =
      "id, venue_id, person_id, account_id, at, day, temperature, color";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.venue_id, r.person_id, r.account_id, r.at, r.day, r.temperature,
                    r.color);
  }
};

template <>
struct Table<TrustedIssuerRow> {
  static constexpr const char* kName = "trusted_issuers";
  static constexpr const char* kColumns = "issuer, name, keys_url, keys_json, updated_at, added_by";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.issuer, r.name, r.keys_url, r.keys_json, r.updated_at, r.added_by);
  }
};

template <>
struct Table<RuleSetRow> {
  static constexpr const char* kName = "rule_sets";
  static constexpr const char* kColumns =
      "id, rule_set_id, version, body, source, uploaded_at, uploaded_by, active";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.rule_set_id, r.version, r.body, r.source, r.uploaded_at, r.uploaded_by,
                    r.active);
  }
};

constexpr size_t ColumnCount(const char* columns) {
  size_t n = 1;
  for (; *columns != '\0'; ++columns) n += *columns == ',' ? 1 : 0;
  return n;
}

// The SQL built from a Table, once per row type. The strings are never
// destroyed: an App destroyed at exit (a static in the tests) still writes.
template <typename Row>
struct Sql {
  static_assert(ColumnCount(Table<Row>::kColumns) ==
                    std::tuple_size_v<decltype(Table<Row>::Fields(std::declval<Row&>()))>,
                "a Table's column list and its Fields() must have the same length");
  static const std::string& SelectWhere() {
    static const std::string& s = *new std::string(std::string("SELECT ") + Table<Row>::kColumns +
                                                   " FROM " + Table<Row>::kName + " WHERE ");
    return s;
  }
  static const std::string& Insert() {
    static const std::string& s = *new std::string([] {
      std::string q = std::string("INSERT INTO ") + Table<Row>::kName + " (" +
                      Table<Row>::kColumns + ") VALUES (?";
      for (size_t i = 1; i < ColumnCount(Table<Row>::kColumns); ++i) q += ", ?";
      return q + ")";
    }());
    return s;
  }
  static const std::string& DeleteByKey() {
    static const std::string& s = *new std::string([] {
      const std::string cols = Table<Row>::kColumns;
      return std::string("DELETE FROM ") + Table<Row>::kName + " WHERE " +
             cols.substr(0, cols.find(',')) + " = ?";
    }());
    return s;
  }
};

template <typename Row, typename S>
Row ReadRow(S& s) {
  Row r;
  std::apply(
      [&s](auto&... field) {
        int i = 0;
        (s.Get(i++, &field), ...);
      },
      Table<Row>::Fields(r));
  return r;
}

}  // namespace ankang::server
