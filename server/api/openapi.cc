// The text of server/api/openapi.json, compiled in (server/embed_file.cmake).
#include "server/api/openapi.h"

#include <string_view>

namespace ankang::server {
namespace {
#include "openapi_embedded.inc"
}  // namespace

std::string_view OpenApiJson() { return kOpenApiJson; }

}  // namespace ankang::server
