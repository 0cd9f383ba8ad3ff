// Token format tests: RFC 9285 Base45 vectors, Base64url, the COSE_Sign1
// bytes, a libsodium Ed25519 round trip, tampering, and every class of
// malformed token ParseToken must reject.
#include "shared/token.h"

#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ankang {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string S(const Bytes& b) { return std::string(b.begin(), b.end()); }

// ---- an independent CBOR builder for crafting test inputs ----
Bytes H(int major, uint64_t v) {
  Bytes out;
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (v < 24) {
    out.push_back(m | static_cast<uint8_t>(v));
  } else if (v < 0x100) {
    out = {static_cast<uint8_t>(m | 24), static_cast<uint8_t>(v)};
  } else if (v < 0x10000) {
    out = {static_cast<uint8_t>(m | 25), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  } else {
    out = {static_cast<uint8_t>(m | 26)};
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  return out;
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes Int(int64_t v) { return v >= 0 ? H(0, v) : H(1, static_cast<uint64_t>(-(v + 1))); }
Bytes Bstr(const Bytes& b) { return Cat({H(2, b.size()), b}); }
Bytes Tstr(std::string_view s) { return Cat({H(3, s.size()), B(s)}); }

using Entries = std::vector<std::pair<Bytes, Bytes>>;
Bytes Map(const Entries& e) {
  Bytes out = H(5, e.size());
  for (const auto& kv : e) out = Cat({out, kv.first, kv.second});
  return out;
}

Entries GoodClaimEntries() {
  return {{Int(1), Tstr("ankang-local")}, {Int(6), Int(1795219200)}, {Int(4), Int(1795305600)},
          {Tstr("p"), Tstr("r_8Jx2kQ")},  {Tstr("c"), Int(2)},       {Tstr("n"), Tstr("张*三")},
          {Tstr("t"), Tstr("123X")}};
}
Bytes GoodProtected() { return Map({{Int(1), Int(-8)}, {Int(4), Bstr(B("k1"))}}); }
Bytes Sig64() { return Bytes(64, 0xab); }

Bytes Cose(const Bytes& prot, const Bytes& payload, const Bytes& sig) {
  return Cat({H(6, 18), H(4, 4), Bstr(prot), H(5, 0), Bstr(payload), Bstr(sig)});
}
std::string Tok(const Bytes& raw) { return "AK1:" + Base45Encode(raw); }

CodeClaims TypicalClaims() {
  CodeClaims c;
  c.issuer = "ankang-local";
  c.issued_at = 1795219200;                 // 2026-11-21T08:00:00+08:00
  c.expires_at = 1795219200 + 24 * 3600;    // a day later
  c.person_ref = "Zq3vN8yH1pLw0tRkXb7sUg";  // 16 random bytes, base64url
  c.color = Color::kYellow;
  c.name_masked = "欧阳*华";
  c.id_tail = "123X";
  return c;
}

struct Keys {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  Keys() {
    REQUIRE(sodium_init() >= 0);
    unsigned char seed[crypto_sign_SEEDBYTES];
    for (size_t i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
    crypto_sign_seed_keypair(pk, sk, seed);
  }
  Signer signer() const {
    return [this](const Bytes& m) {
      Bytes sig(crypto_sign_BYTES);
      crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), sk);
      return sig;
    };
  }
  bool Verify(const ParsedToken& t) const {
    return t.signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(t.signature.data(), t.to_be_signed.data(),
                                       t.to_be_signed.size(), pk) == 0;
  }
};

// ---- Base45 ----

TEST_CASE("Base45 encodes the RFC 9285 examples", "[base45]") {
  CHECK(Base45Encode(B("AB")) == "BB8");
  CHECK(Base45Encode(B("Hello!!")) == "%69 VD92EX0");
  CHECK(Base45Encode(B("base-45")) == "UJCLQE7W581");
  CHECK(Base45Encode(B("ietf!")) == "QED8WEX0");
  CHECK(Base45Encode(Bytes{}) == "");
}

TEST_CASE("Base45 decodes the RFC 9285 examples", "[base45]") {
  Bytes out;
  REQUIRE(Base45Decode("QED8WEX0", &out));
  CHECK(S(out) == "ietf!");
  REQUIRE(Base45Decode("BB8", &out));
  CHECK(S(out) == "AB");
  REQUIRE(Base45Decode("%69 VD92EX0", &out));
  CHECK(S(out) == "Hello!!");
  REQUIRE(Base45Decode("UJCLQE7W581", &out));
  CHECK(S(out) == "base-45");
  REQUIRE(Base45Decode("", &out));
  CHECK(out.empty());
}

TEST_CASE("Base45 rejects overflow, bad characters and dangling length", "[base45]") {
  Bytes out = B("untouched");
  CHECK_FALSE(Base45Decode("GGW", &out));  // 65535 + 1: the RFC's overflow example
  CHECK_FALSE(Base45Decode("::", &out));   // 44 + 44*45 = 2024 > 255 for a 2-char tail
  CHECK(Base45Decode("FGW", &out));        // 65535 is the largest triple
  CHECK(out == Bytes{0xff, 0xff});
  CHECK(Base45Decode("U5", &out));  // 255 is the largest pair
  CHECK(out == Bytes{0xff});
  CHECK_FALSE(Base45Decode("qed8wex0", &out));  // lower case is not in the alphabet
  CHECK_FALSE(Base45Decode("QED8WEX=", &out));
  CHECK_FALSE(Base45Decode(std::string_view("BB\0", 3), &out));
  CHECK_FALSE(Base45Decode("A", &out));     // 3k+1
  CHECK_FALSE(Base45Decode("BB8A", &out));  // 3k+1
  out = B("untouched");
  CHECK_FALSE(Base45Decode("BB8\xc3", &out));
  CHECK(S(out) == "untouched");  // failure leaves the output alone
}

TEST_CASE("Base45 round-trips every byte value and length", "[base45]") {
  for (size_t len = 0; len < 300; ++len) {
    Bytes in(len);
    for (size_t i = 0; i < len; ++i) in[i] = static_cast<uint8_t>(i * 37 + len);
    Bytes out;
    const std::string enc = Base45Encode(in);
    CHECK(enc.size() == len / 2 * 3 + (len % 2) * 2);
    REQUIRE(Base45Decode(enc, &out));
    REQUIRE(out == in);
  }
}

// ---- Base64url ----

TEST_CASE("Base64url without padding", "[token]") {
  // RFC 4648 §10 vectors, padding removed, plus the URL-safe characters.
  CHECK(Base64UrlEncode(B("")) == "");
  CHECK(Base64UrlEncode(B("f")) == "Zg");
  CHECK(Base64UrlEncode(B("fo")) == "Zm8");
  CHECK(Base64UrlEncode(B("foo")) == "Zm9v");
  CHECK(Base64UrlEncode(B("foob")) == "Zm9vYg");
  CHECK(Base64UrlEncode(B("fooba")) == "Zm9vYmE");
  CHECK(Base64UrlEncode(B("foobar")) == "Zm9vYmFy");
  CHECK(Base64UrlEncode(Bytes{0xfb, 0xff, 0xbf}) == "-_-_");
  Bytes out;
  REQUIRE(Base64UrlDecode("Zm9vYmE", &out));
  CHECK(S(out) == "fooba");
  REQUIRE(Base64UrlDecode("-_-_", &out));
  CHECK(out == (Bytes{0xfb, 0xff, 0xbf}));
  CHECK_FALSE(Base64UrlDecode("Zm9vYmE=", &out));  // padding
  CHECK_FALSE(Base64UrlDecode("+/+/", &out));      // standard alphabet
  CHECK_FALSE(Base64UrlDecode("Zm9vY", &out));     // 4k+1
  CHECK_FALSE(Base64UrlDecode("Zh", &out));        // non-zero leftover bits
  for (size_t len = 0; len < 70; ++len) {
    Bytes in(len);
    for (size_t i = 0; i < len; ++i) in[i] = static_cast<uint8_t>(255 - i * 11);
    REQUIRE(Base64UrlDecode(Base64UrlEncode(in), &out));
    REQUIRE(out == in);
  }
}

// ---- building tokens ----

TEST_CASE("PrepareToken emits the COSE protected header and Sig_structure bytes", "[token]") {
  CodeClaims c;
  c.issuer = "ankang-local";
  c.issued_at = 1795219200;
  c.expires_at = 1795305600;
  c.person_ref = "r_8Jx2kQ";
  c.color = Color::kYellow;
  c.name_masked = "张*三";
  c.id_tail = "123X";
  const SignInput in = PrepareToken(c, "k1");
  // {1: -8, 4: h'6b31'}
  CHECK(in.protected_header == (Bytes{0xa2, 0x01, 0x27, 0x04, 0x42, 'k', '1'}));
  CHECK(in.payload == Map(GoodClaimEntries()));
  // ["Signature1", protected, h'', payload] (RFC 9052 §4.4)
  CHECK(in.to_be_signed == Cat({Bytes{0x84, 0x6a}, B("Signature1"), Bstr(in.protected_header),
                                Bytes{0x40}, Bstr(in.payload)}));
  // tag 18, array of 4, empty unprotected map
  Bytes raw;
  const std::string tok = AssembleToken(in, Sig64());
  REQUIRE(tok.rfind("AK1:", 0) == 0);
  REQUIRE(Base45Decode(tok.substr(4), &raw));
  CHECK(raw == Cose(in.protected_header, in.payload, Sig64()));
  CHECK(raw[0] == 0xd2);
  CHECK(raw[1] == 0x84);
}

TEST_CASE("Token round trip with an Ed25519 signature from libsodium", "[token]") {
  const Keys keys;
  const CodeClaims c = TypicalClaims();
  const std::string tok = SignToken(c, "k20261121", keys.signer());
  const ParsedToken t = ParseToken(tok);
  REQUIRE(t.ok);
  CHECK(t.error.empty());
  CHECK(t.kid == "k20261121");
  CHECK(t.alg == -8);
  CHECK(t.claims.issuer == c.issuer);
  CHECK(t.claims.issued_at == c.issued_at);
  CHECK(t.claims.expires_at == c.expires_at);
  CHECK(t.claims.person_ref == c.person_ref);
  CHECK(t.claims.color == Color::kYellow);
  CHECK(t.claims.name_masked == c.name_masked);
  CHECK(t.claims.id_tail == c.id_tail);
  CHECK(t.to_be_signed == PrepareToken(c, "k20261121").to_be_signed);
  CHECK(keys.Verify(t));

  // Another key does not verify it.
  Keys other;
  other.pk[0] ^= 1;
  CHECK_FALSE(other.Verify(t));
}

TEST_CASE("Every colour and extreme times survive the round trip", "[token]") {
  const Keys keys;
  for (Color col : {Color::kGreen, Color::kGray, Color::kYellow, Color::kRed}) {
    for (int64_t when : {int64_t{0}, int64_t{-1}, int64_t{23}, int64_t{24}, int64_t{0xffff},
                         int64_t{0x10000}, int64_t{4102444800}, int64_t{-4102444800}}) {
      CodeClaims c = TypicalClaims();
      c.color = col;
      c.issued_at = when;
      c.expires_at = when + 1;
      c.id_tail = "";
      const ParsedToken t = ParseToken(SignToken(c, "k", keys.signer()));
      REQUIRE(t.ok);
      CHECK(t.claims.color == col);
      CHECK(t.claims.issued_at == when);
      CHECK(t.claims.expires_at == when + 1);
      CHECK(t.claims.id_tail.empty());
      CHECK(keys.Verify(t));
    }
  }
}

TEST_CASE("A typical token fits QR version 10-M in alphanumeric mode", "[token]") {
  const Keys keys;
  const std::string tok = SignToken(TypicalClaims(), "k20261121", keys.signer());
  CAPTURE(tok.size());
  CHECK(tok.size() <= 311);  // V10-M alphanumeric capacity
  // Every character is in the QR alphanumeric set, so the encoder can use that mode.
  for (char ch : tok) {
    const bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                       std::string_view(" $%*+-./:").find(ch) != std::string_view::npos;
    REQUIRE(alnum);
  }
}

TEST_CASE("An offline token carries its kind; a screen token is byte for byte as before",
          "[token]") {
  const Keys keys;
  CodeClaims c = TypicalClaims();
  const std::string screen = SignToken(c, "k20261121", keys.signer());
  c.kind = TokenKind::kOffline;
  const std::string offline = SignToken(c, "k20261121", keys.signer());
  CAPTURE(screen.size(), offline.size());
  CHECK(offline.size() <= 311);                // still V10-M
  CHECK(offline.size() - screen.size() <= 6);  // "k": 1 is 3 bytes
  const ParsedToken s = ParseToken(screen);
  const ParsedToken o = ParseToken(offline);
  REQUIRE(s.ok);
  REQUIRE(o.ok);
  CHECK(s.claims.kind == TokenKind::kScreen);
  CHECK(o.claims.kind == TokenKind::kOffline);
  CHECK(keys.Verify(o));
  CHECK(std::string(ToString(o.claims.kind)) == "offline");
  CHECK(std::string(ToString(s.claims.kind)) == "screen");
  // The screen payload has no "k" at all (verifiers of the old format read it).
  const SignInput in = PrepareToken(TypicalClaims(), "k1");
  CHECK(in.payload[0] == 0xa7);  // a map of 7
  CodeClaims oc = TypicalClaims();
  oc.kind = TokenKind::kOffline;
  CHECK(PrepareToken(oc, "k1").payload[0] == 0xa8);
  // The kind is signed: turning an offline token into a screen one breaks the signature.
  const ParsedToken again = ParseToken(offline);
  const SignInput stripped = PrepareToken(TypicalClaims(), "k20261121");
  const ParsedToken forged =
      ParseToken(Tok(Cose(stripped.protected_header, stripped.payload, again.signature)));
  REQUIRE(forged.ok);
  CHECK_FALSE(keys.Verify(forged));
}

TEST_CASE("Tampering with any byte of a signed token never yields a valid signature", "[token]") {
  const Keys keys;
  const std::string tok = SignToken(TypicalClaims(), "k1", keys.signer());
  Bytes raw;
  REQUIRE(Base45Decode(tok.substr(4), &raw));
  int parsed_but_rejected = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80}) {
      Bytes bad = raw;
      bad[i] ^= flip;
      const ParsedToken t = ParseToken(Tok(bad));
      if (t.ok) {
        ++parsed_but_rejected;
        CHECK_FALSE(keys.Verify(t));
      } else {
        CHECK_FALSE(t.error.empty());
      }
    }
  }
  CHECK(parsed_but_rejected > 0);  // payload text/int flips still parse: the signature catches them

  // Specifically: one byte of the masked name in the payload.
  const SignInput in = PrepareToken(TypicalClaims(), "k1");
  Bytes payload = in.payload;
  const Bytes name = B("欧阳*华");
  auto it = std::search(payload.begin(), payload.end(), name.begin(), name.end());
  REQUIRE(it != payload.end());
  *(it + 6) = '+';  // 欧阳*华 -> 欧阳+华
  ParsedToken sig_ok = ParseToken(tok);
  REQUIRE(sig_ok.ok);
  const ParsedToken t = ParseToken(Tok(Cose(in.protected_header, payload, sig_ok.signature)));
  REQUIRE(t.ok);
  CHECK(t.claims.name_masked == "欧阳+华");
  CHECK_FALSE(keys.Verify(t));
}

// ---- malformed tokens ----

void ExpectMalformed(const std::string& tok, const std::string& why_contains) {
  const ParsedToken t = ParseToken(tok);
  CAPTURE(tok, t.error);
  CHECK_FALSE(t.ok);
  CHECK(t.error.find(why_contains) != std::string::npos);
  CHECK(t.to_be_signed.empty());
}

TEST_CASE("The well-formed test token parses (baseline for the malformed cases)", "[token]") {
  const ParsedToken t = ParseToken(Tok(Cose(GoodProtected(), Map(GoodClaimEntries()), Sig64())));
  REQUIRE(t.ok);
  CHECK(t.kid == "k1");
  CHECK(t.claims.name_masked == "张*三");
}

TEST_CASE("Malformed: prefix and Base45", "[token]") {
  const std::string body = Base45Encode(Cose(GoodProtected(), Map(GoodClaimEntries()), Sig64()));
  ExpectMalformed("", "prefix");
  ExpectMalformed(body, "prefix");
  ExpectMalformed("AK2:" + body, "prefix");
  ExpectMalformed("ak1:" + body, "prefix");
  ExpectMalformed(" AK1:" + body, "prefix");
  std::string dangling = body;
  while (dangling.size() % 3 != 1) dangling += "A";
  ExpectMalformed("AK1:" + dangling, "Base45");  // length 3k+1
  ExpectMalformed("AK1:GGW" + body, "Base45");   // first triple overflows
  ExpectMalformed("AK1:" + body.substr(0, body.size() - 1) + "a", "Base45");
  ExpectMalformed("AK1:", "COSE");  // empty body decodes to no bytes
}

TEST_CASE("Malformed: CBOR structure", "[token]") {
  const Bytes prot = GoodProtected();
  const Bytes payload = Map(GoodClaimEntries());
  const Bytes good = Cose(prot, payload, Sig64());
  // Wrong tag, no tag, wrong array sizes.
  ExpectMalformed(Tok(Cat({H(6, 17), Bytes(good.begin() + 1, good.end())})), "tag 18");
  ExpectMalformed(Tok(Bytes(good.begin() + 1, good.end())), "tag 18");
  ExpectMalformed(Tok(Cat({H(6, 18), H(4, 3), Bstr(prot), H(5, 0), Bstr(payload)})), "array of 4");
  ExpectMalformed(
      Tok(Cat({H(6, 18), H(4, 5), Bstr(prot), H(5, 0), Bstr(payload), Bstr(Sig64()), H(5, 0)})),
      "array of 4");
  ExpectMalformed(Tok(Cat({H(6, 18), H(5, 4)})), "array of 4");
  // Trailing bytes after the whole structure.
  ExpectMalformed(Tok(Cat({good, Bytes{0x00}})), "trailing");
  // Every truncation fails cleanly.
  for (size_t n = 0; n < good.size(); ++n) {
    const ParsedToken t = ParseToken(Tok(Bytes(good.begin(), good.begin() + n)));
    REQUIRE_FALSE(t.ok);
  }
  // Huge declared lengths (4 and 8 byte) for the protected header.
  ExpectMalformed(Tok(Cat({H(6, 18), H(4, 4), Bytes{0x5a, 0xff, 0xff, 0xff, 0xff}, prot})),
                  "protected header is not a byte string");
  ExpectMalformed(Tok(Cat({H(6, 18), H(4, 4),
                           Bytes{0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, prot})),
                  "protected header is not a byte string");
  // Indefinite-length array and byte string; non-shortest heads.
  ExpectMalformed(Tok(Cat({H(6, 18), Bytes{0x9f}, Bstr(prot)})), "array of 4");
  ExpectMalformed(Tok(Cat({H(6, 18), H(4, 4), Bytes{0x5f}, Bstr(prot), Bytes{0xff}})),
                  "protected header is not a byte string");
  ExpectMalformed(
      Tok(Cat({H(6, 18), Bytes{0x98, 0x04}, Bstr(prot), H(5, 0), Bstr(payload), Bstr(Sig64())})),
      "array of 4");
  ExpectMalformed(
      Tok(Cat({Bytes{0xd8, 0x12}, H(4, 4), Bstr(prot), H(5, 0), Bstr(payload), Bstr(Sig64())})),
      "tag 18");
  // Non-empty unprotected header; payload as text; signature as text.
  ExpectMalformed(Tok(Cat({H(6, 18), H(4, 4), Bstr(prot), Map({{Int(4), Bstr(B("k1"))}}),
                           Bstr(payload), Bstr(Sig64())})),
                  "unprotected");
  ExpectMalformed(
      Tok(Cat({H(6, 18), H(4, 4), Bstr(prot), H(5, 0), Tstr(S(payload)), Bstr(Sig64())})),
      "payload is not a byte string");
  ExpectMalformed(
      Tok(Cat({H(6, 18), H(4, 4), Bstr(prot), H(5, 0), Bstr(payload), Tstr(std::string(64, 'x'))})),
      "signature is not a byte string");
}

TEST_CASE("Malformed: signature length", "[token]") {
  const Bytes prot = GoodProtected();
  const Bytes payload = Map(GoodClaimEntries());
  ExpectMalformed(Tok(Cose(prot, payload, Bytes(63, 1))), "64 bytes");
  ExpectMalformed(Tok(Cose(prot, payload, Bytes(65, 1))), "64 bytes");
  ExpectMalformed(Tok(Cose(prot, payload, Bytes{})), "64 bytes");
}

TEST_CASE("Malformed: protected header (alg, kid)", "[token]") {
  const Bytes payload = Map(GoodClaimEntries());
  auto with = [&](const Bytes& prot) { return Tok(Cose(prot, payload, Sig64())); };
  ExpectMalformed(with(Map({{Int(1), Int(-7)}, {Int(4), Bstr(B("k1"))}})), "EdDSA");
  ExpectMalformed(with(Map({{Int(1), Tstr("EdDSA")}, {Int(4), Bstr(B("k1"))}})), "alg");
  ExpectMalformed(with(Map({{Int(4), Bstr(B("k1"))}})), "no alg");
  ExpectMalformed(with(Map({{Int(1), Int(-8)}})), "no kid");
  ExpectMalformed(with(Map({{Int(1), Int(-8)}, {Int(4), Bstr({})}})), "no kid");
  ExpectMalformed(with(Map({{Int(1), Int(-8)}, {Int(4), Tstr("k1")}})), "kid");
  ExpectMalformed(with(Map({{Int(1), Int(-8)}, {Int(4), Bstr(B("k1"))}, {Int(1), Int(-8)}})),
                  "alg");  // duplicate
  ExpectMalformed(with(Map({{Int(1), Int(-8)}, {Int(4), Bstr(B("k1"))}, {Int(3), Int(0)}})),
                  "unknown");
  ExpectMalformed(with(Map({{Tstr("alg"), Int(-8)}, {Int(4), Bstr(B("k1"))}})), "integer");
  ExpectMalformed(with(Cat({GoodProtected(), Bytes{0x00}})), "trailing");
  ExpectMalformed(with(Bytes{}), "not a CBOR map");
  ExpectMalformed(with(H(4, 0)), "not a CBOR map");
}

TEST_CASE("Malformed: claims missing, ill-typed, unknown, duplicated", "[token]") {
  auto with_entries = [](const Entries& e) { return Tok(Cose(GoodProtected(), Map(e), Sig64())); };
  // Each required claim missing in turn.
  for (size_t i = 0; i < GoodClaimEntries().size(); ++i) {
    Entries e = GoodClaimEntries();
    e.erase(e.begin() + i);
    ExpectMalformed(with_entries(e), "missing");
  }
  // Each claim with a value of the wrong type.
  for (size_t i = 0; i < GoodClaimEntries().size(); ++i) {
    Entries e = GoodClaimEntries();
    const bool is_text = e[i].second[0] >> 5 == 3;
    e[i].second = is_text ? Int(5) : Tstr("5");
    ExpectMalformed(with_entries(e), "wrong type");
  }
  Entries e = GoodClaimEntries();
  e[4].second = Int(4);  // colour out of range
  ExpectMalformed(with_entries(e), "wrong type or value");
  e = GoodClaimEntries();
  e[4].second = Int(-1);
  ExpectMalformed(with_entries(e), "wrong type or value");
  e = GoodClaimEntries();
  e.push_back({Tstr("x"), Int(1)});
  ExpectMalformed(with_entries(e), "unknown claim");
  e = GoodClaimEntries();
  e.push_back({Int(2), Tstr("sub")});
  ExpectMalformed(with_entries(e), "unknown claim");
  e = GoodClaimEntries();
  e.push_back(e[0]);
  ExpectMalformed(with_entries(e), "duplicate");
  e = GoodClaimEntries();
  e[0].second = Tstr("");
  ExpectMalformed(with_entries(e), "issuer");
  e = GoodClaimEntries();
  e[5].second = Bstr(B("\xe5\xbc"));  // bytes where text is expected
  ExpectMalformed(with_entries(e), "wrong type");
  e = GoodClaimEntries();
  e[1].second = Bytes{0xfa, 0x4e, 0xd5, 0xf6, 0x00};  // a float for iat
  ExpectMalformed(with_entries(e), "wrong type");
  e = GoodClaimEntries();
  e[1].second = Bytes{0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0};  // 2^63 does not fit int64
  ExpectMalformed(with_entries(e), "wrong type");
  // Payload not a map, trailing bytes inside the payload, a map claiming 1000 entries.
  ExpectMalformed(Tok(Cose(GoodProtected(), H(4, 0), Sig64())), "not a CBOR map");
  ExpectMalformed(Tok(Cose(GoodProtected(), Cat({Map(GoodClaimEntries()), Bytes{0x00}}), Sig64())),
                  "trailing");
  ExpectMalformed(Tok(Cose(GoodProtected(), H(5, 1000), Sig64())), "too many");
}

TEST_CASE("Malformed: text claims must be valid UTF-8", "[token]") {
  const std::vector<std::string> bad = {
      "\xff",              // never valid
      "\xe5\xbc",          // truncated 3-byte sequence
      "\xc0\xaf",          // overlong '/'
      "\xed\xa0\x80",      // UTF-16 surrogate
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "a\x80",             // stray continuation
  };
  for (const auto& s : bad) {
    Entries e = GoodClaimEntries();
    e[5].second = Tstr(s);
    ExpectMalformed(Tok(Cose(GoodProtected(), Map(e), Sig64())), "wrong type");
  }
  Entries e = GoodClaimEntries();
  e[5].second = Tstr("\xf0\x9f\x98\x80 Ünïcode 张");  // valid 1-4 byte sequences
  CHECK(ParseToken(Tok(Cose(GoodProtected(), Map(e), Sig64()))).ok);
}

TEST_CASE("Malformed: the kind claim takes only the offline value", "[token]") {
  auto with_kind = [](const Bytes& v) {
    Entries e = GoodClaimEntries();
    e.push_back({Tstr("k"), v});
    return Tok(Cose(GoodProtected(), Map(e), Sig64()));
  };
  const ParsedToken ok = ParseToken(with_kind(Int(1)));
  REQUIRE(ok.ok);
  CHECK(ok.claims.kind == TokenKind::kOffline);
  ExpectMalformed(with_kind(Int(0)), "wrong type or value");  // a screen token omits it
  ExpectMalformed(with_kind(Int(2)), "wrong type or value");
  ExpectMalformed(with_kind(Int(-1)), "wrong type or value");
  ExpectMalformed(with_kind(Tstr("offline")), "wrong type or value");
  Entries e = GoodClaimEntries();
  e.push_back({Tstr("k"), Int(1)});
  e.push_back({Tstr("k"), Int(1)});
  ExpectMalformed(Tok(Cose(GoodProtected(), Map(e), Sig64())), "duplicate");
  // The kind alone does not stand in for a required claim.
  e = GoodClaimEntries();
  e.pop_back();
  e.push_back({Tstr("k"), Int(1)});
  ExpectMalformed(Tok(Cose(GoodProtected(), Map(e), Sig64())), "missing");
}

TEST_CASE("ParseToken survives arbitrary bytes", "[token]") {
  // A simple deterministic generator; the point is no crash, no abort, no accept.
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return static_cast<uint8_t>(state >> 16);
  };
  for (int i = 0; i < 3000; ++i) {
    Bytes raw(next() % 200);
    for (auto& b : raw) b = next();
    if (i % 2 == 0 && raw.size() > 2) {
      raw[0] = 0xd2;
      raw[1] = 0x84;
    }
    const ParsedToken t = ParseToken(Tok(raw));
    CHECK_FALSE(t.ok);
  }
}

TEST_CASE("ValidityProblem bounds a token's claimed validity without overflow", "[token]") {
  const int64_t now = 1795000000, day = 86400, max = 15 * day;
  CodeClaims c;
  c.issued_at = now - 60;
  c.expires_at = now + 240;
  CHECK(ValidityProblem(c, now, max).empty());
  c.expires_at = c.issued_at + max;  // exactly the limit
  CHECK(ValidityProblem(c, now, max).empty());
  c.expires_at = now - day;  // expired: still plausible (verify answers "expired")
  c.issued_at = now - 2 * day;
  CHECK(ValidityProblem(c, now, max).empty());
  c.issued_at = now;
  c.expires_at = now + max + 1;
  CHECK(ValidityProblem(c, now, max) == "valid for longer than allowed");
  c.issued_at = now + 30 * day;  // short, but far in the future
  c.expires_at = c.issued_at + 300;
  CHECK(ValidityProblem(c, now, max) == "expires too far in the future");
  c.expires_at = c.issued_at - 1;
  CHECK(ValidityProblem(c, now, max) == "expires before it was issued");
  // The extremes a signed CBOR integer can carry (exp = INT64_MAX verified as valid).
  c.issued_at = INT64_MIN;
  c.expires_at = INT64_MAX;
  CHECK(ValidityProblem(c, now, max) == "valid for longer than allowed");
  c.issued_at = INT64_MAX - 10;
  c.expires_at = INT64_MAX;
  CHECK(ValidityProblem(c, now, max) == "expires too far in the future");
  c.issued_at = INT64_MIN;
  c.expires_at = INT64_MIN + 10;
  CHECK(ValidityProblem(c, now, max).empty());
}

}  // namespace
}  // namespace ankang
