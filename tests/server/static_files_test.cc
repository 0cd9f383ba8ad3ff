// Static files beyond types and paths: gzip twins (sent only when accepted and
// not older than the file), ETag / Last-Modified and 304, Cache-Control by
// kind of file.
#include "server/http/static_files.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ankang::server {
namespace {

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

Response Get(const std::string& dir, const std::string& path, const std::string& accept = "",
             const std::string& if_none_match = "") {
  Request req;
  req.method = "GET";
  req.path = path;
  if (!accept.empty()) req.headers["accept-encoding"] = accept;
  if (!if_none_match.empty()) req.headers["if-none-match"] = if_none_match;
  return ServeStatic(dir, req);
}

// Sets a file's modification time to `seconds` after the epoch.
void Touch(const std::string& p, long seconds) {
  struct timeval tv[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimes(p.c_str(), tv) == 0);
}

struct WebDir {
  std::string dir;
  WebDir() {
    char tmpl[] = "/tmp/ankang-gzip-XXXXXX";
    dir = mkdtemp(tmpl);
    std::string big;
    for (int i = 0; i < 200; ++i) big += "console.log('the same line again and again');\n";
    std::ofstream(dir + "/index.html") << "<!doctype html><title>x</title>";
    std::ofstream(dir + "/index.js") << big;
    std::ofstream(dir + "/stale.js") << big;
    std::ofstream(dir + "/logo.png") << "not really a png";
    // gzip(1) is an independent writer of the twins (the build uses Node's zlib).
    REQUIRE(
        std::system(("gzip -9 -k " + dir + "/index.html " + dir + "/index.js " + dir + "/stale.js")
                        .c_str()) == 0);
    Touch(dir + "/stale.js.gz", 1000);  // older than stale.js: a leftover of an earlier build
    Touch(dir + "/stale.js", 2000);
  }
  ~WebDir() { std::system(("rm -rf " + dir).c_str()); }
};

TEST_CASE("static: the gzip twin when gzip is accepted, the file otherwise", "[static][gzip]") {
  WebDir w;
  Response gz = Get(w.dir, "/index.js", "gzip, deflate, br");
  CHECK(gz.status == Status::kOk);
  CHECK(gz.body == Slurp(w.dir + "/index.js.gz"));
  CHECK(gz.body.size() < Slurp(w.dir + "/index.js").size());
  CHECK(HeaderOf(gz, "Content-Encoding") == "gzip");
  CHECK(HeaderOf(gz, "Vary") == "Accept-Encoding");
  CHECK(gz.content_type.rfind("text/javascript", 0) == 0);  // the type of the original

  Response plain = Get(w.dir, "/index.js");
  CHECK(plain.body == Slurp(w.dir + "/index.js"));
  CHECK(HeaderOf(plain, "Content-Encoding").empty());
  CHECK(HeaderOf(plain, "Vary") == "Accept-Encoding");
  CHECK(HeaderOf(plain, "ETag") != HeaderOf(gz, "ETag"));  // one tag per representation

  for (const char* refused : {"gzip;q=0", "identity", "br", "deflate, gzip;q=0.0", "*;q=0"}) {
    INFO(refused);
    Response r = Get(w.dir, "/index.js", refused);
    CHECK(HeaderOf(r, "Content-Encoding").empty());
    CHECK(r.body == Slurp(w.dir + "/index.js"));
  }
  // "/" is index.html, compressed as well.
  Response root = Get(w.dir, "/", "GZIP;q=0.5");
  CHECK(root.body == Slurp(w.dir + "/index.html.gz"));
  CHECK(root.content_type.rfind("text/html", 0) == 0);
  // A twin older than its file is not trusted; a file without a twin is sent as is.
  Response stale = Get(w.dir, "/stale.js", "gzip");
  CHECK(HeaderOf(stale, "Content-Encoding").empty());
  CHECK(stale.body == Slurp(w.dir + "/stale.js"));
  Response png = Get(w.dir, "/logo.png", "gzip");
  CHECK(HeaderOf(png, "Content-Encoding").empty());
  CHECK(HeaderOf(png, "Vary").empty());
}

TEST_CASE("static: ETag, Last-Modified and 304 on If-None-Match", "[static][gzip]") {
  WebDir w;
  Touch(w.dir + "/index.js", 1700000000);
  Touch(w.dir + "/index.js.gz", 1700000000);
  Response first = Get(w.dir, "/index.js", "gzip");
  const std::string etag = HeaderOf(first, "ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(HeaderOf(first, "Last-Modified") == "Tue, 14 Nov 2023 22:13:20 GMT");
  Response again = Get(w.dir, "/index.js", "gzip", etag);
  CHECK(HttpCode(again.status) == 304);
  CHECK(again.body.empty());
  CHECK(HeaderOf(again, "ETag") == etag);
  CHECK(HttpCode(Get(w.dir, "/index.js", "gzip", "\"other\", W/" + etag).status) == 304);
  CHECK(HttpCode(Get(w.dir, "/index.js", "gzip", "*").status) == 304);
  // The identity representation has another tag: a gzip tag does not match it.
  CHECK(Get(w.dir, "/index.js", "", etag).status == Status::kOk);
  CHECK(Get(w.dir, "/index.js", "gzip", "\"other\"").status == Status::kOk);
  // A changed file gets a new tag.
  std::ofstream(w.dir + "/index.js", std::ios::app) << "more();\n";
  Touch(w.dir + "/index.js", 1700000100);
  Response changed = Get(w.dir, "/index.js", "", etag);
  CHECK(changed.status == Status::kOk);
  CHECK(HeaderOf(changed, "ETag") != etag);
}

TEST_CASE("static: Cache-Control by kind of file", "[static]") {
  CHECK(CacheControlFor("/w/index.html") == "no-cache");
  CHECK(CacheControlFor("/w/sw.js") == "no-cache");
  CHECK(CacheControlFor("/w/staff-sw.js") == "no-cache");
  CHECK(CacheControlFor("/w/staff-assets/chunk-5XKQ2ZTA.js") ==
        "public, max-age=31536000, immutable");
  CHECK(CacheControlFor("/w/index.3f9a02c1.css") == "public, max-age=31536000, immutable");
  CHECK(CacheControlFor("/w/index.js") == "public, max-age=300");
  CHECK(CacheControlFor("/w/ankang_core.wasm") == "public, max-age=300");
  CHECK(CacheControlFor("/w/staff-assets/settings.js") == "public, max-age=300");
  CHECK(CacheControlFor("/w/regions/11.json") == "public, max-age=300");
  CHECK(AcceptsGzip("gzip"));
  CHECK(AcceptsGzip("x-gzip"));
  CHECK(AcceptsGzip("*"));
  CHECK_FALSE(AcceptsGzip(""));
  CHECK_FALSE(AcceptsGzip("gzip;q=0, *"));
  CHECK(IsCompressible("a.wasm"));
  CHECK_FALSE(IsCompressible("a.png"));
}

}  // namespace
}  // namespace ankang::server
