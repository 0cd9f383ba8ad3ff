#include "server/crypto/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace ankang::server {
namespace {

void InitOath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath: oath_init failed");
  });
}

std::string PercentEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Bytes NewTotpSecret() {
  Bytes secret(20);
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string TotpBase32(const Bytes& secret) {
  InitOath();
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(reinterpret_cast<const char*>(secret.data()), secret.size(), &out, &len) !=
      OATH_OK) {
    throw std::runtime_error("liboath: base32 encoding failed");
  }
  std::string text(out, len);
  std::free(out);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<Bytes> TotpSecretFromBase32(std::string_view text) {
  InitOath();
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '=') continue;
    clean += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  while (clean.size() % 8 != 0) clean += '=';  // liboath wants whole blocks
  char* out = nullptr;
  size_t len = 0;
  if (clean.empty() || oath_base32_decode(clean.data(), clean.size(), &out, &len) != OATH_OK) {
    return std::nullopt;
  }
  Bytes secret(out, out + len);
  std::free(out);
  return secret;
}

std::string TotpUri(std::string_view issuer, std::string_view account, const Bytes& secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + TotpBase32(secret) + "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

std::string TotpCode(const Bytes& secret, int64_t at) {
  InitOath();
  char code[kTotpDigits + 1] = {};
  if (oath_totp_generate(reinterpret_cast<const char*>(secret.data()), secret.size(),
                         static_cast<time_t>(at), kTotpStepSeconds, 0, kTotpDigits,
                         code) != OATH_OK) {
    throw std::runtime_error("liboath: TOTP generation failed");
  }
  return code;
}

std::optional<int64_t> TotpStep(const Bytes& secret, int64_t now, std::string_view code) {
  InitOath();
  if (code.size() != kTotpDigits || now < 0) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::string otp(code);
  int pos = 0;
  const int rc =
      oath_totp_validate2(reinterpret_cast<const char*>(secret.data()), secret.size(),
                          static_cast<time_t>(now), kTotpStepSeconds, 0, 1, &pos, otp.c_str());
  if (rc < 0) return std::nullopt;
  return now / kTotpStepSeconds + pos;
}

}  // namespace ankang::server
