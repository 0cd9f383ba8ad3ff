// The schema as ordered migrations, in SQL that SQLite and PostgreSQL both
// run unchanged. A database records each applied version in schema_version;
// opening one applies the missing migrations in order, each in a transaction.
#pragma once

#include <string>
#include <vector>

namespace ankang::server {

// Index i is schema version i+1. A shipped migration is never edited; a
// change of schema is a new migration appended at the end.
const std::vector<std::string>& Migrations();

}  // namespace ankang::server
