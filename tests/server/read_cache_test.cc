// The read cache (store/row_cache.h): sessions, staff, guardianships and
// persons are reused for --cache-ms, yet every revocation and every write made
// by this process counts on the very next request; another process's writes
// count once the entries are older than the maximum age.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "server/domain/sessions.h"
#include "server/domain/write_behind.h"
#include "server/store/row_cache.h"
#include "server/store/sqlite.h"
#include "tests/server/helpers.h"

namespace ankang::server {
namespace {

using namespace ankang::server::testing;

int next_phone = 52000000;

std::unique_ptr<App> CachingDevApp() {
  Options o;
  o.dev = true;
  o.cache_ms = 60000;  // nothing leaves the cache by age during a test
  return NewApp(o);
}

std::string NewId() {
  static int seq = 700;
  return ResidentId(seq++);
}

TEST_CASE("a cached session ends at once on log-out and on ending it from another device",
          "[read_cache][sessions]") {
  auto app = CachingDevApp();
  const std::string a = LoginResident(*app, next_phone);
  Answer d = Call(*app, "POST", "/api/v1/declarations", Declaration("钱七", NewId(), "110105"), a);
  REQUIRE(d.status == 201);
  const std::string code = "/api/v1/persons/" + d.json["person_id"].get<std::string>() + "/code";
  for (int i = 0; i < 3; ++i) CHECK(Call(*app, "GET", code, nullptr, a).status == 200);
  CHECK(Call(*app, "POST", "/api/v1/auth/logout", nullptr, a).status == 200);
  CHECK(Call(*app, "GET", code, nullptr, a).status == 401);
  CHECK(Call(*app, "GET", "/api/v1/me", nullptr, a).status == 401);

  // Two devices of one account: the second ends the first.
  // (a second one-time code for the same phone only after the resend wait)
  app->dev_clock->Set(app->Now() + 120);
  const std::string first = LoginResident(*app, next_phone);
  app->dev_clock->Set(app->Now() + 120);
  const std::string second = LoginResident(*app, next_phone);
  ++next_phone;
  REQUIRE(!first.empty());
  REQUIRE(!second.empty());
  CHECK(Call(*app, "GET", code, nullptr, first).status == 200);
  CHECK(Call(*app, "GET", code, nullptr, second).status == 200);
  Answer list = Call(*app, "GET", "/api/v1/me/sessions", nullptr, second);
  std::string first_id;
  for (const Json& s : list.json["sessions"]) {
    if (!s["current"].get<bool>()) first_id = s["id"];
  }
  REQUIRE(!first_id.empty());
  CHECK(Call(*app, "DELETE", "/api/v1/me/sessions/" + first_id, nullptr, second).status == 200);
  CHECK(Call(*app, "GET", code, nullptr, first).status == 401);
  CHECK(Call(*app, "GET", code, nullptr, second).status == 200);
  CHECK(Call(*app, "POST", "/api/v1/me/sessions/sign-out-others", nullptr, second).status == 200);
  CHECK(Call(*app, "GET", code, nullptr, second).status == 200);
}

TEST_CASE("a cached staff session ends at once when the admin disables the account",
          "[read_cache][staff]") {
  auto app = CachingDevApp();
  const std::string verifier = LoginStaff(*app, "verifier");
  const std::string admin = LoginStaff(*app, "admin");
  REQUIRE(!verifier.empty());
  for (int i = 0; i < 3; ++i)
    CHECK(Call(*app, "GET", "/api/v1/me", nullptr, verifier).status == 200);
  std::optional<StaffRow> v = app->db->FindStaffByUsername("verifier");
  REQUIRE(v);
  CHECK(
      Call(*app, "PATCH", "/api/v1/admin/staff/" + v->id, Json{{"disabled", true}}, admin).status ==
      200);
  CHECK(Call(*app, "GET", "/api/v1/me", nullptr, verifier).status == 401);
  CHECK(Call(*app, "POST", "/api/v1/verify", Json{{"qr", "x"}}, verifier).status == 401);
  // Disabled with its sessions left (as another process might): the staff
  // row itself is re-read at once too.
  CHECK(Call(*app, "PATCH", "/api/v1/admin/staff/" + v->id, Json{{"disabled", false}}, admin)
            .status == 200);
  const std::string again = LoginStaff(*app, "verifier");
  CHECK(Call(*app, "GET", "/api/v1/me", nullptr, again).status == 200);
  StaffRow off = *app->db->GetStaff(v->id);
  off.disabled = true;
  app->db->UpdateStaff(off);
  CHECK(Call(*app, "GET", "/api/v1/me", nullptr, again).status == 401);
}

TEST_CASE("a cached guardianship ends at once when the guardian leaves", "[read_cache]") {
  auto app = CachingDevApp();
  const std::string a = LoginResident(*app, next_phone++);
  const std::string b = LoginResident(*app, next_phone++);
  Answer d = Call(*app, "POST", "/api/v1/declarations", Declaration("孙八", NewId(), "110105"), a);
  REQUIRE(d.status == 201);
  const std::string pid = d.json["person_id"];
  Json child = Declaration("孙小八", NewId(), "110105");
  child["person"]["relation"] = "child";
  Answer c = Call(*app, "POST", "/api/v1/declarations", child, a);
  REQUIRE(c.status == 201);
  const std::string cid = c.json["person_id"];
  const std::string code = "/api/v1/persons/" + cid + "/code";
  for (int i = 0; i < 3; ++i) CHECK(Call(*app, "GET", code, nullptr, a).status == 200);
  CHECK(Call(*app, "DELETE", "/api/v1/family/" + cid, nullptr, a).status == 200);
  CHECK(Call(*app, "GET", code, nullptr, a).status == 404);
  CHECK(Call(*app, "GET", code, nullptr, b).status == 404);
  CHECK(Call(*app, "GET", "/api/v1/persons/" + pid + "/code", nullptr, a).status == 200);
}

TEST_CASE("a cached person shows a new declaration's colour on the next code",
          "[read_cache][verdict]") {
  auto app = CachingDevApp();
  const std::string a = LoginResident(*app, next_phone++);
  const std::string id = NewId();
  Answer d = Call(*app, "POST", "/api/v1/declarations", Declaration("周九", id, "110105"), a);
  REQUIRE(d.status == 201);
  const std::string pid = d.json["person_id"];
  const std::string code = "/api/v1/persons/" + pid + "/code";
  CHECK(Call(*app, "GET", code, nullptr, a).json["color"] == "green");
  app->write_behind->Flush();  // the verdict stored: later displays answer it (as cached)
  for (int i = 0; i < 3; ++i) {
    CHECK(Call(*app, "GET", code, nullptr, a).json["color"] == "green");
  }
  Json fever = Declaration("周九", id, "110105", 38.6);
  fever["person_id"] = pid;
  fever.erase("person");
  REQUIRE(Call(*app, "POST", "/api/v1/declarations", fever, a).status == 201);
  Answer after = Call(*app, "GET", code, nullptr, a);
  CHECK(after.json["color"] != "green");
  const std::string verifier = LoginStaff(*app, "verifier");
  Answer v = Call(*app, "POST", "/api/v1/verify", Json{{"qr", after.json["qr"]}}, verifier);
  CHECK(v.json["color"] == after.json["color"]);
}

TEST_CASE("RowCache refuses a row read before a Clear, and forgets rows by age",
          "[read_cache][store]") {
  RowCache<int> c;
  c.Put("k", 1, c.Generation());
  CHECK(!c.Get("k"));  // off until given a maximum age
  c.SetMaxAge(std::chrono::milliseconds(150));
  const uint64_t before = c.Generation();
  c.Clear();  // a writer ran while the row was being read
  c.Put("k", 1, before);
  CHECK(!c.Get("k"));
  c.Put("k", 2, c.Generation());
  CHECK(c.Get("k") == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(!c.Get("k"));
}

TEST_CASE("a transaction's own reads skip the cache; others see its writes once committed",
          "[read_cache][store]") {
  auto db = OpenSqliteStorage(":memory:");
  db->SetReadCache(60000, 60000);
  SessionRow s;
  s.token_hash = "h1";
  s.kind = "resident";
  s.subject_id = "acc";
  s.role = "resident";
  s.expires_at = 4000000000;
  db->PutSession(s);
  REQUIRE(db->GetSession("h1"));  // cached now
  db->Transaction([&] {
    db->DeleteSession("h1");
    CHECK(!db->GetSession("h1"));  // its own write
  });
  CHECK(!db->GetSession("h1"));
  db->PutSession(s);
  CHECK(db->GetSession("h1"));
  db->Transaction([&] { db->TouchSession("h1", 5, 4100000000); });
  CHECK(db->GetSession("h1")->expires_at == 4100000000);
}

TEST_CASE("a cached person row follows this process's every write to it", "[read_cache][store]") {
  auto db = OpenSqliteStorage(":memory:");
  db->SetReadCache(60000, 60000);
  PersonRow p;
  p.id = "p1";
  p.person_ref = "ref1";
  p.id_hmac = "hmac1";
  p.region = "110105";
  db->CreatePerson(p);
  REQUIRE(db->GetPerson("p1"));
  REQUIRE(db->FindPersonByRef("ref1"));  // both cached now
  VerdictRow v;
  v.code = "{}";
  v.color = "green";
  v.version = db->GetPerson("p1")->data_version;
  REQUIRE(db->StoreVerdict("p1", v));
  CHECK(db->GetPerson("p1")->verdict.color == "green");
  CHECK(db->FindPersonByRef("ref1")->verdict.color == "green");
  const int64_t before = db->GetPerson("p1")->data_version;
  DeclarationRow d;
  d.id = "d1";
  d.person_id = "p1";
  d.declared_at = 100;
  d.body = "{}";
  db->AddDeclaration(d);
  CHECK(db->GetPerson("p1")->data_version == before + 1);
  CHECK(db->FindPersonByRef("ref1")->data_version == before + 1);
  p.region = "370102";
  p.updated_at = 5;
  db->UpdatePerson(p);
  CHECK(db->GetPerson("p1")->region == "370102");
  CHECK(db->GetPerson("p1")->data_version == before + 2);
}

TEST_CASE(
    "another process's session deletion counts once the cached row is older than the "
    "maximum age",
    "[read_cache][store]") {
  char dir[] = "/tmp/ankang-read-cache-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/ankang.db";
  auto mine = OpenSqliteStorage(path);
  auto other = OpenSqliteStorage(path);
  mine->SetReadCache(300, 300);
  SessionRow s;
  s.token_hash = "h2";
  s.kind = "staff";
  s.subject_id = "st";
  s.role = "verifier";
  s.expires_at = 4000000000;
  mine->PutSession(s);
  REQUIRE(mine->GetSession("h2"));
  other->DeleteSession("h2");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(!mine->GetSession("h2"));
  mine.reset();
  other.reset();
  std::system((std::string("rm -rf ") + dir).c_str());
}

}  // namespace
}  // namespace ankang::server
