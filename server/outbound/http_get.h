// A small HTTP client for other issuers' key lists: curl spawned without a
// shell, with a time limit, no redirects and at most 256 KiB.
#pragma once

#include <optional>
#include <string>

namespace ankang::server {

// GET of an http(s):// URL with a time limit (curl, no redirects, ≤ 256 KiB);
// nullopt on any failure or an error answer. Used to fetch another issuer's key list.
std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error);

}  // namespace ankang::server
