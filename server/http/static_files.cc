#include "server/http/static_files.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ankang::server {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::vector<std::string> SplitList(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(Trim(cur));
  return out;
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return "";
  return buf;
}

bool StatFile(const std::string& p, struct stat* st) {
  return ::stat(p.c_str(), st) == 0 && S_ISREG(st->st_mode);
}

int64_t MtimeNanos(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

Response NotFound() { return ErrorResponse(Status::kNotFound, "not_found", "No such page."); }

// The html file serving an app path, "" when none.
std::string AppPage(const std::string& path) {
  if (path == "/") return "index.html";
  if (path == "/staff" || path == "/staff/") return "staff.html";
  if (path == "/admin" || path == "/admin/") return "admin.html";
  if (path == "/review" || path == "/review/") return "review.html";
  if (path == "/venue" || path == "/venue/") return "venue.html";
  if (path.rfind("/v/", 0) == 0 && path.size() > 3 && path.find('/', 3) == std::string::npos) {
    return "visit.html";
  }
  return "";
}

// RFC 9110 IMF-fixdate, independent of the locale.
std::string HttpDate(time_t t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm g;
  gmtime_r(&t, &g);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[g.tm_wday], g.tm_mday,
                kMonths[g.tm_mon], g.tm_year + 1900, g.tm_hour, g.tm_min, g.tm_sec);
  return buf;
}

// If-None-Match (weak comparison, RFC 9110 §13.1.2): "*" or any listed tag.
bool NoneMatchHits(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  for (std::string tag : SplitList(if_none_match, ',')) {
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag == etag) return true;
  }
  return false;
}

// A content hash in the name: a '.'- or '-'-separated part of 8 or more
// letters and digits with at least one digit ("index.3f9a02c1.js", esbuild's
// "chunk-5XKQ2ZTA.js").
bool HasContentHash(const std::string& name) {
  std::string part;
  auto hashed = [](const std::string& p) {
    if (p.size() < 8) return false;
    bool digit = false;
    for (char c : p) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return false;
      digit = digit || std::isdigit(static_cast<unsigned char>(c));
    }
    return digit;
  };
  const size_t ext = name.rfind('.');
  const std::string stem = ext == std::string::npos ? name : name.substr(0, ext);
  for (char c : stem) {
    if (c == '.' || c == '-') {
      if (hashed(part)) return true;
      part.clear();
    } else {
      part += c;
    }
  }
  return hashed(part);
}

}  // namespace

std::string ContentTypeFor(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (EndsWith(path, ext)) return type;
  }
  return "application/octet-stream";
}

bool IsCompressible(const std::string& path) {
  // The same list as web/build.mjs writes .gz twins for.
  for (const char* ext :
       {".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".map", ".txt", ".webmanifest"}) {
    if (EndsWith(path, ext)) return true;
  }
  return false;
}

bool AcceptsGzip(const std::string& accept_encoding) {
  int gzip = -1;  // -1 not named, 0 refused, 1 accepted
  int any = -1;
  for (const std::string& item : SplitList(accept_encoding, ',')) {
    std::vector<std::string> parts = SplitList(item, ';');
    if (parts.empty() || parts[0].empty()) continue;
    const std::string coding = Lower(parts[0]);
    double q = 1.0;
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string p = Lower(parts[i]);
      if (p.rfind("q=", 0) == 0) q = std::strtod(p.c_str() + 2, nullptr);
    }
    const int ok = q > 0 ? 1 : 0;
    if (coding == "gzip" || coding == "x-gzip") gzip = std::max(gzip, ok);
    if (coding == "*") any = ok;
  }
  return gzip == 1 || (gzip == -1 && any == 1);
}

std::string CacheControlFor(const std::string& path) {
  const std::string name = BaseName(path);
  if (EndsWith(name, ".html") || name == "sw.js" || EndsWith(name, "-sw.js")) return "no-cache";
  if (HasContentHash(name)) return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

Response ServeStatic(const std::string& web_dir, const Request& req) {
  const std::string& path = req.path;
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos ||
      path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find("//") != std::string::npos || path.find('%') != std::string::npos) {
    return NotFound();
  }
  std::string rel = AppPage(path);
  if (rel.empty()) rel = path.substr(1);
  // Hidden files (".git", ".env") are never served.
  if (rel.empty() || rel[0] == '.' || rel.find("/.") != std::string::npos) return NotFound();
  const std::string root = RealPath(web_dir);
  const std::string file = RealPath(web_dir + "/" + rel);
  struct stat st;
  if (root.empty() || file.empty() || file.compare(0, root.size() + 1, root + "/") != 0 ||
      !StatFile(file, &st)) {
    return NotFound();
  }
  Response r;
  r.content_type = ContentTypeFor(file);
  r.headers.emplace_back("Cache-Control", CacheControlFor(file));
  const bool compressible = IsCompressible(file);
  if (compressible) r.headers.emplace_back("Vary", "Accept-Encoding");
  // The twin must be as new as the file: a .gz left from an older build is ignored.
  std::string send = file;
  bool gzip = false;
  if (compressible && AcceptsGzip(req.Header("accept-encoding"))) {
    struct stat gst;
    if (StatFile(file + ".gz", &gst) && MtimeNanos(gst) >= MtimeNanos(st)) {
      send = file + ".gz";
      gzip = true;
    }
  }
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx%s\"",
                static_cast<unsigned long long>(MtimeNanos(st)),
                static_cast<unsigned long long>(st.st_size), gzip ? "-gz" : "");
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Last-Modified", HttpDate(st.st_mtim.tv_sec));
  if (NoneMatchHits(req.Header("if-none-match"), etag)) {
    r.status = Status::kNotModified;
    r.content_type.clear();
    return r;
  }
  std::ifstream f(send, std::ios::binary);
  if (!f) return NotFound();
  std::ostringstream ss;
  ss << f.rdbuf();
  r.body = ss.str();
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}

Response ServeStatic(const std::string& web_dir, const std::string& path) {
  Request req;
  req.method = "GET";
  req.path = path;
  return ServeStatic(web_dir, req);
}

}  // namespace ankang::server
