#include "server/api/routes.h"

namespace ankang::server {

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
  RegisterStaffRoutes(app);
  RegisterAuditRoutes(app);
  RegisterIssuerRoutes(app);
  RegisterAdminPersonRoutes(app);
}

}  // namespace ankang::server
