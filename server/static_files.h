// The web pages (SPEC §7) from --web: content types (wasm as
// application/wasm), no way out of the folder, index.html for "/", the app
// paths /staff /admin /review /venue /v/{id} mapped to their html files.
#pragma once

#include <string>

#include "server/api.h"

namespace ankang::server {

// Content type for a file name by extension.
std::string ContentTypeFor(const std::string& path);
// A GET of `path` under web_dir: the file, or a 404 JSON answer.
Response ServeStatic(const std::string& web_dir, const std::string& path);

}  // namespace ankang::server
