// libFuzzer target: a request through Dispatch() on an in-process --dev App
// over SQLite :memory: (what the Pistache skin does after parsing), as in
// tests/server/helpers.h. Input: one byte choosing the caller (0 anonymous,
// 1-2 two residents, 3 admin, 4 verifier, 5 issuer, 6 venue staff; the
// caller's bearer token is added unless the input has an Authorization
// header), then "METHOD TARGET\n", header lines "Name: value\n", an empty
// line and the body. In target and body, $P, $D, $Q and $V stand for a
// declared person's id, its declaration id, its code's QR text and a venue id,
// so mutations reach the handlers behind those ids. The query is split and
// decoded as the HTTP layer does. Checks, besides the sanitizers: no answer is
// a 500 (an exception escaped a handler), and a JSON answer is valid JSON.
//
// Not sent (slow or reaching outside the process): staff sign-in and staff
// passwords (Argon2id, 64 MiB each; the set-up signs in with cheap hashes),
// key rotation (writes the key file), trusted-issuer key-list fetches
// (outgoing HTTP). The App is made anew every kRebuildEvery inputs so the
// database stays small; a finding that needs more history than one input
// may therefore not reproduce alone.
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "server/app.h"
#include "server/crypto/crypto.h"
#include "server/store/sqlite.h"

namespace {

using ankang::Json;
using namespace ankang::server;

constexpr int kRebuildEvery = 20000;
const char* const kRoles[] = {"admin", "verifier", "issuer", "venue"};

void Fail(const std::string& what) {
  std::fprintf(stderr, "http fuzz: %s\n", what.c_str());
  std::abort();
}

// One request as the HTTP layer hands it over (peer 127.0.0.1, a trusted proxy).
Response Send(App& app, const std::string& method, const std::string& path, std::string body,
              const std::string& token) {
  Request r;
  r.method = method;
  r.path = path;
  r.ip = "127.0.0.1";
  r.body = std::move(body);
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  return Dispatch(app, std::move(r));
}

Json SendJson(App& app, const std::string& method, const std::string& path, const Json& body,
              const std::string& token) {
  Response resp = Send(app, method, path, body.dump(), token);
  Json j = Json::parse(resp.body, nullptr, false);
  if (HttpCode(resp.status) >= 300 || !j.is_object()) Fail("set-up failed: " + path + " " + resp.body);
  return j;
}

struct World {
  std::unique_ptr<App> app;
  std::string tokens[7];  // by caller byte; [0] anonymous
  std::map<std::string, std::string> vars;  // "$P" -> person id, ...
};

std::unique_ptr<World> MakeWorld() {
  auto w = std::make_unique<World>();
  InitCrypto();
  Options o;
  o.dev = true;
  o.quiet = true;
  o.data = "/tmp/ankang-fuzz-keys";
  o.web = std::string(ANKANG_SOURCE_DIR) + "/web/dist";
  o.trusted_proxies = {"127.0.0.1"};
  auto db = OpenSqliteStorage(":memory:");
  // The --dev accounts with the cheapest Argon2id parameters (MakeApp keeps
  // existing accounts), so that signing them in below is quick.
  for (const char* role : kRoles) {
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, o.dev_password.data(), o.dev_password.size(),
                          crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0) {
      Fail("crypto_pwhash_str");
    }
    StaffRow s;
    s.id = RandomId();
    s.username = role;
    s.role = role;
    s.password_hash = hash;
    db->CreateStaff(s);
  }
  KeyFiles keys;
  keys.data = DataKeys::Random();
  keys.signing = SigningKeys::Generate(SystemClock().Now());
  w->app = MakeApp(o, std::move(db), std::move(keys));
  App& app = *w->app;
  for (int i = 0; i < 4; ++i) {
    Json a = SendJson(app, "POST", "/api/v1/auth/staff",
                      {{"username", kRoles[i]}, {"password", o.dev_password}}, "");
    w->tokens[3 + i] = a.value("token", "");
  }
  for (int i = 1; i <= 2; ++i) {
    const std::string phone = "1390000000" + std::to_string(i);
    Json otp = SendJson(app, "POST", "/api/v1/auth/otp", {{"phone", phone}}, "");
    Json login = SendJson(app, "POST", "/api/v1/auth/login",
                          {{"phone", phone}, {"code", otp.value("dev_code", "")}}, "");
    w->tokens[i] = login.value("token", "");
  }
  const Json declared = SendJson(
      app, "POST", "/api/v1/declarations",
      {{"person",
        {{"name", "张小三"},
         {"id_type", "resident_id"},
         {"id_number", "11010519491231002X"},
         {"phone", "13900000001"},
         {"nationality", "CHN"},
         {"region", "370102"},
         {"address", "历下区某路1号"},
         {"relation", "self"}}},
       {"health", {{"temperature", 36.6}, {"symptoms", Json::array()}, {"fever_clinic_14d", false}}},
       {"travel_14d", Json::array()},
       {"contact_14d", "none"},
       {"commitment", true}},
      w->tokens[1]);
  w->vars["$P"] = declared.value("person_id", "");
  w->vars["$D"] = declared.value("declaration_id", "");
  w->vars["$Q"] = declared["code"].value("qr", "");
  const Json venue = SendJson(app, "POST", "/api/v1/venues",
                              {{"name", "Gate 1"}, {"region", "370102"}, {"address", "1 Road"}},
                              w->tokens[6]);
  w->vars["$V"] = venue.value("id", "");
  return w;
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    for (size_t at = s.find(name); at != std::string::npos; at = s.find(name, at + value.size())) {
      s.replace(at, name.size(), value);
    }
  }
  return s;
}

// Routes the harness does not send (see the file comment).
bool Skipped(App& app, const Request& r) {
  static const std::set<std::pair<std::string, std::string>> kSkip = {
      {"POST", "/api/v1/auth/staff"},
      {"POST", "/api/v1/admin/staff"},
      {"PATCH", "/api/v1/admin/staff/{id}"},
      {"POST", "/api/v1/admin/keys/rotate"},
      {"POST", "/api/v1/admin/issuers/{issuer}/refresh"}};
  const Router::Match m = app.router.Find(r.method, r.path);
  if (m.route == nullptr) return false;
  if (kSkip.count({r.method, m.route->pattern})) return true;
  if (r.method == "POST" && m.route->pattern == "/api/v1/admin/issuers") {
    const Json body = Json::parse(r.body, nullptr, false);
    return !body.is_object() || !body.contains("keys");  // a keys_url would be fetched
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<World> world;
  static int runs = 0;
  if (!world || ++runs % kRebuildEvery == 0) {
    world.reset();
    world = MakeWorld();
  }
  if (size < 2) return 0;
  App& app = *world->app;
  const int caller = data[0] % 7;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  // "METHOD TARGET\n" headers "\n" body.
  Request r;
  size_t eol = text.find('\n');
  std::string line = text.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const size_t sp = line.find(' ');
  if (sp == std::string::npos) return 0;
  r.method = line.substr(0, sp);
  const std::string target = Substitute(line.substr(sp + 1), world->vars);
  size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  while (pos < text.size()) {
    eol = text.find('\n', pos);
    line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? text.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = Trim(line.substr(colon + 1));
  }
  r.body = Substitute(text.substr(pos), world->vars);
  if (caller != 0 && !r.headers.count("authorization")) {
    r.headers["authorization"] = "Bearer " + world->tokens[caller];
  }

  // The target: path, then name=value pairs split at '&', each %-decoded
  // (a malformed escape is answered 400 by the HTTP layer before Dispatch).
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    const std::string query = target.substr(q + 1);
    for (size_t i = 0; i <= query.size();) {
      size_t amp = query.find('&', i);
      if (amp == std::string::npos) amp = query.size();
      const std::string pair = query.substr(i, amp - i);
      i = amp + 1;
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      std::string name, value;
      if (!PercentDecode(pair.substr(0, eq), &name)) return 0;
      if (eq != std::string::npos && !PercentDecode(pair.substr(eq + 1), &value)) return 0;
      r.query[name] = value;
    }
  }
  r.ip = "127.0.0.1";
  if (Skipped(app, r)) return 0;

  const std::string method = r.method, path = r.path;
  const Response resp = Dispatch(app, std::move(r));
  const int code = HttpCode(resp.status);
  if (code >= 500 && code != 503) Fail(method + " " + path + " answered " + std::to_string(code));
  if (resp.content_type.rfind("application/json", 0) == 0 && !resp.body.empty() &&
      Json::parse(resp.body, nullptr, false).is_discarded()) {
    Fail(method + " " + path + " answered JSON that does not parse");
  }
  return 0;
}
