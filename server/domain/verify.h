// Verification of a scanned code (POST /api/v1/verify), for our own tokens
// and for those of trusted issuers (互认), in one place: the token is parsed
// by the shared core, its Ed25519 signature checked by the crypto room, its
// expiry and (for our own residents) the current colour decide the answer.
#pragma once

#include <optional>
#include <string>

#include "server/app.h"
#include "shared/json.h"

namespace ankang::server {

// The verify answer for a QR text: "malformed", "bad_signature",
// "unknown_issuer", "bad_validity", "expired", "current" or "changed" (our
// resident's colour differs from the token's). A signed token's answer names
// its kind ("screen" or "offline": an offline code is valid until its own
// expiry, hours after the data behind it) and data_age_seconds, how old that
// data is. Another issuer's token is checked with the keys the admin
// registered for it, and its validity must be believable (ValidityProblem in
// shared/token.h); we hold none of its residents' data, so the token's colour
// is the answer.
Json VerifyQr(App& app, const std::string& qr);

// Checks a key list {"issuer"?, "keys":[{kid, x, not_before?, not_after?}]} (or the
// bare array); returns the normalised keys array, or an error text.
std::optional<Json> NormaliseKeys(const Json& keys_or_list, std::string* error);

}  // namespace ankang::server
