#include "server/store/postgres.h"

#include <libpq-fe.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/store/sql_storage.h"

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

namespace {

class PgConn;

// A statement with the SQLite one's interface: Bind() collects typed text
// parameters, the first Step() prepares (once per connection) and executes,
// and the whole result is held until destruction.
class PgStmt {
 public:
  struct ConstraintError {};

  PgStmt(PgConn* c, std::string sql) : c_(c), sql_(std::move(sql)) {}
  ~PgStmt();
  PgStmt(const PgStmt&) = delete;
  PgStmt& operator=(const PgStmt&) = delete;

  template <typename... Args>
  PgStmt& Bind(const Args&... args) {
    (BindOne(args), ...);
    return *this;
  }
  template <typename Tuple>
  void BindTuple(const Tuple& values) {
    std::apply([this](const auto&... v) { Bind(v...); }, values);
  }
  bool Step();  // true when a row is available
  void Run() {
    while (Step()) {
    }
  }
  std::string Text(int i);
  int64_t Int(int i);
  double Real(int i);
  void Get(int i, std::string* v) { *v = Text(i); }
  void Get(int i, int64_t* v) { *v = Int(i); }
  void Get(int i, int* v) { *v = static_cast<int>(Int(i)); }
  void Get(int i, bool* v) { *v = Int(i) != 0; }
  void Get(int i, double* v) { *v = Real(i); }

 private:
  void BindOne(const std::string& v) { Add(v, 25); }
  void BindOne(const char* v) { Add(v, 25); }
  void BindOne(int64_t v) { Add(std::to_string(v), 20); }
  void BindOne(int v) { Add(std::to_string(v), 20); }
  void BindOne(bool v) { Add(v ? "1" : "0", 20); }
  void BindOne(double v);
  void Add(std::string v, unsigned type) {
    values_.push_back(std::move(v));
    types_.push_back(type);
  }

  PgConn* c_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<unsigned> types_;
  pg_result* res_ = nullptr;
  int row_ = -1;  // the current row; -1 before the first Step()
};

// One libpq connection and the statements prepared on it.
class PgConn {
 public:
  using Statement = PgStmt;
  static constexpr const char* kBeginWrite = "BEGIN";
  static constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  // PostgreSQL checks its own pages; this only proves the schema answers.
  static constexpr const char* kIntegrityCheck =
      "SELECT CASE WHEN COUNT(*) >= 0 THEN 'ok' END FROM schema_version";
  static constexpr bool kGroupCommit = false;  // the server groups its own commits
  // PersonsNamingRegions' condition in PostgreSQL's JSON functions; ? is a
  // JSON array of codes. A named code is picked when it, its city (first 4
  // digits + "00") or its province (first 2 + "0000") is listed: this mirrors
  // RegionCovers() over RegionAndAncestors() in shared/regions.h.
  static constexpr const char* kPersonsNamingRegions =
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

  // conninfo: a "postgresql://..." URI or "key=value" string.
  PgConn(const std::string& conninfo, bool reader);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PgStmt Prep(const std::string& sql) { return PgStmt(this, sql); }
  void Exec(const char* sql);  // simple protocol: several statements, no parameters
  void Rollback();             // ends a failed transaction, never throws
  int Changes() const { return changes_; }
  // A session advisory lock held while migrating (several processes start
  // on one database); unlocking never throws.
  void LockSchema(bool lock);

 private:
  friend class PgStmt;
  pg_result* Execute(const std::string& sql, const std::vector<std::string>& values,
                     const std::vector<unsigned>& types);
  void Ensure();  // reconnects a broken connection (outside transactions)

  pg_conn* pg_ = nullptr;
  std::string conninfo_;
  bool reader_;
  int changes_ = 0;
  int next_ = 0;
  std::unordered_map<std::string, std::string> prepared_;  // sql + types -> statement name
};

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

}  // namespace

std::unique_ptr<Storage> OpenPostgresStorage(const std::string& conninfo) {
  return std::make_unique<SqlStorage<PgConn>>(conninfo);
}

}  // namespace ankang::server
