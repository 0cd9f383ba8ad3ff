// What a resident sees of their own sessions: a short device name taken from
// the User-Agent at log-in, and an id that names a session without being its
// token (a prefix of the token's hash).
//
// Device sessions. A browser that signs in with "cookie": true gets its
// session in an HttpOnly, SameSite=Strict cookie (Secure behind https) instead
// of in the answer, so no script ever reads it: ankang_session for a resident,
// ankang_staff for a staff device. The cookie is used only on requests that
// carry X-Ankang-Session: resident|staff and no Authorization header (a header
// no cross-site form or link can send). A resident's device session, and a
// verifier's, end after --device-session-days / --verifier-device-days unused
// (each use moves the end on); other staff sessions keep their fixed length.
// Every session is a row of its own: listed and ended like any other.
#pragma once

#include <cstdint>
#include <string>

#include "server/http/request.h"
#include "server/options.h"
#include "server/store/account_store.h"

namespace ankang::server {

// "WeChat on iPhone", "Chrome on Android", ...; "" for an empty User-Agent.
// At most 60 bytes; never the raw header.
std::string DeviceSummary(const std::string& user_agent);

// The public id of a session: the first 12 hex digits of its token hash.
std::string SessionId(const SessionRow& s);

// The session kind ("resident" or "staff") a request's X-Ankang-Session
// header names; "" for none or anything else.
std::string CookieSessionKind(const Request& req);
// The cookie that holds a device session of `kind`.
const char* SessionCookieName(const std::string& kind);
// The token in the request's device-session cookie (the kind its header
// names), or "" when it has none or carries an Authorization header.
std::string CookieSessionToken(const Request& req);
// The value of cookie `name` in a Cookie header; "" when absent.
std::string CookieValue(const std::string& cookie_header, const std::string& name);
// A Set-Cookie value for a device session of `kind`; an empty token deletes
// the cookie. Secure when the request came over https (X-Forwarded-Proto).
std::string SessionSetCookie(const Request& req, const std::string& kind, const std::string& token);

// How long a device session of s's kind and role may go unused: 0 when it
// keeps a fixed end (staff other than verifiers).
int64_t DeviceIdleSeconds(const Options& o, const std::string& kind, const std::string& role);

}  // namespace ankang::server
