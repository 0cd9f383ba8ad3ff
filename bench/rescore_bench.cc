// Benchmark of the admin console's rescoring (domain/recolour.h) on a synthetic
// province: PERSONS persons spread over the counties of Shandong, Jiangsu and
// Zhejiang (one declaration each, 10 % with a stay in another county, 5 % with
// a fever), stored directly through Storage on an on-disk SQLite file. Then,
// through the same Dispatch() the HTTP layer calls, as the admin:
//   1. a risk-area CSV import of AREAS Shandong counties (level high),
//   2. a case-status CSV import of 50 persons (confirmed),
//   3. a rule-set dry run of the "hangzhou" preset,
//   4. the activation of that preset.
// Prints, for each, the wall time, the persons scored (reported "rescored" /
// dry-run "total", "n/a" where the answer has no such field) and the persons
// recoloured. Usage: rescore-bench [PERSONS=20000] [AREAS=50]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_app.h"
#include "server/domain/persons.h"
#include "shared/regions.h"
#include "shared/validate.h"

using namespace ankang;
using namespace ankang::server;
using namespace ankang::server::bench;

namespace {

std::vector<std::string> Counties(const std::vector<std::string>& provinces) {
  std::vector<std::string> out;
  for (const std::string& prov : provinces) {
    for (const Region* city : ChildRegions(prov)) {
      for (const Region* county : ChildRegions(city->code)) out.push_back(county->code);
    }
  }
  return out;
}

// A valid GB 11643 number, unique per i (birth date varies).
std::string IdNumber(int i) {
  Date born = AddDays(Date{1950, 1, 1}, i % 20000);
  char first17[18];
  std::snprintf(first17, sizeof first17, "370102%04d%02d%02d%03d", born.year, born.month, born.day,
                i / 20000 % 1000);
  return std::string(first17) + ResidentIdCheckChar(first17);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int areas = argc > 2 ? std::atoi(argv[2]) : 50;
  BenchApp app;
  const Options& o = app->opts;

  const std::vector<std::string> shandong = Counties({"370000"});
  const std::vector<std::string> all = Counties({"370000", "320000", "330000"});
  const int64_t now = app->Now();
  const auto t_fill = std::chrono::steady_clock::now();
  for (int start = 0; start < n; start += 1000) {
    app->db->Transaction([&] {
      for (int i = start; i < std::min(n, start + 1000); ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "p%07d", i);
        PersonRow p;
        p.id = id;
        p.person_ref = std::string("r") + id;
        p.id_type = "resident_id";
        p.id_hmac = IdHmac(*app, "resident_id", IdNumber(i));
        p.id_enc = p.name_enc = "x";
        p.id_tail = "0000";
        p.name_masked = "张*";
        p.nationality = "CHN";
        p.region = all[(i * 7919) % all.size()];
        p.created_at = p.updated_at = now - 86400;
        p.code_issued_at = now - 86400;
        p.last_color = "green";
        app->db->CreatePerson(p);
        Json travel = Json::array();
        if (i % 10 == 3) {
          travel.push_back({{"region", all[(i * 104729) % all.size()]},
                            {"from", FormatDate(AddDays(app->Today(), -5))},
                            {"to", FormatDate(AddDays(app->Today(), -4))}});
        }
        Json body = {{"person",
                      {{"id_type", "resident_id"},
                       {"nationality", "CHN"},
                       {"region", p.region},
                       {"relation", "self"}}},
                     {"health",
                      {{"temperature", i % 20 == 7 ? 37.8 : 36.5},
                       {"symptoms", Json::array()},
                       {"fever_clinic_14d", false}}},
                     {"travel_14d", travel},
                     {"contact_14d", "none"},
                     {"commitment", true},
                     {"person_id", p.id}};
        DeclarationRow d;
        d.id = std::string("d") + id;
        d.person_id = p.id;
        d.account_id = "a";
        d.declared_at = now - 3600 * (1 + i % 48);
        d.day = FormatDate(LocalDate(Instant{d.declared_at, o.tz_offset_minutes}));
        d.body = body.dump();
        app->db->AddDeclaration(d);
      }
    });
  }
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_fill).count();
  std::printf("%d persons in %zu counties (%zu in Shandong), stored in %.1f s\n", n, all.size(),
              shandong.size(), fill_s);

  const std::string admin = Call(*app, "POST", "/api/v1/auth/staff",
                                 Json{{"username", "admin"}, {"password", o.dev_password}}.dump())
                                .json.value("token", "");
  auto run = [&](const char* what, const std::string& path, const Json& body, const char* scored,
                 const char* recoloured) {
    const auto t0 = std::chrono::steady_clock::now();
    Answer answer = Call(*app, "POST", path, body.dump(), admin);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (answer.status != 200 && answer.status != 201) {
      std::fprintf(stderr, "%s: %d %s\n", what, answer.status, answer.json.dump().c_str());
      std::exit(1);
    }
    const Json& a = answer.json;
    const Json* part = &a;
    if (a.contains("dry_run")) part = &a["dry_run"];
    auto field = [&](const char* k) {
      return part->contains(k) ? std::to_string((*part)[k].get<int64_t>()) : std::string("n/a");
    };
    std::printf("| %s | %.2f s | %s | %s |\n", what, s, field(scored).c_str(),
                field(recoloured).c_str());
  };
  std::printf("| operation | wall time | persons scored | recoloured |\n|---|---|---|---|\n");
  std::string csv = "region,level\n";
  for (int i = 0; i < areas && i < static_cast<int>(shandong.size()); ++i) {
    csv += shandong[(i * 37) % shandong.size()] + ",high\n";
  }
  run(("risk-area import, " + std::to_string(areas) + " counties").c_str(),
      "/api/v1/admin/risk-areas/import", Json{{"csv", csv}}, "rescored", "recolored");
  std::string cases = "id_type,id_number,status,since\n";
  for (int i = 0; i < 50; ++i) cases += "resident_id," + IdNumber(i * 397 % n) + ",confirmed,\n";
  run("case-status import, 50 persons", "/api/v1/admin/case-status/import", Json{{"csv", cases}},
      "rescored", "recolored");
  run("rule-set dry run (hangzhou preset)", "/api/v1/admin/rulesets/dry-run",
      Json{{"rule_set", Json::parse(PresetText("hangzhou"))}}, "total", "changed");
  run("rule-set activation (hangzhou preset)", "/api/v1/admin/rulesets/preset:hangzhou/activate",
      Json::object(), "rescored", "recolored");
  return 0;
}
