// The /metrics text against the Prometheus exposition format 0.0.4: every
// sample belongs to a family declared by # TYPE, names are valid, counters end
// in _total, histogram buckets are cumulative and end with +Inf equal to
// _count; and what is counted is what was done.
#include "server/http/metrics.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.h"

namespace ankang::server {
namespace {

using testing::Call;
using testing::NewApp;

std::string Lines(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += s + "\n";
  return out;
}

struct Parsed {
  std::map<std::string, std::string> types;  // family -> counter | gauge | histogram
  std::map<std::string, double> samples;     // "name{labels}" -> value
  std::vector<std::string> problems;
};

// The family a sample name belongs to: itself, or a histogram's base.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

Parsed Parse(const std::string& text) {
  static const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*)?\})? ([-+]?[0-9.]+(e[-+]?[0-9]+)?|\+Inf|NaN))");
  Parsed p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      p.problems.push_back("empty line");
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream w(line.substr(7));
      std::string name;
      std::string type;
      w >> name >> type;
      if (!std::regex_match(name, kName)) p.problems.push_back("bad name: " + line);
      if (p.types.count(name)) p.problems.push_back("TYPE twice: " + line);
      if (type != "counter" && type != "gauge" && type != "histogram") {
        p.problems.push_back("bad type: " + line);
      }
      p.types[name] = type;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      p.problems.push_back("not a sample: " + line);
      continue;
    }
    const std::string name = m[1];
    const std::string family = FamilyOf(name, p.types);
    if (!p.types.count(family)) p.problems.push_back("no TYPE before: " + line);
    if (p.types[family] == "counter" &&
        (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0)) {
      p.problems.push_back("counter without _total: " + line);
    }
    const std::string key = line.substr(0, line.rfind(' '));
    if (p.samples.count(key)) p.problems.push_back("sample twice: " + line);
    p.samples[key] = std::stod(m[7]);
  }
  return p;
}

// For each histogram series: buckets ascending, cumulative, last +Inf == _count.
void CheckHistograms(const Parsed& p) {
  static const std::regex kBucket(
      R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{(.*?),?le="([^"]*)"\})re");
  std::map<std::string, std::vector<std::pair<std::string, double>>> series;  // name{labels}
  for (const auto& [key, v] : p.samples) {
    std::smatch m;
    if (!std::regex_match(key, m, kBucket)) continue;
    const std::string labels = m[2];
    series[m[1].str() + (labels.empty() ? "" : "{" + labels + "}")].push_back({m[3], v});
  }
  REQUIRE(!series.empty());
  for (auto& [name_labels, buckets] : series) {
    INFO(name_labels);
    std::sort(buckets.begin(), buckets.end(), [](const auto& a, const auto& b) {
      return (a.first == "+Inf" ? 1e300 : std::stod(a.first)) <
             (b.first == "+Inf" ? 1e300 : std::stod(b.first));
    });
    REQUIRE(buckets.back().first == "+Inf");
    for (size_t i = 1; i < buckets.size(); ++i) CHECK(buckets[i].second >= buckets[i - 1].second);
    const size_t brace = name_labels.find('{');
    const std::string count_key = name_labels.substr(0, brace) + "_count" +
                                  (brace == std::string::npos ? "" : name_labels.substr(brace));
    REQUIRE(p.samples.count(count_key) == 1);
    CHECK(p.samples.at(count_key) == buckets.back().second);
  }
}

TEST_CASE("the test's parser finds what is wrong", "[metrics]") {
  CHECK(Parse("# TYPE a_total counter\na_total 1\n").problems.empty());
  CHECK(Parse("a_total 1\n").problems.size() == 1);                   // no TYPE
  CHECK(Parse("# TYPE a counter\na 1\n").problems.size() == 1);       // no _total
  CHECK(Parse("# TYPE 1a gauge\n").problems.size() == 1);             // bad name
  CHECK(Parse("# TYPE a gauge\na{b=\"c} 1\n").problems.size() == 1);  // bad labels
  CHECK(Parse("# TYPE a gauge\na 1\na 2\n").problems.size() == 1);    // twice
  CHECK(Parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n").problems.empty());
}

TEST_CASE("the metrics text is valid Prometheus exposition", "[metrics]") {
  Metrics m;
  m.CountRequest("GET", "/api/v1/persons/{id}/code", 200, 0.0004);
  m.CountRequest("GET", "/api/v1/persons/{id}/code", 200, 0.3);
  m.CountRequest("GET", "/api/v1/persons/{id}/code", 200, 30);
  m.CountRequest("POST", "/api/v1/verify", 400, 0.002);
  m.CountRequest("POST", "a \"quoted\"\\route", 500, 0.01);
  m.CountCode("green");
  m.CountVerify("valid");
  m.ObserveWriteBehindFlush(0.004, 7);
  std::map<std::string, GaugeFamily> gauges;
  gauges["ankang_pool_waiting"] =
      GaugeFamily{"waiting", {{"pool=\"fetch\"", 2}, {"pool=\"import\"", 0}}};
  const Parsed p = Parse(m.Render(gauges));
  INFO(Lines(p.problems));
  CHECK(p.problems.empty());
  CheckHistograms(p);
  const std::string code = "method=\"GET\",route=\"/api/v1/persons/{id}/code\",status=\"200\"";
  CHECK(p.samples.at("ankang_http_requests_total{" + code + "}") == 3);
  CHECK(p.samples.at("ankang_http_request_duration_seconds_count{" + code + "}") == 3);
  CHECK(p.samples.at("ankang_http_request_duration_seconds_bucket{" + code + ",le=\"0.001\"}") ==
        1);
  CHECK(p.samples.at("ankang_http_request_duration_seconds_bucket{" + code + ",le=\"0.5\"}") == 2);
  CHECK(p.samples.at("ankang_http_request_duration_seconds_bucket{" + code + ",le=\"10\"}") == 2);
  CHECK(p.samples.at("ankang_http_request_duration_seconds_sum{" + code + "}") ==
        Approx(30.3004).epsilon(1e-4));
  CHECK(p.samples.at("ankang_codes_issued_total{color=\"green\"}") == 1);
  CHECK(p.samples.at("ankang_codes_issued_total{color=\"red\"}") == 0);
  CHECK(p.samples.at("ankang_verifications_total{status=\"valid\"}") == 1);
  CHECK(p.samples.at("ankang_db_write_behind_flush_seconds_count") == 1);
  CHECK(p.samples.at("ankang_db_write_behind_rows_total") == 7);
  CHECK(p.samples.at("ankang_pool_waiting{pool=\"fetch\"}") == 2);
  CHECK(p.types.at("process_resident_memory_bytes") == "gauge");
  CHECK(p.samples.at("process_resident_memory_bytes") > 0);
  CHECK(p.samples.at("process_open_fds") > 0);
}

TEST_CASE("the application's /metrics is valid exposition with route patterns", "[metrics]") {
  auto app = NewApp();
  Call(*app, "GET", "/api/v1/keys");
  Call(*app, "GET", "/api/v1/persons/p_123/code");  // unauthenticated: 401
  const auto answer = Call(*app, "GET", "/metrics").raw;
  CHECK(answer.content_type == "text/plain; version=0.0.4; charset=utf-8");
  const Parsed p = Parse(answer.body);
  INFO(Lines(p.problems));
  CHECK(p.problems.empty());
  CheckHistograms(p);
  CHECK(p.samples.at(
            "ankang_http_requests_total{method=\"GET\",route=\"/api/v1/keys\",status=\"200\"}") ==
        1);
  CHECK(p.samples.count("ankang_http_requests_total{method=\"GET\",route=\"/api/v1/persons/{id}/"
                        "code\",status=\"401\"}") == 1);
  CHECK(answer.body.find("p_123") == std::string::npos);
  for (const char* family :
       {"ankang_sms_waiting", "ankang_pool_waiting", "ankang_write_behind_queued",
        "ankang_recolour_jobs", "process_start_time_seconds"}) {
    CHECK(p.types.count(family) == 1);
  }
}

}  // namespace
}  // namespace ankang::server
