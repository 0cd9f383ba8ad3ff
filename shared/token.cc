// Token encoding (SPEC §4). The COSE/CWT shapes need integer map keys and
// CBOR tag 18, which nlohmann/json can neither emit nor read (its CBOR reader
// accepts only text map keys), so this file has a tiny CBOR writer for the
// values we emit and a strict reader for exactly that subset: definite
// lengths, shortest-form heads, valid UTF-8 text, no trailing bytes, lengths
// checked against the input before anything is copied. Never throws.
#include "shared/token.h"

#include <array>
#include <limits>

namespace ankang {
namespace {

constexpr char kPrefix[] = "AK1:";
constexpr size_t kPrefixLen = sizeof(kPrefix) - 1;
constexpr char kBase45Alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
constexpr int kAlgEdDsa = -8;
constexpr uint64_t kTagCoseSign1 = 18;

// Claim keys: CWT (RFC 8392) integers for the registered claims, one-letter
// text keys for our private ones (shorter than the -260.. integer range).
constexpr int64_t kClaimIss = 1;
constexpr int64_t kClaimExp = 4;
constexpr int64_t kClaimIat = 6;

// ---- writer ----

void PutHead(Bytes* out, int major, uint64_t value) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out->push_back(m | static_cast<uint8_t>(value));
    return;
  }
  int n;
  if (value <= 0xff) {
    out->push_back(m | 24);
    n = 1;
  } else if (value <= 0xffff) {
    out->push_back(m | 25);
    n = 2;
  } else if (value <= 0xffffffffULL) {
    out->push_back(m | 26);
    n = 4;
  } else {
    out->push_back(m | 27);
    n = 8;
  }
  for (int i = n - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutInt(Bytes* out, int64_t v) {
  if (v >= 0) {
    PutHead(out, 0, static_cast<uint64_t>(v));
  } else {
    PutHead(out, 1, static_cast<uint64_t>(-(v + 1)));
  }
}

void PutBytes(Bytes* out, const uint8_t* data, size_t n) {
  PutHead(out, 2, n);
  out->insert(out->end(), data, data + n);
}
void PutBytes(Bytes* out, const Bytes& b) { PutBytes(out, b.data(), b.size()); }

void PutText(Bytes* out, std::string_view s) {
  PutHead(out, 3, s.size());
  out->insert(out->end(), s.begin(), s.end());
}

Bytes SigStructure(const Bytes& protected_header, const Bytes& payload) {
  Bytes out;
  PutHead(&out, 4, 4);
  PutText(&out, "Signature1");
  PutBytes(&out, protected_header);
  PutBytes(&out, nullptr, 0);  // external_aad
  PutBytes(&out, payload);
  return out;
}

// ---- strict reader ----

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    int n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // continuation bytes run past the end
    for (int k = 1; k <= n; ++k) {
      const uint8_t cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  explicit Reader(const Bytes& b) : Reader(b.data(), b.size()) {}

  bool AtEnd() const { return pos_ == n_; }
  // Peeks at the next item's major type; -1 at the end.
  int PeekMajor() const { return pos_ < n_ ? p_[pos_] >> 5 : -1; }

  // A head of the given major type with a definite, shortest-form argument.
  bool Head(int major, uint64_t* value) {
    if (pos_ >= n_ || (p_[pos_] >> 5) != major) return false;
    const uint8_t info = p_[pos_] & 0x1f;
    size_t extra;
    if (info < 24) {
      *value = info;
      ++pos_;
      return true;
    }
    switch (info) {
      case 24:
        extra = 1;
        break;
      case 25:
        extra = 2;
        break;
      case 26:
        extra = 4;
        break;
      case 27:
        extra = 8;
        break;
      default:
        return false;  // reserved or indefinite length
    }
    if (n_ - pos_ - 1 < extra) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < extra; ++i) v = (v << 8) | p_[pos_ + 1 + i];
    // Shortest form only: one encoding per value keeps the format unmalleable.
    const uint64_t min = extra == 1   ? 24
                         : extra == 2 ? 0x100
                         : extra == 4 ? 0x10000
                                      : 0x100000000ULL;
    if (v < min) return false;
    pos_ += 1 + extra;
    *value = v;
    return true;
  }

  bool Int(int64_t* out) {
    uint64_t v;
    const int major = PeekMajor();
    if (major != 0 && major != 1) return false;
    if (!Head(major, &v)) return false;
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = major == 0 ? static_cast<int64_t>(v) : -1 - static_cast<int64_t>(v);
    return true;
  }

  bool ByteString(Bytes* out) {
    const uint8_t* d;
    size_t len;
    if (!Span(2, &d, &len)) return false;
    out->assign(d, d + len);
    return true;
  }

  bool Text(std::string* out) {
    const uint8_t* d;
    size_t len;
    if (!Span(3, &d, &len)) return false;
    std::string s(reinterpret_cast<const char*>(d), len);
    if (!ValidUtf8(s)) return false;
    *out = std::move(s);
    return true;
  }

 private:
  bool Span(int major, const uint8_t** d, size_t* len) {
    uint64_t v;
    const size_t save = pos_;
    if (!Head(major, &v)) return false;
    if (v > n_ - pos_) {  // longer than what is left: truncated or absurd
      pos_ = save;
      return false;
    }
    *d = p_ + pos_;
    *len = static_cast<size_t>(v);
    pos_ += *len;
    return true;
  }

  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// A map key: an integer, or a text string.
struct Key {
  bool is_int = false;
  int64_t i = 0;
  std::string s;
};

bool ReadKey(Reader* r, Key* k) {
  const int major = r->PeekMajor();
  if (major == 0 || major == 1) {
    k->is_int = true;
    return r->Int(&k->i);
  }
  k->is_int = false;
  return r->Text(&k->s);
}

ParsedToken Fail(ParsedToken t, const char* why) {
  t.ok = false;
  t.error = why;
  t.to_be_signed.clear();
  t.signature.clear();
  return t;
}

// {1: alg, 4: kid}; exactly these two keys.
const char* ParseProtected(const Bytes& b, int* alg, std::string* kid) {
  Reader r(b);
  uint64_t n;
  if (!r.Head(5, &n)) return "protected header is not a CBOR map";
  if (n > 8) return "protected header has too many entries";
  bool have_alg = false, have_kid = false;
  for (uint64_t i = 0; i < n; ++i) {
    Key k;
    if (!ReadKey(&r, &k) || !k.is_int) return "protected header key is not an integer";
    if (k.i == 1) {
      int64_t v;
      if (have_alg || !r.Int(&v)) return "protected header alg is missing or not an integer";
      if (v != kAlgEdDsa) return "alg is not EdDSA (-8)";
      *alg = static_cast<int>(v);
      have_alg = true;
    } else if (k.i == 4) {
      Bytes v;
      if (have_kid || !r.ByteString(&v)) return "protected header kid is not a byte string";
      kid->assign(v.begin(), v.end());
      have_kid = true;
    } else {
      return "protected header has an unknown parameter";
    }
  }
  if (!r.AtEnd()) return "trailing bytes after protected header";
  if (!have_alg) return "protected header has no alg";
  if (!have_kid || kid->empty()) return "protected header has no kid";
  return nullptr;
}

const char* ParseClaims(const Bytes& b, CodeClaims* c) {
  Reader r(b);
  uint64_t n;
  if (!r.Head(5, &n)) return "payload is not a CBOR map";
  if (n > 16) return "payload has too many claims";
  enum { kIss = 1, kIat = 2, kExp = 4, kP = 8, kC = 16, kN = 32, kT = 64, kAll = 127, kK = 128 };
  int seen = 0;
  for (uint64_t i = 0; i < n; ++i) {
    Key k;
    if (!ReadKey(&r, &k)) return "claim key is neither an integer nor text";
    int bit;
    bool ok;
    if (k.is_int && k.i == kClaimIss) {
      bit = kIss;
      ok = r.Text(&c->issuer);
    } else if (k.is_int && k.i == kClaimIat) {
      bit = kIat;
      ok = r.Int(&c->issued_at);
    } else if (k.is_int && k.i == kClaimExp) {
      bit = kExp;
      ok = r.Int(&c->expires_at);
    } else if (!k.is_int && k.s == "p") {
      bit = kP;
      ok = r.Text(&c->person_ref);
    } else if (!k.is_int && k.s == "c") {
      bit = kC;
      int64_t v = -1;
      ok = r.Int(&v) && v >= 0 && v <= 3;
      if (ok) c->color = static_cast<Color>(v);
    } else if (!k.is_int && k.s == "n") {
      bit = kN;
      ok = r.Text(&c->name_masked);
    } else if (!k.is_int && k.s == "t") {
      bit = kT;
      ok = r.Text(&c->id_tail);
    } else if (!k.is_int && k.s == "k") {
      bit = kK;
      int64_t v = -1;
      ok = r.Int(&v) && v == static_cast<int64_t>(TokenKind::kOffline);  // a screen token omits it
      if (ok) c->kind = static_cast<TokenKind>(v);
    } else {
      return "unknown claim";
    }
    if (seen & bit) return "duplicate claim";
    if (!ok) return "claim has the wrong type or value";
    seen |= bit;
  }
  if (!r.AtEnd()) return "trailing bytes after claims";
  if ((seen & kAll) != kAll) return "a required claim is missing";
  if (c->issuer.empty()) return "issuer is empty";
  return nullptr;
}

}  // namespace

const char* ToString(TokenKind k) { return k == TokenKind::kOffline ? "offline" : "screen"; }

std::string Base45Encode(const Bytes& data) {
  std::string out;
  out.reserve(data.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) {
    unsigned v = data[i] * 256u + data[i + 1];
    out.push_back(kBase45Alphabet[v % 45]);
    v /= 45;
    out.push_back(kBase45Alphabet[v % 45]);
    out.push_back(kBase45Alphabet[v / 45]);
  }
  if (i < data.size()) {
    const unsigned v = data[i];
    out.push_back(kBase45Alphabet[v % 45]);
    out.push_back(kBase45Alphabet[v / 45]);
  }
  return out;
}

bool Base45Decode(std::string_view text, Bytes* out) {
  if (text.size() % 3 == 1) return false;
  Bytes result;
  result.reserve(text.size() / 3 * 2 + 1);
  // Digit of each byte value, -1 for bytes outside the alphabet.
  static const std::array<int8_t, 256> kDigit = [] {
    std::array<int8_t, 256> t;
    t.fill(-1);
    for (int a = 0; a < 45; ++a) t[static_cast<unsigned char>(kBase45Alphabet[a])] = a;
    return t;
  }();
  unsigned digits[3];
  for (size_t i = 0; i < text.size(); i += 3) {
    const size_t n = text.size() - i >= 3 ? 3 : 2;
    for (size_t k = 0; k < n; ++k) {
      const int d = kDigit[static_cast<unsigned char>(text[i + k])];
      if (d < 0) return false;
      digits[k] = static_cast<unsigned>(d);
    }
    if (n == 3) {
      const unsigned v = digits[0] + digits[1] * 45 + digits[2] * 45 * 45;
      if (v > 0xffff) return false;
      result.push_back(static_cast<uint8_t>(v >> 8));
      result.push_back(static_cast<uint8_t>(v & 0xff));
    } else {
      const unsigned v = digits[0] + digits[1] * 45;
      if (v > 0xff) return false;
      result.push_back(static_cast<uint8_t>(v));
    }
  }
  *out = std::move(result);
  return true;
}

SignInput PrepareToken(const CodeClaims& claims, const std::string& kid) {
  SignInput in;
  PutHead(&in.protected_header, 5, 2);
  PutInt(&in.protected_header, 1);
  PutInt(&in.protected_header, kAlgEdDsa);
  PutInt(&in.protected_header, 4);
  PutBytes(&in.protected_header, reinterpret_cast<const uint8_t*>(kid.data()), kid.size());

  Bytes& p = in.payload;
  const bool kind = claims.kind != TokenKind::kScreen;
  PutHead(&p, 5, kind ? 8 : 7);
  PutInt(&p, kClaimIss);
  PutText(&p, claims.issuer);
  PutInt(&p, kClaimIat);
  PutInt(&p, claims.issued_at);
  PutInt(&p, kClaimExp);
  PutInt(&p, claims.expires_at);
  PutText(&p, "p");
  PutText(&p, claims.person_ref);
  PutText(&p, "c");
  PutInt(&p, static_cast<int64_t>(claims.color));
  PutText(&p, "n");
  PutText(&p, claims.name_masked);
  PutText(&p, "t");
  PutText(&p, claims.id_tail);
  if (kind) {
    PutText(&p, "k");
    PutInt(&p, static_cast<int64_t>(claims.kind));
  }

  in.to_be_signed = SigStructure(in.protected_header, in.payload);
  return in;
}

std::string AssembleToken(const SignInput& in, const Bytes& signature) {
  Bytes out;
  PutHead(&out, 6, kTagCoseSign1);
  PutHead(&out, 4, 4);
  PutBytes(&out, in.protected_header);
  PutHead(&out, 5, 0);  // unprotected header: empty
  PutBytes(&out, in.payload);
  PutBytes(&out, signature);
  return kPrefix + Base45Encode(out);
}

std::string SignToken(const CodeClaims& claims, const std::string& kid, const Signer& sign) {
  const SignInput in = PrepareToken(claims, kid);
  return AssembleToken(in, sign(in.to_be_signed));
}

ParsedToken ParseToken(std::string_view qr) {
  ParsedToken t;
  if (qr.size() < kPrefixLen || qr.substr(0, kPrefixLen) != kPrefix) {
    return Fail(std::move(t), "missing AK1: prefix");
  }
  Bytes raw;
  if (!Base45Decode(qr.substr(kPrefixLen), &raw)) return Fail(std::move(t), "bad Base45");

  Reader r(raw);
  uint64_t v;
  if (r.PeekMajor() != 6 || !r.Head(6, &v) || v != kTagCoseSign1) {
    return Fail(std::move(t), "not a COSE_Sign1 (CBOR tag 18)");
  }
  if (!r.Head(4, &v) || v != 4) return Fail(std::move(t), "COSE_Sign1 is not an array of 4");
  Bytes protected_header, payload;
  if (!r.ByteString(&protected_header)) {
    return Fail(std::move(t), "protected header is not a byte string");
  }
  if (!r.Head(5, &v) || v != 0) return Fail(std::move(t), "unprotected header is not an empty map");
  if (!r.ByteString(&payload)) return Fail(std::move(t), "payload is not a byte string");
  if (!r.ByteString(&t.signature)) return Fail(std::move(t), "signature is not a byte string");
  if (!r.AtEnd()) return Fail(std::move(t), "trailing bytes after COSE_Sign1");
  if (t.signature.size() != 64) return Fail(std::move(t), "signature is not 64 bytes");

  if (const char* why = ParseProtected(protected_header, &t.alg, &t.kid)) {
    return Fail(std::move(t), why);
  }
  if (const char* why = ParseClaims(payload, &t.claims)) return Fail(std::move(t), why);

  t.to_be_signed = SigStructure(protected_header, payload);
  t.ok = true;
  return t;
}

std::string ValidityProblem(const CodeClaims& c, int64_t now, int64_t max_validity_seconds) {
  if (c.expires_at < c.issued_at) return "expires before it was issued";
  // Both differences in unsigned arithmetic: exact here, where int64 could overflow.
  const uint64_t span = static_cast<uint64_t>(c.expires_at) - static_cast<uint64_t>(c.issued_at);
  if (span > static_cast<uint64_t>(max_validity_seconds)) return "valid for longer than allowed";
  if (c.expires_at > now &&
      static_cast<uint64_t>(c.expires_at) - static_cast<uint64_t>(now) >
          static_cast<uint64_t>(max_validity_seconds)) {
    return "expires too far in the future";
  }
  return "";
}

std::string Base64UrlEncode(const Bytes& data) {
  static const char kAlpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
    out.push_back(kAlpha[(v >> 6) & 63]);
    out.push_back(kAlpha[v & 63]);
  }
  const size_t rest = data.size() - i;
  if (rest == 1) {
    const uint32_t v = data[i] << 16;
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
  } else if (rest == 2) {
    const uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
    out.push_back(kAlpha[(v >> 18) & 63]);
    out.push_back(kAlpha[(v >> 12) & 63]);
    out.push_back(kAlpha[(v >> 6) & 63]);
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, Bytes* out) {
  if (text.size() % 4 == 1) return false;
  Bytes result;
  result.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char ch : text) {
    int d;
    if (ch >= 'A' && ch <= 'Z') {
      d = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      d = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      d = ch - '0' + 52;
    } else if (ch == '-') {
      d = 62;
    } else if (ch == '_') {
      d = 63;
    } else {
      return false;  // includes '=' padding and the standard alphabet's + and /
    }
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      result.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return false;  // non-canonical: leftover bits must be zero
  *out = std::move(result);
  return true;
}

}  // namespace ankang
