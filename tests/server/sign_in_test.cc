// The staff sign-in back-off (domain/sign_in.h) and the TOTP wrapper over
// liboath (crypto/totp.h), checked against RFC 6238's test vectors.
#include "server/domain/sign_in.h"

#include <catch2/catch.hpp>

#include "server/crypto/totp.h"

using namespace ankang::server;

namespace {

ankang::Bytes Rfc6238Secret() {
  const std::string s = "12345678901234567890";
  return ankang::Bytes(s.begin(), s.end());
}

}  // namespace

TEST_CASE("back-off: free failures, then doubling up to the maximum", "[sign_in]") {
  const BackoffPolicy p{5, 30, 3600, 86400};
  for (int f = 0; f < 5; ++f) CHECK(BackoffSeconds(f, p) == 0);
  CHECK(BackoffSeconds(5, p) == 30);
  CHECK(BackoffSeconds(6, p) == 60);
  CHECK(BackoffSeconds(7, p) == 120);
  CHECK(BackoffSeconds(11, p) == 1920);
  CHECK(BackoffSeconds(12, p) == 3600);
  CHECK(BackoffSeconds(1000000, p) == 3600);  // no overflow
  CHECK(BackoffSeconds(20, kAddressBackoff) == 30);
  CHECK(BackoffSeconds(19, kAddressBackoff) == 0);
}

TEST_CASE("back-off: a failure counts, locks and is forgotten when idle", "[sign_in]") {
  const BackoffPolicy p{5, 30, 3600, 86400};
  SignInFailureRow r{"user:x"};
  int64_t t = 1000;
  for (int i = 0; i < 4; ++i) r = AfterFailure(r, t++, p);
  CHECK(r.failures == 4);
  CHECK(RetryAfter(r, t) == 0);
  r = AfterFailure(r, t, p);  // the fifth
  CHECK(r.failures == 5);
  CHECK(r.locked_until == t + 30);
  CHECK(RetryAfter(r, t) == 30);
  CHECK(RetryAfter(r, t + 29) == 1);
  CHECK(RetryAfter(r, t + 30) == 0);
  r = AfterFailure(r, t + 30, p);  // the window grows
  CHECK(r.locked_until == t + 30 + 60);
  r = AfterFailure(r, t + 30 + 86400, p);  // a day idle: starts over
  CHECK(r.failures == 1);
  CHECK(r.locked_until == 0);
}

TEST_CASE("TOTP: RFC 6238 SHA-1 vectors (6 digits)", "[totp]") {
  const ankang::Bytes k = Rfc6238Secret();
  CHECK(TotpCode(k, 59) == "287082");
  CHECK(TotpCode(k, 1111111109) == "081804");
  CHECK(TotpCode(k, 1111111111) == "050471");
  CHECK(TotpCode(k, 1234567890) == "005924");
  CHECK(TotpCode(k, 2000000000) == "279037");
}

TEST_CASE("TOTP: a code is valid one step either side and names its step", "[totp]") {
  const ankang::Bytes k = NewTotpSecret();
  REQUIRE(k.size() == 20);
  const int64_t now = 1800000015;  // step 60000000, 15 s in
  const int64_t step = now / kTotpStepSeconds;
  CHECK(TotpStep(k, now, TotpCode(k, now)) == step);
  CHECK(TotpStep(k, now, TotpCode(k, now - 30)) == step - 1);
  CHECK(TotpStep(k, now, TotpCode(k, now + 30)) == step + 1);
  CHECK_FALSE(TotpStep(k, now, TotpCode(k, now - 90)).has_value());
  CHECK_FALSE(TotpStep(k, now, "12345").has_value());
  CHECK_FALSE(TotpStep(k, now, "abcdef").has_value());
  CHECK_FALSE(TotpStep(k, now, "").has_value());
}

TEST_CASE("TOTP: base32 round trip and the otpauth URL", "[totp]") {
  const ankang::Bytes k = Rfc6238Secret();
  const std::string b32 = TotpBase32(k);
  CHECK(b32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  CHECK(TotpSecretFromBase32(b32) == k);
  CHECK(TotpSecretFromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == k);
  CHECK_FALSE(TotpSecretFromBase32("not base32!").has_value());
  CHECK_FALSE(TotpSecretFromBase32("").has_value());
  const ankang::Bytes odd = NewTotpSecret();
  CHECK(TotpSecretFromBase32(TotpBase32(odd)) == odd);
  CHECK(TotpUri("ankang local", "root@x", k) ==
        "otpauth://totp/ankang%20local:root%40x?secret=" + b32 +
            "&issuer=ankang%20local&algorithm=SHA1&digits=6&period=30");
}
