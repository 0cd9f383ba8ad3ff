// What a resident sees of their own sessions: a short device name taken from
// the User-Agent at log-in, and an id that names a session without being its
// token (a prefix of the token's hash).
#pragma once

#include <string>

#include "server/store/account_store.h"

namespace ankang::server {

// "WeChat on iPhone", "Chrome on Android", ...; "" for an empty User-Agent.
// At most 60 bytes; never the raw header.
std::string DeviceSummary(const std::string& user_agent);

// The public id of a session: the first 12 hex digits of its token hash.
std::string SessionId(const SessionRow& s);

}  // namespace ankang::server
