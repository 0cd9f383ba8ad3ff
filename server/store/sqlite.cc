#include "server/store/sqlite.h"

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "server/store/postgres.h"
#include "shared/json.h"

namespace ankang::server {

const std::vector<std::string>& Migrations() {
  // Portable SQL (SQLite and PostgreSQL): TEXT / INTEGER / BIGINT / DOUBLE
  // PRECISION, explicit primary keys, no AUTOINCREMENT. Never edit a shipped
  // migration; append a new one.
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
      // 2: issue 5, the staff side: trusted issuers (互认), uploaded rule sets,
      // colour statistics per day, audit search.
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
  };
  return kMigrations;
}

namespace {

constexpr int kHistoryLimit = 1000;  // rows of one person's history read for scoring

// A prepared statement bound to values by position; reset on destruction
// (which also ends the implicit read transaction of a SELECT).
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <typename... Args>
  Stmt& Bind(const Args&... args) {
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
// (the writer under SqliteStorage::wmu_, a reader while leased from the
// pool), so SQLite's own per-connection mutex is off (NOMUTEX).
class Conn {
 public:
  using Statement = Stmt;
  static constexpr bool kPostgres = false;
  static constexpr const char* kBeginWrite = "BEGIN IMMEDIATE";
  static constexpr const char* kBeginRead = "BEGIN";
  static constexpr const char* kIntegrityCheck = "PRAGMA integrity_check";

  Conn(const std::string& path, bool reader) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (reader ? 0 : SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StorageError("cannot open database: " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    if (reader) {
      Exec("PRAGMA query_only=1");
    } else {
      Exec("PRAGMA journal_mode=WAL");
      Exec("PRAGMA synchronous=FULL");
      Exec("PRAGMA foreign_keys=ON");
    }
  }
  ~Conn() {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  sqlite3* db() const { return db_; }
  int Changes() const { return sqlite3_changes(db_); }
  void LockSchema(bool) {}  // one process migrates: BEGIN IMMEDIATE serialises
  void Rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

  Stmt Prep(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        throw StorageError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
      }
      it = cache_.emplace(sql, s).first;
    }
    return Stmt(db_, it->second);
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
      "token_hash, kind, subject_id, role, created_at, expires_at";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.token_hash, r.kind, r.subject_id, r.role, r.created_at, r.expires_at);
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
struct Table<PersonRow> {
  static constexpr const char* kName = "persons";
  static constexpr const char* kColumns =
      "id, person_ref, id_type, id_hmac, id_enc, id_tail, name_enc, name_masked, phone_enc, "
      "nationality, region, address_enc, created_at, updated_at, last_edit_day, edit_count, "
      "code_issued_at, last_color";
  template <typename R>
  static auto Fields(R& r) {
    return std::tie(r.id, r.person_ref, r.id_type, r.id_hmac, r.id_enc, r.id_tail, r.name_enc,
                    r.name_masked, r.phone_enc, r.nationality, r.region, r.address_enc,
                    r.created_at, r.updated_at, r.last_edit_day, r.edit_count, r.code_issued_at,
                    r.last_color);
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

// The SQL built from a Table, once per row type.
template <typename Row>
struct Sql {
  static_assert(ColumnCount(Table<Row>::kColumns) ==
                    std::tuple_size_v<decltype(Table<Row>::Fields(std::declval<Row&>()))>,
                "a Table's column list and its Fields() must have the same length");
  static const std::string& SelectWhere() {
    static const std::string s =
        std::string("SELECT ") + Table<Row>::kColumns + " FROM " + Table<Row>::kName + " WHERE ";
    return s;
  }
  static const std::string& Insert() {
    static const std::string s = [] {
      std::string q = std::string("INSERT INTO ") + Table<Row>::kName + " (" +
                      Table<Row>::kColumns + ") VALUES (?";
      for (size_t i = 1; i < ColumnCount(Table<Row>::kColumns); ++i) q += ", ?";
      return q + ")";
    }();
    return s;
  }
  static const std::string& DeleteByKey() {
    static const std::string s = [] {
      const std::string cols = Table<Row>::kColumns;
      return std::string("DELETE FROM ") + Table<Row>::kName + " WHERE " +
             cols.substr(0, cols.find(',')) + " = ?";
    }();
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

// Concurrency: one writer connection (WAL, synchronous=FULL) behind wmu_ for
// every write and transaction; reads run in parallel on reader connections
// from a pool (WAL readers never block the writer nor each other). A thread
// inside Transaction() reads through the writer so it sees its own
// uncommitted rows. ":memory:" is private to one connection: everything goes
// through the writer there. The same class runs PostgreSQL with PgConn
// (storage_pg.h): there the "writer" is this process's one writing
// connection, and the database serialises the processes.
template <typename C>
class SqlStorage : public Storage {
  using Conn = C;
  using Stmt = typename C::Statement;

  // A connection to read with: the writer for this thread's transaction and
  // for ":memory:", otherwise one leased from the pool for the scope.
  class Reader {
   public:
    explicit Reader(SqlStorage& s) : s_(s) {
      if (s.memory_ || s.owner_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
        lock_ = std::unique_lock<std::recursive_mutex>(s.wmu_);
        conn_ = &s.writer_;
      } else {
        leased_ = s.Lease();
        conn_ = leased_.get();
      }
    }
    ~Reader() {
      if (leased_) s_.Return(std::move(leased_));
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    Stmt Prep(const std::string& sql) { return conn_->Prep(sql); }
    // Runs fn (taking this Reader) in one read transaction: every statement
    // sees the same snapshot.
    template <typename F>
    auto Snapshot(F&& fn) -> decltype(fn(*this)) {
      if (!leased_) return fn(*this);  // the writer: already one transaction or serialised
      conn_->Prep(Conn::kBeginRead).Run();
      try {
        auto out = fn(*this);
        conn_->Prep("COMMIT").Run();
        return out;
      } catch (...) {
        leased_.reset();  // closing the connection ends whatever it was in
        throw;
      }
    }

   private:
    SqlStorage& s_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::unique_ptr<Conn> leased_;
    Conn* conn_ = nullptr;
  };

 private:
  std::unique_ptr<Conn> Lease() {
    {
      std::lock_guard<std::mutex> l(pool_mu_);
      if (!pool_.empty()) {
        std::unique_ptr<Conn> c = std::move(pool_.back());
        pool_.pop_back();
        return c;
      }
    }
    return std::make_unique<Conn>(path_, true);
  }
  void Return(std::unique_ptr<Conn> c) {
    std::lock_guard<std::mutex> l(pool_mu_);
    pool_.push_back(std::move(c));
  }

 public:
  explicit SqlStorage(const std::string& path)
      : path_(path), memory_(path == ":memory:"), writer_(path, false) {
    Migrate();
  }
  ~SqlStorage() override {
    pool_.clear();  // readers first; the last connection to close checkpoints
  }

  void Transaction(const std::function<void()>& fn) override {
    std::lock_guard<std::recursive_mutex> l(wmu_);
    if (depth_ > 0) {
      ++depth_;
      try {
        fn();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return;
    }
    writer_.Prep(Conn::kBeginWrite).Run();
    depth_ = 1;
    owner_.store(std::this_thread::get_id());
    try {
      fn();
      depth_ = 0;
      owner_.store(std::thread::id());
      writer_.Prep("COMMIT").Run();
    } catch (...) {
      depth_ = 0;
      owner_.store(std::thread::id());
      writer_.Rollback();
      throw;
    }
  }

  int SchemaVersion() override {
    Reader l(*this);
    auto s = l.Prep("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    return s.Step() ? static_cast<int>(s.Int(0)) : 0;
  }

  std::string IntegrityCheck() override {
    Reader l(*this);
    auto s = l.Prep(Conn::kIntegrityCheck);
    return s.Step() ? s.Text(0) : "no answer";
  }

  // --- accounts and sessions
  std::optional<AccountRow> FindAccountByPhone(const std::string& phone_hmac) override {
    return One<AccountRow>("phone_hmac = ?", phone_hmac);
  }
  std::optional<AccountRow> GetAccount(const std::string& id) override {
    return One<AccountRow>("id = ?", id);
  }
  void CreateAccount(const AccountRow& a) override { Insert(a); }
  void PutSession(const SessionRow& s) override { Insert(s); }
  std::optional<SessionRow> GetSession(const std::string& token_hash) override {
    return One<SessionRow>("token_hash = ?", token_hash);
  }
  void DeleteSession(const std::string& token_hash) override {
    Write("DELETE FROM sessions WHERE token_hash = ?", token_hash);
  }
  int DeleteExpiredSessions(int64_t now) override {
    return Write("DELETE FROM sessions WHERE expires_at <= ?", now);
  }

  // --- one-time codes
  void PutOtp(const OtpRow& o) override { Replace(o); }
  std::optional<OtpRow> GetOtp(const std::string& phone_hmac) override {
    return One<OtpRow>("phone_hmac = ?", phone_hmac);
  }
  void CountOtpAttempt(const std::string& phone_hmac) override {
    Write("UPDATE otp_codes SET attempts = attempts + 1 WHERE phone_hmac = ?", phone_hmac);
  }
  void DeleteOtp(const std::string& phone_hmac) override {
    Write("DELETE FROM otp_codes WHERE phone_hmac = ?", phone_hmac);
  }
  void RecordOtpSend(const std::string& phone_hmac, const std::string& ip_hash,
                     int64_t at) override {
    Write("INSERT INTO otp_sends (phone_hmac, ip_hash, sent_at) VALUES (?, ?, ?)", phone_hmac,
          ip_hash, at);
  }
  int CountOtpSendsByPhone(const std::string& phone_hmac, int64_t since) override {
    return static_cast<int>(Count(
        "SELECT COUNT(*) FROM otp_sends WHERE phone_hmac = ? AND sent_at >= ?", phone_hmac, since));
  }
  int CountOtpSendsByIp(const std::string& ip_hash, int64_t since) override {
    return static_cast<int>(
        Count("SELECT COUNT(*) FROM otp_sends WHERE ip_hash = ? AND sent_at >= ?", ip_hash, since));
  }

  // --- staff
  bool CreateStaff(const StaffRow& st) override { return InsertUnique(st); }
  std::optional<StaffRow> FindStaffByUsername(const std::string& username) override {
    return One<StaffRow>("username = ?", username);
  }
  std::optional<StaffRow> GetStaff(const std::string& id) override {
    return One<StaffRow>("id = ?", id);
  }
  std::vector<StaffRow> ListStaff() override { return Select<StaffRow>("1 = 1 ORDER BY username"); }
  bool UpdateStaff(const StaffRow& st) override {
    return Write("UPDATE staff SET role = ?, password_hash = ?, disabled = ? WHERE id = ?", st.role,
                 st.password_hash, st.disabled, st.id) > 0;
  }

  // --- persons
  std::optional<PersonRow> GetPerson(const std::string& id) override {
    return One<PersonRow>("id = ?", id);
  }
  std::optional<PersonRow> FindPersonByIdHmac(const std::string& id_hmac) override {
    return One<PersonRow>("id_hmac = ?", id_hmac);
  }
  std::optional<PersonRow> FindPersonByRef(const std::string& person_ref) override {
    return One<PersonRow>("person_ref = ?", person_ref);
  }
  void CreatePerson(const PersonRow& p) override { Insert(p); }
  void UpdatePerson(const PersonRow& p) override {
    Write(
        "UPDATE persons SET id_type = ?, id_hmac = ?, id_enc = ?, id_tail = ?, name_enc = ?, "
        "name_masked = ?, phone_enc = ?, nationality = ?, region = ?, address_enc = ?, "
        "updated_at = ?, last_edit_day = ?, edit_count = ?, code_issued_at = ?, last_color = ? "
        "WHERE id = ?",
        p.id_type, p.id_hmac, p.id_enc, p.id_tail, p.name_enc, p.name_masked, p.phone_enc,
        p.nationality, p.region, p.address_enc, p.updated_at, p.last_edit_day, p.edit_count,
        p.code_issued_at, p.last_color, p.id);
  }
  void SetPersonColor(const std::string& id, const std::string& color) override {
    Write("UPDATE persons SET last_color = ? WHERE id = ? AND last_color <> ?", color, id, color);
  }
  std::vector<PersonRow> ListPersons(const std::string& after_id, int limit) override {
    return Select<PersonRow>("id > ? ORDER BY id LIMIT ?", after_id, limit);
  }
  std::vector<PersonRow> PersonsNamingRegions(const std::vector<std::string>& codes) override {
    if (codes.empty()) return {};
    if constexpr (Conn::kPostgres) {
      return Select<PersonRow>(kPgPersonsNamingRegions, Json(codes).dump());
    }
    // RiskOf() (shared/facts.cc) reads a code's own level, its city's
    // (first 4 digits + "00") and its province's (first 2 + "0000"): a place is
    // affected when one of those three is a changed code.
    return Select<PersonRow>(
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
        "ORDER BY id",
        Json(codes).dump());
  }
  std::vector<GuardianRow> GuardianshipsOfAccount(const std::string& account_id) override {
    return Select<GuardianRow>("account_id = ? ORDER BY created_at, person_id", account_id);
  }
  std::optional<GuardianRow> GetGuardianship(const std::string& account_id,
                                             const std::string& person_id) override {
    return One<GuardianRow>("account_id = ? AND person_id = ?", account_id, person_id);
  }
  int CountGuardians(const std::string& person_id) override {
    return static_cast<int>(
        Count("SELECT COUNT(*) FROM guardianships WHERE person_id = ?", person_id));
  }
  void AddGuardian(const GuardianRow& g) override { Insert(g); }
  bool RemoveGuardian(const std::string& account_id, const std::string& person_id) override {
    return Write("DELETE FROM guardianships WHERE account_id = ? AND person_id = ?", account_id,
                 person_id) > 0;
  }

  // --- declarations and check-ins
  void AddDeclaration(const DeclarationRow& d) override { Insert(d); }
  std::optional<DeclarationRow> GetDeclaration(const std::string& id) override {
    return One<DeclarationRow>("id = ?", id);
  }
  std::optional<DeclarationRow> LatestDeclaration(const std::string& person_id) override {
    Reader l(*this);
    return Latest(l, person_id);
  }
  std::vector<DeclarationRow> DeclarationsSince(const std::string& person_id,
                                                int64_t since) override {
    Reader l(*this);
    return DeclarationsFrom(l, person_id, since);
  }
  void UpdateReview(const DeclarationRow& d) override {
    Write(
        "UPDATE declarations SET review_state = ?, reviewed_by = ?, reviewed_at = ?, "
        "review_note = ? WHERE id = ?",
        d.review_state, d.reviewed_by, d.reviewed_at, d.review_note, d.id);
  }
  std::vector<DeclarationRow> PendingReviews(int limit) override {
    // Only the latest declaration of a person matters for its code.
    return Select<DeclarationRow>(
        "review_state = ? AND NOT EXISTS (SELECT 1 FROM declarations n WHERE "
        "n.person_id = declarations.person_id AND n.declared_at > declarations.declared_at) "
        "ORDER BY declared_at, id LIMIT ?",
        "pending", limit);
  }
  bool AddCheckin(const CheckinRow& c) override { return InsertUnique(c); }
  std::vector<CheckinRow> CheckinsSince(const std::string& person_id, int64_t since) override {
    Reader l(*this);
    return CheckinsFrom(l, person_id, since);
  }
  int64_t CountDeclarations() override { return Count("SELECT COUNT(*) FROM declarations"); }
  PersonHistory History(const PersonRow& p, int64_t window_start) override {
    Reader l(*this);
    return l.Snapshot([&](Reader& r) {
      PersonHistory h;
      h.declarations = DeclarationsFrom(r, p.id, window_start);
      if (!h.declarations.empty() && h.declarations.size() < static_cast<size_t>(kHistoryLimit)) {
        h.latest = h.declarations.back();  // (declared_at, id) is the order of "latest"
        h.since = window_start;
      } else {
        h.latest = Latest(r, p.id);
        if (!h.latest) return h;
        h.since = std::min(h.latest->declared_at, window_start);
        if (h.since != window_start) h.declarations = DeclarationsFrom(r, p.id, h.since);
      }
      h.checkins = CheckinsFrom(r, p.id, h.since);
      h.case_status = One<CaseRow>(r, "id_hmac = ?", p.id_hmac);
      return h;
    });
  }

  // --- authority data
  void ReplaceRiskAreas(const std::map<std::string, std::string>& areas, int64_t at) override {
    Transaction([&] {
      Write("DELETE FROM risk_areas");
      for (const auto& [region, level] : areas) {
        Write("INSERT INTO risk_areas (region, level, updated_at) VALUES (?, ?, ?)", region, level,
              at);
      }
    });
  }
  std::map<std::string, std::string> RiskAreas() override {
    return Pairs("SELECT region, level FROM risk_areas ORDER BY region");
  }
  void PutCaseStatus(const CaseRow& c) override { Replace(c); }
  std::optional<CaseRow> GetCaseStatus(const std::string& id_hmac) override {
    return One<CaseRow>("id_hmac = ?", id_hmac);
  }
  void ReplaceReviewRegions(const std::vector<std::string>& regions) override {
    Transaction([&] {
      Write("DELETE FROM review_regions");
      for (const std::string& r : regions) {
        Write("INSERT INTO review_regions (region) VALUES (?) ON CONFLICT (region) DO NOTHING", r);
      }
    });
  }
  std::vector<std::string> ReviewRegions() override {
    Reader l(*this);
    auto s = l.Prep("SELECT region FROM review_regions ORDER BY region");
    std::vector<std::string> out;
    while (s.Step()) out.push_back(s.Text(0));
    return out;
  }

  // --- appeals
  void AddAppeal(const AppealRow& a) override { Insert(a); }
  std::optional<AppealRow> GetAppeal(const std::string& id) override {
    return One<AppealRow>("id = ?", id);
  }
  std::vector<AppealRow> AppealsOfAccount(const std::string& account_id) override {
    return Select<AppealRow>("account_id = ? ORDER BY filed_at DESC, id LIMIT 500", account_id);
  }
  std::vector<AppealRow> ListAppeals(const std::string& state) override {
    if (state.empty()) return Select<AppealRow>("1 = 1 ORDER BY filed_at DESC, id LIMIT 500");
    return Select<AppealRow>("state = ? ORDER BY filed_at DESC, id LIMIT 500", state);
  }
  void UpdateAppeal(const AppealRow& a) override {
    Write("UPDATE appeals SET state = ?, resolved_at = ?, resolved_by = ?, note = ? WHERE id = ?",
          a.state, a.resolved_at, a.resolved_by, a.note, a.id);
  }

  // --- audit and keys
  void AddAudit(const AuditRow& a) override { Insert(a); }
  std::vector<AuditRow> ListAudit(int limit) override {
    return Select<AuditRow>("1 = 1 ORDER BY at DESC, id DESC LIMIT ?", limit);
  }
  std::vector<AuditRow> QueryAudit(const AuditQuery& q) override {
    // Fixed SQL with "empty means any" parameters: one prepared statement.
    return Select<AuditRow>(
        "(? = '' OR actor = ?) AND (? = '' OR substr(action, 1, length(?)) = ?) "
        "AND (? = '' OR target = ?) AND (? = 0 OR at >= ?) AND (? = 0 OR at < ?) "
        "ORDER BY at DESC, id DESC LIMIT ?",
        q.actor, q.actor, q.action, q.action, q.action, q.target, q.target, q.from, q.from, q.to,
        q.to, q.limit);
  }
  void PutKeyMeta(const KeyMetaRow& k) override {
    Insert(k, " ON CONFLICT (kid) DO UPDATE SET not_after = excluded.not_after");
  }

  // --- statistics
  std::map<std::string, int64_t> CountPersonsByColor() override {
    Reader l(*this);
    auto s = l.Prep("SELECT last_color, COUNT(*) FROM persons GROUP BY last_color");
    std::map<std::string, int64_t> out;
    while (s.Step()) out[s.Text(0)] = s.Int(1);
    return out;
  }
  void RecordColorDay(const std::string& day, const std::string& person_id,
                      const std::string& region, const std::string& color) override {
    Write(
        "INSERT INTO color_days (day, person_id, region, color) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (day, person_id) DO UPDATE SET color = excluded.color, "
        "region = excluded.region WHERE color_days.color <> excluded.color",
        day, person_id, region, color);
  }
  std::vector<ColorCount> ColorsByDay(const std::string& from_day) override {
    return Counts(
        "SELECT day, color, COUNT(*) FROM color_days WHERE day >= ? GROUP BY day, color "
        "ORDER BY day",
        from_day);
  }
  std::vector<ColorCount> ColorsByRegion() override {
    return Counts(
        "SELECT region, last_color, COUNT(*) FROM persons WHERE last_color <> '' "
        "GROUP BY region, last_color ORDER BY region");
  }

  // --- retention
  int64_t PurgeBefore(int64_t before) override {
    int64_t n = 0;
    Transaction([&] {
      n += Write("DELETE FROM declarations WHERE declared_at < ?", before);
      n += Write("DELETE FROM checkins WHERE at < ?", before);
      n += Write("DELETE FROM visits WHERE at < ?", before);
      n += Write("DELETE FROM otp_sends WHERE sent_at < ?", before);
      n += Write("DELETE FROM otp_codes WHERE expires_at < ?", before);
      n += Write("DELETE FROM sessions WHERE expires_at < ?", before);
    });
    return n;
  }
  void WipeAll() override {
    Transaction([&] {
      for (const char* t :
           {"accounts", "sessions", "otp_codes", "otp_sends", "persons", "guardianships",
            "declarations", "checkins", "risk_areas", "case_status", "review_regions", "appeals",
            "venues", "visits", "audit_log", "color_days"}) {
        Write(std::string("DELETE FROM ") + t);
      }
    });
  }

  // --- Issue 5, the staff side: venues, visits, trusted issuers, rule sets,
  // staff regions.
  void CreateVenue(const VenueRow& v) override { Insert(v); }
  std::optional<VenueRow> GetVenue(const std::string& id) override {
    return One<VenueRow>("id = ?", id);
  }
  std::vector<VenueRow> ListVenues(const std::string& owner_staff_id) override {
    if (owner_staff_id.empty()) {
      return Select<VenueRow>("1 = 1 ORDER BY created_at, id LIMIT 10000");
    }
    return Select<VenueRow>("owner_staff_id = ? ORDER BY created_at, id LIMIT 10000",
                            owner_staff_id);
  }
  void AddVisit(const VisitRow& v) override { Insert(v); }
  std::vector<VisitRow> VisitsBetween(const std::string& venue_id, int64_t from,
                                      int64_t to) override {
    return Select<VisitRow>("venue_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT 100000",
                            venue_id, from, to);
  }
  int64_t CountVisits(const std::string& venue_id, int64_t since) override {
    return Count("SELECT COUNT(*) FROM visits WHERE venue_id = ? AND at >= ?", venue_id, since);
  }

  void PutTrustedIssuer(const TrustedIssuerRow& t) override { Replace(t); }
  std::optional<TrustedIssuerRow> GetTrustedIssuer(const std::string& issuer) override {
    return One<TrustedIssuerRow>("issuer = ?", issuer);
  }
  std::vector<TrustedIssuerRow> ListTrustedIssuers() override {
    return Select<TrustedIssuerRow>("1 = 1 ORDER BY issuer");
  }
  bool DeleteTrustedIssuer(const std::string& issuer) override {
    return Write("DELETE FROM trusted_issuers WHERE issuer = ?", issuer) > 0;
  }

  void AddRuleSet(const RuleSetRow& r) override { Replace(r); }
  std::optional<RuleSetRow> GetRuleSet(const std::string& id) override {
    return One<RuleSetRow>("id = ?", id);
  }
  std::vector<RuleSetRow> ListRuleSets() override {
    return Select<RuleSetRow>("1 = 1 ORDER BY uploaded_at DESC, id");
  }
  void SetActiveRuleSet(const std::string& id) override {
    Transaction([&] {
      Write("UPDATE rule_sets SET active = 0 WHERE active <> 0");
      if (!id.empty()) Write("UPDATE rule_sets SET active = 1 WHERE id = ?", id);
    });
  }

  void SetStaffRegion(const std::string& staff_id, const std::string& region) override {
    Transaction([&] {
      Write("DELETE FROM staff_regions WHERE staff_id = ?", staff_id);
      if (!region.empty()) {
        Write("INSERT INTO staff_regions (staff_id, region) VALUES (?, ?)", staff_id, region);
      }
    });
  }
  std::string StaffRegion(const std::string& staff_id) override {
    Reader l(*this);
    auto s = l.Prep("SELECT region FROM staff_regions WHERE staff_id = ?");
    s.Bind(staff_id);
    return s.Step() ? s.Text(0) : "";
  }
  std::map<std::string, std::string> StaffRegions() override {
    return Pairs("SELECT staff_id, region FROM staff_regions ORDER BY staff_id");
  }

 private:
  void Migrate() {
    std::lock_guard<std::recursive_mutex> l(wmu_);
    // Processes starting together on one database migrate one after another.
    writer_.LockSchema(true);
    struct Unlock {
      Conn& c;
      ~Unlock() { c.LockSchema(false); }
    } unlock{writer_};
    writer_.Exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "applied_at BIGINT NOT NULL)");
    const auto& all = Migrations();
    int current = 0;
    {
      auto s = writer_.Prep("SELECT COALESCE(MAX(version), 0) FROM schema_version");
      if (s.Step()) current = static_cast<int>(s.Int(0));
    }
    for (int v = current + 1; v <= static_cast<int>(all.size()); ++v) {
      Transaction([&] {
        writer_.Exec(all[v - 1].c_str());
        Write("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", v,
              static_cast<int64_t>(time(nullptr)));
      });
    }
  }

  // --- the generic row operations (Table<Row> above)

  // Rows of `where` (a condition, then ORDER BY / LIMIT as needed).
  template <typename Row, typename... Args>
  std::vector<Row> Select(Reader& l, const std::string& where, const Args&... args) {
    auto s = l.Prep(Sql<Row>::SelectWhere() + where);
    s.Bind(args...);
    std::vector<Row> out;
    while (s.Step()) out.push_back(ReadRow<Row>(s));
    return out;
  }
  template <typename Row, typename... Args>
  std::vector<Row> Select(const std::string& where, const Args&... args) {
    Reader l(*this);
    return Select<Row>(l, where, args...);
  }
  // The first row of `where`.
  template <typename Row, typename... Args>
  std::optional<Row> One(Reader& l, const std::string& where, const Args&... args) {
    auto s = l.Prep(Sql<Row>::SelectWhere() + where);
    s.Bind(args...);
    if (!s.Step()) return std::nullopt;
    return ReadRow<Row>(s);
  }
  template <typename Row, typename... Args>
  std::optional<Row> One(const std::string& where, const Args&... args) {
    Reader l(*this);
    return One<Row>(l, where, args...);
  }
  // INSERT of every column (plus e.g. an ON CONFLICT clause).
  template <typename Row>
  void Insert(const Row& r, const char* suffix = "") {
    std::lock_guard<std::recursive_mutex> l(wmu_);
    auto s = writer_.Prep(Sql<Row>::Insert() + suffix);
    s.BindTuple(Table<Row>::Fields(r));
    s.Run();
  }
  // false when a UNIQUE / PRIMARY KEY constraint refuses the row.
  template <typename Row>
  bool InsertUnique(const Row& r) {
    try {
      Insert(r);
      return true;
    } catch (const typename Stmt::ConstraintError&) {
      return false;
    }
  }
  // Insert or replace the row with the same key (the first column).
  template <typename Row>
  void Replace(const Row& r) {
    Transaction([&] {
      Write(Sql<Row>::DeleteByKey(), std::get<0>(Table<Row>::Fields(r)));
      Insert(r);
    });
  }

  std::optional<DeclarationRow> Latest(Reader& l, const std::string& person_id) {
    return One<DeclarationRow>(l, "person_id = ? ORDER BY declared_at DESC, id DESC", person_id);
  }
  std::vector<DeclarationRow> DeclarationsFrom(Reader& l, const std::string& person_id,
                                               int64_t since) {
    return Select<DeclarationRow>(
        l, "person_id = ? AND declared_at >= ? ORDER BY declared_at, id LIMIT ?", person_id, since,
        kHistoryLimit);
  }
  std::vector<CheckinRow> CheckinsFrom(Reader& l, const std::string& person_id, int64_t since) {
    return Select<CheckinRow>(l, "person_id = ? AND at >= ? ORDER BY at, id LIMIT ?", person_id,
                              since, kHistoryLimit);
  }

  template <typename... Args>
  int Write(const std::string& sql, const Args&... args) {
    std::lock_guard<std::recursive_mutex> l(wmu_);
    {
      auto s = writer_.Prep(sql);
      s.Bind(args...);
      s.Run();
    }
    return writer_.Changes();
  }
  template <typename... Args>
  int64_t Count(const std::string& sql, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(sql);
    s.Bind(args...);
    return s.Step() ? s.Int(0) : 0;
  }
  template <typename... Args>
  std::map<std::string, std::string> Pairs(const std::string& sql, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(sql);
    s.Bind(args...);
    std::map<std::string, std::string> out;
    while (s.Step()) out[s.Text(0)] = s.Text(1);
    return out;
  }
  template <typename... Args>
  std::vector<ColorCount> Counts(const std::string& sql, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(sql);
    s.Bind(args...);
    std::vector<ColorCount> out;
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Int(2)});
    return out;
  }

  const std::string path_;
  const bool memory_;
  Conn writer_;
  std::recursive_mutex wmu_;              // the writer connection
  int depth_ = 0;                         // Transaction() nesting, under wmu_
  std::atomic<std::thread::id> owner_{};  // the thread inside Transaction()
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> pool_;  // idle readers
};

}  // namespace

std::unique_ptr<Storage> OpenSqliteStorage(const std::string& path) {
  return std::make_unique<SqlStorage<Conn>>(path);
}

std::unique_ptr<Storage> OpenPostgresStorage(const std::string& conninfo) {
  return std::make_unique<SqlStorage<PgConn>>(conninfo);
}

}  // namespace ankang::server
