// TOTP second factor (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, as
// authenticator apps expect), all through liboath; secrets are random bytes
// from libsodium, shown to people as base32 and an otpauth:// URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/token.h"

namespace ankang::server {

constexpr int kTotpStepSeconds = 30;
constexpr int kTotpDigits = 6;

// 20 random bytes (160 bits, RFC 4226's recommended length).
Bytes NewTotpSecret();
// RFC 4648 base32 without padding (what authenticator apps take), and back;
// decoding ignores case and spaces, nullopt on anything else.
std::string TotpBase32(const Bytes& secret);
std::optional<Bytes> TotpSecretFromBase32(std::string_view text);
// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string TotpUri(std::string_view issuer, std::string_view account, const Bytes& secret);
// The code of `secret` at unix time `at`.
std::string TotpCode(const Bytes& secret, int64_t at);
// The time step (at / 30) of `code` when it is the code of `secret` at `now`
// or one step before or after (clock drift); nullopt otherwise.
std::optional<int64_t> TotpStep(const Bytes& secret, int64_t now, std::string_view code);

}  // namespace ankang::server
