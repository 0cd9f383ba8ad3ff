// The audit log: who did what to which ids. Rows are added, never changed;
// targets and details carry ids, never personal data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ankang::server {

struct AuditRow {
  std::string id;
  int64_t at = 0;
  std::string actor;   // "staff:<username>", "account:<id>", "system"
  std::string action;  // e.g. "risk_areas.put"
  std::string target;  // ids only, never personal data
  std::string detail;  // JSON text
};

struct AuditQuery {
  std::string actor;   // exact, e.g. "staff:admin"; "" = any
  std::string action;  // prefix, e.g. "risk_areas"; "" = any
  std::string target;  // exact; "" = any
  int64_t from = 0;    // inclusive; 0 = open
  int64_t to = 0;      // exclusive; 0 = open
  int limit = 100;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  virtual void AddAudit(const AuditRow& a) = 0;
  virtual std::vector<AuditRow> ListAudit(int limit) = 0;             // newest first
  virtual std::vector<AuditRow> QueryAudit(const AuditQuery& q) = 0;  // newest first
  // The times of one actor's entries of one action (exact) at or after
  // `since`, newest first, at most `limit`: for limits counted from the log
  // (index audit_log_actor).
  virtual std::vector<int64_t> AuditTimes(const std::string& actor, const std::string& action,
                                          int64_t since, int limit) = 0;
};

}  // namespace ankang::server
