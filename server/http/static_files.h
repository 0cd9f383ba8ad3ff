// The web pages (SPEC §7) from --web: content types (wasm as
// application/wasm), no way out of the folder, index.html for "/", the app
// paths /staff /admin /review /venue /v/{id} mapped to their html files.
// A file with a gzip twin NAME.gz (written by web/build.mjs) is sent as that
// twin with Content-Encoding: gzip when the request accepts gzip; every file
// carries an ETag and Last-Modified, and a matching If-None-Match gets a 304.
// Cache-Control: no-cache for html and service workers, a year (immutable)
// for content-hashed names, five minutes for the rest.
#pragma once

#include <string>

#include "server/http/request.h"

namespace ankang::server {

// Content type for a file name by extension.
std::string ContentTypeFor(const std::string& path);
// Whether a file of this name is worth sending gzip-compressed (text and wasm).
bool IsCompressible(const std::string& path);
// Whether an Accept-Encoding value accepts gzip ("gzip", "x-gzip" or "*" with q > 0).
bool AcceptsGzip(const std::string& accept_encoding);
// Cache-Control for a served file name.
std::string CacheControlFor(const std::string& path);

// A GET or HEAD of req.path under web_dir (headers used: accept-encoding,
// if-none-match): the file (or its gzip twin), a 304, or a 404 JSON answer.
Response ServeStatic(const std::string& web_dir, const Request& req);
// The same for a bare path, as a client that sends no headers.
Response ServeStatic(const std::string& web_dir, const std::string& path);

}  // namespace ankang::server
