// SqlStorage<Conn>: every Storage method as SQL, written once for both
// databases. Conn is the database's connection (sqlite.cc, postgres.cc) and
// provides:
//   Conn(path, reader)   opens a writer or a read-only connection; throws StorageError
//   Statement            Bind(args...), BindTuple(tuple), Step() (true: a row; throws
//                        Statement::ConstraintError when a UNIQUE / PRIMARY KEY refuses a
//                        row), Run(), Text/Int/Real(i), Get(i, &field)
//   Prep(sql), Exec(sql), Rollback() (never throws), Changes(), LockSchema(bool)
//   kBeginWrite, kBeginRead, kIntegrityCheck: that database's statements
//   kGroupCommit         true: concurrent transactions share one COMMIT (see Transaction())
//   kPersonsNamingRegions: the condition behind PersonsNamingRegions, in its JSON dialect
// SQL uses `?` / `?N` placeholders; the schema is migrations.h.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/store/migrations.h"
#include "server/store/sql_tables.h"
#include "server/store/storage.h"
#include "shared/json.h"

namespace ankang::server {

// Concurrency: one writer connection behind wmu_ for every write and
// transaction; reads run in parallel on reader connections from a pool
// (readers never block the writer nor each other: WAL on SQLite, MVCC on
// PostgreSQL). A thread inside Transaction() reads through the writer so it
// sees its own uncommitted rows. ":memory:" is private to one connection:
// everything goes through the writer there. On PostgreSQL the "writer" is
// this process's one writing connection, and the database serialises the
// processes.
//
// Group commit (Conn::kGroupCommit, a file database): a transaction that
// finds other writers waiting for the writer leaves its outer transaction
// open for them instead of committing; the last of them commits for all, so
// one COMMIT (one fsync) carries many transactions. Each body still runs on
// its own thread, inside its own SAVEPOINT: a body that throws rolls back
// only its own rows and gets its own exception. Transaction() returns only
// after the COMMIT holding its rows succeeded; a failed COMMIT is thrown to
// every body of the group. Writes outside Transaction() join a group as a
// transaction of their own.
template <typename C>
class SqlStorage : public Storage {
  using Conn = C;
  using Stmt = typename C::Statement;

  static constexpr int kHistoryLimit = 1000;  // rows of one person's history read for scoring

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

  // --- Storage: transactions, schema, retention
  void Transaction(const std::function<void()>& fn) override {
    const bool nested = owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
    if (!nested) waiting_.fetch_add(1);
    std::unique_lock<std::recursive_mutex> l(wmu_);
    if (!nested) waiting_.fetch_sub(1);
    if (depth_ == 0 && group_commit_) {
      GroupTransaction(fn, l);
      return;
    }
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

  int64_t PurgeBefore(int64_t before) override {
    int64_t n = 0;
    Transaction([&] {
      n += Write("DELETE FROM declarations WHERE declared_at < ?", before);
      n += Write("DELETE FROM checkins WHERE at < ?", before);
      if (n > 0) Write("UPDATE persons SET data_version = data_version + 1");
      n += Write("DELETE FROM visits WHERE at < ?", before);
      n += Write("DELETE FROM otp_sends WHERE sent_at < ?", before);
      n += Write("DELETE FROM otp_codes WHERE expires_at < ?", before);
      n += Write("DELETE FROM sessions WHERE expires_at < ?", before);
      n += Write("DELETE FROM join_requests WHERE expires_at < ?", before);
      n += Write("DELETE FROM sign_in_failures WHERE last_failure_at < ? AND locked_until < ?",
                 before, before);
    });
    return n;
  }
  void WipeAll() override {
    Transaction([&] {
      for (const char* t :
           {"accounts", "sessions", "otp_codes", "otp_sends", "persons", "guardianships",
            "declarations", "checkins", "risk_areas", "case_status", "review_regions", "appeals",
            "venues", "visits", "audit_log", "color_days", "join_requests", "claims"}) {
        Write(std::string("DELETE FROM ") + t);
      }
    });
  }

  // --- PersonStore: persons and guardianship
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
        "updated_at = ?, last_edit_day = ?, edit_count = ?, code_issued_at = ?, last_color = ?, "
        // What scoring reads of the row (the right-hand sides see the old values).
        "data_version = data_version + (CASE WHEN region = ? AND nationality = ? AND "
        "id_hmac = ? THEN 0 ELSE 1 END) WHERE id = ?",
        p.id_type, p.id_hmac, p.id_enc, p.id_tail, p.name_enc, p.name_masked, p.phone_enc,
        p.nationality, p.region, p.address_enc, p.updated_at, p.last_edit_day, p.edit_count,
        p.code_issued_at, p.last_color, p.region, p.nationality, p.id_hmac, p.id);
  }
  void SetPersonColor(const std::string& id, const std::string& color) override {
    Write("UPDATE persons SET last_color = ? WHERE id = ? AND last_color <> ?", color, id, color);
  }
  bool StoreVerdict(const std::string& id, const VerdictRow& v) override {
    return Write(
               "UPDATE persons SET verdict_code = ?, verdict_version = ?, verdict_rules = ?, "
               "verdict_regions = ?, verdict_risk = ?, verdict_from = ?, verdict_until = ?, "
               "verdict_color = ?, verdict_valid_until = ?, last_color = ? "
               "WHERE id = ? AND data_version = ?",
               v.code, v.version, v.rules, v.regions, v.risk, v.from, v.until, v.color,
               v.valid_until, v.color, id, v.version) > 0;
  }
  std::vector<PersonRow> ListPersons(const std::string& after_id, int limit) override {
    return Select<PersonRow>("id > ? ORDER BY id LIMIT ?", after_id, limit);
  }
  std::vector<PersonRow> PersonsNamingRegions(const std::vector<std::string>& codes) override {
    if (codes.empty()) return {};
    return Select<PersonRow>(Conn::kPersonsNamingRegions, Json(codes).dump());
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
  std::vector<GuardianRow> GuardiansOfPerson(const std::string& person_id) override {
    return Select<GuardianRow>("person_id = ? ORDER BY created_at, account_id", person_id);
  }

  // --- PersonStore: join requests and claims
  void AddJoinRequest(const JoinRequestRow& r) override { Insert(r); }
  std::optional<JoinRequestRow> GetJoinRequest(const std::string& id) override {
    return One<JoinRequestRow>("id = ?", id);
  }
  void UpdateJoinRequest(const JoinRequestRow& r) override {
    Write(
        "UPDATE join_requests SET state = ?, attempts = ?, decided_at = ?, decided_by = ? "
        "WHERE id = ?",
        r.state, r.attempts, r.decided_at, r.decided_by, r.id);
  }
  std::vector<JoinRequestRow> JoinRequestsOfRequester(const std::string& account_id) override {
    return Select<JoinRequestRow>("requester_id = ? ORDER BY created_at DESC, id LIMIT 100",
                                  account_id);
  }
  std::vector<JoinRequestRow> PendingJoinRequests(const std::string& person_id) override {
    return Select<JoinRequestRow>(
        "person_id = ? AND state = 'pending' AND valid <> 0 ORDER BY created_at, id LIMIT 100",
        person_id);
  }
  int CountJoinRequestsBy(const std::string& account_id, int64_t since) override {
    return static_cast<int>(
        Count("SELECT COUNT(*) FROM join_requests WHERE requester_id = ? AND created_at >= ?",
              account_id, since));
  }
  int CountJoinRequestsFor(const std::string& id_hmac, int64_t since) override {
    return static_cast<int>(
        Count("SELECT COUNT(*) FROM join_requests WHERE id_hmac = ? AND created_at >= ?", id_hmac,
              since));
  }
  void AddClaim(const ClaimRow& c) override { Insert(c); }
  std::optional<ClaimRow> GetClaim(const std::string& id) override {
    return One<ClaimRow>("id = ?", id);
  }
  void UpdateClaim(const ClaimRow& c) override {
    Write(
        "UPDATE claims SET state = ?, person_id = ?, decided_at = ?, decided_by = ?, "
        "decision_note = ? WHERE id = ?",
        c.state, c.person_id, c.decided_at, c.decided_by, c.decision_note, c.id);
  }
  std::vector<ClaimRow> ClaimsOfAccount(const std::string& account_id) override {
    return Select<ClaimRow>("account_id = ? ORDER BY created_at DESC, id LIMIT 100", account_id);
  }
  std::vector<ClaimRow> PendingClaims(int limit) override {
    return Select<ClaimRow>("state = 'pending' ORDER BY created_at, id LIMIT ?", limit);
  }
  int CountClaimsBy(const std::string& account_id, int64_t since) override {
    return static_cast<int>(Count(
        "SELECT COUNT(*) FROM claims WHERE account_id = ? AND created_at >= ?", account_id, since));
  }

  // --- PersonStore: declarations and check-ins
  void AddDeclaration(const DeclarationRow& d) override {
    Transaction([&] {
      Insert(d);
      BumpDataVersion(d.person_id);
    });
  }
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
    Transaction([&] {
      Write(
          "UPDATE declarations SET review_state = ?, reviewed_by = ?, reviewed_at = ?, "
          "review_note = ? WHERE id = ?",
          d.review_state, d.reviewed_by, d.reviewed_at, d.review_note, d.id);
      Write(
          "UPDATE persons SET data_version = data_version + 1 WHERE id = "
          "(SELECT person_id FROM declarations WHERE id = ?)",
          d.id);
    });
  }
  std::vector<DeclarationRow> PendingReviews(int limit) override {
    // Only the latest declaration of a person matters for its code.
    return Select<DeclarationRow>(
        "review_state = ? AND NOT EXISTS (SELECT 1 FROM declarations n WHERE "
        "n.person_id = declarations.person_id AND n.declared_at > declarations.declared_at) "
        "ORDER BY declared_at, id LIMIT ?",
        "pending", limit);
  }
  bool AddCheckin(const CheckinRow& c) override {
    bool added = false;
    Transaction([&] {
      added = InsertUnique(c);
      if (added) BumpDataVersion(c.person_id);
    });
    return added;
  }
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

  // --- PersonStore: appeals
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

  // --- PersonStore: colour statistics
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

  // --- AuthorityStore
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
  void PutCaseStatus(const CaseRow& c) override {
    Transaction([&] {
      Replace(c);
      Write("UPDATE persons SET data_version = data_version + 1 WHERE id_hmac = ?", c.id_hmac);
    });
  }
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
  void PutKeyMeta(const KeyMetaRow& k) override {
    Insert(k, " ON CONFLICT (kid) DO UPDATE SET not_after = excluded.not_after");
  }
  std::vector<KeyMetaRow> ListKeyMeta() override {
    return Select<KeyMetaRow>("1 = 1 ORDER BY not_before, kid");
  }
  std::vector<KeyCheckRow> ListKeyChecks() override {
    return Select<KeyCheckRow>("1 = 1 ORDER BY name");
  }
  void AddKeyCheck(const KeyCheckRow& c) override { Insert(c, " ON CONFLICT (name) DO NOTHING"); }
  std::optional<SealedKeysRow> GetSealedKeys(const std::string& name) override {
    return One<SealedKeysRow>("name = ?", name);
  }
  bool PutSealedKeys(const SealedKeysRow& k) override {
    if (k.version == 1) return InsertUnique(k);
    return Write(
               "UPDATE sealed_keys SET sealed = ?, version = ?, updated_at = ? "
               "WHERE name = ? AND version = ?",
               k.sealed, k.version, k.updated_at, k.name, k.version - 1) > 0;
  }

  // --- AccountStore: accounts and sessions
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
  std::vector<SessionRow> SessionsOf(const std::string& kind,
                                     const std::string& subject_id) override {
    return Select<SessionRow>(
        "kind = ? AND subject_id = ? ORDER BY created_at DESC, token_hash LIMIT 100", kind,
        subject_id);
  }
  void TouchSession(const std::string& token_hash, int64_t at, int64_t expires_at) override {
    Write(
        "UPDATE sessions SET last_seen_at = ?, "
        "expires_at = CASE WHEN expires_at < ? THEN ? ELSE expires_at END WHERE token_hash = ?",
        at, expires_at, expires_at, token_hash);
  }
  void DeleteSession(const std::string& token_hash) override {
    Write("DELETE FROM sessions WHERE token_hash = ?", token_hash);
  }
  int DeleteExpiredSessions(int64_t now) override {
    return Write("DELETE FROM sessions WHERE expires_at <= ?", now);
  }
  int DeleteSessionsOf(const std::string& kind, const std::string& subject_id) override {
    return Write("DELETE FROM sessions WHERE kind = ? AND subject_id = ?", kind, subject_id);
  }

  // --- AccountStore: one-time codes
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

  // --- AccountStore: staff
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

  // --- AccountStore: staff sign-in failures and TOTP
  std::optional<SignInFailureRow> GetSignInFailures(const std::string& key) override {
    return One<SignInFailureRow>("lock_key = ?", key);
  }
  void PutSignInFailures(const SignInFailureRow& r) override { Replace(r); }
  void DeleteSignInFailures(const std::string& key) override {
    Write("DELETE FROM sign_in_failures WHERE lock_key = ?", key);
  }
  std::optional<StaffTotpRow> GetStaffTotp(const std::string& staff_id) override {
    return One<StaffTotpRow>("staff_id = ?", staff_id);
  }
  void PutStaffTotp(const StaffTotpRow& r) override { Replace(r); }
  void DeleteStaffTotp(const std::string& staff_id) override {
    Write("DELETE FROM staff_totp WHERE staff_id = ?", staff_id);
  }

  // --- VenueStore
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

  // --- AuditStore
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
  std::vector<int64_t> AuditTimes(const std::string& actor, const std::string& action,
                                  int64_t since, int limit) override {
    Reader l(*this);
    auto s = l.Prep(
        "SELECT at FROM audit_log WHERE actor = ? AND at >= ? AND action = ? "
        "ORDER BY at DESC LIMIT ?");
    s.Bind(actor, since, action, limit);
    std::vector<int64_t> out;
    while (s.Step()) out.push_back(s.Int(0));
    return out;
  }

 private:
  // One outer transaction shared by the bodies of a group commit.
  struct Group {
    int members = 0;  // bodies whose rows it holds
    bool done = false;
    std::exception_ptr error;  // of the COMMIT (or of SQLite ending the transaction)
  };
  static constexpr int kMaxGroup = 64;  // bodies per COMMIT, bounding a member's wait

  // A top-level transaction under group commit; l holds wmu_.
  void GroupTransaction(const std::function<void()>& fn,
                        std::unique_lock<std::recursive_mutex>& l) {
    if (!group_) {
      writer_.Prep(Conn::kBeginWrite).Run();
      group_ = std::make_shared<Group>();
    }
    std::shared_ptr<Group> g = group_;
    std::exception_ptr own;
    try {
      writer_.Prep("SAVEPOINT body").Run();
      depth_ = 1;
      owner_.store(std::this_thread::get_id());
      fn();
    } catch (...) {
      own = std::current_exception();
    }
    depth_ = 0;
    owner_.store(std::thread::id());
    try {
      if (own) writer_.Prep("ROLLBACK TO body").Run();
      writer_.Prep("RELEASE body").Run();
      if (!own) ++g->members;
    } catch (...) {
      // SQLite ended the outer transaction (an I/O error, say): the group's rows are gone.
      writer_.Rollback();
      EndGroup(std::current_exception());
      std::rethrow_exception(own ? own : g->error);
    }
    if (waiting_.load() > 0 && g->members < kMaxGroup) {
      l.unlock();  // a waiting writer joins and commits, or passes on
      if (own) std::rethrow_exception(own);
      std::unique_lock<std::mutex> gl(gmu_);
      gcv_.wait(gl, [&] { return g->done; });
    } else {
      try {
        writer_.Prep("COMMIT").Run();
        EndGroup(nullptr);
      } catch (...) {
        writer_.Rollback();
        EndGroup(std::current_exception());
      }
      l.unlock();
      if (own) std::rethrow_exception(own);
    }
    if (g->error) std::rethrow_exception(g->error);
  }
  // Under wmu_: the open group is over (error: why its rows are not stored).
  void EndGroup(std::exception_ptr error) {
    {
      std::lock_guard<std::mutex> gl(gmu_);
      group_->done = true;
      group_->error = error;
    }
    gcv_.notify_all();
    group_.reset();
  }

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

  // --- the generic row operations (Table<Row> in sql_tables.h)

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
    OnWriter([&] {
      auto s = writer_.Prep(Sql<Row>::Insert() + suffix);
      s.BindTuple(Table<Row>::Fields(r));
      s.Run();
    });
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

  // What scoring reads of the person changed (PersonRow::data_version).
  void BumpDataVersion(const std::string& person_id) {
    Write("UPDATE persons SET data_version = data_version + 1 WHERE id = ?", person_id);
  }
  template <typename... Args>
  int Write(const std::string& sql, const Args&... args) {
    int n = 0;
    OnWriter([&] {
      {
        auto s = writer_.Prep(sql);
        s.Bind(args...);
        s.Run();
      }
      n = writer_.Changes();
    });
    return n;
  }
  // Runs fn on the writer: inside this thread's transaction, or alone
  // (autocommit) without group commit, or else as a transaction of its own,
  // which joins a group commit (a statement run while another thread's group
  // is open would be committed with it, after this thread answered).
  template <typename F>
  void OnWriter(F&& fn) {
    if (group_commit_ && owner_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
      Transaction(fn);
      return;
    }
    std::lock_guard<std::recursive_mutex> l(wmu_);
    fn();
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
  const bool group_commit_ = Conn::kGroupCommit && !memory_;
  std::atomic<int> waiting_{0};   // threads waiting for wmu_ to begin a transaction
  std::shared_ptr<Group> group_;  // the open group, under wmu_
  std::mutex gmu_;                // Group::done and error
  std::condition_variable gcv_;   // a group ended
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> pool_;  // idle readers
};

}  // namespace ankang::server
