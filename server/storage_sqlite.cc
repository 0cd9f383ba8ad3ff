#include "server/storage_sqlite.h"

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

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

// Concurrency: one writer connection (WAL, synchronous=FULL) behind wmu_ for
// every write and transaction; reads run in parallel on reader connections
// from a pool (WAL readers never block the writer nor each other). A thread
// inside Transaction() reads through the writer so it sees its own
// uncommitted rows. ":memory:" is private to one connection: everything goes
// through the writer there.
class SqliteStorage : public Storage {
  // A connection to read with: the writer for this thread's transaction and
  // for ":memory:", otherwise one leased from the pool for the scope.
  class Reader {
   public:
    explicit Reader(SqliteStorage& s) : s_(s) {
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
      conn_->Prep("BEGIN").Run();
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
    SqliteStorage& s_;
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
  explicit SqliteStorage(const std::string& path)
      : path_(path), memory_(path == ":memory:"), writer_(path, false) {
    Migrate();
  }
  ~SqliteStorage() override {
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
    writer_.Prep("BEGIN IMMEDIATE").Run();
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
      sqlite3_exec(writer_.db(), "ROLLBACK", nullptr, nullptr, nullptr);
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
    auto s = l.Prep("PRAGMA integrity_check");
    return s.Step() ? s.Text(0) : "no answer";
  }

  // --- accounts and sessions
  std::optional<AccountRow> FindAccountByPhone(const std::string& phone_hmac) override {
    return OneAccount(
        "SELECT id, phone_hmac, phone_enc, created_at FROM accounts WHERE phone_hmac = ?",
        phone_hmac);
  }
  std::optional<AccountRow> GetAccount(const std::string& id) override {
    return OneAccount("SELECT id, phone_hmac, phone_enc, created_at FROM accounts WHERE id = ?",
                      id);
  }
  void CreateAccount(const AccountRow& a) override {
    Write("INSERT INTO accounts (id, phone_hmac, phone_enc, created_at) VALUES (?, ?, ?, ?)", a.id,
          a.phone_hmac, a.phone_enc, a.created_at);
  }
  void PutSession(const SessionRow& s) override {
    Write(
        "INSERT INTO sessions (token_hash, kind, subject_id, role, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        s.token_hash, s.kind, s.subject_id, s.role, s.created_at, s.expires_at);
  }
  std::optional<SessionRow> GetSession(const std::string& token_hash) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT token_hash, kind, subject_id, role, created_at, expires_at FROM sessions "
        "WHERE token_hash = ?");
    s.Bind(token_hash);
    if (!s.Step()) return std::nullopt;
    return SessionRow{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Int(5)};
  }
  void DeleteSession(const std::string& token_hash) override {
    Write("DELETE FROM sessions WHERE token_hash = ?", token_hash);
  }
  int DeleteExpiredSessions(int64_t now) override {
    return Write("DELETE FROM sessions WHERE expires_at <= ?", now);
  }

  // --- one-time codes
  void PutOtp(const OtpRow& o) override {
    Transaction([&] {
      Write("DELETE FROM otp_codes WHERE phone_hmac = ?", o.phone_hmac);
      Write(
          "INSERT INTO otp_codes (phone_hmac, code_hash, created_at, expires_at, attempts) "
          "VALUES (?, ?, ?, ?, ?)",
          o.phone_hmac, o.code_hash, o.created_at, o.expires_at, o.attempts);
    });
  }
  std::optional<OtpRow> GetOtp(const std::string& phone_hmac) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT phone_hmac, code_hash, created_at, expires_at, attempts FROM otp_codes "
        "WHERE phone_hmac = ?");
    s.Bind(phone_hmac);
    if (!s.Step()) return std::nullopt;
    return OtpRow{s.Text(0), s.Text(1), s.Int(2), s.Int(3), static_cast<int>(s.Int(4))};
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
  bool CreateStaff(const StaffRow& st) override {
    try {
      Write(
          "INSERT INTO staff (id, username, role, password_hash, created_at, disabled) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          st.id, st.username, st.role, st.password_hash, st.created_at, st.disabled);
      return true;
    } catch (const Stmt::ConstraintError&) {
      return false;
    }
  }
  std::optional<StaffRow> FindStaffByUsername(const std::string& username) override {
    auto v = StaffWhere("username = ?", username);
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  std::optional<StaffRow> GetStaff(const std::string& id) override {
    auto v = StaffWhere("id = ?", id);
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  std::vector<StaffRow> ListStaff() override { return StaffWhere("1 = ?", 1); }
  bool UpdateStaff(const StaffRow& st) override {
    return Write("UPDATE staff SET role = ?, password_hash = ?, disabled = ? WHERE id = ?", st.role,
                 st.password_hash, st.disabled, st.id) > 0;
  }

  // --- persons
  std::optional<PersonRow> GetPerson(const std::string& id) override {
    return OnePerson("id = ?", id);
  }
  std::optional<PersonRow> FindPersonByIdHmac(const std::string& id_hmac) override {
    return OnePerson("id_hmac = ?", id_hmac);
  }
  std::optional<PersonRow> FindPersonByRef(const std::string& person_ref) override {
    return OnePerson("person_ref = ?", person_ref);
  }
  void CreatePerson(const PersonRow& p) override {
    Write(
        "INSERT INTO persons (id, person_ref, id_type, id_hmac, id_enc, id_tail, name_enc, "
        "name_masked, phone_enc, nationality, region, address_enc, created_at, updated_at, "
        "last_edit_day, edit_count, code_issued_at, last_color) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.id, p.person_ref, p.id_type, p.id_hmac, p.id_enc, p.id_tail, p.name_enc, p.name_masked,
        p.phone_enc, p.nationality, p.region, p.address_enc, p.created_at, p.updated_at,
        p.last_edit_day, p.edit_count, p.code_issued_at, p.last_color);
  }
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
  std::vector<GuardianRow> GuardianshipsOfAccount(const std::string& account_id) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT account_id, person_id, relation, created_at FROM guardianships "
        "WHERE account_id = ? ORDER BY created_at, person_id");
    s.Bind(account_id);
    std::vector<GuardianRow> out;
    while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Int(3)});
    return out;
  }
  std::optional<GuardianRow> GetGuardianship(const std::string& account_id,
                                             const std::string& person_id) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT account_id, person_id, relation, created_at FROM guardianships "
        "WHERE account_id = ? AND person_id = ?");
    s.Bind(account_id, person_id);
    if (!s.Step()) return std::nullopt;
    return GuardianRow{s.Text(0), s.Text(1), s.Text(2), s.Int(3)};
  }
  int CountGuardians(const std::string& person_id) override {
    return static_cast<int>(
        Count("SELECT COUNT(*) FROM guardianships WHERE person_id = ?", person_id));
  }
  void AddGuardian(const GuardianRow& g) override {
    Write(
        "INSERT INTO guardianships (account_id, person_id, relation, created_at) "
        "VALUES (?, ?, ?, ?)",
        g.account_id, g.person_id, g.relation, g.created_at);
  }
  bool RemoveGuardian(const std::string& account_id, const std::string& person_id) override {
    return Write("DELETE FROM guardianships WHERE account_id = ? AND person_id = ?", account_id,
                 person_id) > 0;
  }

  // --- declarations and check-ins
  void AddDeclaration(const DeclarationRow& d) override {
    Write(
        "INSERT INTO declarations (id, person_id, account_id, declared_at, day, body, "
        "review_required, review_state, review_due, reviewed_by, reviewed_at, review_note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.id, d.person_id, d.account_id, d.declared_at, d.day, d.body, d.review_required,
        d.review_state, d.review_due, d.reviewed_by, d.reviewed_at, d.review_note);
  }
  std::optional<DeclarationRow> GetDeclaration(const std::string& id) override {
    auto v = Declarations("id = ? ORDER BY declared_at", 1, id);
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  std::optional<DeclarationRow> LatestDeclaration(const std::string& person_id) override {
    auto v = Declarations("person_id = ? ORDER BY declared_at DESC, id DESC", 1, person_id);
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  std::vector<DeclarationRow> DeclarationsSince(const std::string& person_id,
                                                int64_t since) override {
    return Declarations("person_id = ? AND declared_at >= ? ORDER BY declared_at, id",
                        kHistoryLimit, person_id, since);
  }
  void UpdateReview(const DeclarationRow& d) override {
    Write(
        "UPDATE declarations SET review_state = ?, reviewed_by = ?, reviewed_at = ?, "
        "review_note = ? WHERE id = ?",
        d.review_state, d.reviewed_by, d.reviewed_at, d.review_note, d.id);
  }
  std::vector<DeclarationRow> PendingReviews(int limit) override {
    // Only the latest declaration of a person matters for its code.
    return Declarations(
        "review_state = ? AND NOT EXISTS (SELECT 1 FROM declarations n WHERE "
        "n.person_id = declarations.person_id AND n.declared_at > declarations.declared_at) "
        "ORDER BY declared_at, id",
        limit, "pending");
  }
  bool AddCheckin(const CheckinRow& c) override {
    try {
      Write(
          "INSERT INTO checkins (id, person_id, account_id, day, at, temperature, symptoms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          c.id, c.person_id, c.account_id, c.day, c.at, c.temperature, c.symptoms);
      return true;
    } catch (const Stmt::ConstraintError&) {
      return false;
    }
  }
  std::vector<CheckinRow> CheckinsSince(const std::string& person_id, int64_t since) override {
    Reader l(*this);
    return Checkins(l, person_id, since);
  }
  std::vector<CheckinRow> Checkins(Reader& l, const std::string& person_id, int64_t since) {
    auto s = l.Prep(
        "SELECT id, person_id, account_id, day, at, temperature, symptoms FROM checkins "
        "WHERE person_id = ? AND at >= ? ORDER BY at, id LIMIT 1000");
    s.Bind(person_id, since);
    std::vector<CheckinRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Real(5), s.Text(6)});
    }
    return out;
  }
  PersonHistory History(const PersonRow& p, int64_t window_start) override {
    Reader l(*this);
    return l.Snapshot([&](Reader& r) {
      PersonHistory h;
      h.declarations =
          Declarations(r, "person_id = ? AND declared_at >= ? ORDER BY declared_at, id",
                       kHistoryLimit, p.id, window_start);
      if (!h.declarations.empty() && h.declarations.size() < static_cast<size_t>(kHistoryLimit)) {
        h.latest = h.declarations.back();  // (declared_at, id) is the order of "latest"
        h.since = window_start;
      } else {
        auto latest = Declarations(r, "person_id = ? ORDER BY declared_at DESC, id DESC", 1, p.id);
        if (latest.empty()) return h;
        h.latest = latest.front();
        h.since = std::min(h.latest->declared_at, window_start);
        if (h.since != window_start) {
          h.declarations =
              Declarations(r, "person_id = ? AND declared_at >= ? ORDER BY declared_at, id",
                           kHistoryLimit, p.id, h.since);
        }
      }
      h.checkins = Checkins(r, p.id, h.since);
      h.case_status = CaseStatus(r, p.id_hmac);
      return h;
    });
  }
  int64_t CountDeclarations() override {
    return Count("SELECT COUNT(*) FROM declarations WHERE 1 = ?", 1);
  }

  // --- authority data
  void ReplaceRiskAreas(const std::map<std::string, std::string>& areas, int64_t at) override {
    Transaction([&] {
      Write("DELETE FROM risk_areas WHERE 1 = ?", 1);
      for (const auto& [region, level] : areas) {
        Write("INSERT INTO risk_areas (region, level, updated_at) VALUES (?, ?, ?)", region, level,
              at);
      }
    });
  }
  std::map<std::string, std::string> RiskAreas() override {
    Reader l(*this);
    auto s = l.Prep("SELECT region, level FROM risk_areas ORDER BY region");
    std::map<std::string, std::string> out;
    while (s.Step()) out[s.Text(0)] = s.Text(1);
    return out;
  }
  void PutCaseStatus(const CaseRow& c) override {
    Transaction([&] {
      Write("DELETE FROM case_status WHERE id_hmac = ?", c.id_hmac);
      Write(
          "INSERT INTO case_status (id_hmac, status, since, updated_at, updated_by) "
          "VALUES (?, ?, ?, ?, ?)",
          c.id_hmac, c.status, c.since, c.updated_at, c.updated_by);
    });
  }
  std::optional<CaseRow> GetCaseStatus(const std::string& id_hmac) override {
    Reader l(*this);
    return CaseStatus(l, id_hmac);
  }
  std::optional<CaseRow> CaseStatus(Reader& l, const std::string& id_hmac) {
    auto s = l.Prep(
        "SELECT id_hmac, status, since, updated_at, updated_by FROM case_status "
        "WHERE id_hmac = ?");
    s.Bind(id_hmac);
    if (!s.Step()) return std::nullopt;
    return CaseRow{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4)};
  }
  void ReplaceReviewRegions(const std::vector<std::string>& regions) override {
    Transaction([&] {
      Write("DELETE FROM review_regions WHERE 1 = ?", 1);
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
  void AddAppeal(const AppealRow& a) override {
    Write(
        "INSERT INTO appeals (id, person_id, account_id, topic, message, state, filed_at, due_at, "
        "resolved_at, resolved_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.id, a.person_id, a.account_id, a.topic, a.message, a.state, a.filed_at, a.due_at,
        a.resolved_at, a.resolved_by, a.note);
  }
  std::optional<AppealRow> GetAppeal(const std::string& id) override {
    auto v = Appeals("id = ?", id);
    if (v.empty()) return std::nullopt;
    return v[0];
  }
  std::vector<AppealRow> AppealsOfAccount(const std::string& account_id) override {
    return Appeals("account_id = ?", account_id);
  }
  std::vector<AppealRow> ListAppeals(const std::string& state) override {
    if (state.empty()) return Appeals("1 = ?", 1);
    return Appeals("state = ?", state);
  }
  void UpdateAppeal(const AppealRow& a) override {
    Write("UPDATE appeals SET state = ?, resolved_at = ?, resolved_by = ?, note = ? WHERE id = ?",
          a.state, a.resolved_at, a.resolved_by, a.note, a.id);
  }

  // --- audit and keys
  void AddAudit(const AuditRow& a) override {
    Write("INSERT INTO audit_log (id, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
          a.id, a.at, a.actor, a.action, a.target, a.detail);
  }
  std::vector<AuditRow> ListAudit(int limit) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, at, actor, action, target, detail FROM audit_log "
        "ORDER BY at DESC, id DESC LIMIT ?");
    s.Bind(limit);
    std::vector<AuditRow> out;
    while (s.Step())
      out.push_back({s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    return out;
  }
  void PutKeyMeta(const KeyMetaRow& k) override {
    Write(
        "INSERT INTO signing_keys (kid, public_key, not_before, not_after) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (kid) DO UPDATE SET not_after = excluded.not_after",
        k.kid, k.public_key, k.not_before, k.not_after);
  }

  std::map<std::string, int64_t> CountPersonsByColor() override {
    Reader l(*this);
    auto s = l.Prep("SELECT last_color, COUNT(*) FROM persons GROUP BY last_color");
    std::map<std::string, int64_t> out;
    while (s.Step()) out[s.Text(0)] = s.Int(1);
    return out;
  }

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
        Write(std::string("DELETE FROM ") + t + " WHERE 1 = ?", 1);
      }
    });
  }

  // --- Issue 5, the staff side: venues, visits, trusted issuers, rule sets,
  // statistics, audit search.
  void CreateVenue(const VenueRow& v) override {
    Write(
        "INSERT INTO venues (id, owner_staff_id, name, region, address, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        v.id, v.owner_staff_id, v.name, v.region, v.address, v.created_at);
  }
  std::optional<VenueRow> GetVenue(const std::string& id) override {
    auto v = VenuesWhere("id = ?", id);
    if (v.empty()) return std::nullopt;
    return v.front();
  }
  std::vector<VenueRow> ListVenues(const std::string& owner_staff_id) override {
    if (owner_staff_id.empty()) return VenuesWhere("1 = ?", 1);
    return VenuesWhere("owner_staff_id = ?", owner_staff_id);
  }
  void AddVisit(const VisitRow& v) override {
    Write(
        "INSERT INTO visits (id, venue_id, person_id, account_id, at, day, temperature, color) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        v.id, v.venue_id, v.person_id, v.account_id, v.at, v.day, v.temperature, v.color);
  }
  std::vector<VisitRow> VisitsBetween(const std::string& venue_id, int64_t from,
                                      int64_t to) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, venue_id, person_id, account_id, at, day, temperature, color FROM visits "
        "WHERE venue_id = ? AND at >= ? AND at < ? ORDER BY at, id LIMIT 100000");
    s.Bind(venue_id, from, to);
    std::vector<VisitRow> out;
    while (s.Step()) {
      out.push_back(
          {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Real(6), s.Text(7)});
    }
    return out;
  }
  int64_t CountVisits(const std::string& venue_id, int64_t since) override {
    return Count("SELECT COUNT(*) FROM visits WHERE venue_id = ? AND at >= ?", venue_id, since);
  }

  void PutTrustedIssuer(const TrustedIssuerRow& t) override {
    Transaction([&] {
      Write("DELETE FROM trusted_issuers WHERE issuer = ?", t.issuer);
      Write(
          "INSERT INTO trusted_issuers (issuer, name, keys_url, keys_json, updated_at, added_by) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          t.issuer, t.name, t.keys_url, t.keys_json, t.updated_at, t.added_by);
    });
  }
  std::optional<TrustedIssuerRow> GetTrustedIssuer(const std::string& issuer) override {
    auto v = IssuersWhere("issuer = ?", issuer);
    if (v.empty()) return std::nullopt;
    return v.front();
  }
  std::vector<TrustedIssuerRow> ListTrustedIssuers() override { return IssuersWhere("1 = ?", 1); }
  bool DeleteTrustedIssuer(const std::string& issuer) override {
    return Write("DELETE FROM trusted_issuers WHERE issuer = ?", issuer) > 0;
  }

  void AddRuleSet(const RuleSetRow& r) override {
    Transaction([&] {
      Write("DELETE FROM rule_sets WHERE id = ?", r.id);
      Write(
          "INSERT INTO rule_sets (id, rule_set_id, version, body, source, uploaded_at, "
          "uploaded_by, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          r.id, r.rule_set_id, r.version, r.body, r.source, r.uploaded_at, r.uploaded_by, r.active);
    });
  }
  std::optional<RuleSetRow> GetRuleSet(const std::string& id) override {
    auto v = RuleSetsWhere("id = ?", id);
    if (v.empty()) return std::nullopt;
    return v.front();
  }
  std::vector<RuleSetRow> ListRuleSets() override { return RuleSetsWhere("1 = ?", 1); }
  void SetActiveRuleSet(const std::string& id) override {
    Transaction([&] {
      Write("UPDATE rule_sets SET active = 0 WHERE active <> ?", 0);
      if (!id.empty()) Write("UPDATE rule_sets SET active = 1 WHERE id = ?", id);
    });
  }

  std::vector<PersonRow> ListPersons(const std::string& after_id, int limit) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, person_ref, id_type, id_hmac, id_enc, id_tail, name_enc, name_masked, "
        "phone_enc, nationality, region, address_enc, created_at, updated_at, last_edit_day, "
        "edit_count, code_issued_at, last_color FROM persons WHERE id > ? ORDER BY id LIMIT ?");
    s.Bind(after_id, limit);
    std::vector<PersonRow> out;
    while (s.Step()) {
      PersonRow p;
      p.id = s.Text(0);
      p.person_ref = s.Text(1);
      p.id_type = s.Text(2);
      p.id_hmac = s.Text(3);
      p.id_enc = s.Text(4);
      p.id_tail = s.Text(5);
      p.name_enc = s.Text(6);
      p.name_masked = s.Text(7);
      p.phone_enc = s.Text(8);
      p.nationality = s.Text(9);
      p.region = s.Text(10);
      p.address_enc = s.Text(11);
      p.created_at = s.Int(12);
      p.updated_at = s.Int(13);
      p.last_edit_day = s.Text(14);
      p.edit_count = static_cast<int>(s.Int(15));
      p.code_issued_at = s.Int(16);
      p.last_color = s.Text(17);
      out.push_back(std::move(p));
    }
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
        "SELECT region, last_color, COUNT(*) FROM persons WHERE last_color <> ? "
        "GROUP BY region, last_color ORDER BY region",
        "");
  }

  std::vector<AuditRow> QueryAudit(const AuditQuery& q) override {
    Reader l(*this);
    // Fixed SQL with "empty means any" parameters: one prepared statement.
    auto s = l.Prep(
        "SELECT id, at, actor, action, target, detail FROM audit_log "
        "WHERE (? = '' OR actor = ?) AND (? = '' OR substr(action, 1, length(?)) = ?) "
        "AND (? = '' OR target = ?) AND (? = 0 OR at >= ?) AND (? = 0 OR at < ?) "
        "ORDER BY at DESC, id DESC LIMIT ?");
    s.Bind(q.actor, q.actor, q.action, q.action, q.action, q.target, q.target, q.from, q.from, q.to,
           q.to, q.limit);
    std::vector<AuditRow> out;
    while (s.Step())
      out.push_back({s.Text(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    return out;
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
    Reader l(*this);
    auto s = l.Prep("SELECT staff_id, region FROM staff_regions ORDER BY staff_id");
    std::map<std::string, std::string> out;
    while (s.Step()) out[s.Text(0)] = s.Text(1);
    return out;
  }

 private:
  template <typename... Args>
  std::vector<VenueRow> VenuesWhere(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s =
        l.Prep("SELECT id, owner_staff_id, name, region, address, created_at FROM venues WHERE " +
               where + " ORDER BY created_at, id LIMIT 10000");
    s.Bind(args...);
    std::vector<VenueRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
    }
    return out;
  }
  template <typename... Args>
  std::vector<TrustedIssuerRow> IssuersWhere(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT issuer, name, keys_url, keys_json, updated_at, added_by FROM trusted_issuers "
        "WHERE " +
        where + " ORDER BY issuer");
    s.Bind(args...);
    std::vector<TrustedIssuerRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5)});
    }
    return out;
  }
  template <typename... Args>
  std::vector<RuleSetRow> RuleSetsWhere(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, rule_set_id, version, body, source, uploaded_at, uploaded_by, active "
        "FROM rule_sets WHERE " +
        where + " ORDER BY uploaded_at DESC, id");
    s.Bind(args...);
    std::vector<RuleSetRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Text(6),
                     s.Int(7) != 0});
    }
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

 private:
  void Migrate() {
    std::lock_guard<std::recursive_mutex> l(wmu_);
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

  template <typename... Args>
  int Write(const std::string& sql, const Args&... args) {
    std::lock_guard<std::recursive_mutex> l(wmu_);
    {
      auto s = writer_.Prep(sql);
      s.Bind(args...);
      s.Run();
    }
    return sqlite3_changes(writer_.db());
  }

  template <typename... Args>
  int64_t Count(const std::string& sql, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(sql);
    s.Bind(args...);
    return s.Step() ? s.Int(0) : 0;
  }

  template <typename... Args>
  std::optional<AccountRow> OneAccount(const std::string& sql, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(sql);
    s.Bind(args...);
    if (!s.Step()) return std::nullopt;
    return AccountRow{s.Text(0), s.Text(1), s.Text(2), s.Int(3)};
  }

  template <typename... Args>
  std::vector<StaffRow> StaffWhere(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s =
        l.Prep("SELECT id, username, role, password_hash, created_at, disabled FROM staff WHERE " +
               where + " ORDER BY username");
    s.Bind(args...);
    std::vector<StaffRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Int(5) != 0});
    }
    return out;
  }

  template <typename... Args>
  std::optional<PersonRow> OnePerson(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, person_ref, id_type, id_hmac, id_enc, id_tail, name_enc, name_masked, "
        "phone_enc, nationality, region, address_enc, created_at, updated_at, last_edit_day, "
        "edit_count, code_issued_at, last_color FROM persons WHERE " +
        where);
    s.Bind(args...);
    if (!s.Step()) return std::nullopt;
    PersonRow p;
    p.id = s.Text(0);
    p.person_ref = s.Text(1);
    p.id_type = s.Text(2);
    p.id_hmac = s.Text(3);
    p.id_enc = s.Text(4);
    p.id_tail = s.Text(5);
    p.name_enc = s.Text(6);
    p.name_masked = s.Text(7);
    p.phone_enc = s.Text(8);
    p.nationality = s.Text(9);
    p.region = s.Text(10);
    p.address_enc = s.Text(11);
    p.created_at = s.Int(12);
    p.updated_at = s.Int(13);
    p.last_edit_day = s.Text(14);
    p.edit_count = static_cast<int>(s.Int(15));
    p.code_issued_at = s.Int(16);
    p.last_color = s.Text(17);
    return p;
  }

  template <typename... Args>
  std::vector<DeclarationRow> Declarations(const std::string& where_order, int limit,
                                           const Args&... args) {
    Reader l(*this);
    return Declarations(l, where_order, limit, args...);
  }
  template <typename... Args>
  std::vector<DeclarationRow> Declarations(Reader& l, const std::string& where_order, int limit,
                                           const Args&... args) {
    auto s = l.Prep(
        "SELECT id, person_id, account_id, declared_at, day, body, review_required, "
        "review_state, review_due, reviewed_by, reviewed_at, review_note FROM declarations "
        "WHERE " +
        where_order + " LIMIT ?");
    s.Bind(args..., limit);
    std::vector<DeclarationRow> out;
    while (s.Step()) {
      DeclarationRow d;
      d.id = s.Text(0);
      d.person_id = s.Text(1);
      d.account_id = s.Text(2);
      d.declared_at = s.Int(3);
      d.day = s.Text(4);
      d.body = s.Text(5);
      d.review_required = s.Int(6) != 0;
      d.review_state = s.Text(7);
      d.review_due = s.Int(8);
      d.reviewed_by = s.Text(9);
      d.reviewed_at = s.Int(10);
      d.review_note = s.Text(11);
      out.push_back(std::move(d));
    }
    return out;
  }

  template <typename... Args>
  std::vector<AppealRow> Appeals(const std::string& where, const Args&... args) {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT id, person_id, account_id, topic, message, state, filed_at, due_at, resolved_at, "
        "resolved_by, note FROM appeals WHERE " +
        where + " ORDER BY filed_at DESC, id LIMIT 500");
    s.Bind(args...);
    std::vector<AppealRow> out;
    while (s.Step()) {
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6),
                     s.Int(7), s.Int(8), s.Text(9), s.Text(10)});
    }
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
  return std::make_unique<SqliteStorage>(path);
}

}  // namespace ankang::server
