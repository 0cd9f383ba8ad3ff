#include "server/http/router.h"

#include <algorithm>

namespace ankang::server {

const std::vector<std::string> kAnyone = {};
const std::vector<std::string> kAuthenticated = {"*"};

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path segment's value: %XX decoded (a client encodes ':' in "preset:default"
// as %3A); '+' stays '+' (that is form encoding, not paths); a '%' not
// followed by two hex digits stays as it is.
std::string DecodeSegment(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool IsParameter(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

std::vector<std::string> Router::Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void Router::Add(const std::string& method, const std::string& pattern,
                 std::vector<std::string> roles, Handler handler) {
  routes_.push_back(Route{method, pattern, std::move(roles), std::move(handler)});
  segments_.push_back(Split(pattern));
}

Router::Match Router::Find(const std::string& method, const std::string& path) const {
  Match m;
  const std::vector<std::string> parts = Split(path);
  // A trailing slash is not the same resource.
  if (path.size() > 1 && path.back() == '/') return m;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const auto& seg = segments_[r];
    if (seg.size() != parts.size()) continue;
    // The fixed segments first: the parameters are decoded only for a match.
    bool ok = true;
    for (size_t i = 0; i < seg.size() && ok; ++i) ok = IsParameter(seg[i]) || seg[i] == parts[i];
    if (!ok) continue;
    if (routes_[r].method == method) {
      std::map<std::string, std::string> params;
      for (size_t i = 0; i < seg.size(); ++i) {
        if (IsParameter(seg[i]))
          params[seg[i].substr(1, seg[i].size() - 2)] = DecodeSegment(parts[i]);
      }
      m.route = &routes_[r];
      m.params = std::move(params);
    }
    if (std::find(m.allowed.begin(), m.allowed.end(), routes_[r].method) == m.allowed.end()) {
      m.allowed.push_back(routes_[r].method);
    }
  }
  // A fixed segment beats a parameter: prefer the route with fewer parameters.
  if (m.route != nullptr) {
    for (size_t r = 0; r < routes_.size(); ++r) {
      if (routes_[r].method != method || &routes_[r] == m.route) continue;
      const auto& seg = segments_[r];
      if (seg.size() != parts.size()) continue;
      bool exact = true;
      for (size_t i = 0; i < seg.size() && exact; ++i) exact = seg[i] == parts[i];
      if (exact) {
        m.route = &routes_[r];
        m.params.clear();
      }
    }
  }
  return m;
}

}  // namespace ankang::server
