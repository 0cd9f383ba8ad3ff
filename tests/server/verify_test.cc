// Verification of other issuers' tokens (domain/verify.h): a trusted issuer's
// key vouches for the claims, but the validity they claim must be believable.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <climits>

#include "helpers.h"
#include "shared/token.h"

using namespace ankang::server;
using namespace ankang::server::testing;
using namespace ankang;

namespace {

// A trusted issuer "edge-city" with one Ed25519 key; Sign() makes its tokens.
struct ForeignIssuer {
  Bytes pk = Bytes(crypto_sign_PUBLICKEYBYTES);
  Bytes sk = Bytes(crypto_sign_SECRETKEYBYTES);
  ForeignIssuer() { crypto_sign_keypair(pk.data(), sk.data()); }
  std::string Sign(int64_t iat, int64_t exp) const {
    CodeClaims c;
    c.issuer = "edge-city";
    c.issued_at = iat;
    c.expires_at = exp;
    c.person_ref = "r1";
    c.color = Color::kGreen;
    c.name_masked = "李*";
    c.id_tail = "0011";
    return SignToken(c, "e1", [&](const Bytes& tbs) {
      Bytes sig(crypto_sign_BYTES);
      crypto_sign_detached(sig.data(), nullptr, tbs.data(), tbs.size(), sk.data());
      return sig;
    });
  }
};

}  // namespace

TEST_CASE("a trusted issuer's token must claim a believable validity", "[verify][edge]") {
  Options o;
  o.dev = true;
  auto app = NewApp(o);
  const ForeignIssuer other;
  const std::string admin = LoginStaff(*app, "admin");
  Answer added = Call(*app, "POST", "/api/v1/admin/issuers",
                      Json{{"issuer", "edge-city"},
                           {"keys", Json::array({{{"kid", "e1"}, {"x", Base64UrlEncode(other.pk)}}})}},
                      admin);
  REQUIRE(added.status == 201);
  const std::string ver = LoginStaff(*app, "verifier");
  auto verify = [&](const std::string& qr) {
    Answer a = Call(*app, "POST", "/api/v1/verify", Json{{"qr", qr}}, ver);
    REQUIRE(a.status == 200);
    return a.json;
  };
  const int64_t now = app->Now(), day = 86400;

  Json v = verify(other.Sign(now, now + 300));
  CHECK(v["status"] == "current");
  CHECK(v["valid"] == true);
  CHECK(verify(other.Sign(now, now + 14 * day))["status"] == "current");  // a paper code
  CHECK(verify(other.Sign(now - 2 * day, now - day))["status"] == "expired");

  // exp = INT64_MAX verified as valid (and overflowed FormatInstant on the way).
  v = verify(other.Sign(now, INT64_MAX));
  CHECK(v["status"] == "bad_validity");
  CHECK(v["valid"] == false);
  CHECK(v["valid_until"].is_null());
  CHECK(verify(other.Sign(INT64_MIN, INT64_MAX))["status"] == "bad_validity");
  CHECK(verify(other.Sign(now, now + 17 * day))["status"] == "bad_validity");  // too long
  CHECK(verify(other.Sign(now + 30 * day, now + 30 * day + 300))["status"] == "bad_validity");
  CHECK(verify(other.Sign(now, now - 1))["status"] == "bad_validity");  // before its issue
}

TEST_CASE("a key window of any value is read without overflow", "[verify][edge]") {
  Options o;
  o.dev = true;
  auto app = NewApp(o);
  const ForeignIssuer other;
  const std::string admin = LoginStaff(*app, "admin");
  const Json key = {{"kid", "e1"},
                    {"x", Base64UrlEncode(other.pk)},
                    {"not_before", INT64_MIN},
                    {"not_after", INT64_MAX}};
  REQUIRE(Call(*app, "POST", "/api/v1/admin/issuers",
               Json{{"issuer", "edge-city"}, {"keys", Json::array({key})}}, admin)
              .status == 201);
  const std::string ver = LoginStaff(*app, "verifier");
  const int64_t now = app->Now();
  CHECK(Call(*app, "POST", "/api/v1/verify", Json{{"qr", other.Sign(now, now + 300)}}, ver)
            .json["status"] == "current");
}
