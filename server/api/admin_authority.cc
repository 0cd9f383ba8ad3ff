// Authority data (防控管理): risk areas (set in full or imported as CSV), the
// case list (one person or a CSV import), the regions whose declarations need
// an issuer's review, and the region search behind the pickers. Every import
// recolours the persons it can reach (a background job, answered with its
// counts when it ends within --recolour-wait-ms) and is audited (ids only).
#include <algorithm>
#include <mutex>

#include "server/api/csv.h"
#include "server/api/routes.h"
#include "server/domain/persons.h"
#include "server/domain/recolour.h"
#include "server/domain/recolour_jobs.h"
#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

Response GetRiskAreas(App& app, const Request&) {
  Json arr = Json::array();
  for (const auto& [region, level] : app.db->RiskAreas()) {
    arr.push_back({{"region", region}, {"level", level}, {"name", RegionPath(region)}});
  }
  return JsonResponse(Status::kOk, {{"areas", arr}});
}

Response PutRiskAreas(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("areas") || !(*body)["areas"].is_array()) {
    return FieldErrors(
        Json::array({FieldErrorJson("areas", "required", "array of {region, level}")}));
  }
  Json errors = Json::array();
  std::map<std::string, std::string> areas;
  const Json& list = (*body)["areas"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string f = "areas[" + std::to_string(i) + "]";
    const std::string region = StrField(list[i], "region");
    const std::string level = StrField(list[i], "level");
    if (!IsKnownRegion(region))
      errors.push_back(FieldErrorJson(f + ".region", "bad_region", SafeEcho(region)));
    if (level != "high" && level != "medium" && level != "low") {
      errors.push_back(FieldErrorJson(f + ".level", "not_allowed", "high, medium or low"));
    }
    areas[region] = level;
  }
  if (!errors.empty()) return FieldErrors(errors);
  app.db->ReplaceRiskAreas(areas, app.Now());
  app.authority.Invalidate();
  app.Audit(req.caller, "risk_areas.put", "", {{"count", areas.size()}});
  return GetRiskAreas(app, req);
}

const std::vector<std::string>& CaseStatuses() {
  static const std::vector<std::string> k = {"confirmed",     "suspected", "asymptomatic",
                                             "close_contact", "recovered", "cleared",
                                             "falsified"};
  return k;
}

Response PutCaseStatus(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::vector<std::string>& kStatuses = CaseStatuses();
  Json errors = Json::array();
  const std::string id_type = StrField(*body, "id_type");
  auto type = IdTypeFromString(id_type);
  std::string id_number;
  if (!type) {
    errors.push_back(FieldErrorJson("id_type", "not_allowed", "resident_id, passport, ..."));
  } else {
    std::string code = CheckIdNumber(*type, StrField(*body, "id_number"), app.Today(), &id_number);
    if (!code.empty()) errors.push_back(FieldErrorJson("id_number", code, "invalid ID number"));
  }
  const std::string status = StrField(*body, "status");
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    errors.push_back(FieldErrorJson("status", "not_allowed", "confirmed, suspected, ..."));
  }
  const std::string since = StrField(*body, "since");
  if (!since.empty() && !ParseDate(since)) {
    errors.push_back(FieldErrorJson("since", "bad_date", "YYYY-MM-DD"));
  }
  if (!errors.empty()) return FieldErrors(errors);
  CaseRow c{IdHmac(app, id_type, id_number), status, since, app.Now(), req.caller.username};
  app.db->PutCaseStatus(c);
  auto person = app.db->FindPersonByIdHmac(c.id_hmac);
  app.Audit(req.caller, "case_status.put", person ? person->id : "", {{"status", status}});
  return JsonResponse(Status::kOk, {{"status", status},
                                    {"since", since},
                                    {"id_masked", MaskIdNumber(id_number)},
                                    {"person_known", person.has_value()}});
}

Response GetReviewRegions(App& app, const Request&) {
  return JsonResponse(Status::kOk, {{"regions", app.db->ReviewRegions()},
                                    {"review_enabled", app.CurrentRules()->review}});
}

Response PutReviewRegions(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("regions") || !(*body)["regions"].is_array()) {
    return FieldErrors(
        Json::array({FieldErrorJson("regions", "required", "array of region codes")}));
  }
  std::vector<std::string> regions;
  Json errors = Json::array();
  const Json& list = (*body)["regions"];
  for (size_t i = 0; i < list.size(); ++i) {
    std::string r = list[i].is_string() ? list[i].get<std::string>() : "";
    if (!IsKnownRegion(r)) {
      errors.push_back(
          FieldErrorJson("regions[" + std::to_string(i) + "]", "bad_region", SafeEcho(r)));
    }
    regions.push_back(r);
  }
  if (!errors.empty()) return FieldErrors(errors);
  app.db->ReplaceReviewRegions(regions);
  app.authority.Invalidate();
  app.Audit(req.caller, "review_regions.put", "", {{"regions", regions}});
  return GetReviewRegions(app, req);
}

// The answer to an import whose recolouring is `job` ("": nothing to
// recolour): 200 with the counts when the job finished within
// --recolour-wait-ms, else 202 with its progress (GET /admin/recolour-jobs/{id}).
Response ImportAnswer(App& app, const Request& req, const std::string& action, int64_t accepted,
                      Json errors, const std::string& job) {
  Json out = {{"accepted", accepted}, {"errors", std::move(errors)}};
  std::optional<RecolourJob> j;
  if (!job.empty()) j = app.recolour_jobs->Wait(job, app.opts.recolour_wait_ms);
  const bool finished = job.empty() || (j && j->state == "finished");
  Json audit = {{"accepted", accepted}, {"errors", out["errors"].size()}};
  if (finished) {
    const Recolour rc = j ? j->counts : Recolour{};
    out["recolored"] = rc.changed;
    out["rescored"] = rc.total;
    out["transitions"] = ToJson(rc)["transitions"];
    audit["recolored"] = rc.changed;
  }
  if (!job.empty()) {
    out["job"] = j ? ToJson(app, *j) : Json{{"job_id", job}};
    audit["job"] = job;
  }
  app.Audit(req.caller, action, "", audit);
  return JsonResponse(finished ? Status::kOk : Status::kAccepted, out);
}

// POST /api/v1/admin/risk-areas/import {"csv":"region,level\n...","first_line":1}
Response ImportRiskAreas(App& app, const Request& req) {
  Response err;
  auto chunk = ReadCsv(req, &err);
  if (!chunk) return err;
  Json errors = Json::array();
  std::map<std::string, std::string> updates;
  int64_t accepted = 0;
  ForEachRecord(*chunk, "region", &errors, [&](int64_t line, const std::vector<std::string>& f) {
    if (f.size() != 2) {
      errors.push_back(LineError(line, "bad_format", "expected 2 fields: region,level"));
      return;
    }
    std::string level = f[1];
    std::transform(level.begin(), level.end(), level.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (!IsKnownRegion(f[0])) {
      errors.push_back(LineError(line, "bad_region", "unknown GB/T 2260 code: " + SafeEcho(f[0])));
    } else if (level != "high" && level != "medium" && level != "low") {
      errors.push_back(LineError(line, "bad_level", "level must be high, medium or low"));
    } else {
      updates[f[0]] = level;  // a later line for the same region wins
      ++accepted;
    }
  });
  std::string job;
  if (!updates.empty()) {
    static std::mutex importing;  // each import's "before" is the previous one's "after"
    std::lock_guard<std::mutex> l(importing);
    const std::map<std::string, std::string> old_areas = app.db->RiskAreas();
    std::map<std::string, std::string> areas = old_areas;
    for (const auto& [region, level] : updates) {
      if (level == "low") {
        areas.erase(region);
      } else {
        areas[region] = level;
      }
    }
    app.db->ReplaceRiskAreas(areas, app.Now());
    app.authority.Invalidate();
    // Only those living in or having travelled to a region whose level changed.
    job = app.recolour_jobs->AfterRiskAreas(old_areas, std::move(areas),
                                            std::to_string(updates.size()) + " regions");
  }
  return ImportAnswer(app, req, "risk_areas.import", accepted, std::move(errors), job);
}

// POST /api/v1/admin/case-status/import {"csv":"id_type,id_number,status,since\n..."}
Response ImportCaseStatus(App& app, const Request& req) {
  Response err;
  auto chunk = ReadCsv(req, &err);
  if (!chunk) return err;
  Json errors = Json::array();
  std::vector<CaseRow> rows;
  ForEachRecord(*chunk, "id_type", &errors, [&](int64_t line, const std::vector<std::string>& f) {
    if (f.size() != 3 && f.size() != 4) {
      errors.push_back(LineError(line, "bad_format", "expected id_type,id_number,status,since"));
      return;
    }
    auto type = IdTypeFromString(f[0]);
    if (!type) {
      errors.push_back(LineError(line, "bad_id_type", "unknown id_type: " + SafeEcho(f[0])));
      return;
    }
    std::string id_number;
    const std::string code = CheckIdNumber(*type, f[1], app.Today(), &id_number);
    if (!code.empty()) {
      // Never echo the ID number back: the report may be shared.
      errors.push_back(LineError(line, code, "invalid ID number " + MaskIdNumber(f[1])));
      return;
    }
    const auto& st = CaseStatuses();
    if (std::find(st.begin(), st.end(), f[2]) == st.end()) {
      errors.push_back(LineError(line, "bad_status", "unknown status: " + SafeEcho(f[2])));
      return;
    }
    const std::string since = f.size() == 4 ? f[3] : "";
    if (!since.empty() && !ParseDate(since)) {
      errors.push_back(LineError(line, "bad_date", "since must be YYYY-MM-DD"));
      return;
    }
    rows.push_back(
        CaseRow{IdHmac(app, f[0], id_number), f[2], since, app.Now(), req.caller.username});
  });
  std::string job;
  if (!rows.empty()) {
    static std::mutex importing;  // each import's "before" is the previous one's "after"
    std::lock_guard<std::mutex> l(importing);
    RecolourJobs::Cases before, after;
    for (const CaseRow& c : rows) {
      if (!before.count(c.id_hmac)) before[c.id_hmac] = app.db->GetCaseStatus(c.id_hmac);
      after[c.id_hmac] = c;  // a later line for the same ID wins, as in the table
    }
    app.db->Transaction([&] {
      for (const CaseRow& c : rows) app.db->PutCaseStatus(c);
    });
    job = app.recolour_jobs->AfterCaseStatus(std::move(before), std::move(after),
                                             std::to_string(rows.size()) + " IDs");
  }
  return ImportAnswer(app, req, "case_status.import", static_cast<int64_t>(rows.size()),
                      std::move(errors), job);
}

// GET /api/v1/admin/regions?q=370102|历下 -> matching regions with their risk level.
Response SearchRegions(App& app, const Request& req) {
  const std::string q = Trim(req.Query("q"));
  const auto risk = app.db->RiskAreas();
  Json out = Json::array();
  auto add = [&](const std::string& code) {
    auto it = risk.find(code);
    out.push_back({{"region", code},
                   {"name", RegionPath(code)},
                   {"level", it == risk.end() ? "low" : it->second}});
  };
  if (q.empty()) {
    for (const auto& [code, level] : risk) add(code);
  } else {
    // One pass over the table, already sorted by code (a walk down the tree
    // scanned the whole table again for every node's children).
    const Region* all = AllRegions();
    for (size_t i = 0; i < RegionCount() && out.size() < 50; ++i) {
      const std::string code = all[i].code;
      if (code.rfind(q, 0) == 0 || std::string(all[i].name).find(q) != std::string::npos) add(code);
    }
  }
  return JsonResponse(Status::kOk, {{"areas", out}});
}

}  // namespace

void RegisterAuthorityRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/risk-areas", kAdmin, GetRiskAreas);
  r.Add("PUT", "/api/v1/admin/risk-areas", kAdmin, PutRiskAreas);
  r.Add("PUT", "/api/v1/admin/case-status", kAdmin, PutCaseStatus);
  r.Add("GET", "/api/v1/admin/review-regions", kAdmin, GetReviewRegions);
  r.Add("PUT", "/api/v1/admin/review-regions", kAdmin, PutReviewRegions);
  r.Add("GET", "/api/v1/admin/regions", kAdmin, SearchRegions);
  // A chunk (up to 64 KiB: validation, keyed hashes, one transaction, the wait
  // for its recolouring) runs on the import pool, never on an HTTP worker.
  auto on_pool = [](Handler h) {
    return [h](App& app, const Request& req) {
      return app.import_pool->Run([h, &app, req] { return h(app, req); });
    };
  };
  r.Add("POST", "/api/v1/admin/risk-areas/import", kAdmin, on_pool(ImportRiskAreas));
  r.Add("POST", "/api/v1/admin/case-status/import", kAdmin, on_pool(ImportCaseStatus));
}

}  // namespace ankang::server
