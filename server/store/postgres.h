// PostgreSQL implementation of Storage (libpq): the same SqlStorage
// (sql_storage.h), SQL text and migrations as SQLite, over a libpq connection
// and statement. SQL is written with `?` / `?N` placeholders and translated to
// `$n`; parameters are sent as text with their types (TEXT, BIGINT, DOUBLE
// PRECISION) so prepared statements never guess int4. Every connection runs
// with synchronous_commit on: a committed transaction is durable.
#pragma once

#include <memory>
#include <string>

#include "server/store/storage.h"

namespace ankang::server {

// "?" and "?N" outside quotes become "$n" (exposed for tests).
std::string PgPlaceholders(const std::string& sql);

// Opens (creating the schema if needed, same migrations as SQLite) a
// PostgreSQL database. Throws StorageError when it cannot connect or migrate.
std::unique_ptr<Storage> OpenPostgresStorage(const std::string& conninfo);

}  // namespace ankang::server
