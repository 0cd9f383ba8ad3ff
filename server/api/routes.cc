#include "server/api/routes.h"

namespace ankang::server {

void RegisterAllRoutes(App& app) {
  RegisterPublicRoutes(app);
  RegisterAuthRoutes(app);
  RegisterResidentRoutes(app);
  RegisterVerifyRoutes(app);
  RegisterAdminRoutes(app);
  RegisterReviewRoutes(app);
  RegisterVenueRoutes(app);
  RegisterConsoleRoutes(app);
}

}  // namespace ankang::server
