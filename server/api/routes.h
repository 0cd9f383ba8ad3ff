// The API's routes, one Register function per resource (server/api/*.cc).
// RegisterAllRoutes() puts every one of them into App::router.
#pragma once

#include "server/app.h"

namespace ankang::server {

void RegisterPublicRoutes(App& app);
void RegisterAuthRoutes(App& app);
void RegisterResidentRoutes(App& app);
void RegisterVerifyRoutes(App& app);
void RegisterAdminRoutes(App& app);
void RegisterReviewRoutes(App& app);
void RegisterVenueRoutes(App& app);
void RegisterConsoleRoutes(App& app);
void RegisterAllRoutes(App& app);

}  // namespace ankang::server
