// The writes a code display causes go behind it (domain/write_behind.h):
// nothing reaches the database until a flush, a flush commits everything
// queued, the statistics and the audit log flush before they are read, and a
// review auto-issue queued by a display is audited once.
#include "server/domain/write_behind.h"

#include <catch2/catch.hpp>

#include "helpers.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::testing;

namespace {

int64_t Count(const std::vector<ColorCount>& counts, const std::string& key,
              const std::string& color) {
  for (const ColorCount& c : counts) {
    if (c.key == key && c.color == color) return c.count;
  }
  return 0;
}

}  // namespace

TEST_CASE("queued statistics reach the database at a flush or when the writer ends",
          "[write_behind]") {
  std::unique_ptr<Storage> db = OpenSqliteStorage(":memory:");
  {
    WriteBehind wb(db.get(), WriteBehindOptions{3600 * 1000});  // no timed flush in this test
    wb.ColourDay("2026-11-20", "p1", "370102", "green");
    wb.ColourDay("2026-11-20", "p2", "370102", "green");
    wb.ColourDay("2026-11-20", "p2", "370102", "red");  // the day's latest colour wins
    CHECK(db->ColorsByDay("2026-11-20").empty());
    wb.Flush();
    auto counts = db->ColorsByDay("2026-11-20");
    CHECK(Count(counts, "2026-11-20", "green") == 1);
    CHECK(Count(counts, "2026-11-20", "red") == 1);
    wb.ColourDay("2026-11-21", "p1", "370102", "yellow");
  }
  CHECK(Count(db->ColorsByDay("2026-11-21"), "2026-11-21", "yellow") == 1);
}

TEST_CASE("the statistics count a code shown just before they are read", "[write_behind]") {
  App& app = DevApp();
  const std::string admin = LoginStaff(app, "admin");
  auto green_today = [&] {
    Answer s = Call(app, "GET", "/api/v1/admin/statistics", nullptr, admin);
    REQUIRE(s.status == 200);
    return s.json["by_day"].back()["green"].get<int64_t>();  // today
  };
  const int64_t before = green_today();
  const std::string tok = LoginResident(app, 9100);
  Answer a = Call(app, "POST", "/api/v1/declarations",
                  Declaration("王五", ResidentId(960), "370102"), tok);
  REQUIRE(a.status == 201);
  const std::string path = "/api/v1/persons/" + a.json["person_id"].get<std::string>() + "/code";
  CHECK(Call(app, "GET", path, nullptr, tok).json["color"] == "green");
  CHECK(green_today() == before + 1);
}

TEST_CASE("a review auto-issue shown on a code is written and audited once", "[write_behind]") {
  App& app = DevApp();
  const std::string admin = LoginStaff(app, "admin");
  REQUIRE(Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", {"320100"}}}, admin)
              .status == 200);
  app.dev_clock->Set(ParseInstant("2026-11-20T10:00:00+08:00")->unix_seconds);
  const std::string tok = LoginResident(app, 9101);
  Answer a = Call(app, "POST", "/api/v1/declarations",
                  Declaration("赵六", ResidentId(961), "320102"), tok);
  REQUIRE(a.status == 201);
  CHECK(a.json["code"]["review"]["state"] == "pending");
  const std::string decl = a.json["declaration_id"];
  const std::string path = "/api/v1/persons/" + a.json["person_id"].get<std::string>() + "/code";
  app.dev_clock->Set(ParseInstant("2026-11-21T18:00:30+08:00")->unix_seconds);
  Answer shown = Call(app, "GET", path, nullptr, tok);
  CHECK(shown.json["review"]["state"] == "auto_issued");  // at once, before any write
  CHECK(Call(app, "GET", path, nullptr, tok).json["review"]["state"] == "auto_issued");
  // The issuer's queue applies the auto-issue synchronously: it finds the queued one.
  REQUIRE(Call(app, "GET", "/api/v1/review/pending", nullptr, LoginStaff(app, "issuer")).status ==
          200);
  CHECK(app.db->GetDeclaration(decl)->review_state == "auto_issued");
  // Filtered by action and target: the log answers the newest 100 entries,
  // and other test cases of this process write entries dated after this one.
  Answer audit = Call(app, "GET", "/api/v1/admin/audit-log?action=review.auto_issue&target=" + decl,
                      nullptr, admin);
  REQUIRE(audit.status == 200);
  int entries = 0;
  for (const Json& e : audit.json["entries"]) {
    if (e["action"] == "review.auto_issue" && e["target"] == decl) ++entries;
  }
  CHECK(entries == 1);
  REQUIRE(Call(app, "PUT", "/api/v1/admin/review-regions", Json{{"regions", Json::array()}}, admin)
              .status == 200);
  app.dev_clock->Reset();
}
