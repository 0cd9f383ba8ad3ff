// Recolouring jobs (domain/recolour_jobs.h): what an activation or an import
// left running in the background, with its progress, for the console to poll.
#include "server/api/routes.h"
#include "server/domain/recolour_jobs.h"

namespace ankang::server {
namespace {

// GET /api/v1/admin/recolour-jobs -> {"jobs": [newest first]}
Response ListJobs(App& app, const Request&) {
  Json out = Json::array();
  for (const RecolourJob& j : app.recolour_jobs->List()) out.push_back(ToJson(app, j));
  return JsonResponse(Status::kOk, {{"jobs", out}});
}

// GET /api/v1/admin/recolour-jobs/{id}
Response GetJob(App& app, const Request& req) {
  std::optional<RecolourJob> j = app.recolour_jobs->Get(req.Param("id"));
  if (!j)
    return ErrorResponse(Status::kNotFound, "not_found",
                         "No such job (jobs are kept in memory until a restart).");
  return JsonResponse(Status::kOk, ToJson(app, *j));
}

}  // namespace

void RegisterRecolourJobRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/recolour-jobs", kAdmin, ListJobs);
  r.Add("GET", "/api/v1/admin/recolour-jobs/{id}", kAdmin, GetJob);
}

}  // namespace ankang::server
