#include "server/crypto/crypto.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "shared/json.h"

namespace ankang::server {
namespace {

std::string B64(const uint8_t* data, size_t n) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}
std::string B64(const Bytes& b) { return B64(b.data(), b.size()); }

bool UnB64(std::string_view s, Bytes* out) {
  if (s.empty()) {  // libsodium wants a buffer even for nothing (UBSan: null argument)
    out->clear();
    return true;
  }
  out->assign(s.size(), 0);
  size_t len = 0;
  if (sodium_base642bin(out->data(), out->size(), s.data(), s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out->resize(len);
  return true;
}

Bytes RandomBytes(size_t n) {
  Bytes b(n);
  randombytes_buf(b.data(), n);
  return b;
}

// Writes path atomically with mode 0600 (temp file, fsync, rename).
void WriteSecretFile(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw std::runtime_error("cannot write " + tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot sync " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp);
}

// Reads a whole key file; false with *problem when it is there but unreadable.
bool ReadKeyFile(const std::string& path, std::string* text, std::string* problem) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *problem = std::string("cannot be opened (") + std::strerror(errno) + ")";
    return false;
  }
  text->clear();
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *problem = std::string("cannot be read (") + std::strerror(errno) + ")";
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    text->append(buf, static_cast<size_t>(n));
    if (text->size() > (1 << 20)) {
      *problem = "is damaged (larger than 1 MiB)";
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
  if (text->empty()) {
    *problem = "is empty (0 bytes)";
    return false;
  }
  return true;
}

// A raw key file: n bytes, base64url, one line.
std::optional<Bytes> ParseRawKey(std::string text, size_t n) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  Bytes key;
  if (!UnB64(text, &key) || key.size() != n) return std::nullopt;
  return key;
}

// Creates path with content only if it does not exist (mode 0600, synced).
void CreateSecretFile(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".new";
  WriteSecretFile(tmp, content);
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(e));
  }
  ::unlink(tmp.c_str());
}

void EnsureDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create data folder " + dir + ": " + std::strerror(errno));
  }
}

}  // namespace

void InitCrypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

std::string RandomId(size_t n_bytes) { return B64(RandomBytes(n_bytes)); }

std::string RandomDigits(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + randombytes_uniform(10)));
  return s;
}

Bytes Sha256(std::string_view data) {
  Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Bytes h = Sha256(data);
  std::string hex(h.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), h.data(), h.size());
  hex.pop_back();
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool CheckPassword(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

DataKeys::DataKeys(Bytes aead_key, Bytes hmac_key)
    : aead_key_(std::move(aead_key)), hmac_key_(std::move(hmac_key)) {}

DataKeys DataKeys::Random() {
  return DataKeys(RandomBytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES),
                  RandomBytes(crypto_auth_KEYBYTES));
}

std::string DataKeys::Encrypt(std::string_view context, std::string_view plaintext) const {
  const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  Bytes out(nb + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), nb);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + nb, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(context.data()), context.size(),
      nullptr, out.data(), aead_key_.data());
  out.resize(nb + clen);
  return B64(out);
}

std::optional<std::string> DataKeys::Decrypt(std::string_view context,
                                             std::string_view sealed) const {
  const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  Bytes in;
  if (!UnB64(sealed, &in) || in.size() < nb + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return std::nullopt;
  }
  std::string out(in.size() - nb, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, in.data() + nb,
          in.size() - nb, reinterpret_cast<const unsigned char*>(context.data()), context.size(),
          in.data(), aead_key_.data()) != 0) {
    return std::nullopt;
  }
  out.resize(mlen);
  return out;
}

std::string DataKeys::Hmac(std::string_view context, std::string_view value) const {
  std::string msg(context);
  msg.push_back('\0');
  msg.append(value);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
              hmac_key_.data());
  return B64(mac, sizeof mac);
}

std::string KidOf(const Bytes& public_key) {
  Bytes h =
      Sha256(std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size()));
  return B64(h.data(), 8);
}

SigningKeys::SigningKeys(const SigningKeys& o) {
  std::lock_guard<std::mutex> l(o.mu_);
  keys_ = o.keys_;
}

SigningKeys& SigningKeys::operator=(const SigningKeys& o) {
  if (this == &o) return *this;
  std::vector<SigningKey> copy;
  {
    std::lock_guard<std::mutex> l(o.mu_);
    copy = o.keys_;
  }
  std::lock_guard<std::mutex> l(mu_);
  keys_ = std::move(copy);
  return *this;
}

SigningKey SigningKeys::NewKey(int64_t now) {
  SigningKey k;
  k.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(k.public_key.data(), k.secret_key.data());
  k.kid = KidOf(k.public_key);
  k.not_before = now;
  return k;
}

SigningKeys SigningKeys::Generate(int64_t now) {
  SigningKeys s;
  s.keys_.push_back(NewKey(now));
  return s;
}

std::string SigningKeys::ActiveKid() const {
  std::lock_guard<std::mutex> l(mu_);
  return keys_.empty() ? "" : keys_.back().kid;
}

bool IsEd25519PublicKey(const Bytes& public_key) {
  return public_key.size() == crypto_sign_PUBLICKEYBYTES;
}

bool VerifyEd25519(const Bytes& public_key, const Bytes& message, const Bytes& signature) {
  return IsEd25519PublicKey(public_key) && signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

std::string SigningKeys::Sign(const CodeClaims& claims) const {
  SigningKey active;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (keys_.empty()) throw std::runtime_error("no signing key");
    active = keys_.back();
  }
  return SignToken(claims, active.kid, [&active](const Bytes& tbs) {
    Bytes sig(crypto_sign_BYTES);
    crypto_sign_detached(sig.data(), nullptr, tbs.data(), tbs.size(), active.secret_key.data());
    return sig;
  });
}

std::optional<SigningKey> SigningKeys::Find(const std::string& kid, int64_t now) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const SigningKey& k : keys_) {
    if (k.kid == kid && (k.not_after == 0 || k.not_after > now)) return k;
  }
  return std::nullopt;
}

std::vector<SigningKey> SigningKeys::Published(int64_t now) const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<SigningKey> out;
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (it->not_after == 0 || it->not_after > now) {
      SigningKey k = *it;
      k.secret_key.clear();
      out.push_back(std::move(k));
    }
  }
  return out;
}

SigningKey SigningKeys::Rotate(int64_t now, int64_t keep_seconds) {
  SigningKey fresh = NewKey(now);
  std::lock_guard<std::mutex> l(mu_);
  if (!keys_.empty() && keys_.back().not_after == 0) keys_.back().not_after = now + keep_seconds;
  // Keys past their not_after are of no use any more.
  std::vector<SigningKey> kept;
  for (SigningKey& k : keys_) {
    if (k.not_after == 0 || k.not_after > now) kept.push_back(std::move(k));
  }
  kept.push_back(fresh);
  keys_ = std::move(kept);
  SigningKey pub = fresh;
  pub.secret_key.clear();
  return pub;
}

std::string SigningKeys::Serialize() const {
  std::lock_guard<std::mutex> l(mu_);
  Json arr = Json::array();
  for (const SigningKey& k : keys_) {
    arr.push_back({{"kid", k.kid},
                   {"public_key", B64(k.public_key)},
                   {"secret_key", B64(k.secret_key)},
                   {"not_before", k.not_before},
                   {"not_after", k.not_after}});
  }
  return Json{{"alg", "EdDSA"}, {"keys", arr}}.dump(2) + "\n";
}

std::optional<SigningKeys> SigningKeys::Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j["keys"].is_array()) {
    return std::nullopt;
  }
  SigningKeys out;
  for (const Json& e : j["keys"]) {
    if (!e.is_object() || !e.contains("public_key") || !e["public_key"].is_string() ||
        !e.contains("secret_key") || !e["secret_key"].is_string() || !e.contains("not_before") ||
        !e["not_before"].is_number_integer() || !e.contains("not_after") ||
        !e["not_after"].is_number_integer()) {
      return std::nullopt;
    }
    SigningKey k;
    if (!UnB64(e["public_key"].get<std::string>(), &k.public_key) ||
        k.public_key.size() != crypto_sign_PUBLICKEYBYTES ||
        !UnB64(e["secret_key"].get<std::string>(), &k.secret_key) ||
        k.secret_key.size() != crypto_sign_SECRETKEYBYTES) {
      return std::nullopt;
    }
    // libsodium's secret key is seed || public key: a pair that disagrees is damaged.
    if (!std::equal(k.public_key.begin(), k.public_key.end(),
                    k.secret_key.end() - crypto_sign_PUBLICKEYBYTES)) {
      return std::nullopt;
    }
    k.kid = KidOf(k.public_key);
    k.not_before = e["not_before"].get<int64_t>();
    k.not_after = e["not_after"].get<int64_t>();
    out.keys_.push_back(std::move(k));
  }
  if (out.keys_.empty()) return std::nullopt;
  return out;
}

void SaveSigningKeys(const std::string& dir, const SigningKeys& keys) {
  WriteSecretFile(dir + "/signing-keys.json", keys.Serialize());
}

bool KeyFolder::AnyPresent() const {
  for (const KeyFileCheck& f : files) {
    if (f.state != KeyFileCheck::State::kMissing) return true;
  }
  return false;
}

KeyFolder ReadKeyFiles(const std::string& dir) {
  KeyFolder out;
  std::optional<Bytes> aead, hmac;
  std::optional<SigningKeys> signing;
  for (const char* name : kKeyFileNames) {
    KeyFileCheck f;
    f.name = name;
    f.path = dir + "/" + name;
    struct stat st;
    if (::stat(f.path.c_str(), &st) != 0 && errno == ENOENT) {
      out.files.push_back(std::move(f));
      continue;
    }
    f.state = KeyFileCheck::State::kBad;
    std::string text;
    if (ReadKeyFile(f.path, &text, &f.problem)) {
      if (f.name == "data.key") {
        aead = ParseRawKey(text, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
        if (!aead) f.problem = "is damaged (not a 32-byte key in base64url)";
      } else if (f.name == "hmac.key") {
        hmac = ParseRawKey(text, crypto_auth_KEYBYTES);
        if (!hmac) f.problem = "is damaged (not a 32-byte key in base64url)";
      } else {
        signing = SigningKeys::Parse(text);
        if (!signing) f.problem = "is damaged (not a JSON set of Ed25519 key pairs)";
      }
      if (f.problem.empty()) f.state = KeyFileCheck::State::kOk;
    }
    out.files.push_back(std::move(f));
  }
  if (aead && hmac && signing) {
    out.keys.emplace();
    out.keys->data = DataKeys(std::move(*aead), std::move(*hmac));
    out.keys->signing = *signing;
  }
  return out;
}

KeyFiles CreateKeyFiles(const std::string& dir, int64_t now) {
  Bytes aead = RandomBytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  Bytes hmac = RandomBytes(crypto_auth_KEYBYTES);
  KeyFiles k;
  k.signing = SigningKeys::Generate(now);
  CreateSecretFile(dir + "/data.key", B64(aead) + "\n");
  CreateSecretFile(dir + "/hmac.key", B64(hmac) + "\n");
  CreateSecretFile(dir + "/signing-keys.json", k.signing.Serialize());
  // The new names are on disk too before anything is written with the keys.
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) throw std::runtime_error("cannot sync " + dir);
  k.data = DataKeys(std::move(aead), std::move(hmac));
  return k;
}

namespace {

KeyFiles UsableKeys(const KeyFolder& f) {
  if (f.keys) return *f.keys;
  std::string problems;
  for (const KeyFileCheck& c : f.files) {
    if (c.state == KeyFileCheck::State::kOk) continue;
    problems += (problems.empty() ? "" : "; ") + c.path + " " +
                (c.state == KeyFileCheck::State::kMissing ? "is missing" : c.problem);
  }
  throw std::runtime_error(problems);
}

}  // namespace

KeyFiles LoadOrCreateKeys(const std::string& dir, int64_t now) {
  EnsureDir(dir);
  KeyFolder f = ReadKeyFiles(dir);
  if (!f.AnyPresent()) return CreateKeyFiles(dir, now);
  return UsableKeys(f);
}

Bytes ReadKekFile(const std::string& path) {
  std::string text, problem;
  if (!ReadKeyFile(path, &text, &problem)) {
    throw std::runtime_error("the key-encryption key " + path + " " + problem);
  }
  std::optional<Bytes> kek = ParseRawKey(text, kKekBytes);
  if (!kek) {
    throw std::runtime_error("the key-encryption key " + path +
                             " is damaged (not a 32-byte key in base64url)");
  }
  return *kek;
}

void CreateKekFile(const std::string& path) {
  CreateSecretFile(path, B64(RandomBytes(kKekBytes)) + "\n");
}

namespace {
constexpr const char* kSealedAd = "ankang sealed keys v1";
}  // namespace

std::string SealKeys(const KeyFiles& keys, const Bytes& kek) {
  const nlohmann::json plain = {{"data.key", B64(keys.data.aead_key())},
                                {"hmac.key", B64(keys.data.hmac_key())},
                                {"signing-keys.json", keys.signing.Serialize()}};
  const std::string text = plain.dump();
  Bytes nonce = RandomBytes(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  Bytes out(text.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data(), &n, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
      reinterpret_cast<const unsigned char*>(kSealedAd), std::strlen(kSealedAd), nullptr,
      nonce.data(), kek.data());
  out.resize(n);
  nonce.insert(nonce.end(), out.begin(), out.end());
  return B64(nonce);
}

std::optional<KeyFiles> UnsealKeys(const std::string& sealed, const Bytes& kek) {
  Bytes raw;
  if (kek.size() != kKekBytes || !UnB64(sealed, &raw) ||
      raw.size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                       crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return std::nullopt;
  }
  const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string text(raw.size() - nb - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(text.data()), &n, nullptr, raw.data() + nb,
          raw.size() - nb, reinterpret_cast<const unsigned char*>(kSealedAd),
          std::strlen(kSealedAd), raw.data(), kek.data()) != 0) {
    return std::nullopt;
  }
  text.resize(n);
  const nlohmann::json plain = nlohmann::json::parse(text, nullptr, false);
  if (!plain.is_object()) return std::nullopt;
  auto str = [&](const char* k) {
    return plain.contains(k) && plain[k].is_string() ? plain[k].get<std::string>() : "";
  };
  std::optional<Bytes> aead =
      ParseRawKey(str("data.key"), crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  std::optional<Bytes> hmac = ParseRawKey(str("hmac.key"), crypto_auth_KEYBYTES);
  std::optional<SigningKeys> signing = SigningKeys::Parse(str("signing-keys.json"));
  if (!aead || !hmac || !signing) return std::nullopt;
  KeyFiles k;
  k.data = DataKeys(std::move(*aead), std::move(*hmac));
  k.signing = *signing;
  return k;
}

std::string Sha256FileHex(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(e));
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&st, buf.data(), static_cast<unsigned long long>(n));
  }
  ::close(fd);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

SigningKey RotateKeyFile(const std::string& dir, int64_t now, int64_t keep_seconds) {
  KeyFiles k = UsableKeys(ReadKeyFiles(dir));
  SigningKey fresh = k.signing.Rotate(now, keep_seconds);
  SaveSigningKeys(dir, k.signing);
  return fresh;
}

}  // namespace ankang::server
