// Shared helpers for server_tests: an in-process App on :memory:, requests
// through the same Dispatch() the HTTP layer uses, valid test ID numbers.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "server/app.h"
#include "server/crypto/crypto.h"
#include "server/http/pistache_server.h"
#include "server/store/sqlite.h"
#include "shared/validate.h"

namespace ankang::server::testing {

// A valid GB 11643 resident ID: region 110105, born 1990-01-01, sequence seq.
inline std::string ResidentId(int seq) {
  char first17[18];
  std::snprintf(first17, sizeof first17, "11010519900101%03d", seq % 1000);
  return std::string(first17) + ResidentIdCheckChar(first17);
}

inline std::unique_ptr<App> NewApp(Options o = Options()) {
  InitCrypto();
  o.quiet = true;
  if (o.data == "./var") o.data = "/tmp/ankang-server-tests-keys";
  KeyFiles keys;
  keys.data = DataKeys::Random();
  keys.signing = SigningKeys::Generate(SystemClock().Now());
  return MakeApp(o, OpenSqliteStorage(":memory:"), std::move(keys));
}

// A --dev App (staff accounts, movable clock); made once, shared (Argon2id is slow).
inline App& DevApp() {
  static std::unique_ptr<App> app = [] {
    Options o;
    o.dev = true;
    return NewApp(o);
  }();
  return *app;
}

struct Answer {
  int status = 0;
  Json json;
  Response raw;
};

inline Answer Call(App& app, const std::string& method, const std::string& path,
                   const Json& body = nullptr, const std::string& token = "") {
  Request r;
  r.method = method;
  // "path?a=1&b=2": the query decoded as the HTTP layer does.
  const size_t q = path.find('?');
  r.path = path.substr(0, q);
  for (size_t i = q; i != std::string::npos && i < path.size();) {
    const size_t end = path.find('&', i + 1);
    const std::string pair = path.substr(i + 1, end == std::string::npos ? end : end - i - 1);
    const size_t eq = pair.find('=');
    std::string name, value;
    PercentDecode(pair.substr(0, eq), &name);
    if (eq != std::string::npos) PercentDecode(pair.substr(eq + 1), &value);
    r.query[name] = value;
    i = end;
  }
  r.ip = "127.0.0.1";
  if (!body.is_null()) r.body = body.is_string() ? body.get<std::string>() : body.dump();
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  Answer a;
  a.raw = Dispatch(app, r);
  a.status = HttpCode(a.raw.status);
  a.json = Json::parse(a.raw.body, nullptr, false);
  return a;
}

// Logs a resident in with a fresh phone number; returns the bearer token.
inline std::string LoginResident(App& app, int n) {
  char phone[16];
  std::snprintf(phone, sizeof phone, "139%08d", n);
  Answer otp = Call(app, "POST", "/api/v1/auth/otp", Json{{"phone", phone}});
  if (otp.status != 202) return "";
  Answer login = Call(app, "POST", "/api/v1/auth/login",
                      Json{{"phone", phone}, {"code", otp.json["dev_code"]}});
  return login.json.value("token", "");
}

inline std::string LoginStaff(App& app, const std::string& user) {
  Answer a = Call(app, "POST", "/api/v1/auth/staff",
                  Json{{"username", user}, {"password", app.opts.dev_password}});
  return a.json.value("token", "");
}

inline Json Declaration(const std::string& name, const std::string& id, const std::string& region,
                        double temperature = 36.5) {
  return Json{
      {"person",
       {{"name", name},
        {"id_type", "resident_id"},
        {"id_number", id},
        {"phone", "13800000000"},
        {"nationality", "CHN"},
        {"region", region},
        {"address", "1 Test Road"},
        {"relation", "self"}}},
      {"health",
       {{"temperature", temperature}, {"symptoms", Json::array()}, {"fever_clinic_14d", false}}},
      {"travel_14d", Json::array()},
      {"contact_14d", "none"},
      {"commitment", true}};
}

}  // namespace ankang::server::testing
