#include "server/http/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace ankang::server {
namespace {

std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void Family(std::string* out, const std::string& name, const char* type, const std::string& help) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Sample(std::string* out, const std::string& name, const std::string& labels, double v) {
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += " " + Number(v) + "\n";
}

// Resident memory from /proc/self/statm (pages); 0 where there is none.
double ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long size = 0;
  long resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) : 0;
}

double OpenFds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  double n = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

}  // namespace

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(std::string* out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBounds.size() ? Number(kBounds[i]) : "+Inf";
    *out += name + "_bucket{" + labels + sep + "le=\"" + le + "\"} " + std::to_string(cumulative) +
            "\n";
  }
  // _count is the +Inf bucket (read once above), so the two always agree.
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  *out += name + "_sum" + braces + " " +
          Number(static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6) + "\n";
  *out += name + "_count" + braces + " " + std::to_string(cumulative) + "\n";
}

Metrics::Metrics()
    : start_time_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                      .count()) {}

void Metrics::CountRequest(const std::string& method, const std::string& route, int status,
                           double seconds) {
  RequestSeries* s = nullptr;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = requests_.find(std::tie(method, route, status));
    if (it == requests_.end()) {
      it = requests_
               .emplace(std::make_tuple(method, route, status), std::make_unique<RequestSeries>())
               .first;
    }
    s = it->second.get();
  }
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->seconds.Observe(seconds);
}

void Metrics::CountDeclaration() { declarations_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::CountCode(const std::string& color) {
  std::lock_guard<std::mutex> l(mu_);
  ++codes_[color];
}

void Metrics::CountSignature(const std::string& kind) {
  std::lock_guard<std::mutex> l(mu_);
  ++signatures_[kind];
}

void Metrics::CountVerify(const std::string& status) {
  std::lock_guard<std::mutex> l(mu_);
  ++verifies_[status];
}

void Metrics::ObserveWriteBehindFlush(double seconds, size_t rows) {
  flush_seconds_.Observe(seconds);
  flush_rows_.fetch_add(rows, std::memory_order_relaxed);
}

std::string Metrics::Render(const std::map<std::string, GaugeFamily>& gauges) const {
  std::string o;
  std::lock_guard<std::mutex> l(mu_);
  Family(&o, "ankang_http_requests_total", "counter",
         "HTTP requests answered, by method, route pattern and status code.");
  for (const auto& [k, s] : requests_) {
    Sample(&o, "ankang_http_requests_total",
           "method=\"" + Label(std::get<0>(k)) + "\",route=\"" + Label(std::get<1>(k)) +
               "\",status=\"" + std::to_string(std::get<2>(k)) + "\"",
           static_cast<double>(s->count.load(std::memory_order_relaxed)));
  }
  Family(&o, "ankang_http_request_duration_seconds", "histogram",
         "Time from the parsed request to its answer, by method, route pattern and status code.");
  for (const auto& [k, s] : requests_) {
    s->seconds.Render(&o, "ankang_http_request_duration_seconds",
                      "method=\"" + Label(std::get<0>(k)) + "\",route=\"" + Label(std::get<1>(k)) +
                          "\",status=\"" + std::to_string(std::get<2>(k)) + "\"");
  }
  Family(&o, "ankang_declarations_total", "counter", "Declarations stored since start.");
  Sample(&o, "ankang_declarations_total", "",
         static_cast<double>(declarations_.load(std::memory_order_relaxed)));
  Family(&o, "ankang_codes_issued_total", "counter", "Codes issued since start, by colour.");
  for (const char* c : {"green", "gray", "yellow", "red"}) {
    auto it = codes_.find(c);
    Sample(&o, "ankang_codes_issued_total", std::string("color=\"") + c + "\"",
           static_cast<double>(it == codes_.end() ? 0 : it->second));
  }
  Family(&o, "ankang_tokens_signed_total", "counter",
         "Code tokens signed since start, by kind (screen, offline, paper).");
  for (const char* k : {"screen", "offline", "paper"}) {
    auto it = signatures_.find(k);
    Sample(&o, "ankang_tokens_signed_total", std::string("kind=\"") + k + "\"",
           static_cast<double>(it == signatures_.end() ? 0 : it->second));
  }
  Family(&o, "ankang_verifications_total", "counter",
         "Verifications since start, by result status.");
  for (const auto& [s, n] : verifies_) {
    Sample(&o, "ankang_verifications_total", "status=\"" + Label(s) + "\"", static_cast<double>(n));
  }
  Family(&o, "ankang_db_write_behind_flush_seconds", "histogram",
         "Duration of each write-behind transaction (statistics, verdicts, sessions seen).");
  flush_seconds_.Render(&o, "ankang_db_write_behind_flush_seconds", "");
  Family(&o, "ankang_db_write_behind_rows_total", "counter",
         "Rows written by the write-behind flushes.");
  Sample(&o, "ankang_db_write_behind_rows_total", "",
         static_cast<double>(flush_rows_.load(std::memory_order_relaxed)));
  for (const auto& [name, family] : gauges) {
    Family(&o, name, "gauge", family.help);
    for (const GaugeSample& s : family.samples) Sample(&o, name, s.labels, s.value);
  }
  Family(&o, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  Sample(&o, "process_resident_memory_bytes", "", ResidentBytes());
  Family(&o, "process_start_time_seconds", "gauge",
         "Start time of the process since the Unix epoch in seconds.");
  Sample(&o, "process_start_time_seconds", "", start_time_);
  Family(&o, "process_open_fds", "gauge", "Number of open file descriptors.");
  Sample(&o, "process_open_fds", "", OpenFds());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  Family(&o, "process_cpu_seconds_total", "counter", "User and system CPU time in seconds.");
  Sample(&o, "process_cpu_seconds_total", "",
         static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
  return o;
}

}  // namespace ankang::server
