// In-process counters exposed at GET /metrics in the Prometheus text format
// (version 0.0.4). Labels never carry personal data: routes are patterns, not
// paths. Counting a request costs one short lock and a few relaxed atomics;
// histograms have fixed buckets.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ankang::server {

// A Prometheus histogram of seconds with fixed buckets (1 ms to 10 s).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5,   10};
  void Observe(double seconds);
  // The _bucket, _sum and _count lines of `name` with `labels` ("" or
  // `a="x",b="y"`); no HELP or TYPE line.
  void Render(std::string* out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};  // not cumulative; last: +Inf
  std::atomic<uint64_t> sum_micros_{0};
};

// One gauge sample for Render: labels (`pool="fetch"` or "") and value.
struct GaugeSample {
  std::string labels;
  double value = 0;
};

// A gauge family: the HELP text and its samples.
struct GaugeFamily {
  std::string help;
  std::vector<GaugeSample> samples;
};

class Metrics {
 public:
  Metrics();
  // An answered request: the route pattern (or "unmatched", "bad_query", ...),
  // its status code and how long the server took from parsing to answer.
  void CountRequest(const std::string& method, const std::string& route, int status,
                    double seconds = 0);
  void CountDeclaration();
  void CountCode(const std::string& color);
  // A token signed for a code: kind "screen", "offline" or "paper".
  void CountSignature(const std::string& kind);
  void CountVerify(const std::string& status);
  // One write-behind flush: its transaction's duration and the rows written.
  void ObserveWriteBehindFlush(double seconds, size_t rows);
  // Prometheus exposition text; `gauges` are extra families by name (each a
  // gauge), then the process metrics.
  std::string Render(const std::map<std::string, GaugeFamily>& gauges) const;

 private:
  struct RequestSeries {
    std::atomic<uint64_t> count{0};
    Histogram seconds;
  };
  mutable std::mutex mu_;  // guards the maps; the series themselves are atomic
  std::map<std::tuple<std::string, std::string, int>, std::unique_ptr<RequestSeries>, std::less<>>
      requests_;  // (method, route, status); std::less<>: found without copying the strings
  std::atomic<uint64_t> declarations_{0};
  std::map<std::string, uint64_t> codes_;
  std::map<std::string, uint64_t> signatures_;
  std::map<std::string, uint64_t> verifies_;
  Histogram flush_seconds_;
  std::atomic<uint64_t> flush_rows_{0};
  double start_time_ = 0;  // Unix seconds
};

}  // namespace ankang::server
