// SQLite implementation of Storage: one file in WAL mode with
// synchronous=FULL (a committed transaction is on disk), versioned
// migrations, prepared statements only. One writer connection behind a mutex
// for every write and transaction; reads run in parallel on pooled reader
// connections (":memory:" uses the one connection for everything).
#pragma once

#include <memory>
#include <string>

#include "server/store/storage.h"

namespace ankang::server {

// Opens (creating if needed) and migrates. path ":memory:" for tests.
// Throws StorageError when the file cannot be opened or migrated.
std::unique_ptr<Storage> OpenSqliteStorage(const std::string& path);

// Copies the database file `from` into a new file `to` with SQLite's online
// backup API: one consistent snapshot (every transaction committed before
// the copy began, none after), while other processes keep writing. `from` is
// opened read-only. Throws StorageError (`to` may then be left half-written).
void BackupSqliteFile(const std::string& from, const std::string& to);

}  // namespace ankang::server
