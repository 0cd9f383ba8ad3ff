// The audit log search and the statistics of codes by colour (current, per
// day, per region). Reading either is itself audited.
#include <algorithm>

#include "server/api/routes.h"
#include "server/domain/write_behind.h"
#include "shared/regions.h"

namespace ankang::server {
namespace {

Response Statistics(App& app, const Request& req) {
  int days = 14;
  try {
    if (!req.Query("days").empty()) days = std::clamp(std::stoi(req.Query("days")), 1, 366);
  } catch (...) {
  }
  app.write_behind->Flush();  // the codes shown until now count
  const Date today = app.Today();
  const Date first = AddDays(today, -(days - 1));
  std::map<std::string, Json> by_day;
  for (int i = 0; i < days; ++i) {
    const std::string d = FormatDate(AddDays(first, i));
    by_day[d] = {{"date", d}, {"green", 0}, {"yellow", 0}, {"gray", 0}, {"red", 0}};
  }
  for (const ColorCount& c : app.db->ColorsByDay(FormatDate(first))) {
    auto it = by_day.find(c.key);
    if (it != by_day.end() && it->second.contains(c.color)) it->second[c.color] = c.count;
  }
  Json day_arr = Json::array();
  for (auto& [d, j] : by_day) day_arr.push_back(j);
  std::map<std::string, Json> by_region;
  Json current = {{"green", 0}, {"yellow", 0}, {"gray", 0}, {"red", 0}};
  for (const ColorCount& c : app.db->ColorsByRegion()) {
    auto& j = by_region[c.key];
    if (j.is_null()) {
      const Region* r = FindRegion(c.key);
      j = {{"region", c.key}, {"name", r ? r->name : ""}, {"green", 0}, {"yellow", 0}, {"gray", 0},
           {"red", 0}};
    }
    if (j.contains(c.color)) {
      j[c.color] = c.count;
      current[c.color] = current[c.color].get<int64_t>() + c.count;
    }
  }
  Json region_arr = Json::array();
  for (auto& [r, j] : by_region) region_arr.push_back(j);
  app.Audit(req.caller, "statistics.read", "");
  return JsonResponse(Status::kOk, {{"days", days},
                                    {"current", current},
                                    {"by_day", day_arr},
                                    {"by_region", region_arr},
                                    {"declarations", app.db->CountDeclarations()},
                                    {"at", app.Iso(app.Now())}});
}

// GET /api/v1/admin/audit-log?actor=&action=&target=&from=&to=&limit=
Response AuditLog(App& app, const Request& req) {
  app.write_behind->Flush();  // audit entries queued by code displays (review auto-issue)
  AuditQuery q;
  q.actor = req.Query("actor");
  if (!q.actor.empty() && q.actor.find(':') == std::string::npos) q.actor = "staff:" + q.actor;
  q.action = req.Query("action");
  q.target = req.Query("target");
  if (auto t = ParseInstant(req.Query("from"))) q.from = t->unix_seconds;
  if (auto t = ParseInstant(req.Query("to"))) q.to = t->unix_seconds;
  try {
    if (!req.Query("limit").empty()) q.limit = std::clamp(std::stoi(req.Query("limit")), 1, 1000);
  } catch (...) {
  }
  Json out = Json::array();
  for (const AuditRow& a : app.db->QueryAudit(q)) {
    out.push_back({{"at", app.Iso(a.at)},
                   {"actor", a.actor},
                   {"action", a.action},
                   {"target", a.target},
                   {"detail", a.detail}});
  }
  // Reading the audit log is itself audited, but after the query (it is not its own answer).
  app.Audit(req.caller, "audit.read", "", {{"actor", q.actor}, {"action", q.action}});
  return JsonResponse(Status::kOk, {{"entries", out}});
}

}  // namespace

void RegisterAuditRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/statistics", kAdmin, Statistics);
  r.Add("GET", "/api/v1/admin/audit-log", kAdmin, AuditLog);
}

}  // namespace ankang::server
