#include "server/store/sqlite.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>

#include "server/store/sql_storage.h"

namespace ankang::server {

namespace {

// A prepared statement bound to values by position; reset on destruction
// (which also ends the implicit read transaction of a SELECT).
class SqliteStmt {
 public:
  SqliteStmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~SqliteStmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  template <typename... Args>
  SqliteStmt& Bind(const Args&... args) {
    int i = 1;
    (BindOne(i++, args), ...);
    return *this;
  }
  // true when a row is available.
  bool Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (rc == SQLITE_CONSTRAINT) throw ConstraintError();
    throw StorageError(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  void Run() {
    while (Step()) {
    }
  }
  std::string Text(int i) {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, i)) : "";
  }
  int64_t Int(int i) { return sqlite3_column_int64(s_, i); }
  double Real(int i) { return sqlite3_column_double(s_, i); }
  // Column i into a row field of that type.
  void Get(int i, std::string* v) { *v = Text(i); }
  void Get(int i, int64_t* v) { *v = Int(i); }
  void Get(int i, int* v) { *v = static_cast<int>(Int(i)); }
  void Get(int i, bool* v) { *v = Int(i) != 0; }
  void Get(int i, double* v) { *v = Real(i); }
  // Binds a tuple of values to ?1, ?2, ...
  template <typename Tuple>
  void BindTuple(const Tuple& values) {
    std::apply([this](const auto&... v) { Bind(v...); }, values);
  }

  struct ConstraintError {};

 private:
  void BindOne(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindOne(int i, const char* v) { sqlite3_bind_text(s_, i, v, -1, SQLITE_TRANSIENT); }
  void BindOne(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void BindOne(int i, int v) { sqlite3_bind_int64(s_, i, v); }
  void BindOne(int i, bool v) { sqlite3_bind_int64(s_, i, v ? 1 : 0); }
  void BindOne(int i, double v) { sqlite3_bind_double(s_, i, v); }

  sqlite3* db_;
  sqlite3_stmt* s_;
};

// One connection and its prepared statements. Used by one thread at a time
// (the writer under SqlStorage::wmu_, a reader while leased from the
// pool), so SQLite's own per-connection mutex is off (NOMUTEX).
class SqliteConn {
 public:
  using Statement = SqliteStmt;
  static constexpr const char* kBeginWrite = "BEGIN IMMEDIATE";
  static constexpr const char* kBeginRead = "BEGIN";
  static constexpr const char* kIntegrityCheck = "PRAGMA integrity_check";
  static constexpr bool kGroupCommit = true;  // one fsync for concurrent transactions
  // PersonsNamingRegions' condition in SQLite's JSON functions; ?1 is a JSON
  // array of codes. A named code is picked when it, its city (first 4 digits
  // + "00") or its province (first 2 + "0000") is listed: this mirrors
  // RegionCovers() over RegionAndAncestors() in shared/regions.h.
  static constexpr const char* kPersonsNamingRegions =
      "id IN (WITH keys(k) AS (SELECT value FROM json_each(?1)), "
      "latest(person_id, body) AS (SELECT d.person_id, "
      "  CASE WHEN json_valid(d.body) THEN d.body ELSE '{}' END FROM declarations d "
      "  WHERE d.declared_at = (SELECT MAX(x.declared_at) FROM declarations x "
      "                         WHERE x.person_id = d.person_id)), "
      "named(person_id, code) AS ("
      "  SELECT id, region FROM persons "
      "  UNION ALL SELECT person_id, json_extract(body, '$.region') FROM latest "
      "  UNION ALL SELECT l.person_id, CASE WHEN t.type = 'object' "
      "    THEN json_extract(t.value, '$.region') END FROM latest l, "
      "    json_each(l.body, '$.travel_14d') t "
      "  UNION ALL SELECT l.person_id, CASE WHEN t.type = 'object' "
      "    THEN json_extract(t.value, '$.country') END FROM latest l, "
      "    json_each(l.body, '$.travel_14d') t) "
      "SELECT person_id FROM named WHERE typeof(code) = 'text' AND ("
      "  code IN (SELECT k FROM keys) OR substr(code, 1, 4) || '00' IN (SELECT k FROM keys) "
      "  OR substr(code, 1, 2) || '0000' IN (SELECT k FROM keys))) "
      "ORDER BY id";

  SqliteConn(const std::string& path, bool reader) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (reader ? 0 : SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StorageError("cannot open database: " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    try {
      if (reader) {
        Exec("PRAGMA query_only=1");
      } else {
        Exec("PRAGMA journal_mode=WAL");  // throws on a file that is not a database
        Exec("PRAGMA synchronous=FULL");
        Exec("PRAGMA foreign_keys=ON");
      }
    } catch (...) {
      sqlite3_close(db_);  // no destructor runs for a constructor that throws
      db_ = nullptr;
      throw;
    }
  }
  ~SqliteConn() {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  sqlite3* db() const { return db_; }
  int Changes() const { return sqlite3_changes(db_); }
  void LockSchema(bool) {}  // one process migrates: BEGIN IMMEDIATE serialises
  void Rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

  SqliteStmt Prep(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        throw StorageError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
      }
      it = cache_.emplace(sql, s).first;
    }
    return SqliteStmt(db_, it->second);
  }

  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      throw StorageError(std::string("sqlite: ") + msg);
    }
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

std::unique_ptr<Storage> OpenSqliteStorage(const std::string& path) {
  auto storage = std::make_unique<SqlStorage<SqliteConn>>(path);
  // Personal data: the file and its -wal and -shm are the owner's alone (a
  // file made by an older version may be 0644). SQLite gives a -wal or -shm
  // it creates later the database file's mode.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string f = path + suffix;
    struct stat st;
    if (::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
      ::chmod(f.c_str(), 0600);
    }
  }
  return storage;
}

void BackupSqliteFile(const std::string& from, const std::string& to) {
  struct Db {
    sqlite3* p = nullptr;
    ~Db() { sqlite3_close(p); }
  } src, dst;
  auto fail = [](const std::string& what, sqlite3* db) {
    throw StorageError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
  };
  if (sqlite3_open_v2(from.c_str(), &src.p, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    fail("cannot open " + from, src.p);
  }
  sqlite3_busy_timeout(src.p, 5000);
  if (sqlite3_open_v2(to.c_str(), &dst.p, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    fail("cannot create " + to, dst.p);
  }
  sqlite3_backup* b = sqlite3_backup_init(dst.p, "main", src.p, "main");
  if (!b) fail("cannot back up " + from, dst.p);
  // All pages in one step: one read transaction on the source, so the copy is
  // one snapshot; WAL lets the server's writers go on meanwhile.
  int rc = SQLITE_OK;
  for (int tries = 0; tries < 200; ++tries) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(25);
  }
  const int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    fail("backup of " + from + " failed (" + sqlite3_errstr(rc) + ")", dst.p);
  }
}

}  // namespace ankang::server
