// Crypto helpers: AEAD with context binding, keyed hashes, Argon2id, the
// Ed25519 key set (kid, rotation, files with mode 0600).
#include "server/crypto/crypto.h"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "shared/token.h"

using namespace ankang::server;

namespace {
std::string TempDir() {
  char tmpl[] = "/tmp/ankang-keys-XXXXXX";
  return mkdtemp(tmpl);
}
int Mode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}
}  // namespace

TEST_CASE("AEAD round trip, bound to its context, tamper-evident", "[crypto]") {
  InitCrypto();
  DataKeys k = DataKeys::Random();
  const std::string sealed = k.Encrypt("person.id_number", "11010519491231002X");
  CHECK(sealed.find("11010519491231002X") == std::string::npos);
  CHECK(k.Decrypt("person.id_number", sealed) == std::optional<std::string>("11010519491231002X"));
  CHECK_FALSE(k.Decrypt("person.phone", sealed));  // moved to another column: refused
  std::string bad = sealed;
  bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
  CHECK_FALSE(k.Decrypt("person.id_number", bad));
  CHECK_FALSE(DataKeys::Random().Decrypt("person.id_number", sealed));  // another key
  // A fresh nonce each time.
  CHECK(k.Encrypt("c", "same") != k.Encrypt("c", "same"));
}

TEST_CASE("keyed hashes are stable per key and differ between keys", "[crypto]") {
  InitCrypto();
  DataKeys a = DataKeys::Random();
  DataKeys b = DataKeys::Random();
  CHECK(a.Hmac("id", "x") == a.Hmac("id", "x"));
  CHECK(a.Hmac("id", "x") != a.Hmac("id", "y"));
  CHECK(a.Hmac("id", "x") != a.Hmac("phone", "x"));
  CHECK(a.Hmac("id", "x") != b.Hmac("id", "x"));
}

TEST_CASE("passwords are Argon2id hashes", "[crypto]") {
  InitCrypto();
  const std::string h = HashPassword("correct horse");
  CHECK(h.rfind("$argon2id$", 0) == 0);
  CHECK(CheckPassword(h, "correct horse"));
  CHECK_FALSE(CheckPassword(h, "correct horsE"));
}

TEST_CASE("random ids, digits, SHA-256", "[crypto]") {
  InitCrypto();
  CHECK(RandomId(32).size() == 43);
  CHECK(RandomId() != RandomId());
  std::string d = RandomDigits(6);
  CHECK(d.size() == 6);
  CHECK(d.find_first_not_of("0123456789") == std::string::npos);
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST_CASE("a signed token verifies with the published key and its kid", "[crypto][token]") {
  InitCrypto();
  SigningKeys keys = SigningKeys::Generate(1000);
  ankang::CodeClaims c;
  c.issuer = "ankang-local";
  c.issued_at = 1000;
  c.expires_at = 1300;
  c.person_ref = "ref";
  c.color = ankang::Color::kYellow;
  c.name_masked = "张*三";
  c.id_tail = "002X";
  const std::string qr = keys.Sign(c);
  ankang::ParsedToken t = ankang::ParseToken(qr);
  REQUIRE(t.ok);
  CHECK(t.kid == keys.ActiveKid());
  CHECK(t.kid.size() == 11);  // base64url of 8 bytes
  auto pub = keys.Find(t.kid, 1000);
  REQUIRE(pub);
  CHECK(KidOf(pub->public_key) == t.kid);
  CHECK(crypto_sign_verify_detached(t.signature.data(), t.to_be_signed.data(),
                                    t.to_be_signed.size(), pub->public_key.data()) == 0);
  CHECK(t.claims.color == ankang::Color::kYellow);
  CHECK(t.claims.name_masked == "张*三");
}

TEST_CASE("rotation keeps the old key published until it lapses", "[crypto][keys]") {
  InitCrypto();
  SigningKeys keys = SigningKeys::Generate(1000);
  const std::string old_kid = keys.ActiveKid();
  SigningKey fresh = keys.Rotate(2000, 500);
  CHECK(fresh.kid != old_kid);
  CHECK(fresh.secret_key.empty());  // the answer never carries the secret
  CHECK(keys.ActiveKid() == fresh.kid);
  CHECK(keys.Published(2100).size() == 2);
  CHECK(keys.Find(old_kid, 2499));
  CHECK_FALSE(keys.Find(old_kid, 2500));
  CHECK(keys.Published(2600).size() == 1);
  auto copy = SigningKeys::Parse(keys.Serialize());
  REQUIRE(copy);
  CHECK(copy->ActiveKid() == fresh.kid);
  CHECK(copy->Find(old_kid, 2100)->not_after == 2500);
  CHECK_FALSE(SigningKeys::Parse("{\"keys\":[{\"public_key\":1}]}"));
}

TEST_CASE("key files are created once with mode 0600", "[crypto][keys]") {
  InitCrypto();
  const std::string parent = TempDir();
  const std::string dir = parent + "/data";
  KeyFiles a = LoadOrCreateKeys(dir, 1000);
  CHECK(Mode(dir) == 0700);
  for (const char* f : {"/data.key", "/hmac.key", "/signing-keys.json"}) {
    CHECK(Mode(dir + f) == 0600);
  }
  KeyFiles b = LoadOrCreateKeys(dir, 5000);
  CHECK(a.signing.ActiveKid() == b.signing.ActiveKid());
  CHECK(b.data.Decrypt("c", a.data.Encrypt("c", "v")) == std::optional<std::string>("v"));
  CHECK(a.data.Hmac("id", "x") == b.data.Hmac("id", "x"));
  SigningKey fresh = RotateKeyFile(dir, 6000, 100);
  KeyFiles c = LoadOrCreateKeys(dir, 6000);
  CHECK(c.signing.ActiveKid() == fresh.kid);
  CHECK(c.signing.Find(a.signing.ActiveKid(), 6050));
  CHECK(Mode(dir + "/signing-keys.json") == 0600);
  std::system(("rm -rf " + parent).c_str());
}

TEST_CASE("keys sealed with a key-encryption key open only with it", "[crypto]") {
  InitCrypto();
  KeyFiles keys{DataKeys::Random(), SigningKeys::Generate(1000)};
  keys.signing.Rotate(2000, 60);
  const ankang::Bytes kek(kKekBytes, 7);
  const std::string sealed = SealKeys(keys, kek);
  CHECK(sealed != SealKeys(keys, kek));  // a fresh nonce each time
  std::optional<KeyFiles> back = UnsealKeys(sealed, kek);
  REQUIRE(back);
  CHECK(back->data.aead_key() == keys.data.aead_key());
  CHECK(back->data.hmac_key() == keys.data.hmac_key());
  CHECK(back->signing.Serialize() == keys.signing.Serialize());
  CHECK(back->data.Decrypt("c", keys.data.Encrypt("c", "张三")) ==
        std::optional<std::string>("张三"));
  ankang::Bytes other = kek;
  other[0] ^= 1;
  CHECK_FALSE(UnsealKeys(sealed, other));
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  CHECK_FALSE(UnsealKeys(tampered, kek));
  CHECK_FALSE(UnsealKeys("", kek));
  CHECK_FALSE(UnsealKeys(sealed, ankang::Bytes(16, 7)));
}
