#include "server/http/metrics.h"

#include <sstream>
#include <tuple>

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

}  // namespace

void Metrics::CountRequest(const std::string& method, const std::string& route, int status) {
  std::lock_guard<std::mutex> l(mu_);
  ++requests_[std::make_tuple(method, route, status)];
}

void Metrics::CountDeclaration() {
  std::lock_guard<std::mutex> l(mu_);
  ++declarations_;
}

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

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::lock_guard<std::mutex> l(mu_);
  std::ostringstream o;
  o << "# HELP ankang_http_requests_total HTTP requests by method, route pattern and status.\n"
       "# TYPE ankang_http_requests_total counter\n";
  for (const auto& [k, n] : requests_) {
    o << "ankang_http_requests_total{method=\"" << Label(std::get<0>(k)) << "\",route=\""
      << Label(std::get<1>(k)) << "\",status=\"" << std::get<2>(k) << "\"} " << n << "\n";
  }
  o << "# HELP ankang_declarations_total Declarations stored since start.\n"
       "# TYPE ankang_declarations_total counter\n"
    << "ankang_declarations_total " << declarations_ << "\n";
  o << "# HELP ankang_codes_issued_total Codes issued since start, by colour.\n"
       "# TYPE ankang_codes_issued_total counter\n";
  for (const char* c : {"green", "gray", "yellow", "red"}) {
    auto it = codes_.find(c);
    o << "ankang_codes_issued_total{color=\"" << c << "\"} "
      << (it == codes_.end() ? 0 : it->second) << "\n";
  }
  o << "# HELP ankang_tokens_signed_total Code tokens signed since start, by kind.\n"
       "# TYPE ankang_tokens_signed_total counter\n";
  for (const char* k : {"screen", "offline", "paper"}) {
    auto it = signatures_.find(k);
    o << "ankang_tokens_signed_total{kind=\"" << k << "\"} "
      << (it == signatures_.end() ? 0 : it->second) << "\n";
  }
  o << "# HELP ankang_verifications_total Verifications since start, by result.\n"
       "# TYPE ankang_verifications_total counter\n";
  for (const auto& [s, n] : verifies_) {
    o << "ankang_verifications_total{status=\"" << Label(s) << "\"} " << n << "\n";
  }
  std::string last_base;
  for (const auto& [name, v] : gauges) {
    std::string base = name.substr(0, name.find('{'));
    if (base != last_base) o << "# TYPE " << base << " gauge\n";
    last_base = base;
    o << name << " " << v << "\n";
  }
  return o.str();
}

}  // namespace ankang::server
