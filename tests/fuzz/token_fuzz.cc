// libFuzzer target: the code token's decoders (shared/token.h). The first byte
// says what the rest is: 0 a scanned QR text ("AK1:..."), 1 the raw COSE_Sign1
// bytes (Base45-encoded here, so mutations reach the CBOR reader directly),
// 2 Base45 text, 3 Base64url text. Checks, besides the sanitizers: a parsed
// token re-assembles into a token that parses to the same claims and the same
// bytes to be signed; every decoder's accepted input is exactly what the
// encoder gives back.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shared/token.h"

namespace {

using ankang::Bytes;

void Fail(const char* what) {
  std::fprintf(stderr, "token fuzz: %s\n", what);
  std::abort();
}

bool SameClaims(const ankang::CodeClaims& a, const ankang::CodeClaims& b) {
  return a.issuer == b.issuer && a.issued_at == b.issued_at && a.expires_at == b.expires_at &&
         a.person_ref == b.person_ref && a.color == b.color && a.name_masked == b.name_masked &&
         a.id_tail == b.id_tail;
}

void CheckParsed(const ankang::ParsedToken& t) {
  if (!t.ok) {
    if (t.error.empty()) Fail("a rejected token without a reason");
    return;
  }
  if (t.signature.size() != 64 || t.kid.empty() || t.alg != -8) Fail("accepted a bad header");
  const ankang::SignInput in = ankang::PrepareToken(t.claims, t.kid);
  const ankang::ParsedToken again = ankang::ParseToken(ankang::AssembleToken(in, t.signature));
  if (!again.ok) Fail("a re-assembled token does not parse");
  if (!SameClaims(again.claims, t.claims) || again.kid != t.kid) Fail("claims changed");
  if (again.to_be_signed != in.to_be_signed) Fail("bytes to be signed changed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Bytes bytes(data + 1, data + size);
  Bytes decoded;
  switch (mode) {
    case 0:
      CheckParsed(ankang::ParseToken(text));
      break;
    case 1:
      CheckParsed(ankang::ParseToken("AK1:" + ankang::Base45Encode(bytes)));
      break;
    case 2:
      if (ankang::Base45Decode(text, &decoded) && ankang::Base45Encode(decoded) != text) {
        Fail("Base45 decode/encode is not the identity");
      }
      break;
    case 3:
      if (ankang::Base64UrlDecode(text, &decoded) && ankang::Base64UrlEncode(decoded) != text) {
        Fail("Base64url decode/encode is not the identity");
      }
      break;
  }
  return 0;
}
