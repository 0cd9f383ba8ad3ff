// The OpenAPI 3.1 description of every route (server/api/openapi.json, embedded
// at build time), served at GET /api/v1/openapi.json. tests/server/openapi_test.cc
// holds it against the route table.
#pragma once

#include <string_view>

namespace ankang::server {

// The document's text (JSON), as committed.
std::string_view OpenApiJson();

}  // namespace ankang::server
