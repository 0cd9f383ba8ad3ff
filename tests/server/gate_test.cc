// At the gate with a weak network: offline codes (a token kind that lasts
// hours, fetched beside the screen code on request, verified with the age of
// its data), device sessions in an HttpOnly cookie (idle expiry, revocation,
// never a token in the answer), and checks by ID number (masked name and
// colour only, a per-verifier hourly limit, audited).
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "helpers.h"
#include "server/domain/sessions.h"
#include "server/domain/write_behind.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

using testing::Answer;
using testing::Call;
using testing::Declaration;
using testing::LoginStaff;
using testing::NewApp;
using testing::ResidentId;

// A request with any headers, through the HTTP layer's Dispatch().
Answer CallWith(App& app, const std::string& method, const std::string& path, const Json& body,
                const std::map<std::string, std::string>& headers) {
  Request r;
  r.method = method;
  r.path = path.substr(0, path.find('?'));
  if (path.find("?offline=1") != std::string::npos) r.query["offline"] = "1";
  r.ip = "127.0.0.1";
  r.headers = headers;
  if (!body.is_null()) r.body = body.dump();
  Answer a;
  a.raw = Dispatch(app, r);
  a.status = HttpCode(a.raw.status);
  a.json = Json::parse(a.raw.body, nullptr, false);
  return a;
}

std::string HeaderOf(const Answer& a, const std::string& name) {
  for (const auto& [n, v] : a.raw.headers) {
    if (n == name) return v;
  }
  return "";
}

// The cookie's value in a Set-Cookie header.
std::string CookieToken(const std::string& set_cookie) {
  const size_t eq = set_cookie.find('=');
  const size_t end = set_cookie.find(';');
  return set_cookie.substr(eq + 1, end - eq - 1);
}

std::unique_ptr<App> GateApp(Options o = Options()) {
  o.dev = true;
  return NewApp(o);
}

int phone_seq = 5000;

std::string DevCode(App& app, const std::string& phone) {
  return Call(app, "POST", "/api/v1/auth/otp", Json{{"phone", phone}}).json["dev_code"];
}

std::string Phone() { return "137" + std::to_string(10000000 + ++phone_seq); }

std::string BearerResident(App& app) {
  const std::string phone = Phone();
  return Call(app, "POST", "/api/v1/auth/login",
              Json{{"phone", phone}, {"code", DevCode(app, phone)}})
      .json.value("token", "");
}

// Declares a healthy person; returns their person id.
std::string Declare(App& app, const std::string& tok, const std::string& id) {
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("张小三", id, "370102"), tok);
  REQUIRE(d.status == 201);
  return d.json["person_id"];
}

int64_t Seconds(const Json& iso) { return ParseInstant(iso.get<std::string>())->unix_seconds; }
// The --dev clock runs on after Set(), and a staff sign-in takes a while.
bool Near(int64_t a, int64_t b) { return a >= b - 5 && a <= b + 5; }

double Metric(App& app, const std::string& line_prefix) {
  const std::string text = Call(app, "GET", "/metrics").raw.body;
  const size_t at = text.find(line_prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + line_prefix.size()));
}

TEST_CASE("an offline code comes only when asked for, and lasts hours", "[gate][offline]") {
  auto app = GateApp();
  const std::string tok = BearerResident(*app);
  const std::string person = Declare(*app, tok, ResidentId(301));
  const std::string path = "/api/v1/persons/" + person + "/code";
  const std::string signed_offline = "ankang_tokens_signed_total{kind=\"offline\"} ";

  // Without the parameter nothing more is signed: one token per display.
  const double screens = Metric(*app, "ankang_tokens_signed_total{kind=\"screen\"} ");
  Answer plain = Call(*app, "GET", path, nullptr, tok);
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.json.contains("offline_code"));
  CHECK(Metric(*app, signed_offline) == 0);
  CHECK(Metric(*app, "ankang_tokens_signed_total{kind=\"screen\"} ") == screens + 1);
  CHECK(ParseToken(plain.json["qr"].get<std::string>()).claims.kind == TokenKind::kScreen);

  Answer with = Call(*app, "GET", path + "?offline=1", nullptr, tok);
  REQUIRE(with.status == 200);
  const Json off = with.json["offline_code"];
  REQUIRE(off.is_object());
  CHECK(Metric(*app, signed_offline) == 1);
  CHECK(off["kind"] == "offline");
  CHECK(off["color"] == "green");
  const int64_t iat = Seconds(off["issued_at"]);
  CHECK(Near(iat, app->Now()));
  CHECK(Seconds(off["expires_at"]) == iat + 24 * 3600);
  CHECK(Seconds(off["refresh_after"]) == iat + 30 * 60);
  const ParsedToken t = ParseToken(off["qr"].get<std::string>());
  REQUIRE(t.ok);
  CHECK(t.claims.kind == TokenKind::kOffline);
  CHECK(t.claims.expires_at == iat + 24 * 3600);
  CHECK(t.claims.color == Color::kGreen);
  // The screen token beside it is the usual five minutes.
  CHECK(Seconds(with.json["qr_expires_at"]) == iat + app->opts.screen_token_seconds);

  // The persons list too, one per person, and a check-in's answer.
  Answer list = Call(*app, "GET", "/api/v1/persons?offline=1", nullptr, tok);
  REQUIRE(list.status == 200);
  CHECK(list.json[0]["code"]["offline_code"]["kind"] == "offline");
  CHECK_FALSE(
      Call(*app, "GET", "/api/v1/persons", nullptr, tok).json[0]["code"].contains("offline_code"));
  CHECK(Metric(*app, signed_offline) == 2);
}

TEST_CASE("an offline code verifies online for its whole window, with its data age",
          "[gate][offline][verify]") {
  auto app = GateApp();
  const std::string tok = BearerResident(*app);
  const std::string id = ResidentId(302);
  const std::string person = Declare(*app, tok, id);
  const std::string path = "/api/v1/persons/" + person + "/code?offline=1";
  Answer code = Call(*app, "GET", path, nullptr, tok);
  const std::string screen = code.json["qr"];
  const std::string offline = code.json["offline_code"]["qr"];
  const std::string ver = LoginStaff(*app, "verifier");
  const int64_t t0 = app->Now();

  Answer now = Call(*app, "POST", "/api/v1/verify", Json{{"qr", offline}}, ver);
  CHECK(now.json["valid"] == true);
  CHECK(now.json["kind"] == "offline");
  CHECK(now.json["data_age_seconds"] < 30);
  CHECK(Call(*app, "POST", "/api/v1/verify", Json{{"qr", screen}}, ver).json["kind"] == "screen");

  // 38 minutes later the screen token has expired; the offline code holds.
  app->dev_clock->Set(t0 + 38 * 60);
  CHECK(Call(*app, "POST", "/api/v1/verify", Json{{"qr", screen}}, ver).json["status"] ==
        "expired");
  Answer later = Call(*app, "POST", "/api/v1/verify", Json{{"qr", offline}}, ver);
  CHECK(later.json["valid"] == true);
  CHECK(later.json["status"] == "current");
  CHECK(later.json["color"] == "green");
  CHECK(later.json["data_age_seconds"] >= 38 * 60);  // the --dev clock runs on from Set()
  CHECK(later.json["data_age_seconds"] < 38 * 60 + 30);

  // Twelve hours on: still valid, the data twelve hours old.
  app->dev_clock->Set(t0 + 12 * 3600);
  const std::string ver2 = LoginStaff(*app, "verifier");
  Answer twelve = Call(*app, "POST", "/api/v1/verify", Json{{"qr", offline}}, ver2);
  CHECK(twelve.json["valid"] == true);
  CHECK(twelve.json["data_age_seconds"] >= 12 * 3600);
  CHECK(twelve.json["data_age_seconds"] < 12 * 3600 + 30);

  // Online, the current colour wins: the authority lists the person.
  const std::string admin = LoginStaff(*app, "admin");
  REQUIRE(Call(*app, "PUT", "/api/v1/admin/case-status",
               Json{{"id_type", "resident_id"},
                    {"id_number", id},
                    {"status", "close_contact"},
                    {"since", FormatDate(app->Today())}},
               admin)
              .status == 200);
  Answer changed = Call(*app, "POST", "/api/v1/verify", Json{{"qr", offline}}, ver2);
  CHECK(changed.json["status"] == "changed");
  CHECK(changed.json["color"] == "red");
  CHECK(changed.json["token_color"] == "green");

  // Past its window: expired.
  app->dev_clock->Set(t0 + 24 * 3600 + 1);
  const std::string ver3 = LoginStaff(*app, "verifier");
  Answer gone = Call(*app, "POST", "/api/v1/verify", Json{{"qr", offline}}, ver3);
  CHECK(gone.json["valid"] == false);
  CHECK(gone.json["status"] == "expired");
}

TEST_CASE("an offline code never outlives the code's own validity", "[gate][offline]") {
  auto app = GateApp();
  const std::string tok = BearerResident(*app);
  const std::string person = Declare(*app, tok, ResidentId(303));
  const std::string path = "/api/v1/persons/" + person + "/code?offline=1";
  const int64_t valid_until = Seconds(Call(*app, "GET", path, nullptr, tok).json["valid_until"]);
  // Ten hours before the code expires (14 days after the declaration).
  app->dev_clock->Set(valid_until - 10 * 3600);
  Answer a = Call(*app, "GET", path, nullptr, tok);
  REQUIRE(a.status == 200);
  CHECK(a.json["color"] == "green");
  CHECK(Seconds(a.json["offline_code"]["expires_at"]) == valid_until);
  CHECK(Near(Seconds(a.json["offline_code"]["refresh_after"]), app->Now() + 30 * 60));
  // Once expired the code is yellow, and so is its offline code, for a full window.
  app->dev_clock->Set(valid_until + 60);
  Answer y = Call(*app, "GET", path, nullptr, tok);
  CHECK(y.json["color"] == "yellow");
  CHECK(y.json["offline_code"]["color"] == "yellow");
  CHECK(Near(Seconds(y.json["offline_code"]["expires_at"]), app->Now() + 24 * 3600));
}

TEST_CASE("offline code validity and refresh period are flags", "[gate][offline]") {
  Options o;
  o.offline_token_hours = 13;
  o.offline_token_refresh_minutes = 45;
  auto app = GateApp(o);
  const std::string tok = BearerResident(*app);
  const std::string person = Declare(*app, tok, ResidentId(304));
  Answer a = Call(*app, "GET", "/api/v1/persons/" + person + "/code?offline=1", nullptr, tok);
  const int64_t iat = Seconds(a.json["offline_code"]["issued_at"]);
  CHECK(Seconds(a.json["offline_code"]["expires_at"]) == iat + 13 * 3600);
  CHECK(Seconds(a.json["offline_code"]["refresh_after"]) == iat + 45 * 60);
}

// ---- device sessions ----

TEST_CASE("a resident's device session lives in an HttpOnly cookie, never in the answer",
          "[gate][sessions]") {
  auto app = GateApp();
  const std::string phone = Phone();
  Answer login =
      CallWith(*app, "POST", "/api/v1/auth/login",
               Json{{"phone", phone}, {"code", DevCode(*app, phone)}, {"cookie", true}}, {});
  REQUIRE(login.status == 200);
  CHECK_FALSE(login.json.contains("token"));
  CHECK(login.json["session"] == "cookie");
  CHECK(login.json.contains("account_id"));
  const std::string set = HeaderOf(login, "Set-Cookie");
  CAPTURE(set);
  CHECK(set.rfind("ankang_session=", 0) == 0);
  CHECK(set.find("; HttpOnly") != std::string::npos);
  CHECK(set.find("; SameSite=Strict") != std::string::npos);
  CHECK(set.find("; Path=/api/") != std::string::npos);
  CHECK(set.find("; Secure") == std::string::npos);  // plain http (a local trial)
  const std::string token = CookieToken(set);
  CHECK(token.size() >= 32);
  const std::string cookie = "theme=dark; ankang_session=" + token;

  // Used only with the page's header: a cross-site form or link sends none.
  CHECK(CallWith(*app, "GET", "/api/v1/persons", nullptr,
                 {{"cookie", cookie}, {"x-ankang-session", "resident"}})
            .status == 200);
  CHECK(CallWith(*app, "GET", "/api/v1/persons", nullptr, {{"cookie", cookie}}).status == 401);
  CHECK(CallWith(*app, "GET", "/api/v1/persons", nullptr,
                 {{"cookie", cookie}, {"x-ankang-session", "staff"}})
            .status == 401);
  // Its token is a bearer token of the resident kind too (API clients), but never a staff one.
  CHECK(Call(*app, "GET", "/api/v1/persons", nullptr, token).status == 200);
  CHECK(CallWith(*app, "GET", "/api/v1/me", nullptr,
                 {{"cookie", "ankang_staff=" + token}, {"x-ankang-session", "staff"}})
            .status == 401);

  // The page's header alone asks for a device session too (the venue page's log-in).
  const std::string phone2 = Phone();
  Answer by_header = CallWith(*app, "POST", "/api/v1/auth/login",
                              Json{{"phone", phone2}, {"code", DevCode(*app, phone2)}},
                              {{"x-ankang-session", "resident"}, {"x-forwarded-proto", "https"}});
  CHECK_FALSE(by_header.json.contains("token"));
  CHECK(HeaderOf(by_header, "Set-Cookie").find("; Secure") != std::string::npos);
  // Without either, the answer is SPEC's: a bearer token, no cookie.
  const std::string phone3 = Phone();
  Answer bearer = Call(*app, "POST", "/api/v1/auth/login",
                       Json{{"phone", phone3}, {"code", DevCode(*app, phone3)}});
  CHECK(bearer.json.contains("token"));
  CHECK(HeaderOf(bearer, "Set-Cookie").empty());
}

TEST_CASE("a device session ends after 90 days unused, lives on while used, and is revocable",
          "[gate][sessions]") {
  auto app = GateApp();
  const std::string phone = Phone();
  const int64_t t0 = app->Now();
  Answer login =
      CallWith(*app, "POST", "/api/v1/auth/login",
               Json{{"phone", phone}, {"code", DevCode(*app, phone)}, {"cookie", true}}, {});
  const std::string token = CookieToken(HeaderOf(login, "Set-Cookie"));
  CHECK(Near(Seconds(login.json["expires_at"]), t0 + 90 * 86400));
  const std::map<std::string, std::string> dev = {{"cookie", "ankang_session=" + token},
                                                  {"x-ankang-session", "resident"}};
  auto me = [&] { return CallWith(*app, "GET", "/api/v1/me", nullptr, dev).status; };
  // Used every 80 days for a year: never signed out.
  for (int i = 1; i <= 5; ++i) {
    app->dev_clock->Set(t0 + i * 80 * 86400);
    REQUIRE(me() == 200);
    app->write_behind->Flush();
  }
  // A bearer session of the same age ended long ago (30 days, fixed).
  // 91 days unused: ended.
  app->dev_clock->Set(t0 + 5 * 80 * 86400 + 91 * 86400);
  CHECK(me() == 401);

  // Revocation: the device list names it; ending it from another device signs it out at once.
  app->dev_clock->Reset();
  const std::string phone2 = Phone();
  Answer l2 = CallWith(*app, "POST", "/api/v1/auth/login",
                       Json{{"phone", phone2}, {"code", DevCode(*app, phone2)}, {"cookie", true}},
                       {{"user-agent", "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile"}});
  const std::map<std::string, std::string> d2 = {
      {"cookie", "ankang_session=" + CookieToken(HeaderOf(l2, "Set-Cookie"))},
      {"x-ankang-session", "resident"}};
  app->dev_clock->Set(app->Now() + 61);  // one code a minute per phone
  const std::string other = Call(*app, "POST", "/api/v1/auth/login",
                                 Json{{"phone", phone2}, {"code", DevCode(*app, phone2)}})
                                .json["token"];
  Answer list = Call(*app, "GET", "/api/v1/me/sessions", nullptr, other);
  REQUIRE(list.json["sessions"].size() == 2);
  std::string id;
  for (const Json& s : list.json["sessions"]) {
    if (s["device"] == "Chrome on Android") id = s["id"];
  }
  REQUIRE_FALSE(id.empty());
  CHECK(CallWith(*app, "GET", "/api/v1/persons", nullptr, d2).status == 200);
  CHECK(Call(*app, "DELETE", "/api/v1/me/sessions/" + id, nullptr, other).status == 200);
  CHECK(CallWith(*app, "GET", "/api/v1/persons", nullptr, d2).status == 401);

  // Signing out through the cookie ends the session and deletes the cookie.
  const std::string phone3 = Phone();
  Answer l3 =
      CallWith(*app, "POST", "/api/v1/auth/login",
               Json{{"phone", phone3}, {"code", DevCode(*app, phone3)}, {"cookie", true}}, {});
  const std::map<std::string, std::string> d3 = {
      {"cookie", "ankang_session=" + CookieToken(HeaderOf(l3, "Set-Cookie"))},
      {"x-ankang-session", "resident"}};
  Answer out = CallWith(*app, "POST", "/api/v1/auth/logout", Json::object(), d3);
  CHECK(out.status == 200);
  CHECK(HeaderOf(out, "Set-Cookie").find("ankang_session=; Path=/api/; Max-Age=0") == 0);
  CHECK(CallWith(*app, "GET", "/api/v1/me", nullptr, d3).status == 401);
  // A second sign-in in the same browser replaces its device session.
  const std::string phone4 = Phone();
  Answer a =
      CallWith(*app, "POST", "/api/v1/auth/login",
               Json{{"phone", phone4}, {"code", DevCode(*app, phone4)}, {"cookie", true}}, {});
  const std::map<std::string, std::string> first = {
      {"cookie", "ankang_session=" + CookieToken(HeaderOf(a, "Set-Cookie"))},
      {"x-ankang-session", "resident"}};
  app->dev_clock->Set(app->Now() + 61);
  Answer b = CallWith(*app, "POST", "/api/v1/auth/login",
                      Json{{"phone", phone4}, {"code", DevCode(*app, phone4)}}, first);
  CHECK(HeaderOf(b, "Set-Cookie").rfind("ankang_session=", 0) == 0);
  CHECK(CallWith(*app, "GET", "/api/v1/me", nullptr, first).status == 401);
}

TEST_CASE("a bearer session keeps its fixed end", "[gate][sessions]") {
  auto app = GateApp();
  const std::string tok = BearerResident(*app);
  const int64_t t0 = app->Now();
  app->dev_clock->Set(t0 + 20 * 86400);
  REQUIRE(Call(*app, "GET", "/api/v1/me", nullptr, tok).status == 200);
  app->write_behind->Flush();
  app->dev_clock->Set(t0 + 30 * 86400 + 1);
  CHECK(Call(*app, "GET", "/api/v1/me", nullptr, tok).status == 401);
}

TEST_CASE("a verifier's gate device signs in once; an admin's cookie keeps staff hours",
          "[gate][sessions]") {
  auto app = GateApp();
  const int64_t t0 = app->Now();
  Answer v = CallWith(
      *app, "POST", "/api/v1/auth/staff",
      Json{{"username", "verifier"}, {"password", app->opts.dev_password}, {"cookie", true}}, {});
  REQUIRE(v.status == 200);
  CHECK_FALSE(v.json.contains("token"));
  CHECK(v.json["role"] == "verifier");
  const std::string set = HeaderOf(v, "Set-Cookie");
  CHECK(set.rfind("ankang_staff=", 0) == 0);
  CHECK(Near(Seconds(v.json["expires_at"]), t0 + 30 * 86400));
  const std::map<std::string, std::string> dev = {{"cookie", "ankang_staff=" + CookieToken(set)},
                                                  {"x-ankang-session", "staff"}};
  CHECK(CallWith(*app, "GET", "/api/v1/issuers", nullptr, dev).status == 200);
  // The resident header does not pick the staff cookie.
  CHECK(CallWith(*app, "GET", "/api/v1/issuers", nullptr,
                 {{"cookie", "ankang_staff=" + CookieToken(set)}, {"x-ankang-session", "resident"}})
            .status == 401);
  app->dev_clock->Set(t0 + 25 * 86400);
  CHECK(CallWith(*app, "GET", "/api/v1/me", nullptr, dev).status == 200);
  app->write_behind->Flush();
  app->dev_clock->Set(t0 + 50 * 86400);
  CHECK(CallWith(*app, "GET", "/api/v1/me", nullptr, dev).status == 200);
  app->dev_clock->Reset();

  Answer a = CallWith(
      *app, "POST", "/api/v1/auth/staff",
      Json{{"username", "admin"}, {"password", app->opts.dev_password}, {"cookie", true}}, {});
  REQUIRE(a.status == 200);
  CHECK(Near(Seconds(a.json["expires_at"]), app->Now() + 12 * 3600));
}

// ---- checks by ID number ----

TEST_CASE("a verifier checks a person by ID number: masked name and colour only",
          "[gate][id_check]") {
  auto app = GateApp();
  const std::string tok = BearerResident(*app);
  const std::string id = ResidentId(310);
  const std::string person = Declare(*app, tok, id);
  const std::string ver = LoginStaff(*app, "verifier");

  Answer a = Call(*app, "POST", "/api/v1/verify/id",
                  Json{{"id_type", "resident_id"}, {"id_number", id}}, ver);
  REQUIRE(a.status == 200);
  CHECK(a.json["found"] == true);
  CHECK(a.json["name_masked"] == "张*三");
  CHECK(a.json["color"] == "green");
  CHECK(a.json["checks_left"] == 29);
  // Nothing more: no person id, no ID number or tail, no reasons, no token.
  for (const auto& [k, v] : a.json.items()) {
    CHECK((k == "found" || k == "name_masked" || k == "color" || k == "checked_at" ||
           k == "checks_left"));
  }
  CHECK(a.raw.body.find(id) == std::string::npos);
  CHECK(a.raw.body.find(person) == std::string::npos);

  // Lower-case x, and the id_type default.
  std::string lower = id;
  if (lower.back() == 'X') lower.back() = 'x';
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", lower}}, ver).json["found"] ==
        true);
  Answer none = Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", ResidentId(311)}}, ver);
  CHECK(none.status == 200);
  CHECK(none.json["found"] == false);
  CHECK(none.json["name_masked"].is_null());
  CHECK(none.json["color"].is_null());
  CHECK(
      Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", "110105199001013"}}, ver).status ==
      422);
  CHECK(Call(*app, "POST", "/api/v1/verify/id",
             Json{{"id_type", "library_card"}, {"id_number", id}}, ver)
            .status == 422);
  // Residents and issuers may not.
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, tok).status == 403);
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, LoginStaff(*app, "issuer"))
            .status == 403);

  // Audited with the person's id, or a prefix of the ID's keyed hash; never the number.
  const std::string admin = LoginStaff(*app, "admin");
  Answer log = Call(*app, "GET", "/api/v1/admin/audit-log?action=verify.id_check", nullptr, admin);
  REQUIRE(log.json["entries"].size() == 3);
  CHECK(log.raw.body.find(id) == std::string::npos);
  CHECK(log.raw.body.find(ResidentId(311)) == std::string::npos);
  int to_person = 0;
  for (const Json& e : log.json["entries"]) {
    CHECK(e["actor"] == "staff:verifier");
    if (e["target"] == person) ++to_person;
  }
  CHECK(to_person == 2);
}

TEST_CASE("checks by ID number are limited per verifier and hour", "[gate][id_check]") {
  Options o;
  o.id_checks_per_hour = 5;
  auto app = GateApp(o);
  const std::string tok = BearerResident(*app);
  const std::string id = ResidentId(320);
  Declare(*app, tok, id);
  const std::string ver = LoginStaff(*app, "verifier");
  const std::string admin = LoginStaff(*app, "admin");
  const int64_t t0 = app->Now();
  for (int i = 0; i < 5; ++i) {
    app->dev_clock->Set(t0 + i * 60);
    Answer a = Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, ver);
    REQUIRE(a.status == 200);
    CHECK(a.json["checks_left"] == 4 - i);
  }
  app->dev_clock->Set(t0 + 10 * 60);
  Answer limited = Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, ver);
  CHECK(limited.status == 429);
  CHECK(limited.json["error"]["code"] == "too_many_requests");
  CHECK(HeaderOf(limited, "Retry-After") == std::to_string(3600 - 10 * 60));
  CHECK(limited.raw.body.find("name_masked") == std::string::npos);
  // Another verifier has a budget of its own.
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, admin).status == 200);
  // The refusal is audited; refusals do not use up the budget.
  Answer log =
      Call(*app, "GET", "/api/v1/admin/audit-log?action=verify.id_limited", nullptr, admin);
  CHECK(log.json["entries"].size() == 1);
  // An hour after the first check, one check is free again.
  app->dev_clock->Set(t0 + 3600);
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, ver).status == 200);
  CHECK(Call(*app, "POST", "/api/v1/verify/id", Json{{"id_number", id}}, ver).status == 429);
}

TEST_CASE("device-session helpers", "[gate][sessions]") {
  CHECK(CookieValue("a=1; ankang_session=xyz; b=2", "ankang_session") == "xyz");
  CHECK(CookieValue("ankang_session=xyz", "ankang_session") == "xyz");
  CHECK(CookieValue("xankang_session=xyz; ankang_session_2=q", "ankang_session") == "");
  CHECK(CookieValue("", "ankang_session") == "");
  CHECK(CookieValue("ankang_session=", "ankang_session") == "");
  Options o;
  CHECK(DeviceIdleSeconds(o, "resident", "resident") == 90 * 86400);
  CHECK(DeviceIdleSeconds(o, "staff", "verifier") == 30 * 86400);
  CHECK(DeviceIdleSeconds(o, "staff", "admin") == 0);
}

}  // namespace
}  // namespace ankang::server
