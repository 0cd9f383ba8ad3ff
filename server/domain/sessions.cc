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
