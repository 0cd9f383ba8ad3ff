// The API in-process (App::Handle through Dispatch): roles, errors, the
// declaration -> code -> verify path, limits, locks, review, appeals. The
// same behaviours are exercised over real HTTP by the Node tests.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "helpers.h"
#include "server/domain/sessions.h"
#include "server/render/qr.h"
#include "shared/token.h"

using namespace ankang::server;
using namespace ankang::server::testing;
using namespace ankang;

namespace {
int next_phone = 100;
int next_id = 100;
std::string NewId() { return ResidentId(next_id++); }
}  // namespace

TEST_CASE("errors are JSON with the right status", "[api][errors]") {
  App& app = DevApp();
  CHECK(Call(app, "GET", "/api/v1/nothing").status == 404);
  Answer m = Call(app, "DELETE", "/api/v1/keys");
  CHECK(m.status == 405);
  CHECK(m.json["error"]["code"] == "method_not_allowed");
  Answer u = Call(app, "GET", "/api/v1/persons");
  CHECK(u.status == 401);
  CHECK(u.json["error"]["code"] == "unauthorized");
  const std::string tok = LoginResident(app, next_phone++);
  CHECK(Call(app, "POST", "/api/v1/verify", Json{{"qr", "AK1:x"}}, tok).status == 403);
  CHECK(Call(app, "PUT", "/api/v1/admin/risk-areas", Json{{"areas", Json::array()}}, tok).status ==
        403);
  Answer bad = Call(app, "POST", "/api/v1/declarations", Json("{not json"), tok);
  CHECK(bad.status == 400);
  CHECK(bad.json["error"]["code"] == "bad_json");
  Answer big = Call(app, "POST", "/api/v1/declarations", Json(std::string(70000, ' ')), tok);
  CHECK(big.status == 413);
  CHECK(big.json["error"]["code"] == "too_large");
  Answer invalid = Call(app, "POST", "/api/v1/declarations", Json{{"commitment", false}}, tok);
  CHECK(invalid.status == 422);
  REQUIRE(invalid.json["errors"].is_array());
  CHECK(invalid.json["errors"].size() >= 2);  // every problem at once
  CHECK(invalid.json["errors"][0].contains("message"));
  // Security headers on every answer.
  bool csp = false;
  for (const auto& h : big.raw.headers) csp = csp || h.first == "Content-Security-Policy";
  CHECK(csp);
}

TEST_CASE("declare, read the code, verify it", "[api][code]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  Answer d =
      Call(app, "POST", "/api/v1/declarations", Declaration("张小三", NewId(), "370102"), tok);
  REQUIRE(d.status == 201);
  const Json code = d.json["code"];
  CHECK(code["color"] == "green");
  for (const char* k :
       {"color", "reasons", "advice", "issued_at", "valid_until", "streak", "rules_version", "qr",
        "person_id", "name_masked", "next_step", "qr_expires_at"}) {
    CHECK(code.contains(k));
  }
  // The server only signs: the phone draws the screen QR from the token text.
  CHECK_FALSE(code.contains("qr_matrix"));
  CHECK_FALSE(code.contains("qr_version"));
  CHECK(code["name_masked"] == "张*三");
  const std::string qr = code["qr"];
  CHECK(qr.rfind("AK1:", 0) == 0);
  // The token is Base45 (QR alphanumeric): it fits version 10 at level M.
  CHECK(qr.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") == std::string::npos);
  auto enc = EncodeQr(qr);
  REQUIRE(enc);
  CHECK(enc->version <= 10);
  // No ID number or name in the token.
  ankang::ParsedToken t = ankang::ParseToken(qr);
  REQUIRE(t.ok);
  CHECK(t.claims.person_ref != d.json["person_id"]);
  CHECK(t.claims.id_tail.size() == 4);

  const std::string ver = LoginStaff(app, "verifier");
  Answer v = Call(app, "POST", "/api/v1/verify", Json{{"qr", qr}}, ver);
  REQUIRE(v.status == 200);
  CHECK(v.json["valid"] == true);
  CHECK(v.json["status"] == "current");
  CHECK(v.json["color"] == "green");
  CHECK(v.json["name_masked"] == "张*三");
  CHECK(v.json.contains("valid_until"));

  // The authority marks the residence high-risk: the same token now reads "changed", red.
  const std::string admin = LoginStaff(app, "admin");
  REQUIRE(Call(app, "PUT", "/api/v1/admin/risk-areas",
               Json{{"areas", {{{"region", "370102"}, {"level", "high"}}}}}, admin)
              .status == 200);
  Answer v2 = Call(app, "POST", "/api/v1/verify", Json{{"qr", qr}}, ver);
  CHECK(v2.json["status"] == "changed");
  CHECK(v2.json["color"] == "red");
  REQUIRE(
      Call(app, "PUT", "/api/v1/admin/risk-areas", Json{{"areas", Json::array()}}, admin).status ==
      200);
  CHECK(Call(app, "POST", "/api/v1/verify", Json{{"qr", qr}}, ver).json["status"] == "current");

  // A tampered signature, garbage, and an expired token.
  std::string tampered = qr;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  std::string st = Call(app, "POST", "/api/v1/verify", Json{{"qr", tampered}}, ver).json["status"];
  CHECK((st == "bad_signature" || st == "malformed"));
  CHECK(Call(app, "POST", "/api/v1/verify", Json{{"qr", "hello"}}, ver).json["status"] ==
        "malformed");
  app.dev_clock->Set(app.Now() + app.opts.screen_token_seconds + 5);
  const std::string ver2 = LoginStaff(app, "verifier");
  Answer e = Call(app, "POST", "/api/v1/verify", Json{{"qr", qr}}, ver2);
  CHECK(e.json["status"] == "expired");
  CHECK(e.json["valid"] == false);
  app.dev_clock->Reset();
}

TEST_CASE("a token from another issuer, and one signed by an unknown key", "[api][verify]") {
  App& app = DevApp();
  Options o;
  o.dev = true;
  o.issuer_id = "other-city";
  auto other = NewApp(o);
  const std::string tok = LoginResident(*other, 1);
  Answer d =
      Call(*other, "POST", "/api/v1/declarations", Declaration("李四", NewId(), "110105"), tok);
  REQUIRE(d.status == 201);
  const std::string ver = LoginStaff(app, "verifier");
  Answer v = Call(app, "POST", "/api/v1/verify", Json{{"qr", d.json["code"]["qr"]}}, ver);
  CHECK(v.json["status"] == "unknown_issuer");
  CHECK(v.json["valid"] == false);
  // Same issuer id, different keys: the kid is unknown -> bad signature.
  Options same;
  same.dev = true;
  auto twin = NewApp(same);
  const std::string tok2 = LoginResident(*twin, 2);
  Answer d2 =
      Call(*twin, "POST", "/api/v1/declarations", Declaration("李四", NewId(), "110105"), tok2);
  REQUIRE(d2.status == 201);
  CHECK(Call(app, "POST", "/api/v1/verify", Json{{"qr", d2.json["code"]["qr"]}}, ver)
            .json["status"] == "bad_signature");
}

TEST_CASE("key rotation: old tokens still verify, keys lists both", "[api][keys]") {
  Options dev;
  dev.dev = true;
  auto app = NewApp(dev);
  const std::string tok = LoginResident(*app, 3);
  Answer d =
      Call(*app, "POST", "/api/v1/declarations", Declaration("王五", NewId(), "110105"), tok);
  const std::string old_qr = d.json["code"]["qr"];
  app->signing.Rotate(app->Now(), 3600);
  CHECK(Call(*app, "GET", "/api/v1/keys").json["keys"].size() == 2);
  StaffRow s{RandomId(), "v", "verifier", HashPassword("password12"), 1, false};
  app->db->CreateStaff(s);
  const std::string ver =
      Call(*app, "POST", "/api/v1/auth/staff", Json{{"username", "v"}, {"password", "password12"}})
          .json["token"];
  CHECK(Call(*app, "POST", "/api/v1/verify", Json{{"qr", old_qr}}, ver).json["status"] ==
        "current");
  const std::string pid = d.json["person_id"];
  const std::string new_qr =
      Call(*app, "GET", "/api/v1/persons/" + pid + "/code", nullptr, tok).json["qr"];
  CHECK(ankang::ParseToken(new_qr).kid != ankang::ParseToken(old_qr).kid);
}

TEST_CASE("residents reach only their own persons", "[api][roles]") {
  App& app = DevApp();
  const std::string a = LoginResident(app, next_phone++);
  const std::string b = LoginResident(app, next_phone++);
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("赵六", NewId(), "110105"), a);
  const std::string pid = d.json["person_id"];
  CHECK(Call(app, "GET", "/api/v1/persons/" + pid + "/code", nullptr, a).status == 200);
  for (const auto& [m, p] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/code"},
                                                        {"GET", ""},
                                                        {"GET", "/paper-code"},
                                                        {"POST", "/checkins"},
                                                        {"PATCH", ""},
                                                        {"POST", "/appeals"}}) {
    Answer x = Call(app, m, "/api/v1/persons/" + pid + p, Json::object(), b);
    CHECK(x.status == 404);
  }
  CHECK(Call(app, "DELETE", "/api/v1/family/" + pid, nullptr, b).status == 404);
  CHECK(
      Call(app, "POST", "/api/v1/declarations",
           Json{{"person_id", pid},
                {"health",
                 {{"temperature", 36.5}, {"symptoms", Json::array()}, {"fever_clinic_14d", false}}},
                {"travel_14d", Json::array()},
                {"contact_14d", "none"},
                {"commitment", true}},
           b)
          .status == 404);
}

TEST_CASE("family limits: 3 others per account, 3 guardians per person", "[api][family]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  REQUIRE(Call(app, "POST", "/api/v1/declarations", Declaration("本人", NewId(), "110105"), tok)
              .status == 201);
  for (int i = 0; i < 3; ++i) {
    const char* names[] = {"家甲", "家乙", "家丙"};
    Json d = Declaration(names[i], NewId(), "110105");
    d["person"]["relation"] = "child";
    REQUIRE(Call(app, "POST", "/api/v1/declarations", d, tok).status == 201);
  }
  Json fourth = Declaration("第四", NewId(), "110105");
  fourth["person"]["relation"] = "parent";
  Answer over = Call(app, "POST", "/api/v1/declarations", fourth, tok);
  CHECK(over.status == 409);
  CHECK(over.json["error"]["code"] == "too_many_persons");
  CHECK(Call(app, "GET", "/api/v1/persons", nullptr, tok).json.size() == 4);

  // One person, guardians from several accounts: a request to join an
  // existing person waits for a guardian's approval.
  const std::string id = NewId();
  const std::string g1 = LoginResident(app, next_phone++);
  Answer first = Call(app, "POST", "/api/v1/declarations", Declaration("老人", id, "110105"), g1);
  REQUIRE(first.status == 201);
  const std::string pid = first.json["person_id"];
  Json join = {
      {"name", "老人"}, {"id_type", "resident_id"}, {"id_number", id}, {"relation", "parent"}};
  auto ask = [&](const std::string& tok) {
    Answer j = Call(app, "POST", "/api/v1/family", join, tok);
    CHECK(j.status == 202);
    CHECK_FALSE(j.json.contains("person_id"));
    return "/api/v1/join-requests/" + j.json.value("request_id", "") + "/decision";
  };
  const Json approve = {{"decision", "approve"}};
  std::vector<std::string> guardians;
  for (int i = 0; i < 2; ++i) {
    guardians.push_back(LoginResident(app, next_phone++));
    CHECK(Call(app, "GET", "/api/v1/persons", nullptr, guardians.back()).json.empty());
    REQUIRE(Call(app, "POST", ask(guardians.back()), approve, g1).status == 200);
    CHECK(Call(app, "GET", "/api/v1/persons", nullptr, guardians.back()).json[0]["person_id"] ==
          pid);
  }
  const std::string late = LoginResident(app, next_phone++);
  const std::string late_request = ask(late);
  Answer full = Call(app, "POST", late_request, approve, g1);
  CHECK(full.status == 409);
  CHECK(full.json["error"]["code"] == "too_many_guardians");
  Json wrong = join;
  wrong["name"] = "别人";
  CHECK(Call(app, "POST", "/api/v1/family", wrong, late).status == 202);  // same as the right name
  CHECK(Call(app, "DELETE", "/api/v1/family/" + pid, nullptr, g1).status == 200);
  CHECK(Call(app, "POST", late_request, approve, guardians[0]).status == 200);
  CHECK(Call(app, "GET", "/api/v1/persons", nullptr, late).json.size() == 1);
}

TEST_CASE("check-ins: one a day; edits: once a day, identity locked", "[api][checkin][edit]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("钱七", NewId(), "110105"), tok);
  const std::string base = "/api/v1/persons/" + d.json["person_id"].get<std::string>();
  Json ci = {{"temperature", 36.6}, {"symptoms", Json::array()}};
  CHECK(Call(app, "POST", base + "/checkins", ci, tok).status == 201);
  Answer again = Call(app, "POST", base + "/checkins", ci, tok);
  CHECK(again.status == 409);
  CHECK(again.json["error"]["code"] == "already_checked_in");
  CHECK(Call(app, "POST", base + "/checkins", Json{{"temperature", 50}}, tok).status == 422);

  Answer locked = Call(app, "PATCH", base, Json{{"name", "钱八"}}, tok);
  CHECK(locked.status == 409);
  CHECK(locked.json["error"]["code"] == "identity_locked");
  Answer ok = Call(app, "PATCH", base, Json{{"address", "2 New Road"}}, tok);
  REQUIRE(ok.status == 200);
  CHECK(ok.json["address"] == "2 New Road");
  CHECK(ok.json["identity_locked"] == true);
  Answer twice = Call(app, "PATCH", base, Json{{"address", "3 Other Road"}}, tok);
  CHECK(twice.status == 409);
  CHECK(twice.json["error"]["code"] == "edit_limit");
  CHECK(Call(app, "PATCH", base, Json{{"region", "999999"}}, tok).status == 422);
}

TEST_CASE("paper code is an SVG with its validity", "[api][paper]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("孙九", NewId(), "110105"), tok);
  Answer p =
      Call(app, "GET", "/api/v1/persons/" + d.json["person_id"].get<std::string>() + "/paper-code",
           nullptr, tok);
  REQUIRE(p.status == 200);
  CHECK(p.raw.content_type.rfind("image/svg+xml", 0) == 0);
  CHECK(p.raw.body.rfind("<svg", 0) != std::string::npos);
  const std::string until = FormatDate(AddDays(app.Today(), app.opts.paper_days));
  CHECK(p.raw.body.find(until) != std::string::npos);
}

TEST_CASE("case status: falsified declarations turn red for the person", "[api][authority]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  const std::string id = NewId();
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("周十", id, "110105"), tok);
  const std::string path = "/api/v1/persons/" + d.json["person_id"].get<std::string>() + "/code";
  CHECK(Call(app, "GET", path, nullptr, tok).json["color"] == "green");
  const std::string admin = LoginStaff(app, "admin");
  Answer cs = Call(app, "PUT", "/api/v1/admin/case-status",
                   Json{{"id_type", "resident_id"},
                        {"id_number", id},
                        {"status", "falsified"},
                        {"since", FormatDate(app.Today())}},
                   admin);
  REQUIRE(cs.status == 200);
  CHECK(cs.json["person_known"] == true);
  Answer red = Call(app, "GET", path, nullptr, tok);
  CHECK(red.json["color"] == "red");
  CHECK(red.json["reasons"].size() >= 1);
  CHECK(Call(app, "PUT", "/api/v1/admin/case-status",
             Json{{"id_type", "resident_id"}, {"id_number", "123"}, {"status", "dead"}}, admin)
            .json["errors"]
            .size() == 2);
}

TEST_CASE("review: gray until approved, auto-issued at 18:00 the next day", "[api][review]") {
  App& app = DevApp();
  const std::string admin = LoginStaff(app, "admin");
  REQUIRE(Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", {"320100"}}}, admin)
              .status == 200);
  // 2026-11-20 is a Friday; declare at 10:00.
  app.dev_clock->Set(ParseInstant("2026-11-20T10:00:00+08:00")->unix_seconds);
  const std::string tok = LoginResident(app, next_phone++);
  const std::string issuer = LoginStaff(app, "issuer");
  Answer a = Call(app, "POST", "/api/v1/declarations", Declaration("吴一", NewId(), "320102"), tok);
  const std::string tb = LoginResident(app, next_phone++);
  Answer b = Call(app, "POST", "/api/v1/declarations", Declaration("郑二", NewId(), "320102"), tb);
  REQUIRE(a.status == 201);
  CHECK(a.json["code"]["color"] == "gray");
  CHECK(a.json["code"]["review"]["state"] == "pending");
  Answer pending = Call(app, "GET", "/api/v1/review/pending", nullptr, issuer);
  REQUIRE(pending.status == 200);
  CHECK(pending.json.size() >= 2);
  CHECK(Call(app, "GET", "/api/v1/review/pending", nullptr, tok).status == 403);
  const std::string decl = a.json["declaration_id"];
  CHECK(Call(app, "POST", "/api/v1/review/" + decl, Json{{"decision", "reject"}}, issuer).status ==
        422);  // a rejection needs a note
  REQUIRE(
      Call(app, "POST", "/api/v1/review/" + decl, Json{{"decision", "approve"}}, issuer).status ==
      200);
  CHECK(Call(app, "POST", "/api/v1/review/" + decl, Json{{"decision", "approve"}}, issuer).status ==
        409);
  const std::string pa = "/api/v1/persons/" + a.json["person_id"].get<std::string>() + "/code";
  CHECK(Call(app, "GET", pa, nullptr, tok).json["color"] == "green");

  // Nobody decides b: gray at 17:59 the next day, issued by the rules at 18:00.
  const std::string pb = "/api/v1/persons/" + b.json["person_id"].get<std::string>() + "/code";
  app.dev_clock->Set(ParseInstant("2026-11-21T17:59:00+08:00")->unix_seconds);
  CHECK(Call(app, "GET", pb, nullptr, tb).json["color"] == "gray");
  app.dev_clock->Set(ParseInstant("2026-11-21T18:00:30+08:00")->unix_seconds);
  Answer issued = Call(app, "GET", pb, nullptr, tb);
  CHECK(issued.json["color"] == "green");
  CHECK(issued.json["review"]["state"] == "auto_issued");
  REQUIRE(Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", Json::array()}},
               LoginStaff(app, "admin"))
              .status == 200);
  app.dev_clock->Reset();
}

TEST_CASE("appeals: filed by the resident, resolved by an admin with a note", "[api][appeals]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("冯三", NewId(), "110105"), tok);
  const std::string pid = d.json["person_id"];
  Answer f = Call(app, "POST", "/api/v1/persons/" + pid + "/appeals",
                  Json{{"topic", "color"}, {"message", "I was not there"}}, tok);
  REQUIRE(f.status == 201);
  CHECK(f.json["state"] == "open");
  CHECK(Call(app, "POST", "/api/v1/persons/" + pid + "/appeals", Json{{"topic", "color"}}, tok)
            .status == 422);
  CHECK(Call(app, "GET", "/api/v1/appeals", nullptr, tok).json.size() == 1);
  const std::string admin = LoginStaff(app, "admin");
  const std::string id = f.json["appeal_id"];
  CHECK(Call(app, "POST", "/api/v1/admin/appeals/" + id + "/resolve",
             Json{{"decision", "resolved"}}, admin)
            .status == 422);
  Answer r = Call(app, "POST", "/api/v1/admin/appeals/" + id + "/resolve",
                  Json{{"decision", "resolved"}, {"note", "Risk area data corrected"}}, admin);
  REQUIRE(r.status == 200);
  CHECK(Call(app, "GET", "/api/v1/appeals", nullptr, tok).json[0]["state"] == "resolved");
  CHECK(Call(app, "POST", "/api/v1/admin/appeals/" + id + "/resolve",
             Json{{"decision", "resolved"}, {"note", "again"}}, admin)
            .status == 409);
  CHECK(Call(app, "GET", "/api/v1/admin/audit-log", nullptr, admin).json["entries"].size() >= 2);
}

TEST_CASE("one-time codes: wrong codes, attempts, rate limits", "[api][auth]") {
  App& app = DevApp();
  const std::string phone = "13700000001";
  Answer o = Call(app, "POST", "/api/v1/auth/otp", Json{{"phone", phone}});
  REQUIRE(o.status == 202);
  CHECK(o.json["sent"] == true);
  CHECK(Call(app, "POST", "/api/v1/auth/otp", Json{{"phone", phone}}).status == 429);
  CHECK(Call(app, "POST", "/api/v1/auth/otp", Json{{"phone", "12345"}}).status == 422);
  const std::string good = o.json["dev_code"];
  const std::string wrong = good == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    CHECK(Call(app, "POST", "/api/v1/auth/login", Json{{"phone", phone}, {"code", wrong}}).status ==
          401);
  }
  // After 5 wrong attempts even the right code is refused.
  CHECK(Call(app, "POST", "/api/v1/auth/login", Json{{"phone", phone}, {"code", good}}).status ==
        429);
  CHECK(Call(app, "POST", "/api/v1/auth/staff", Json{{"username", "admin"}, {"password", "nope"}})
            .status == 401);
}

TEST_CASE("an upheld identity appeal is the way to correct a locked name", "[api][appeals]") {
  App& app = DevApp();
  const std::string tok = LoginResident(app, next_phone++);
  Answer d =
      Call(app, "POST", "/api/v1/declarations", Declaration("张小山", NewId(), "110105"), tok);
  const std::string pid = d.json["person_id"];
  CHECK(Call(app, "PATCH", "/api/v1/persons/" + pid, Json{{"name", "张小三"}}, tok).status == 409);
  Answer f =
      Call(app, "POST", "/api/v1/persons/" + pid + "/appeals",
           Json{{"topic", "identity"}, {"message", "My name is 张小三, typed wrongly"}}, tok);
  REQUIRE(f.status == 201);
  const std::string admin = LoginStaff(app, "admin");
  const std::string url =
      "/api/v1/admin/appeals/" + f.json["appeal_id"].get<std::string>() + "/resolve";
  CHECK(Call(app, "POST", url,
             Json{{"decision", "resolved"}, {"note", "n"}, {"correction", {{"id_number", "123"}}}},
             admin)
            .status == 422);
  Answer r = Call(app, "POST", url,
                  Json{{"decision", "resolved"},
                       {"note", "Name corrected after checking the ID card"},
                       {"correction", {{"name", "张小三"}}}},
                  admin);
  REQUIRE(r.status == 200);
  Answer detail = Call(app, "GET", "/api/v1/persons/" + pid, nullptr, tok);
  CHECK(detail.json["name"] == "张小三");
  CHECK(Call(app, "GET", "/api/v1/persons/" + pid + "/code", nullptr, tok).json["name_masked"] ==
        "张*三");
}

TEST_CASE("declarations, code reads and authority updates run concurrently", "[api][concurrency]") {
  App& app = DevApp();
  const std::string admin = LoginStaff(app, "admin");
  std::vector<std::string> tokens;
  std::vector<std::string> persons;
  for (int i = 0; i < 3; ++i) {
    tokens.push_back(LoginResident(app, next_phone++));
    Answer d = Call(app, "POST", "/api/v1/declarations", Declaration("并发", NewId(), "370102"),
                    tokens.back());
    REQUIRE(d.status == 201);
    persons.push_back(d.json["person_id"]);
  }
  std::atomic<int> ok{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        Answer a = Call(app, "GET", "/api/v1/persons/" + persons[t] + "/code", nullptr, tokens[t]);
        (a.status == 200 ? ok : bad)++;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 30; ++i) {
      Json areas = i % 2 ? Json::array() : Json{{{"region", "370100"}, {"level", "high"}}};
      Answer a = Call(app, "PUT", "/api/v1/admin/risk-areas", Json{{"areas", areas}}, admin);
      (a.status == 200 ? ok : bad)++;
      Answer r =
          Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", Json::array()}}, admin);
      (r.status == 200 ? ok : bad)++;
    }
  });
  threads.emplace_back([&] {
    const std::string tok = LoginResident(app, next_phone + 500);
    for (int i = 0; i < 3; ++i) {
      Json d = Declaration(i == 0   ? "并发甲"
                           : i == 1 ? "并发乙"
                                    : "并发丙",
                           ResidentId(900 + i), "370102");
      d["person"]["relation"] = i == 0 ? "self" : "child";
      Answer a = Call(app, "POST", "/api/v1/declarations", d, tok);
      (a.status == 201 ? ok : bad)++;
    }
  });
  for (auto& th : threads) th.join();
  CHECK(bad == 0);
  CHECK(ok == 3 * 30 + 60 + 3);
  Call(app, "PUT", "/api/v1/admin/risk-areas", Json{{"areas", Json::array()}}, admin);
}

TEST_CASE("a session's device is a short summary of the User-Agent", "[api][sessions]") {
  CHECK(DeviceSummary("") == "");
  CHECK(DeviceSummary("Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 "
                      "Mobile/15E148 MicroMessenger/8.0.40") == "WeChat on iPhone");
  CHECK(DeviceSummary("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 Chrome/120.0 "
                      "Mobile Safari/537.36 AlipayClient/10.5") == "Alipay on Android");
  CHECK(DeviceSummary("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 "
                      "Edg/120.0") == "Edge on Windows");
  CHECK(DeviceSummary("curl/8.0") == "curl");
  CHECK(DeviceSummary(std::string(5000, 'x')) == "Browser");
}
