// The health code token (SPEC §4): "AK1:" + Base45(COSE_Sign1) with an
// EdDSA/Ed25519 signature and a key id. The core builds the bytes to be signed
// and assembles / parses tokens; the signature itself is made and checked by a
// primitive passed in (libsodium on the server, a JS library in the browser).
// No cryptography here. Never throws.
//
// Wire format (deterministic CBOR, shortest-form heads, definite lengths):
//   token     = "AK1:" Base45( 18([ bstr(protected), {}, bstr(claims), bstr(sig 64) ]) )
//   protected = {1: -8, 4: bstr(kid)}                          (exactly these two)
//   claims    = {1: iss text, 6: iat int, 4: exp int,          (CWT, RFC 8392)
//                "p": person_ref text, "c": colour uint,       (private claims:
//                "n": name_masked text, "t": id_tail text,      one-letter text keys,
//                ? "k": kind uint}                                2 bytes each vs 3 for -260..)
//   colour    = 0 green, 1 gray, 2 yellow, 3 red (= Color's values).
//   kind      = absent for a screen (or paper) code; 1 for an offline code. An
//               offline code is shown while the phone has no network: it lasts
//               hours, not minutes, and its issued-at is the time of the data
//               behind it, which the verifier shows. 0 is never written (one
//               encoding per token).
// ParseToken accepts exactly this: every required claim present once, no
// unknown keys, an empty unprotected map, valid UTF-8, no trailing bytes. A new
// format gets a new prefix. nlohmann/json is not used: its CBOR reader rejects
// integer keys. A typical token is about 240 characters (an offline one 5 more):
// QR version 10-M in alphanumeric mode.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/color.h"

namespace ankang {

using Bytes = std::vector<uint8_t>;

// RFC 9285 Base45.
std::string Base45Encode(const Bytes& data);
// false on any character outside the alphabet, a dangling single char, or a value overflow.
bool Base45Decode(std::string_view text, Bytes* out);

// What a token is for. A screen token lasts minutes and is refreshed while the
// phone is online; an offline token is fetched beside it now and then and shown
// when the phone is offline.
enum class TokenKind { kScreen = 0, kOffline = 1 };
const char* ToString(TokenKind k);  // "screen", "offline"

struct CodeClaims {
  std::string issuer;      // issuer id, e.g. "ankang-local"
  int64_t issued_at = 0;   // Unix seconds
  int64_t expires_at = 0;  // Unix seconds
  std::string person_ref;  // opaque random reference, never the ID number
  Color color = Color::kGreen;
  std::string name_masked;  // 张*三
  std::string id_tail;      // last 4 of the ID number
  TokenKind kind = TokenKind::kScreen;
};

// COSE_Sign1 parts. protected_header = bstr(CBOR {1: -8 (EdDSA), 4: kid}).
struct SignInput {
  Bytes protected_header;
  Bytes payload;       // CBOR claims map
  Bytes to_be_signed;  // Sig_structure ["Signature1", protected, b"", payload]
};

SignInput PrepareToken(const CodeClaims& claims, const std::string& kid);
// "AK1:" + Base45(CBOR tag 18 [protected, {}, payload, signature]).
std::string AssembleToken(const SignInput& in, const Bytes& signature);

// The signing primitive: to_be_signed -> 64-byte signature.
using Signer = std::function<Bytes(const Bytes& to_be_signed)>;
std::string SignToken(const CodeClaims& claims, const std::string& kid, const Signer& sign);

struct ParsedToken {
  bool ok = false;
  std::string error;  // "" when ok; else why the token is malformed
  std::string kid;
  int alg = 0;  // COSE alg (-8 = EdDSA)
  CodeClaims claims;
  Bytes to_be_signed;  // rebuilt Sig_structure, for the verifier
  Bytes signature;
};
// Parses "AK1:..." (prefix required). ok=false for anything malformed.
ParsedToken ParseToken(std::string_view qr);

// Whether a token's claimed validity is believable at `now`: "" when it is,
// else why not. A trusted issuer's key vouches for the claims, not for how long
// the issuer made them last: refused are an expiry before the issue time, a
// validity longer than max_validity_seconds, and an expiry more than
// max_validity_seconds after now. No overflow whatever the claims.
std::string ValidityProblem(const CodeClaims& claims, int64_t now, int64_t max_validity_seconds);

// Base64url without padding (keys in /api/v1/keys are JWK-style "x").
std::string Base64UrlEncode(const Bytes& data);
bool Base64UrlDecode(std::string_view text, Bytes* out);

}  // namespace ankang
