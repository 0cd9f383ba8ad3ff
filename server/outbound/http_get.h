// A small HTTP client for the services the server calls: other issuers' key
// lists (GET) and the SMS gateway (POST). curl spawned without a shell, with a
// time limit, no redirects and at most 256 KiB of answer; the POST body goes
// through curl's standard input, never its command line (a phone number or a
// code must not show in the process list).
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace ankang::server {

// GET of an http(s):// URL with a time limit (curl, no redirects, ≤ 256 KiB);
// nullopt on any failure or an error answer. Used to fetch another issuer's key list.
std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error);

// POST of a JSON body to an http(s):// URL, waiting at most timeout_ms for the
// answer. True on a 2xx answer; else false with *error ("timed out", "cannot
// reach ...", "answered 500", "cancelled"). When `cancel` becomes true the
// request is abandoned within 0.1 s.
bool HttpPostJson(const std::string& url, const std::string& json, int timeout_ms,
                  std::string* error, const std::atomic<bool>* cancel = nullptr);

}  // namespace ankang::server
