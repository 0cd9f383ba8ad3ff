// libFuzzer target: what the HTTP layer decodes before any handler runs
// (server/http/): query names and values (PercentDecode), client addresses
// (CanonicalIp, ClientIp over X-Forwarded-For) and route matching
// (Router::Find). The input is one text used for each. Checks, besides the
// sanitizers: an accepted query value is UTF-8 without NUL and survives
// re-encoding; a canonical address is canonical again; ClientIp answers a
// canonical address.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/http/pistache_server.h"
#include "server/http/request.h"
#include "server/http/router.h"

namespace {

using namespace ankang::server;

void Fail(const char* what) {
  std::fprintf(stderr, "query fuzz: %s\n", what);
  std::abort();
}

const Router& Routes() {
  static const Router r = [] {
    Router r;
    auto h = [](ankang::server::App&, const Request&) { return Response(); };
    for (const char* p : {"/api/v1/persons/{id}", "/api/v1/persons/{id}/code", "/api/v1/persons",
                          "/api/v1/persons/{id}/guardians/{account_id}", "/api/v1/review/pending",
                          "/api/v1/review/{declaration_id}"}) {
      r.Add("GET", p, {}, h);
      r.Add("POST", p, {"*"}, h);
    }
    return r;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);

  std::string decoded;
  if (PercentDecode(in, &decoded)) {
    if (decoded.find('\0') != std::string::npos) Fail("a decoded NUL");
    static const char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : decoded) {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
    std::string again;
    if (!PercentDecode(encoded, &again) || again != decoded) Fail("re-encoding changes the value");
  }

  const std::string ip = CanonicalIp(in);
  if (!ip.empty() && CanonicalIp(ip) != ip) Fail("a canonical address is not canonical");
  const std::vector<std::string> proxies = {"127.0.0.1", "::1", "10.0.0.1"};
  const std::string client = ClientIp("127.0.0.1", in, proxies);
  if (CanonicalIp(client) != client) Fail("ClientIp answered a non-canonical address");

  const Router::Match m = Routes().Find(size % 2 ? "GET" : "POST", in);
  if (m.route != nullptr) {
    for (const auto& [name, value] : m.params) {
      // Segments are %-decoded (router.cc), so a value may hold any byte; never nothing.
      if (value.empty()) Fail("an empty route parameter");
    }
  }
  return 0;
}
