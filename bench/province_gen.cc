// Writes a synthetic province straight into a data folder that ankang-server
// then serves (bench/province.sh): N persons with their accounts, guardians,
// declarations and daily check-ins, a few risk areas and confirmed cases, a
// stricter rule set to activate, and bearer tokens of resident sessions for
// wrk. Everything goes through the server's own Storage and keys (AEAD
// personal data, keyed hashes), in large transactions; then every person is
// scored once and their colour stored, as after the first code display.
//
// What the persons look like (fixed seed, so two runs give the same data):
//   - residence: a county of Shandong (60 %), Jiangsu or Zhejiang; ID number
//     of that county, unique birth date and sequence;
//   - one person in eight is a child declared by the previous person's account;
//   - latest declaration 0-10 days ago (2 % with fever, 1 % "unsure" contact,
//     8 % with a stay in another county in the 14 days before), 30 % with an
//     older declaration 20-40 days ago;
//   - 60 % check in every day since their declaration (1 % of check-ins with
//     fever);
//   - 3 Shandong counties high risk, 8 medium; 1 person in 2000 confirmed.
// The rule set "province-strict" (id rs_province_strict, not active) is the
// default preset with a medium-risk residence or stay red instead of yellow.
//
// Usage: province-gen DATA_DIR PERSONS [SESSIONS=10000] [SESSIONS_FILE=DATA_DIR/sessions.txt]
// DATA_DIR must be empty or absent (made as `ankang-server init` makes it). SESSIONS_FILE gets
// "person_id token" per line, for persons spread evenly over the population.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "server/app.h"
#include "server/crypto/crypto.h"
#include "server/data_folder.h"
#include "server/domain/persons.h"
#include "server/domain/recolour_jobs.h"
#include "server/domain/rulesets.h"
#include "shared/regions.h"
#include "shared/validate.h"

using namespace ankang;
using namespace ankang::server;

namespace {

constexpr int64_t kDay = 86400;
constexpr int kBatch = 2000;  // persons per transaction

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::vector<std::string> Counties(const std::string& province) {
  std::vector<std::string> out;
  for (const Region* city : ChildRegions(province)) {
    for (const Region* county : ChildRegions(city->code)) out.push_back(county->code);
  }
  return out;
}

// A valid GB 11643 number of `region`, unique per i.
std::string IdNumber(const std::string& region, int64_t i) {
  const Date born = AddDays(Date{1940, 1, 1}, static_cast<int>(i % 29000));
  char first17[18];
  std::snprintf(first17, sizeof first17, "%s%04d%02d%02d%03d", region.c_str(), born.year,
                born.month, born.day, static_cast<int>(i / 29000 % 1000));
  return std::string(first17) + ResidentIdCheckChar(first17);
}

std::string Name(std::mt19937_64& rng) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                    "周", "吴", "徐", "孙", "胡", "朱", "高", "林"};
  static const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                 "勇", "艳", "杰", "涛", "明", "超", "秀", "霞", "平", "刚"};
  std::string n = kSurnames[rng() % 16];
  n += kGiven[rng() % 20];
  if (rng() % 2) n += kGiven[rng() % 20];
  return n;
}

// The body the server stores for a declaration (api/resident.cc StoredBody):
// the normalised declaration without name, ID number, phone and address.
std::string StoredBody(Json norm, const PersonRow& p, const std::string& relation) {
  norm.erase("person");
  norm["person"] = {{"id_type", p.id_type},
                    {"nationality", p.nationality},
                    {"region", p.region},
                    {"relation", relation}};
  norm["person_id"] = p.id;
  return norm.dump();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: province-gen DATA_DIR PERSONS [SESSIONS] [SESSIONS_FILE]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int64_t n = std::atoll(argv[2]);
  const int64_t sessions = std::min<int64_t>(n, argc > 3 ? std::atoll(argv[3]) : 10000);
  const std::string sessions_file = argc > 4 ? argv[4] : dir + "/sessions.txt";
  std::filesystem::create_directories(dir);
  InitCrypto();
  Options o;
  o.data = dir;
  o.quiet = true;
  const int64_t now = SystemClock().Now();
  std::unique_ptr<App> app;
  try {
    // A first start, as `ankang-server init` makes it: database, keys, their check values.
    OpenedDataFolder folder = InitDataFolder(dir, "", now);
    app = MakeApp(o, std::move(folder.db), std::move(folder.keys));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "province-gen: %s\n", e.what());
    return 2;
  }
  const int tz = o.tz_offset_minutes;
  const Date today = LocalDate(Instant{now, tz});

  const std::vector<std::string> shandong = Counties("370000");
  std::vector<std::string> others = Counties("320000");
  for (const std::string& c : Counties("330000")) others.push_back(c);
  std::mt19937_64 rng(20261201);
  auto chance = [&](int per_mille) { return static_cast<int>(rng() % 1000) < per_mille; };

  // Risk areas: 3 high and 8 medium counties of Shandong.
  std::map<std::string, std::string> areas;
  for (int k = 0; k < 11; ++k)
    areas[shandong[(k * 37 + 11) % shandong.size()]] = k < 3 ? "high" : "medium";
  app->db->ReplaceRiskAreas(areas, now);

  // The rule set the benchmark activates.
  {
    Json strict = Json::parse(PresetText("default"));
    strict["id"] = "province-strict";
    strict["version"] = strict.value("version", "") + "-strict";
    for (Json& r : strict["rules"]) {
      const std::string id = r.value("id", "");
      if (id == "medium_risk_travel" || id == "medium_risk_residence") r["color"] = "red";
    }
    RuleSetRow r;
    r.id = "rs_province_strict";
    r.rule_set_id = "province-strict";
    r.version = strict["version"];
    r.body = strict.dump();
    r.source = "upload";
    r.uploaded_at = now;
    r.uploaded_by = "province-gen";
    app->db->AddRuleSet(r);
  }

  std::ofstream tokens(sessions_file);
  const int64_t session_every = std::max<int64_t>(1, n / std::max<int64_t>(1, sessions));
  int64_t sessions_written = 0;
  int64_t declarations = 0, checkins = 0, cases = 0;
  const auto t0 = std::chrono::steady_clock::now();
  AccountRow account;
  std::string account_phone;
  for (int64_t start = 0; start < n; start += kBatch) {
    app->db->Transaction([&] {
      for (int64_t i = start; i < std::min(n, start + kBatch); ++i) {
        const bool child = i % 8 == 7;  // declared by the previous person's account
        if (!child) {
          char phone[16];
          std::snprintf(phone, sizeof phone, "13%09lld", static_cast<long long>(i));
          account_phone = phone;
          account.id = RandomId();
          account.phone_hmac = PhoneHmac(*app, account_phone);
          account.phone_enc = app->data_keys.Encrypt("account.phone", account_phone);
          account.created_at = now - 40 * kDay;
          app->db->CreateAccount(account);
        }
        const std::string region =
            chance(600) ? shandong[rng() % shandong.size()] : others[rng() % others.size()];
        const int64_t declared_at = now - static_cast<int64_t>(rng() % (10 * kDay));
        const Date declared_day = LocalDate(Instant{declared_at, tz});
        const std::string id_number = IdNumber(region, i);
        Json travel = Json::array();
        if (chance(80)) {
          const std::string to_region =
              chance(500) ? shandong[rng() % shandong.size()] : others[rng() % others.size()];
          const int ago = 2 + static_cast<int>(rng() % 10);
          travel.push_back({{"region", to_region},
                            {"from", FormatDate(AddDays(declared_day, -ago - 1))},
                            {"to", FormatDate(AddDays(declared_day, -ago))}});
        }
        const Json raw = {
            {"person",
             {{"name", Name(rng)},
              {"id_type", "resident_id"},
              {"id_number", id_number},
              {"phone", child ? "" : account_phone},
              {"nationality", "CHN"},
              {"region", region},
              {"address", "某路" + std::to_string(1 + rng() % 300) + "号"},
              {"relation", child ? "child" : "self"}}},
            {"health",
             {{"temperature", chance(20) ? 37.8 : 36.2 + static_cast<double>(rng() % 7) / 10},
              {"symptoms", Json::array()},
              {"fever_clinic_14d", false}}},
            {"travel_14d", travel},
            {"contact_14d", chance(10) ? "unsure" : "none"},
            {"commitment", true}};
        Json norm;
        const std::vector<FieldError> errors = ValidateDeclaration(raw, declared_day, &norm);
        if (!errors.empty()) {
          std::fprintf(stderr, "province-gen: person %lld: %s\n", static_cast<long long>(i),
                       ToJson(errors, "en").dump().c_str());
          std::exit(1);
        }
        const Json& person = norm["person"];
        PersonRow p;
        p.id = RandomId();
        p.person_ref = RandomId(12);
        SetIdentity(*app, person, &p);
        p.nationality = "CHN";
        p.region = region;
        if (!child) p.phone_enc = app->data_keys.Encrypt("person.phone", account_phone);
        p.address_enc = app->data_keys.Encrypt("person.address", StrField(person, "address"));
        p.created_at = p.updated_at = declared_at;
        p.code_issued_at = declared_at;
        app->db->CreatePerson(p);
        app->db->AddGuardian(GuardianRow{account.id, p.id, child ? "child" : "self", declared_at});

        auto declare = [&](int64_t at, const std::string& body) {
          DeclarationRow d;
          d.id = RandomId();
          d.person_id = p.id;
          d.account_id = account.id;
          d.declared_at = at;
          d.day = FormatDate(LocalDate(Instant{at, tz}));
          d.body = body;
          app->db->AddDeclaration(d);
          ++declarations;
        };
        if (chance(300)) {  // an older declaration, outside the validity period
          declare(declared_at - (20 + static_cast<int64_t>(rng() % 20)) * kDay,
                  StoredBody(norm, p, child ? "child" : "self"));
        }
        declare(declared_at, StoredBody(norm, p, child ? "child" : "self"));
        if (chance(600)) {  // checks in every day since
          for (Date d = AddDays(declared_day, 1); DaysBetween(d, today) >= 0; d = AddDays(d, 1)) {
            CheckinRow c;
            c.id = RandomId();
            c.person_id = p.id;
            c.account_id = account.id;
            c.day = FormatDate(d);
            c.at = std::min(
                now, Instant{declared_at, tz}.unix_seconds + (DaysBetween(declared_day, d)) * kDay);
            c.temperature = chance(10) ? 37.6 : 36.3 + static_cast<double>(rng() % 5) / 10;
            c.symptoms = "[]";
            if (app->db->AddCheckin(c)) ++checkins;
          }
        }
        if (i % 2000 == 1999) {
          app->db->PutCaseStatus(
              CaseRow{p.id_hmac, "confirmed", FormatDate(AddDays(today, -3)), now, "province-gen"});
          ++cases;
        }
        if (i % session_every == 0 && sessions_written < sessions) {
          const std::string token = RandomId(32);
          SessionRow s;
          s.token_hash = Sha256Hex(token);
          s.kind = "resident";
          s.subject_id = account.id;
          s.role = "resident";
          s.created_at = now;
          s.expires_at = now + 30 * kDay;
          s.device = "wrk";
          s.last_seen_at = now;
          app->db->PutSession(s);
          tokens << p.id << ' ' << token << '\n';
          ++sessions_written;
        }
      }
    });
    if ((start / kBatch) % 50 == 49) {
      std::fprintf(stderr, "  %lld persons written (%.0f s)\n",
                   static_cast<long long>(start + kBatch), Seconds(t0));
    }
  }
  tokens.close();
  const double write_s = Seconds(t0);
  std::printf(
      "wrote %lld persons, %lld declarations, %lld check-ins, %lld confirmed cases, "
      "%zu risk areas, %lld sessions in %.1f s\n",
      static_cast<long long>(n), static_cast<long long>(declarations),
      static_cast<long long>(checkins), static_cast<long long>(cases), areas.size(),
      static_cast<long long>(sessions_written), write_s);

  // Every person scored once with the rules in force and the colour stored:
  // the same background job an activation starts, from "these rules" to the same.
  const auto t1 = std::chrono::steady_clock::now();
  auto rules = app->CurrentRules();
  const std::string job = app->recolour_jobs->AfterActivation(rules, rules, "province-gen");
  std::optional<RecolourJob> j;
  while (!(j = app->recolour_jobs->Wait(job, 10000))->Over()) {
    std::fprintf(stderr, "  scored %lld of %lld (%.0f s)\n", static_cast<long long>(j->done),
                 static_cast<long long>(j->total), Seconds(t1));
  }
  std::map<std::string, int64_t> by_colour = app->db->CountPersonsByColor();
  std::printf("scored and stored %lld colours in %.1f s (%s):", static_cast<long long>(j->done),
              Seconds(t1), j->state.c_str());
  for (const auto& [c, k] : by_colour)
    std::printf(" %s %lld", c.c_str(), static_cast<long long>(k));
  std::printf("\n");
  return j->state == "finished" ? 0 : 1;
}
