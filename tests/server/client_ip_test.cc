// The client address behind a reverse proxy: X-Forwarded-For counts only when
// the peer is a --trusted-proxy, and then only its right-most untrusted entry
// (what the proxy itself saw). The OTP per-address limit uses that address.
#include <catch2/catch.hpp>

#include "helpers.h"
#include "server/options.h"

namespace ankang::server {
namespace {

using testing::Answer;

const std::vector<std::string> kLocalProxy = {"127.0.0.1"};

TEST_CASE("client ip: X-Forwarded-For only from a trusted proxy", "[proxy]") {
  CHECK(ClientIp("127.0.0.1", "203.0.113.7", {}) == "127.0.0.1");  // no proxy trusted
  CHECK(ClientIp("198.51.100.1", "203.0.113.7", kLocalProxy) == "198.51.100.1");
  CHECK(ClientIp("127.0.0.1", "203.0.113.7", kLocalProxy) == "203.0.113.7");
  CHECK(ClientIp("127.0.0.1", " 203.0.113.7 ", kLocalProxy) == "203.0.113.7");
  // Entries left of the one the proxy wrote came from the client.
  CHECK(ClientIp("127.0.0.1", "10.9.9.9, 203.0.113.7", kLocalProxy) == "203.0.113.7");
  // A chain of trusted proxies is walked through.
  CHECK(ClientIp("127.0.0.1", "203.0.113.7, 10.0.0.2", {"127.0.0.1", "10.0.0.2"}) == "203.0.113.7");
  CHECK(ClientIp("127.0.0.1", "", kLocalProxy) == "127.0.0.1");
  CHECK(ClientIp("127.0.0.1", "unknown", kLocalProxy) == "127.0.0.1");
  CHECK(ClientIp("127.0.0.1", "203.0.113.7:4711", kLocalProxy) == "127.0.0.1");
  CHECK(ClientIp("127.0.0.1", "2001:DB8::1", kLocalProxy) == "2001:db8::1");
  CHECK(ClientIp("::1", "203.0.113.7", {"::1"}) == "203.0.113.7");
}

TEST_CASE("client ip: --trusted-proxy takes IP literals only", "[proxy][options]") {
  std::string err;
  Options o;
  std::vector<std::string> args = {"ankang-server", "--trusted-proxy", "127.0.0.1",
                                   "--trusted-proxy", "::1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  REQUIRE(ParseOptions(static_cast<int>(argv.size()), argv.data(), &o, &err));
  CHECK(o.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(Options().trusted_proxies.empty());
  for (std::string bad : {"localhost", "127.0.0.1/8", "", "1.2.3.4.5"}) {
    Options b;
    std::vector<std::string> a2 = {"ankang-server", "--trusted-proxy", bad};
    std::vector<char*> v2;
    for (auto& a : a2) v2.push_back(a.data());
    CHECK_FALSE(ParseOptions(static_cast<int>(v2.size()), v2.data(), &b, &err));
    CHECK(err.find("--trusted-proxy") != std::string::npos);
  }
  CHECK(CanonicalIp("::FFFF:10.0.0.1") == "::ffff:10.0.0.1");
  CHECK(CanonicalIp("10.0.0.1") == "10.0.0.1");
  CHECK(CanonicalIp("10.0.0.01").empty());
}

int OtpStatus(App& app, const std::string& phone, const std::string& forwarded_for) {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/auth/otp";
  r.ip = "127.0.0.1";
  r.body = Json{{"phone", phone}}.dump();
  if (!forwarded_for.empty()) r.headers["x-forwarded-for"] = forwarded_for;
  return HttpCode(Dispatch(app, r).status);
}

TEST_CASE("client ip: the OTP per-address limit counts forwarded clients", "[proxy]") {
  Options behind;
  behind.otp_per_ip_per_hour = 2;
  behind.trusted_proxies = kLocalProxy;
  auto app = testing::NewApp(behind);
  CHECK(OtpStatus(*app, "13900000001", "203.0.113.1") == 202);
  CHECK(OtpStatus(*app, "13900000002", "203.0.113.1") == 202);
  CHECK(OtpStatus(*app, "13900000003", "203.0.113.1") == 429);
  CHECK(OtpStatus(*app, "13900000004", "203.0.113.2") == 202);  // another client
  // The client cannot step aside by writing its own entry on the left.
  CHECK(OtpStatus(*app, "13900000005", "198.51.100.9, 203.0.113.1") == 429);

  Options direct;
  direct.otp_per_ip_per_hour = 2;
  auto plain = testing::NewApp(direct);  // no trusted proxy: the header is ignored
  CHECK(OtpStatus(*plain, "13900000011", "203.0.113.1") == 202);
  CHECK(OtpStatus(*plain, "13900000012", "203.0.113.2") == 202);
  CHECK(OtpStatus(*plain, "13900000013", "203.0.113.3") == 429);
}

}  // namespace
}  // namespace ankang::server
