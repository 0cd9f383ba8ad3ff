// Who may review whose declarations: admins everywhere, an issuer inside the
// community assigned to them.
#pragma once

#include <string>

#include "server/app.h"

namespace ankang::server {

// True when the caller may review declarations of a person living in `region`:
// admins always; an issuer when the region is inside the community assigned to
// them (PUT /api/v1/admin/staff/{id}/region), or anywhere if none is assigned.
bool MayReview(App& app, const Caller& caller, const std::string& region);

}  // namespace ankang::server
