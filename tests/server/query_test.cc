// Query strings are percent-decoded once, by the HTTP layer (PercentDecode),
// before any handler sees them; a malformed escape is refused.
#include <catch2/catch.hpp>

#include "server/http/request.h"

namespace ankang::server {
namespace {

std::string Decoded(const std::string& in) {
  std::string out = "unchanged";
  REQUIRE(PercentDecode(in, &out));
  return out;
}

bool Malformed(const std::string& in) {
  std::string out;
  return !PercentDecode(in, &out);
}

TEST_CASE("query: percent escapes and plus signs decode", "[query]") {
  CHECK(Decoded("%E5%8E%86") == "历");
  CHECK(Decoded("%e5%8e%86%E4%B8%8B%E5%8C%BA") == "历下区");
  CHECK(Decoded("a+b") == "a b");
  CHECK(Decoded("a%2Bb") == "a+b");
  CHECK(Decoded("2000-01-01T00:00:00%2B08:00") == "2000-01-01T00:00:00+08:00");
  CHECK(Decoded("100%25") == "100%");
  CHECK(Decoded("%41") == "A");
  CHECK(Decoded("") == "");
  CHECK(Decoded("plain") == "plain");
}

TEST_CASE("query: malformed escapes are refused", "[query]") {
  CHECK(Malformed("%zz"));
  CHECK(Malformed("%"));
  CHECK(Malformed("%4"));
  CHECK(Malformed("abc%"));
  CHECK(Malformed("%g1"));
  CHECK(Malformed("a%00b"));   // a NUL would cut the value short further down
  CHECK(Malformed(std::string("a\0b", 3)));  // so would a raw one (found by the query fuzzer)
  CHECK(Malformed("%E5%8E"));  // half a character
  CHECK(Malformed("%C0%AF"));  // an overlong form
  CHECK(Malformed("\xff"));    // raw bytes are checked as well
}

}  // namespace
}  // namespace ankang::server
