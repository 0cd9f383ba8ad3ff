// Cryptography for the server, all of it libsodium: random ids and bearer
// tokens, SHA-256, keyed hashes (HMAC) for look-ups of ID and phone numbers,
// AEAD encryption of personal data at rest, Argon2id staff passwords, and the
// Ed25519 signing keys of the health code (kept in the data folder, mode 0600).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/token.h"

namespace ankang::server {

// Calls sodium_init(); throws std::runtime_error if it fails. Idempotent.
void InitCrypto();

// n random bytes, base64url (no padding).
std::string RandomId(size_t n_bytes = 12);
// 6 decimal digits, uniformly random.
std::string RandomDigits(int n);
// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view data);
Bytes Sha256(std::string_view data);
// Constant-time string equality (same length required for equality).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id (crypto_pwhash_str). Throws on out-of-memory.
std::string HashPassword(std::string_view password);
bool CheckPassword(const std::string& hash, std::string_view password);

// Symmetric keys for personal data: AEAD (XChaCha20-Poly1305) and HMAC
// (crypto_auth, HMAC-SHA512-256).
class DataKeys {
 public:
  DataKeys() = default;
  DataKeys(Bytes aead_key, Bytes hmac_key);
  // The raw keys, for sealing them with a key-encryption key (SealKeys).
  const Bytes& aead_key() const { return aead_key_; }
  const Bytes& hmac_key() const { return hmac_key_; }
  // Random keys (tests, :memory:).
  static DataKeys Random();

  // base64url(nonce || ciphertext); `context` is bound as associated data, so a
  // value cannot be moved to another column.
  std::string Encrypt(std::string_view context, std::string_view plaintext) const;
  // nullopt when the text is not ours or was tampered with.
  std::optional<std::string> Decrypt(std::string_view context, std::string_view sealed) const;
  // base64url HMAC of context + NUL + value.
  std::string Hmac(std::string_view context, std::string_view value) const;

 private:
  Bytes aead_key_;
  Bytes hmac_key_;
};

struct SigningKey {
  std::string kid;   // base64url of the first 8 bytes of SHA-256(public key)
  Bytes public_key;  // 32 bytes
  Bytes secret_key;  // 64 bytes (libsodium layout); empty for verify-only keys
  int64_t not_before = 0;
  int64_t not_after = 0;  // 0 = open-ended (the active key)
};

// Kid of an Ed25519 public key.
std::string KidOf(const Bytes& public_key);
// True for the 32 bytes of an Ed25519 public key.
bool IsEd25519PublicKey(const Bytes& public_key);
// True when `signature` is a valid Ed25519 signature of `message` by public_key.
bool VerifyEd25519(const Bytes& public_key, const Bytes& message, const Bytes& signature);

// The Ed25519 keys: one active signing key plus retired keys kept for
// verification until the tokens they signed have expired. Thread-safe.
class SigningKeys {
 public:
  // A fresh key set with one new key (tests).
  static SigningKeys Generate(int64_t now);

  std::string ActiveKid() const;
  // A signed token ("AK1:...") for the claims, with the active key.
  std::string Sign(const CodeClaims& claims) const;
  // Key by kid, if known and not past not_after at `now`.
  std::optional<SigningKey> Find(const std::string& kid, int64_t now) const;
  // Public keys still valid at `now` (not_after == 0 or > now), newest first.
  std::vector<SigningKey> Published(int64_t now) const;
  // Makes a new active key; the old active key gets not_after = now + keep_seconds.
  SigningKey Rotate(int64_t now, int64_t keep_seconds);

  // JSON text of the whole set (secret keys included) and back.
  std::string Serialize() const;
  static std::optional<SigningKeys> Parse(const std::string& text);

  SigningKeys() = default;
  SigningKeys(const SigningKeys& o);
  SigningKeys& operator=(const SigningKeys& o);

 private:
  static SigningKey NewKey(int64_t now);
  mutable std::mutex mu_;
  std::vector<SigningKey> keys_;  // oldest first; the last is active
};

// The key files of a data folder: data.key (AEAD), hmac.key, signing-keys.json,
// mode 0600 (the folder 0700). Whether a folder may get new keys is decided by
// the data folder (server/data_folder.h), never here.
struct KeyFiles {
  DataKeys data;
  SigningKeys signing;
};
inline constexpr const char* kKeyFileNames[] = {"data.key", "hmac.key", "signing-keys.json"};

// One key file as found on disk.
struct KeyFileCheck {
  std::string name;  // "data.key", ...
  std::string path;  // dir + "/" + name
  enum class State { kMissing, kOk, kBad } state = State::kMissing;
  std::string problem;  // kBad: "is empty (0 bytes)", "cannot be read (Permission denied)", ...
};
// The three key files of dir, each checked; nothing is created or changed.
struct KeyFolder {
  std::vector<KeyFileCheck> files;  // in kKeyFileNames order
  std::optional<KeyFiles> keys;     // when all three are kOk
  bool AnyPresent() const;          // any file not kMissing
};
KeyFolder ReadKeyFiles(const std::string& dir);
// Makes new keys and writes the three files into dir (which must exist), each
// only if absent: throws std::runtime_error when one exists or on I/O errors.
KeyFiles CreateKeyFiles(const std::string& dir, int64_t now);
// Tests and benchmarks: the keys of dir, created when none of the three
// exists (and the folder with them). Throws when some are missing or bad.
KeyFiles LoadOrCreateKeys(const std::string& dir, int64_t now);
// Rotates the signing key in dir (all three files must be usable) and saves
// it; returns the new key.
SigningKey RotateKeyFile(const std::string& dir, int64_t now, int64_t keep_seconds);
// Writes the signing key set to dir atomically (mode 0600).
void SaveSigningKeys(const std::string& dir, const SigningKeys& keys);
// Keys kept in the database (--kek-file, data_folder.h): the three keys as one
// text sealed with a key-encryption key (KEK) that never enters the database,
// XChaCha20-Poly1305 with a random nonce. A node needs only the database URL
// and the KEK.
inline constexpr size_t kKekBytes = 32;
// The KEK in `path`: 32 bytes as base64url text (a trailing newline allowed).
// Throws std::runtime_error naming the file and what is wrong with it.
Bytes ReadKekFile(const std::string& path);
// Writes a new random KEK to `path` (mode 0600); throws when it exists.
void CreateKekFile(const std::string& path);
std::string SealKeys(const KeyFiles& keys, const Bytes& kek);
// nullopt: not sealed with this KEK, or damaged.
std::optional<KeyFiles> UnsealKeys(const std::string& sealed, const Bytes& kek);

// Lower-case hex SHA-256 of a file's content, read in pieces (backups of the
// data folder). Throws std::runtime_error when it cannot be read.
std::string Sha256FileHex(const std::string& path);

}  // namespace ankang::server
