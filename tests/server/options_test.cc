// Command line, routing table and static files.
#include "server/options.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/http/router.h"
#include "server/http/static_files.h"

using namespace ankang::server;

namespace {
bool Parse(std::vector<std::string> args, Options* o, std::string* err) {
  std::vector<char*> argv = {const_cast<char*>("ankang-server")};
  for (auto& a : args) argv.push_back(a.data());
  return ParseOptions(static_cast<int>(argv.size()), argv.data(), o, err);
}
}  // namespace

TEST_CASE("flags of SPEC §8 with their defaults", "[options]") {
  Options o;
  std::string err;
  REQUIRE(Parse({}, &o, &err));
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 8080);
  CHECK(o.data == "./var");
  CHECK_FALSE(o.dev);
  CHECK(o.dev_password == "ankang-dev");
  CHECK(o.tz_offset_minutes == 480);
  CHECK(o.log_format == "text");
  Options p;
  REQUIRE(Parse({"--host", "0.0.0.0", "--port", "9000", "--data", "/x", "--web", "/w", "--dev",
                 "--tz", "-05:30", "--rules", "hangzhou", "--dev-password", "pw"},
                &p, &err));
  CHECK(p.port == 9000);
  CHECK(p.web == "/w");
  CHECK(p.dev);
  CHECK(p.tz_offset_minutes == -330);
  CHECK(p.rules == "hangzhou");
  Options q;
  CHECK_FALSE(Parse({"--port", "99999"}, &q, &err));
  CHECK_FALSE(Parse({"--bogus"}, &q, &err));
  CHECK(err.find("--bogus") != std::string::npos);
  CHECK_FALSE(Parse({"--tz", "8"}, &q, &err));
  CHECK_FALSE(Parse({"--log-format", "xml"}, &q, &err));
  CHECK(err == "--log-format wants text or json");
  Options h;
  REQUIRE(Parse({"--help"}, &h, &err));
  CHECK(h.command == "help");
  for (const char* flag :
       {"--host", "--port", "--data", "--db", "--web", "--dev", "--dev-password", "--tz",
        "--threads", "--issuer-id", "--rules", "--otp-webhook", "--log-format"}) {
    CHECK(HelpText().find(flag) != std::string::npos);
  }
}

TEST_CASE("subcommands", "[options]") {
  std::string err;
  Options a;
  REQUIRE(
      Parse({"staff", "add", "--username", "u1", "--role", "verifier", "--data", "/d"}, &a, &err));
  CHECK(a.command == "staff-add");
  CHECK(a.staff_role == "verifier");
  Options b;
  CHECK_FALSE(Parse({"staff", "add", "--username", "u1", "--role", "king"}, &b, &err));
  Options c;
  REQUIRE(Parse({"keys", "rotate"}, &c, &err));
  CHECK(c.command == "keys-rotate");
  Options d;
  REQUIRE(Parse({"purge", "--older-than-days", "30"}, &d, &err));
  CHECK(d.purge_older_than_days == 30);
  Options e;
  CHECK_FALSE(Parse({"wipe"}, &e, &err));
  Options f;
  REQUIRE(Parse({"wipe", "--yes"}, &f, &err));
}

TEST_CASE("admin TOTP: the flag and the enrolment subcommand", "[options]") {
  std::string err;
  Options a;
  REQUIRE(Parse({}, &a, &err));
  CHECK_FALSE(a.require_admin_totp);
  Options b;
  REQUIRE(Parse({"--require-admin-totp"}, &b, &err));
  CHECK(b.require_admin_totp);
  CHECK(HelpText().find("--require-admin-totp") != std::string::npos);
  CHECK(HelpText().find("staff totp --username") != std::string::npos);
  Options c;
  REQUIRE(Parse({"staff", "totp", "--username", "root", "--data", "/d"}, &c, &err));
  CHECK(c.command == "staff-totp");
  CHECK(c.staff_username == "root");
  Options d;
  CHECK_FALSE(Parse({"staff", "totp"}, &d, &err));
  CHECK(err.find("--username") != std::string::npos);
  Options e;
  CHECK_FALSE(Parse({"staff", "totp", "--username", "root", "--role", "admin"}, &e, &err));
}

TEST_CASE("router: parameters, 405 with the allowed methods, exact paths", "[router]") {
  Router r;
  r.Add("GET", "/api/v1/persons/{id}/code", kAnyone, nullptr);
  r.Add("POST", "/api/v1/persons/{id}/checkins", kAnyone, nullptr);
  r.Add("GET", "/api/v1/review/pending", kAnyone, nullptr);
  r.Add("POST", "/api/v1/review/{declaration_id}", kAnyone, nullptr);
  auto m = r.Find("GET", "/api/v1/persons/abc/code");
  REQUIRE(m.route);
  CHECK(m.params.at("id") == "abc");
  auto n = r.Find("DELETE", "/api/v1/persons/abc/code");
  CHECK_FALSE(n.route);
  CHECK(n.allowed == std::vector<std::string>{"GET"});
  CHECK(r.Find("GET", "/api/v1/persons/abc/code/").allowed.empty());
  CHECK(r.Find("GET", "/api/v1/persons/abc").allowed.empty());
  CHECK(r.Find("GET", "/api/v1/review/pending").route->pattern == "/api/v1/review/pending");
  CHECK(r.Find("POST", "/api/v1/review/d1").params.at("declaration_id") == "d1");
}

TEST_CASE("router: a parameter's %XX escapes are decoded", "[router]") {
  Router r;
  r.Add("GET", "/api/v1/admin/rulesets/{id}", kAnyone, nullptr);
  CHECK(r.Find("GET", "/api/v1/admin/rulesets/preset%3Adefault").params.at("id") ==
        "preset:default");
  CHECK(r.Find("GET", "/api/v1/admin/rulesets/a%2fb").params.at("id") == "a/b");
  CHECK(r.Find("GET", "/api/v1/admin/rulesets/a+b%").params.at("id") == "a+b%");
  CHECK(r.Find("GET", "/api/v1/admin/rulesets/%zz").params.at("id") == "%zz");
}

TEST_CASE("static files: types, app paths, no way out of the folder", "[static]") {
  char tmpl[] = "/tmp/ankang-web-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  for (const char* f : {"index.html", "staff.html", "visit.html", "a.wasm", "a.js", "x.css"}) {
    std::ofstream(dir + "/" + f) << "content of " << f;
  }
  std::ofstream(dir + "/../ankang-secret-outside") << "secret";
  CHECK(ContentTypeFor("a.wasm") == "application/wasm");
  CHECK(ContentTypeFor("a.mjs").rfind("text/javascript", 0) == 0);
  CHECK(ContentTypeFor("a.svg") == "image/svg+xml");
  Response idx = ServeStatic(dir, "/");
  CHECK(idx.status == Status::kOk);
  CHECK(idx.body == "content of index.html");
  CHECK(idx.content_type.rfind("text/html", 0) == 0);
  CHECK(ServeStatic(dir, "/staff").body == "content of staff.html");
  CHECK(ServeStatic(dir, "/v/venue123").body == "content of visit.html");
  CHECK(ServeStatic(dir, "/a.wasm").content_type == "application/wasm");
  CHECK(ServeStatic(dir, "/../ankang-secret-outside").status == Status::kNotFound);
  CHECK(ServeStatic(dir, "/%2e%2e/ankang-secret-outside").status == Status::kNotFound);
  CHECK(ServeStatic(dir, "/missing.js").status == Status::kNotFound);
  CHECK(ServeStatic(dir, "/admin").status == Status::kNotFound);  // no admin.html here
  std::system(("rm -rf " + dir + " /tmp/ankang-secret-outside").c_str());
}

TEST_CASE("a config file of `name = value` lines; command-line flags win", "[options]") {
  char tmpl[] = "/tmp/ankang-conf-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string conf = dir + "/ankang.conf";
  auto write = [&](const std::string& text) { std::ofstream(conf) << text; };
  write(
      "# Ankang\n\nhost = 0.0.0.0\nport=9090\n  data = \"/var/lib/ankang\"  \n"
      "trusted-proxy = 127.0.0.1\ntrusted-proxy = ::1\nquiet = true\ndev = false\n"
      "otp-webhook = http://127.0.0.1:9/sms?a=b=c\nlog-format = json\n");
  std::string err;
  Options o;
  REQUIRE(Parse({"--config", conf}, &o, &err));
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 9090);
  CHECK(o.data == "/var/lib/ankang");
  CHECK(o.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1"});
  CHECK(o.quiet);
  CHECK_FALSE(o.dev);
  CHECK(o.otp_webhook == "http://127.0.0.1:9/sms?a=b=c");
  CHECK(o.log_format == "json");
  // Flags given on the command line, before or after --config, win.
  Options p;
  REQUIRE(Parse({"--port", "7000", "--config", conf, "--host", "127.0.0.1"}, &p, &err));
  CHECK(p.port == 7000);
  CHECK(p.host == "127.0.0.1");
  CHECK(p.data == "/var/lib/ankang");
  // Subcommands read it too.
  Options s;
  REQUIRE(Parse({"backup", "--config", conf, "--to", "/b"}, &s, &err));
  CHECK(s.command == "backup");
  CHECK(s.data == "/var/lib/ankang");
  // Mistakes name the file and line.
  Options q;
  write("port = 8080\nthis line has no equals sign\n");
  CHECK_FALSE(Parse({"--config", conf}, &q, &err));
  CHECK(err == conf + ":2: expected `key = value`");
  write("port = 123456\n");
  CHECK_FALSE(Parse({"--config", conf}, &q, &err));
  CHECK(err.find("--port wants a number") != std::string::npos);
  write("--port = 1\n");
  CHECK_FALSE(Parse({"--config", conf}, &q, &err));
  CHECK(err.find(":1: `--port` is not a setting") != std::string::npos);
  write("quiet = maybe\n");
  CHECK_FALSE(Parse({"--config", conf}, &q, &err));
  CHECK(err.find("quiet wants true or false") != std::string::npos);
  write("colour = red\n");
  CHECK_FALSE(Parse({"--config", conf}, &q, &err));
  CHECK(err.find("unknown argument --colour") != std::string::npos);
  CHECK_FALSE(Parse({"--config", dir + "/missing.conf"}, &q, &err));
  CHECK(err.find("cannot read the config file") != std::string::npos);
  CHECK_FALSE(Parse({"--config"}, &q, &err));
  std::filesystem::remove_all(dir);
}
