// A resident's signed-in devices: list them, end one, or end all but the one
// in use. Sessions are named by SessionId (never the token).
#include "server/domain/sessions.h"

#include "server/api/routes.h"
#include "server/domain/write_behind.h"

namespace ankang::server {
namespace {

Response List(App& app, const Request& req) {
  app.write_behind->Flush();  // the "last seen" times queued by recent requests
  Json out = Json::array();
  for (const SessionRow& s : app.db->SessionsOf("resident", req.caller.subject_id)) {
    if (s.expires_at <= app.Now()) continue;
    out.push_back({{"id", SessionId(s)},
                   {"device", s.device},
                   {"created_at", app.Iso(s.created_at)},
                   {"last_seen_at", app.Iso(s.last_seen_at ? s.last_seen_at : s.created_at)},
                   {"expires_at", app.Iso(s.expires_at)},
                   {"current", s.token_hash == req.caller.token_hash}});
  }
  return JsonResponse(Status::kOk, {{"sessions", out}});
}

// Ends the caller's sessions that `which` selects; returns how many.
template <typename Pred>
int End(App& app, const Request& req, Pred which) {
  int n = 0;
  for (const SessionRow& s : app.db->SessionsOf("resident", req.caller.subject_id)) {
    if (!which(s)) continue;
    app.db->DeleteSession(s.token_hash);
    ++n;
  }
  if (n > 0) app.Audit(req.caller, "session.end", req.caller.subject_id, {{"ended", n}});
  return n;
}

Response EndOne(App& app, const Request& req) {
  const std::string id = req.Param("id");
  const int n = End(app, req, [&id](const SessionRow& s) { return SessionId(s) == id; });
  if (n == 0)
    return ErrorResponse(Status::kNotFound, "not_found", "No such session. 未找到此设备。");
  return JsonResponse(Status::kOk, {{"ended", n}});
}

Response EndOthers(App& app, const Request& req) {
  const std::string mine = req.caller.token_hash;
  const int n = End(app, req, [&mine](const SessionRow& s) { return s.token_hash != mine; });
  return JsonResponse(Status::kOk, {{"ended", n}});
}

}  // namespace

void RegisterSessionRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/me/sessions", kResident, List);
  r.Add("DELETE", "/api/v1/me/sessions/{id}", kResident, EndOne);
  r.Add("POST", "/api/v1/me/sessions/sign-out-others", kResident, EndOthers);
}

}  // namespace ankang::server
