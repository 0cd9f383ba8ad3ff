#include "server/static_files.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace ankang::server {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string RealPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return "";
  return buf;
}

bool IsFile(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
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

Response ServeStatic(const std::string& web_dir, const std::string& path) {
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
  if (root.empty() || file.empty() || file.compare(0, root.size() + 1, root + "/") != 0 ||
      !IsFile(file)) {
    return NotFound();
  }
  std::ifstream f(file, std::ios::binary);
  if (!f) return NotFound();
  std::ostringstream ss;
  ss << f.rdbuf();
  Response r;
  r.content_type = ContentTypeFor(file);
  r.body = ss.str();
  const bool html = EndsWith(file, ".html");
  r.headers.emplace_back("Cache-Control", html ? "no-cache" : "public, max-age=300");
  return r;
}

}  // namespace ankang::server
