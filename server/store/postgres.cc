#include "server/store/postgres.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>

namespace ankang::server {

std::string PgPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote != 0) {
      out += ch;
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch != '?') {
      out += ch;
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    if (j > i + 1) {
      out += "$" + sql.substr(i + 1, j - i - 1);
      i = j - 1;
    } else {
      out += "$" + std::to_string(++next);
    }
  }
  return out;
}

const char* const kPgPersonsNamingRegions =
    "id IN (WITH keys(k) AS (SELECT jsonb_array_elements_text(CAST(? AS jsonb))), "
    "latest(person_id, body) AS (SELECT d.person_id, CAST(d.body AS jsonb) FROM declarations d "
    "  WHERE d.declared_at = (SELECT MAX(x.declared_at) FROM declarations x "
    "                         WHERE x.person_id = d.person_id)), "
    "travel(person_id, t) AS (SELECT l.person_id, t FROM latest l, jsonb_array_elements("
    "  CASE WHEN jsonb_typeof(l.body -> 'travel_14d') = 'array' THEN l.body -> 'travel_14d' "
    "  ELSE '[]'::jsonb END) t WHERE jsonb_typeof(t) = 'object'), "
    "named(person_id, code) AS ("
    "  SELECT id, region FROM persons "
    "  UNION ALL SELECT person_id, body ->> 'region' FROM latest "
    "  UNION ALL SELECT person_id, t ->> 'region' FROM travel "
    "  UNION ALL SELECT person_id, t ->> 'country' FROM travel) "
    "SELECT person_id FROM named WHERE code IS NOT NULL AND ("
    "  code IN (SELECT k FROM keys) OR substr(code, 1, 4) || '00' IN (SELECT k FROM keys) "
    "  OR substr(code, 1, 2) || '0000' IN (SELECT k FROM keys))) "
    "ORDER BY id";

// --- PgStmt

PgStmt::~PgStmt() {
  if (res_ != nullptr) PQclear(res_);
}

void PgStmt::BindOne(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  Add(buf, 701);
}

bool PgStmt::Step() {
  if (res_ == nullptr) {
    res_ = c_->Execute(sql_, values_, types_);
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(res_);
}

std::string PgStmt::Text(int i) {
  if (PQgetisnull(res_, row_, i)) return "";
  return std::string(PQgetvalue(res_, row_, i), PQgetlength(res_, row_, i));
}

int64_t PgStmt::Int(int i) {
  if (PQgetisnull(res_, row_, i)) return 0;
  return std::strtoll(PQgetvalue(res_, row_, i), nullptr, 10);
}

double PgStmt::Real(int i) {
  if (PQgetisnull(res_, row_, i)) return 0;
  return std::strtod(PQgetvalue(res_, row_, i), nullptr);
}

// --- PgConn

PgConn::PgConn(const std::string& conninfo, bool reader) : conninfo_(conninfo), reader_(reader) {
  pg_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(pg_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(pg_);
    PQfinish(pg_);
    pg_ = nullptr;
    throw StorageError("cannot connect to PostgreSQL: " + msg);
  }
  Exec(reader ? "SET synchronous_commit = on; SET default_transaction_read_only = on; "
                "SET client_min_messages = warning"
              : "SET synchronous_commit = on; SET client_min_messages = warning");
}

PgConn::~PgConn() {
  if (pg_ != nullptr) PQfinish(pg_);
}

void PgConn::Ensure() {
  if (PQstatus(pg_) == CONNECTION_OK) return;
  PQreset(pg_);
  prepared_.clear();
  if (PQstatus(pg_) != CONNECTION_OK) {
    throw StorageError(std::string("PostgreSQL connection lost: ") + PQerrorMessage(pg_));
  }
  Exec(reader_ ? "SET synchronous_commit = on; SET default_transaction_read_only = on; "
                 "SET client_min_messages = warning"
               : "SET synchronous_commit = on; SET client_min_messages = warning");
}

void PgConn::Exec(const char* sql) {
  PGresult* r = PQexec(pg_, sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    throw StorageError("postgresql: " + msg);
  }
  PQclear(r);
}

void PgConn::LockSchema(bool lock) {
  if (lock) {
    Exec("SELECT pg_advisory_lock(4242001)");
  } else {
    PQclear(PQexec(pg_, "SELECT pg_advisory_unlock(4242001)"));
  }
}

void PgConn::Rollback() { PQclear(PQexec(pg_, "ROLLBACK")); }

PGresult* PgConn::Execute(const std::string& sql, const std::vector<std::string>& values,
                          const std::vector<unsigned>& types) {
  if (PQtransactionStatus(pg_) == PQTRANS_IDLE) Ensure();
  std::string key = sql;
  key += '\x01';
  for (unsigned t : types) key += std::to_string(t) + ",";
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "ak" + std::to_string(++next_);
    std::vector<Oid> oids(types.begin(), types.end());
    PGresult* p = PQprepare(pg_, name.c_str(), PgPlaceholders(sql).c_str(),
                            static_cast<int>(oids.size()), oids.data());
    if (PQresultStatus(p) != PGRES_COMMAND_OK) {
      std::string msg = PQresultErrorMessage(p);
      PQclear(p);
      throw StorageError("postgresql prepare: " + msg);
    }
    PQclear(p);
    it = prepared_.emplace(key, name).first;
  }
  std::vector<const char*> params;
  params.reserve(values.size());
  for (const std::string& v : values) params.push_back(v.c_str());
  // Inside a transaction a refused INSERT would abort the whole transaction
  // (PostgreSQL semantics); a savepoint keeps "false: duplicate" a value.
  const bool guard = PQtransactionStatus(pg_) == PQTRANS_INTRANS && sql.rfind("INSERT", 0) == 0;
  if (guard) Exec("SAVEPOINT ak_insert");
  PGresult* r = PQexecPrepared(pg_, it->second.c_str(), static_cast<int>(params.size()),
                               params.data(), nullptr, nullptr, 0);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const bool unique = state != nullptr && std::string(state) == "23505";
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    if (guard) Exec("ROLLBACK TO SAVEPOINT ak_insert");
    if (unique) throw PgStmt::ConstraintError();
    throw StorageError("postgresql: " + msg);
  }
  if (guard) Exec("RELEASE SAVEPOINT ak_insert");
  const char* n = PQcmdTuples(r);
  changes_ = (n != nullptr && *n != '\0') ? std::atoi(n) : 0;
  return r;
}

}  // namespace ankang::server
