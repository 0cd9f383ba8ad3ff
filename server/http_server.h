// The Pistache skin: turns Pistache requests into Request values, sends API
// paths to App::Handle and everything else to the static files, adds the
// security headers, enforces the body limit, writes the access log (route
// patterns, never personal data).
#pragma once

#include "server/app.h"

namespace ankang::server {

// Serves until SIGINT or SIGTERM; returns the process exit code.
int RunHttpServer(App& app);

// Handles one request the way the server does (API or static file), headers
// included; exposed for tests.
Response Dispatch(App& app, Request req);

}  // namespace ankang::server
