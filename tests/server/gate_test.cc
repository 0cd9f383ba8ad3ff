// At the gate with a weak network: offline codes (a token kind that lasts
// hours, fetched beside the screen code on request, verified with the age of
// its data).
#include <catch2/catch.hpp>
#include <string>

#include "helpers.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

using testing::Answer;
using testing::Call;
using testing::Declaration;
using testing::LoginStaff;
using testing::NewApp;
using testing::ResidentId;

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

}  // namespace
}  // namespace ankang::server
