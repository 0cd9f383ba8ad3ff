// ankang-server: flags and subcommands (see --help), then the HTTP server.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "server/app.h"
#include "server/backup.h"
#include "server/crypto/crypto.h"
#include "server/crypto/totp.h"
#include "server/data_folder.h"
#include "server/domain/sign_in.h"
#include "server/http/pistache_server.h"
#include "server/options.h"
#include "shared/dates.h"

using namespace ankang::server;

namespace {

// The data folder's database and keys, checked to belong together (every
// command goes through here; a first start creates them). What opening did
// is logged.
OpenedDataFolder OpenFolder(const Options& o) {
  OpenedDataFolder f = OpenDataFolder(o.data, o.db, SystemClock().Now(), o.kek_file);
  if (!f.note.empty()) std::printf("ankang-server: %s\n", f.note.c_str());
  return f;
}

std::unique_ptr<Storage> OpenStorage(const Options& o) { return OpenFolder(o).db; }

int Init(const Options& o) {
  OpenedDataFolder f = InitDataFolder(o.data, o.db, SystemClock().Now(), o.kek_file);
  std::printf("ankang-server: %s\n", f.note.c_str());
  return 0;
}

int Backup(const Options& o) {
  BackupOptions b;
  b.data = o.data;
  b.db_url = o.db;
  b.to = o.backup_to;
  b.overwrite = o.backup_overwrite;
  BackupReport r = MakeBackup(b, SystemClock().Now());
  std::string files;
  for (const std::string& f : r.files) files += (files.empty() ? "" : ", ") + f;
  std::printf("backup of %s in %s: %s (%lld bytes, schema version %d)\n", o.data.c_str(),
              r.dir.c_str(), files.c_str(), static_cast<long long>(r.bytes), r.schema_version);
  if (!o.db.empty()) {
    std::printf(
        "the PostgreSQL database is not in it: back it up with pg_dump (server/README.md)\n");
  }
  return 0;
}

int Restore(const Options& o) {
  RestoreOptions r;
  r.from = o.restore_from;
  r.data = o.data;
  r.db_url = o.db;
  RestoreReport rep = RestoreBackup(r, SystemClock().Now());
  std::string files;
  for (const std::string& f : rep.files) files += (files.empty() ? "" : ", ") + f;
  std::printf("restored %s (made %s) into %s: %s; start the server with --data %s\n",
              o.restore_from.c_str(),
              ankang::FormatInstant({rep.created_at, o.tz_offset_minutes}).c_str(), o.data.c_str(),
              files.c_str(), o.data.c_str());
  return 0;
}

int StaffAdd(const Options& o) {
  std::string password;
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "password for %s: ", o.staff_username.c_str());
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < 8) {
    std::fprintf(stderr, "the password must have at least 8 characters\n");
    return 2;
  }
  auto db = OpenStorage(o);
  StaffRow s;
  s.id = RandomId();
  s.username = o.staff_username;
  s.role = o.staff_role;
  s.password_hash = HashPassword(password);
  s.created_at = SystemClock().Now();
  if (!db->CreateStaff(s)) {
    std::fprintf(stderr, "staff account %s exists already\n", o.staff_username.c_str());
    return 1;
  }
  db->AddAudit(AuditRow{RandomId(), s.created_at, "cli", "staff.create", s.id,
                        ankang::Json{{"role", s.role}}.dump()});
  std::printf("staff account %s (%s) created\n", s.username.c_str(), s.role.c_str());
  return 0;
}

// Enrols an admin's TOTP at once (the bootstrap under --require-admin-totp):
// the secret is printed here and never again.
int StaffTotp(const Options& o) {
  const int64_t now = SystemClock().Now();
  OpenedDataFolder folder = OpenFolder(o);
  Storage* db = folder.db.get();
  const KeyFiles& keys = folder.keys;
  std::optional<StaffRow> s = db->FindStaffByUsername(o.staff_username);
  if (!s) {
    std::fprintf(stderr, "no staff account %s\n", o.staff_username.c_str());
    return 1;
  }
  if (s->role != "admin") {
    std::fprintf(stderr, "TOTP is for admin accounts; %s is %s\n", s->username.c_str(),
                 s->role.c_str());
    return 1;
  }
  const ankang::Bytes secret = SetUpStaffTotp(*db, keys.data, s->id, now);
  db->DeleteSessionsOf("staff", s->id);
  db->AddAudit(AuditRow{RandomId(), now, "cli", "staff.totp_enrol", s->id, "{}"});
  std::printf(
      "TOTP for %s (add it to an authenticator app; it is not shown again):\n"
      "secret %s\nurl    %s\n",
      s->username.c_str(), TotpBase32(secret).c_str(),
      TotpUri(o.issuer_id, s->username, secret).c_str());
  return 0;
}

int KeysRotate(const Options& o) {
  const int64_t now = SystemClock().Now();
  OpenedDataFolder f = OpenFolder(o);
  auto& db = f.db;
  const int64_t keep = o.paper_days * 86400 + 3600;
  if (!f.kek.empty()) {
    SealedRotation r = RotateSealedKeys(*db, f.kek, now, keep);
    db->AddAudit(AuditRow{RandomId(), now, "cli", "keys.rotate", r.key.kid, "{}"});
    std::printf(
        "new signing key %s (sealed keys version %lld); every node signs with it within "
        "--key-poll-seconds, old tokens stay verifiable until they expire\n",
        r.key.kid.c_str(), static_cast<long long>(r.version));
    return 0;
  }
  SigningKey k = RotateKeyFile(o.data, now, keep);
  db->PutKeyMeta(KeyMetaRow{k.kid, ankang::Base64UrlEncode(k.public_key), k.not_before, 0});
  db->AddAudit(AuditRow{RandomId(), now, "cli", "keys.rotate", k.kid, "{}"});
  std::printf(
      "new signing key %s; restart the server to sign with it (old tokens stay "
      "verifiable until they expire)\n",
      k.kid.c_str());
  return 0;
}

int Purge(const Options& o) {
  const int64_t now = SystemClock().Now();
  auto db = OpenStorage(o);
  int64_t n = db->PurgeBefore(now - static_cast<int64_t>(o.purge_older_than_days) * 86400);
  db->AddAudit(
      AuditRow{RandomId(), now, "cli", "purge", "",
               ankang::Json{{"older_than_days", o.purge_older_than_days}, {"rows", n}}.dump()});
  std::printf("purged %lld rows older than %d days\n", static_cast<long long>(n),
              o.purge_older_than_days);
  return 0;
}

int Wipe(const Options& o) {
  auto db = OpenStorage(o);
  db->WipeAll();
  std::printf("all personal data deleted from %s/ankang.db\n", o.data.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  umask(077);  // every file and folder the server makes (database, -wal, -shm, keys) is private
  Options o;
  std::string error;
  if (!ParseOptions(argc, argv, &o, &error)) {
    std::fprintf(stderr, "ankang-server: %s\n", error.c_str());
    return 2;
  }
  if (o.command == "help") {
    std::fputs(HelpText().c_str(), stdout);
    return 0;
  }
  try {
    InitCrypto();
    if (o.command == "init") return Init(o);
    if (o.command == "backup") return Backup(o);
    if (o.command == "restore") return Restore(o);
    if (o.command == "staff-add") return StaffAdd(o);
    if (o.command == "staff-totp") return StaffTotp(o);
    if (o.command == "keys-rotate") return KeysRotate(o);
    if (o.command == "purge") return Purge(o);
    if (o.command == "wipe") return Wipe(o);
    if (const std::string refusal = ExposureError(o); !refusal.empty()) {
      std::fprintf(stderr, "ankang-server: %s\n", refusal.c_str());
      return 2;
    }
    OpenedDataFolder folder = OpenFolder(o);
    auto app = MakeApp(o, std::move(folder.db), std::move(folder.keys));
    if (!folder.kek.empty()) FollowSealedKeys(*app, folder.kek, folder.sealed_version);
    if (o.dev) {
      std::printf(
          "ankang-server: --dev (local trial): staff admin, verifier, issuer, venue "
          "with the --dev-password; one-time codes in answers; movable clock\n");
    }
    return RunHttpServer(app->site);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ankang-server: %s\n", e.what());
    return 1;
  }
}
