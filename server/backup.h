// Backups of the data folder. `ankang-server backup --to DIR` copies the
// SQLite database with SQLite's online backup (one consistent snapshot, taken
// while the server keeps serving) and then the key files into a new folder
// (mode 0700, files 0600) with a manifest, backup.json (each file's size and
// SHA-256); the folder appears complete or not at all. With PostgreSQL the
// backup holds the keys only: the database is pg_dump's. `restore --from DIR
// --data DIR` checks the manifest and copies the files into a new data
// folder, then opens it as the server would (data_folder.h).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ankang::server {

class BackupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BackupOptions {
  std::string data;        // the data folder
  std::string db_url;      // "": SQLite in data; postgresql://: the keys only
  std::string to;          // the backup folder; its parent must exist
  bool overwrite = false;  // replace a backup (or anything) already in `to`
};

struct BackupReport {
  std::string dir;
  std::vector<std::string> files;  // as listed in backup.json
  int schema_version = 0;          // of the copied database (0 without one)
  int64_t bytes = 0;               // all files together
};

// REQUIRES: InitCrypto(). Throws BackupError with a message for the operator
// (a folder that is not a complete, consistent data folder is not backed up).
BackupReport MakeBackup(const BackupOptions& o, int64_t now);

struct RestoreOptions {
  std::string from;    // a folder made by MakeBackup
  std::string data;    // a new or empty data folder
  std::string db_url;  // postgresql:// for a keys-only backup
};

struct RestoreReport {
  std::vector<std::string> files;
  int64_t created_at = 0;  // when the backup was made (unix seconds)
  std::string note;        // what opening the restored folder said
};

// REQUIRES: InitCrypto(). Throws BackupError; on failure the files it placed
// in o.data are removed again.
RestoreReport RestoreBackup(const RestoreOptions& o, int64_t now);

}  // namespace ankang::server
