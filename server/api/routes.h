// The API's routes, one Register function per resource (server/api/*.cc).
// RegisterAllRoutes() puts every one of them into App::router.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/app.h"

namespace ankang::server {

// Who may call a route (besides kAnyone and kAuthenticated in router.h).
inline const std::vector<std::string> kResident = {"resident"};
inline const std::vector<std::string> kAdmin = {"admin"};
inline const std::vector<std::string> kVerifiers = {"verifier", "admin"};
inline const std::vector<std::string> kIssuer = {"issuer", "admin"};
inline const std::vector<std::string> kVenueStaff = {"venue", "admin"};

// The body of a decision: a JSON object whose "decision" is one of `allowed`.
// nullopt with *err set (400 bad JSON, 422 another decision) otherwise.
std::optional<Json> ParseDecision(const Request& req, const std::vector<std::string>& allowed,
                                  Response* err);

void RegisterPublicRoutes(App& app);
void RegisterAuthRoutes(App& app);
void RegisterResidentRoutes(App& app);
void RegisterVerifyRoutes(App& app);
void RegisterReviewRoutes(App& app);
void RegisterVenueRoutes(App& app);
// Consent to join a person, its guardians, claims to an ID number, residents' sessions.
void RegisterJoinRequestRoutes(App& app);
void RegisterGuardianRoutes(App& app);
void RegisterClaimRoutes(App& app);
void RegisterSessionRoutes(App& app);
// The admin console, by concept (admin_*.cc).
void RegisterAuthorityRoutes(App& app);
void RegisterRuleSetRoutes(App& app);
void RegisterRecolourJobRoutes(App& app);
void RegisterStaffRoutes(App& app);
void RegisterAuditRoutes(App& app);
void RegisterIssuerRoutes(App& app);
void RegisterAdminPersonRoutes(App& app);
void RegisterAllRoutes(App& app);

}  // namespace ankang::server
