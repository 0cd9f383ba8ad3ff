#include "server/domain/sessions.h"

#include <utility>
#include <vector>

namespace ankang::server {

std::string DeviceSummary(const std::string& ua) {
  if (ua.empty()) return "";
  auto has = [&ua](const char* s) { return ua.find(s) != std::string::npos; };
  // Order matters: in-app browsers and Edge also say Chrome / Safari.
  static const std::vector<std::pair<const char*, const char*>> kApps = {
      {"MicroMessenger", "WeChat"},
      {"AlipayClient", "Alipay"},
      {"Edg/", "Edge"},
      {"Firefox/", "Firefox"},
      {"Chrome/", "Chrome"},
      {"Safari/", "Safari"},
      {"curl/", "curl"},
      {"node", "Node"}};
  static const std::vector<std::pair<const char*, const char*>> kSystems = {
      {"iPhone", "iPhone"},   {"iPad", "iPad"},      {"Android", "Android"},
      {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}};
  std::string app = "Browser";
  for (const auto& [key, name] : kApps) {
    if (has(key)) {
      app = name;
      break;
    }
  }
  for (const auto& [key, name] : kSystems) {
    if (has(key)) return app + " on " + name;
  }
  return app;
}

std::string SessionId(const SessionRow& s) { return s.token_hash.substr(0, 12); }

}  // namespace ankang::server

namespace ankang::server {
namespace {

// Browsers keep a cookie at most 400 days (RFC 6265bis); the server's own end
// of the session (idle or fixed) decides before then.
constexpr int64_t kCookieMaxAge = 400LL * 86400;

}  // namespace

std::string CookieSessionKind(const Request& req) {
  const std::string k = req.Header("x-ankang-session");
  return k == "resident" || k == "staff" ? k : "";
}

const char* SessionCookieName(const std::string& kind) {
  return kind == "staff" ? "ankang_staff" : "ankang_session";
}

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t i = 0;
  while (i < header.size()) {
    size_t end = header.find(';', i);
    if (end == std::string::npos) end = header.size();
    size_t a = header.find_first_not_of(' ', i);
    if (a != std::string::npos && a < end) {
      const size_t eq = header.find('=', a);
      if (eq != std::string::npos && eq < end && header.compare(a, eq - a, name) == 0 &&
          eq - a == name.size()) {
        size_t b = end;
        while (b > eq + 1 && header[b - 1] == ' ') --b;
        return header.substr(eq + 1, b - eq - 1);
      }
    }
    i = end + 1;
  }
  return "";
}

std::string CookieSessionToken(const Request& req) {
  if (!req.Header("authorization").empty()) return "";
  const std::string kind = CookieSessionKind(req);
  if (kind.empty()) return "";
  return CookieValue(req.Header("cookie"), SessionCookieName(kind));
}

std::string SessionSetCookie(const Request& req, const std::string& kind,
                             const std::string& token) {
  std::string c = std::string(SessionCookieName(kind)) + "=" + token +
                  "; Path=/api/; Max-Age=" + std::to_string(token.empty() ? 0 : kCookieMaxAge) +
                  "; HttpOnly; SameSite=Strict";
  if (req.Header("x-forwarded-proto") == "https") c += "; Secure";
  return c;
}

int64_t DeviceIdleSeconds(const Options& o, const std::string& kind, const std::string& role) {
  if (kind == "resident") return o.device_session_days * 86400;
  if (kind == "staff" && role == "verifier") return o.verifier_device_days * 86400;
  return 0;
}

}  // namespace ankang::server
