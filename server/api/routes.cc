#include "server/api/routes.h"

namespace ankang::server {

std::optional<Json> ParseDecision(const Request& req, const std::vector<std::string>& allowed,
                                  Response* err) {
  auto body = ParseJsonObject(req, err);
  if (!body) return std::nullopt;
  const std::string decision = StrField(*body, "decision");
  std::string names;
  for (const std::string& a : allowed) {
    if (a == decision) return body;
    names += (names.empty() ? "" : " | ") + a;
  }
  *err = FieldErrors(Json::array({FieldErrorJson("decision", "not_allowed", names)}));
  return std::nullopt;
}

void RegisterAllRoutes(App& app) {
  RegisterPublicRoutes(app);
  RegisterAuthRoutes(app);
  RegisterResidentRoutes(app);
  RegisterVerifyRoutes(app);
  RegisterReviewRoutes(app);
  RegisterVenueRoutes(app);
  RegisterJoinRequestRoutes(app);
  RegisterGuardianRoutes(app);
  RegisterClaimRoutes(app);
  RegisterSessionRoutes(app);
  RegisterAuthorityRoutes(app);
  RegisterRuleSetRoutes(app);
  RegisterRecolourJobRoutes(app);
  RegisterStaffRoutes(app);
  RegisterAuditRoutes(app);
  RegisterIssuerRoutes(app);
  RegisterAdminPersonRoutes(app);
}

}  // namespace ankang::server
