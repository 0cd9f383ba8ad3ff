#include "server/data_folder.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "server/store/postgres.h"
#include "server/store/sqlite.h"

namespace ankang::server {
namespace {

// The plaintext behind the check values: what matters is the key, not the text.
constexpr const char* kCheckContext = "key_check";
constexpr const char* kCheckText = "ankang data folder";

// What losing a key file costs, for the messages.
std::string WhatItHolds(const std::string& name) {
  if (name == "data.key") {
    return "without it no name, ID number, phone or address in the database can be read";
  }
  if (name == "hmac.key") {
    return "without it no resident finds their account again and no ID number is recognised";
  }
  return "without it every code already issued (paper codes last up to 14 days) fails to verify";
}

// One line per key file that is not usable.
std::string KeyProblems(const KeyFolder& f) {
  std::string out;
  for (const KeyFileCheck& c : f.files) {
    if (c.state == KeyFileCheck::State::kOk) continue;
    out += "  " + c.path + " " +
           (c.state == KeyFileCheck::State::kMissing ? std::string("is missing") : c.problem) +
           ": " + WhatItHolds(c.name) + "\n";
  }
  return out;
}

std::string PresentKeyNames(const KeyFolder& f) {
  std::string out;
  for (const KeyFileCheck& c : f.files) {
    if (c.state == KeyFileCheck::State::kMissing) continue;
    out += (out.empty() ? "" : ", ") + c.name;
  }
  return out;
}

// One indented line per sentence, for the messages.
std::string Lines(const std::vector<std::string>& sentences) {
  std::string out;
  for (const std::string& s : sentences) out += "  " + s + "\n";
  return out;
}

enum class DbFile { kMissing, kEmpty, kPresent };

DbFile StatDb(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return DbFile::kMissing;
  return st.st_size == 0 ? DbFile::kEmpty : DbFile::kPresent;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void MakeFolder(const std::string& data) {
  if (::mkdir(data.c_str(), 0700) != 0 && errno != EEXIST) {
    throw DataFolderError("cannot create the data folder " + data + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::stat(data.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw DataFolderError(data + " is not a folder");
  }
}

// Records what the database needs to recognise these keys again.
void RecordKeys(Storage& db, const KeyFiles& keys, int64_t now) {
  db.AddKeyCheck(KeyCheckRow{"data.key", keys.data.Encrypt(kCheckContext, kCheckText), now});
  db.AddKeyCheck(KeyCheckRow{"hmac.key", keys.data.Hmac(kCheckContext, kCheckText), now});
  for (const SigningKey& k : keys.signing.Published(now)) {
    db.PutKeyMeta(KeyMetaRow{k.kid, Base64UrlEncode(k.public_key), k.not_before, k.not_after});
  }
}

// A database with a record of keys (check values, or signing keys published
// by a server that ran on it before the check values existed).
bool HasKeyRecord(Storage& db) { return !db.ListKeyChecks().empty() || !db.ListKeyMeta().empty(); }

OpenedDataFolder FirstStart(const std::string& data, std::unique_ptr<Storage> db, KeyFiles keys,
                            int64_t now, const std::string& what) {
  RecordKeys(*db, keys, now);
  OpenedDataFolder out;
  out.db = std::move(db);
  out.keys = std::move(keys);
  out.note = "first start: created " + what + " and the keys data.key, hmac.key and " +
             "signing-keys.json in " + data + " (back them up: ankang-server backup --to DIR)";
  return out;
}

// The database is open and holds a record of keys, or is new; keys as found.
OpenedDataFolder Pair(const std::string& data, const std::string& where,
                      std::unique_ptr<Storage> db, const KeyFolder& found, bool sqlite,
                      int64_t now) {
  if (!HasKeyRecord(*db)) {
    if (!found.AnyPresent()) {
      MakeFolder(data);
      KeyFiles keys = CreateKeyFiles(data, now);
      return FirstStart(data, std::move(db), std::move(keys), now, where);
    }
    if (sqlite) {
      throw DataFolderError(
          where + " holds no data written with the keys in " + data + " (" +
          PresentKeyNames(found) +
          "): it is not the database of these keys (it was replaced by an empty or new one), "
          "and starting would serve no residents and no staff.\n" +
          RestoreAdvice(data) +
          " Only if this folder never served (a first start that was interrupted): delete "
          "ankang.db and the key files and start again.");
    }
    if (!found.keys) {
      throw DataFolderError("the keys in " + data + " are incomplete:\n" + KeyProblems(found) +
                            RestoreAdvice(data));
    }
    RecordKeys(*db, *found.keys, now);
    OpenedDataFolder out;
    out.db = std::move(db);
    out.keys = *found.keys;
    out.note = where + " had no Ankang data yet: it is now paired with the keys in " + data;
    return out;
  }
  if (!found.keys) {
    throw DataFolderError(data + " holds data (" + where + ") but its keys are not usable:\n" +
                          KeyProblems(found) +
                          "New keys would not replace them: the data written with them would "
                          "stay unreadable.\n" +
                          RestoreAdvice(data));
  }
  std::vector<std::string> wrong = KeyMismatches(*db, *found.keys, data);
  if (!wrong.empty()) {
    const std::string text = Lines(wrong);
    throw DataFolderError("the keys in " + data + " are not the keys of " + where + ":\n" + text +
                          RestoreAdvice(data));
  }
  OpenedDataFolder out;
  if (db->ListKeyChecks().size() < 2) {
    // A database from before the check values: its keys are the ones found.
    RecordKeys(*db, *found.keys, now);
    out.note = "recorded check values of the keys in " + data + " in " + where;
  }
  out.db = std::move(db);
  out.keys = *found.keys;
  return out;
}

constexpr const char* kSealedName = "keys";

std::string KekAdvice(const std::string& kek_file) {
  return "Every node of this database needs the same key-encryption key: copy " + kek_file +
         " (mode 0600) from a node that serves, or from the backup of the first node's " +
         "folder. Nothing in the database was changed.";
}

// --kek-file: the keys sealed in the PostgreSQL database.
OpenedDataFolder OpenSealed(const std::string& data, const std::string& db_url,
                            const std::string& kek_file, int64_t now, bool init) {
  std::string note;
  if (init && !Exists(kek_file)) {
    CreateKekFile(kek_file);
    note = "created the key-encryption key " + kek_file + " (copy it to every node; back it up";
    note += " apart from the database); ";
  }
  Bytes kek;
  try {
    kek = ReadKekFile(kek_file);
  } catch (const std::runtime_error& e) {
    throw DataFolderError(std::string(e.what()) + ". " + KekAdvice(kek_file));
  }
  std::unique_ptr<Storage> db = OpenPostgresStorage(db_url);
  OpenedDataFolder out;
  out.kek = kek;
  std::optional<SealedKeysRow> row = db->GetSealedKeys(kSealedName);
  if (row) {
    if (init) {
      throw DataFolderError(
          "init: the PostgreSQL database holds Ankang data already (its keys are sealed in "
          "it); init only prepares a new database");
    }
    std::optional<KeyFiles> keys = UnsealKeys(row->sealed, kek);
    if (!keys) {
      throw DataFolderError("the key-encryption key " + kek_file +
                            " does not open the keys sealed in the PostgreSQL database (it is "
                            "not the key they were sealed with, or was replaced). " +
                            KekAdvice(kek_file));
    }
    std::vector<std::string> wrong = KeyMismatches(*db, *keys, "the sealed keys");
    if (!wrong.empty()) {
      const std::string text = Lines(wrong);
      throw DataFolderError(
          "the keys sealed in the PostgreSQL database are not the keys its "
          "data was written with:\n" +
          text);
    }
    out.keys = std::move(*keys);
    out.sealed_version = row->version;
    out.db = std::move(db);
    out.note = note;
    return out;
  }
  const KeyFolder found = ReadKeyFiles(data);
  const bool had_data = HasKeyRecord(*db);
  KeyFiles keys;
  if (found.AnyPresent()) {
    if (!found.keys) {
      throw DataFolderError("the keys in " + data + " are incomplete:\n" + KeyProblems(found) +
                            RestoreAdvice(data));
    }
    std::vector<std::string> wrong = KeyMismatches(*db, *found.keys, data);
    if (!wrong.empty()) {
      const std::string text = Lines(wrong);
      throw DataFolderError("the keys in " + data + " are not the keys of the PostgreSQL " +
                            "database:\n" + text + RestoreAdvice(data));
    }
    keys = *found.keys;
    note += "sealed the keys of " + data + " into the PostgreSQL database with " + kek_file +
            "; the key files are no longer read (keep them with the backups)";
  } else if (had_data) {
    throw DataFolderError(
        "the PostgreSQL database holds data but no sealed keys, and " + data +
        " holds no key files: start once with --data pointing at the folder whose keys wrote "
        "it (they are then sealed into the database). " +
        RestoreAdvice(data));
  } else {
    keys.data = DataKeys::Random();
    keys.signing = SigningKeys::Generate(now);
    note += "first start: created the keys, sealed in the PostgreSQL database with " + kek_file;
  }
  SealedKeysRow put{kSealedName, SealKeys(keys, kek), 1, now};
  if (!db->PutSealedKeys(put)) {
    // Another node stored keys first (two first starts at once): use theirs.
    db.reset();
    return OpenSealed(data, db_url, kek_file, now, false);
  }
  RecordKeys(*db, keys, now);
  out.keys = std::move(keys);
  out.sealed_version = 1;
  out.db = std::move(db);
  out.note = note;
  return out;
}

OpenedDataFolder Open(const std::string& data, const std::string& db_url, int64_t now, bool init,
                      const std::string& kek_file) {
  if (!kek_file.empty()) {
    if (db_url.empty()) {
      throw DataFolderError(
          "--kek-file keeps the keys in a PostgreSQL database (--db); with SQLite they are the "
          "key files of --data");
    }
    return OpenSealed(data, db_url, kek_file, now, init);
  }
  struct stat st;
  if (::stat(data.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    throw DataFolderError(data + " is not a folder");
  }
  const KeyFolder found = ReadKeyFiles(data);
  if (!db_url.empty()) {
    if (init && found.AnyPresent()) {
      throw DataFolderError("init: " + data + " holds keys already (" + PresentKeyNames(found) +
                            "); init only creates keys in a folder without any");
    }
    std::unique_ptr<Storage> db = OpenPostgresStorage(db_url);
    if (init && HasKeyRecord(*db)) {
      throw DataFolderError(
          "init: the PostgreSQL database holds Ankang data already (its keys are recorded in "
          "it); init only prepares a new database");
    }
    return Pair(data, "the PostgreSQL database", std::move(db), found, false, now);
  }
  const std::string path = data + "/ankang.db";
  const DbFile file = StatDb(path);
  if (init && (file != DbFile::kMissing || found.AnyPresent() || Exists(path + "-wal"))) {
    std::string held = file != DbFile::kMissing ? std::string("ankang.db") : "";
    if (found.AnyPresent()) held += (held.empty() ? "" : ", ") + PresentKeyNames(found);
    if (held.empty()) held = "ankang.db-wal";
    throw DataFolderError("init: " + data + " is not empty (it holds " + held +
                          "); init only creates a new data folder. Start the server on it "
                          "instead, or give init an empty folder");
  }
  if (file != DbFile::kPresent) {
    if (found.AnyPresent()) {
      throw DataFolderError(
          path + (file == DbFile::kEmpty ? " is empty (0 bytes)" : " is missing") +
          " but the folder holds keys (" + PresentKeyNames(found) +
          "): the database was lost, and starting would serve an empty one (no residents, no "
          "staff).\n" +
          RestoreAdvice(data) +
          " Only if this folder never served (a first start that was interrupted): delete its "
          "key files and start again.");
    }
    MakeFolder(data);
    KeyFiles keys = CreateKeyFiles(data, now);
    return FirstStart(data, OpenSqliteStorage(path), std::move(keys), now, path);
  }
  std::unique_ptr<Storage> db;
  try {
    db = OpenSqliteStorage(path);
  } catch (const StorageError& e) {
    throw DataFolderError(path + " cannot be opened as an Ankang database (" + e.what() +
                          "): it is damaged.\n" + RestoreAdvice(data));
  }
  return Pair(data, path, std::move(db), found, true, now);
}

}  // namespace

std::string RestoreAdvice(const std::string& data) {
  return "To restore from the latest backup (made by `ankang-server backup`): stop the server, "
         "run `ankang-server restore --from BACKUP --data NEWDIR` and start the server with "
         "--data NEWDIR; or copy the file in question from the backup folder into " +
         data + " (mode 0600). See \"The data folder\" in server/README.md. Nothing in " + data +
         " was changed.";
}

std::vector<std::string> KeyMismatches(Storage& db, const KeyFiles& keys, const std::string& data) {
  std::vector<std::string> out;
  for (const KeyCheckRow& c : db.ListKeyChecks()) {
    bool ok = true;
    if (c.name == "data.key") {
      ok = keys.data.Decrypt(kCheckContext, c.value) == std::optional<std::string>(kCheckText);
    } else if (c.name == "hmac.key") {
      ok = keys.data.Hmac(kCheckContext, kCheckText) == c.value;
    }
    if (!ok) {
      out.push_back(data + "/" + c.name +
                    " is not the key this database was written with (it was replaced): " +
                    WhatItHolds(c.name));
    }
  }
  const std::vector<KeyMetaRow> published = db.ListKeyMeta();
  if (!published.empty()) {
    bool known = false;
    std::string kids;
    for (const KeyMetaRow& k : published) {
      // Find() at instant 0 finds a kid whatever its not_after.
      if (keys.signing.Find(k.kid, 0)) known = true;
      kids += (kids.empty() ? "" : ", ") + k.kid;
    }
    if (!known) {
      out.push_back(data +
                    "/signing-keys.json holds none of the signing keys this database published "
                    "(kid " +
                    kids + "; it was replaced): " + WhatItHolds("signing-keys.json"));
    }
  }
  return out;
}

OpenedDataFolder OpenDataFolder(const std::string& data, const std::string& db_url, int64_t now,
                                const std::string& kek_file) {
  return Open(data, db_url, now, false, kek_file);
}

OpenedDataFolder InitDataFolder(const std::string& data, const std::string& db_url, int64_t now,
                                const std::string& kek_file) {
  return Open(data, db_url, now, true, kek_file);
}

SealedRotation RotateSealedKeys(Storage& db, const Bytes& kek, int64_t now, int64_t keep_seconds) {
  for (int attempt = 0;; ++attempt) {
    std::optional<SealedKeysRow> row = db.GetSealedKeys(kSealedName);
    std::optional<KeyFiles> keys = row ? UnsealKeys(row->sealed, kek) : std::nullopt;
    if (!keys) throw std::runtime_error("the sealed keys cannot be read with this node's KEK");
    SealedRotation out;
    out.key = keys->signing.Rotate(now, keep_seconds);
    out.version = row->version + 1;
    if (db.PutSealedKeys(SealedKeysRow{kSealedName, SealKeys(*keys, kek), out.version, now})) {
      out.signing = keys->signing;
      for (const SigningKey& p : out.signing.Published(now)) {
        db.PutKeyMeta(KeyMetaRow{p.kid, Base64UrlEncode(p.public_key), p.not_before, p.not_after});
      }
      return out;
    }
    if (attempt >= 5) throw std::runtime_error("the sealed keys kept changing; try again");
  }
}

std::optional<std::pair<KeyFiles, int64_t>> NewerSealedKeys(Storage& db, const Bytes& kek,
                                                            int64_t version) {
  std::optional<SealedKeysRow> row = db.GetSealedKeys(kSealedName);
  if (!row || row->version <= version) return std::nullopt;
  std::optional<KeyFiles> keys = UnsealKeys(row->sealed, kek);
  if (!keys) return std::nullopt;
  return std::make_pair(std::move(*keys), row->version);
}

}  // namespace ankang::server
