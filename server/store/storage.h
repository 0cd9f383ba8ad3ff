// The database behind one interface (SPEC §6). The server speaks rows, never
// SQL. Storage is the sum of one narrow interface per aggregate (persons,
// authority data, accounts and sessions, venues, audit), each with its rows in
// its own header, plus what spans them all: transactions, the schema version,
// retention. OpenSqliteStorage (sqlite.h) and OpenPostgresStorage
// (postgres.h) implement it on the same portable schema (migrations.h).
//
// Failures of the database itself throw StorageError (the HTTP layer answers
// 500 "internal"); expected outcomes (not found, duplicate) are return values.
// All methods are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "server/store/account_store.h"
#include "server/store/audit_store.h"
#include "server/store/authority_store.h"
#include "server/store/person_store.h"
#include "server/store/venue_store.h"

namespace ankang::server {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Storage : public PersonStore,
                public AuthorityStore,
                public AccountStore,
                public VenueStore,
                public AuditStore {
 public:
  ~Storage() override = default;

  // Runs fn inside one transaction: all of it is committed (durably) or none.
  // Nested calls join the outer transaction. Exceptions roll back and propagate.
  virtual void Transaction(const std::function<void()>& fn) = 0;
  // The number of migrations applied (migrations.h).
  virtual int SchemaVersion() = 0;
  // "ok" or the integrity checker's first complaint.
  virtual std::string IntegrityCheck() = 0;

  // Retention: deletes declarations, check-ins, visits and OTP sends made
  // before `before`, and one-time codes and sessions expired by then; returns
  // the number of rows deleted.
  virtual int64_t PurgeBefore(int64_t before) = 0;
  // Deletes every row of personal and operational data; kept are the schema,
  // staff and their regions, rule sets, trusted issuers and signing-key metadata.
  virtual void WipeAll() = 0;

  // Rows this process may reuse instead of reading them again (store/row_cache.h):
  // sessions, staff and guardianships for `access_ms`, persons for `persons_ms`
  // (0: never). Writes through this Storage are seen by the next read; other
  // processes' writes once that time has passed. Default: nothing is kept.
  virtual void SetReadCache(int64_t access_ms, int64_t persons_ms) {
    (void)access_ms;
    (void)persons_ms;
  }
};

}  // namespace ankang::server
