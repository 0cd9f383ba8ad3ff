// The data folder (--data): the SQLite database ankang.db (or, with --db, a
// PostgreSQL database) and the key files data.key, hmac.key and
// signing-keys.json (crypto.h). Opening it is the one place where new keys
// are made, and only on a first start: no key file and no database (or a
// zero-length one; with --db, a database without Ankang data). Otherwise the
// database and the keys must belong together: a key file missing, unreadable,
// damaged or replaced, or a database lost while its keys remain, stops the
// caller with a DataFolderError naming the file and how to restore it, and
// nothing in the folder is changed. The database records check values of
// data.key and hmac.key (table key_checks) and the kids of the signing keys
// it published, which is how a replaced key is told from the right one.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/crypto/crypto.h"
#include "server/store/storage.h"

namespace ankang::server {

class DataFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpenedDataFolder {
  std::unique_ptr<Storage> db;
  KeyFiles keys;
  std::string note;  // what opening did, for the log ("" when it only opened)
  // With a key-encryption key: the keys live sealed in the database (row
  // "keys", this version), not in files.
  Bytes kek;
  int64_t sealed_version = 0;
};

// The database and keys of `data` (db_url "": SQLite in data/ankang.db, else
// a postgresql:// URL whose keys are in data). REQUIRES: InitCrypto().
// Throws DataFolderError (a message for the operator), or StorageError when
// a PostgreSQL server cannot be reached.
//
// kek_file (--kek-file, only with a PostgreSQL db_url): the keys are kept in
// the database, sealed with the key-encryption key in that file (crypto.h
// SealKeys), so that several nodes need only the URL and the KEK, no shared
// folder. The first start on a database without Ankang data makes them there
// (init also makes the KEK file when it is missing); a database written with
// key files in `data` gets those sealed in (the files are then no longer
// read); a KEK that does not open the sealed keys stops the caller.
OpenedDataFolder OpenDataFolder(const std::string& data, const std::string& db_url, int64_t now,
                                const std::string& kek_file = "");

// `ankang-server init`: a first start made explicitly. Throws DataFolderError
// when the folder holds a database or a key file, or the PostgreSQL database
// holds Ankang data.
OpenedDataFolder InitDataFolder(const std::string& data, const std::string& db_url, int64_t now,
                                const std::string& kek_file = "");

// With a KEK: rotates the signing key inside the sealed keys (compare-and-set
// on their version, retried when another node rotated meanwhile) and returns
// the new key set and version. keep_seconds as SigningKeys::Rotate.
struct SealedRotation {
  SigningKey key;
  SigningKeys signing;
  int64_t version = 0;
};
SealedRotation RotateSealedKeys(Storage& db, const Bytes& kek, int64_t now, int64_t keep_seconds);

// The sealed keys stored after `version`, if any (another node rotated):
// what a node polls to follow rotations without a restart.
std::optional<std::pair<KeyFiles, int64_t>> NewerSealedKeys(Storage& db, const Bytes& kek,
                                                            int64_t version);

// Why `keys` are not the keys `db` was written with, one sentence each (empty
// when they are, or when the database has no record of keys yet). Read-only.
std::vector<std::string> KeyMismatches(Storage& db, const KeyFiles& keys, const std::string& data);

// The restore advice every DataFolderError ends with.
std::string RestoreAdvice(const std::string& data);

}  // namespace ankang::server
