// In-process counters exposed at GET /metrics in the Prometheus text format.
// Labels never carry personal data (routes are patterns, not paths).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace ankang::server {

class Metrics {
 public:
  void CountRequest(const std::string& method, const std::string& route, int status);
  void CountDeclaration();
  void CountCode(const std::string& color);
  // A token signed for a code: kind "screen", "offline" or "paper".
  void CountSignature(const std::string& kind);
  void CountVerify(const std::string& status);
  // Prometheus exposition text; `gauges` are extra name -> value lines.
  std::string Render(const std::map<std::string, double>& gauges) const;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  uint64_t declarations_ = 0;
  std::map<std::string, uint64_t> codes_;
  std::map<std::string, uint64_t> signatures_;
  std::map<std::string, uint64_t> verifies_;
};

}  // namespace ankang::server
