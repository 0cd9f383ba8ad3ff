// PostgreSQL (libpq) connection and statement with the same shape as the
// SQLite ones in storage_sqlite.cc, so the one generic SqlStorage there (its
// Table<Row> descriptors, SQL text and migrations) serves both databases.
// SQL is written with `?` / `?N` placeholders and translated to `$n`;
// parameters are sent as text with their types (TEXT, BIGINT, DOUBLE
// PRECISION) so prepared statements never guess int4. Every connection runs
// with synchronous_commit on: a committed transaction is durable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/store/storage.h"

struct pg_conn;
struct pg_result;

namespace ankang::server {

// "?" and "?N" outside quotes become "$n" (exposed for tests).
std::string PgPlaceholders(const std::string& sql);

class PgConn;

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

class PgConn {
 public:
  using Statement = PgStmt;
  static constexpr bool kPostgres = true;
  static constexpr const char* kBeginWrite = "BEGIN";
  static constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  // PostgreSQL checks its own pages; this reads every table's row count.
  static constexpr const char* kIntegrityCheck =
      "SELECT CASE WHEN COUNT(*) >= 0 THEN 'ok' END FROM schema_version";

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

// The rows of a changed region code's people (Storage::PersonsNamingRegions)
// in PostgreSQL's JSON functions; $1 is a JSON array of codes.
extern const char* const kPgPersonsNamingRegions;

// Opens (creating the schema if needed, same migrations as SQLite) a
// PostgreSQL database. Throws StorageError when it cannot connect or migrate.
// Defined in storage_sqlite.cc beside the generic SqlStorage.
std::unique_ptr<Storage> OpenPostgresStorage(const std::string& conninfo);

}  // namespace ankang::server
