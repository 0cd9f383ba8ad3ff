// The admin console's routes (防控管理, issue 5) beyond routes_admin.cc:
// region search, CSV imports of risk areas and case status with per-line error
// reports and recolour counts, rule sets (shape check, dry run, activation),
// statistics by colour over time and by region, audit log search, trusted
// issuers (互认) and their key lists, person search with an audited reveal of
// full personal data. Every call is audited (ids only, never personal data).

#include <algorithm>
#include <cctype>
#include <set>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/persons.h"
#include "server/domain/recolour.h"
#include "server/domain/rulesets.h"
#include "server/domain/verify.h"
#include "server/outbound/http_get.h"
#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/rules.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

const std::vector<std::string> kAdmin = {"admin"};
const std::vector<std::string> kVerifiers = {"verifier", "admin"};
constexpr size_t kMaxCsvLines = 2000;  // per request; the page sends chunks

Json LineError(int64_t line, const std::string& code, const std::string& msg) {
  return {{"line", line}, {"code", code}, {"message", msg}};
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// One CSV record (RFC 4180 quoting within the line); false on an unclosed quote.
bool SplitCsvLine(const std::string& line, std::vector<std::string>* out) {
  out->clear();
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out->push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out->push_back(Trim(cur));
  return !quoted;
}

struct CsvChunk {
  int64_t first_line = 1;
  std::vector<std::string> lines;
};

// {"csv": "...", "first_line": n} -> lines; on a bad body *err is set.
std::optional<CsvChunk> ReadCsv(const Request& req, Response* err) {
  auto body = ParseJsonObject(req, err);
  if (!body) return std::nullopt;
  CsvChunk c;
  if (body->contains("first_line") && (*body)["first_line"].is_number_integer()) {
    c.first_line = std::max<int64_t>(1, (*body)["first_line"].get<int64_t>());
  }
  const std::string csv = StrField(*body, "csv");
  size_t i = 0;
  while (i <= csv.size()) {
    size_t j = csv.find('\n', i);
    if (j == std::string::npos) j = csv.size();
    c.lines.push_back(csv.substr(i, j - i));
    i = j + 1;
  }
  while (!c.lines.empty() && Trim(c.lines.back()).empty()) c.lines.pop_back();
  if (c.lines.size() > kMaxCsvLines) {
    *err = ErrorResponse(Status::kTooLarge, "too_many_lines",
                         "At most " + std::to_string(kMaxCsvLines) + " lines per request.");
    return std::nullopt;
  }
  return c;
}

bool IsHeader(const std::vector<std::string>& f, const char* first) {
  if (f.empty()) return false;
  std::string s = f[0];
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF) s = s.substr(3);  // UTF-8 BOM
  return s == first;
}

// Calls fn(line, fields) for each record of a chunk: blank lines and # comments
// are skipped, as is a header on line 1 (first field `header`); a line with an
// unclosed quote becomes a "bad_format" error.
template <typename Fn>
void ForEachRecord(const CsvChunk& chunk, const char* header, Json* errors, Fn fn) {
  std::vector<std::string> f;
  for (size_t i = 0; i < chunk.lines.size(); ++i) {
    const int64_t line = chunk.first_line + static_cast<int64_t>(i);
    const std::string raw = Trim(chunk.lines[i]);
    if (raw.empty() || raw[0] == '#') continue;
    if (!SplitCsvLine(raw, &f)) {
      errors->push_back(LineError(line, "bad_format", "unclosed quote"));
      continue;
    }
    if (line == 1 && IsHeader(f, header)) continue;
    fn(line, f);
  }
}

// POST /api/v1/admin/risk-areas/import {"csv":"region,level\n...","first_line":1}
Response ImportRiskAreas(App& app, const Request& req) {
  Response err;
  auto chunk = ReadCsv(req, &err);
  if (!chunk) return err;
  Json errors = Json::array();
  std::map<std::string, std::string> updates;
  int64_t accepted = 0;
  ForEachRecord(*chunk, "region", &errors, [&](int64_t line, const std::vector<std::string>& f) {
    if (f.size() != 2) {
      errors.push_back(LineError(line, "bad_format", "expected 2 fields: region,level"));
      return;
    }
    std::string level = f[1];
    std::transform(level.begin(), level.end(), level.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (!IsKnownRegion(f[0])) {
      errors.push_back(LineError(line, "bad_region", "unknown GB/T 2260 code: " + f[0]));
    } else if (level != "high" && level != "medium" && level != "low") {
      errors.push_back(LineError(line, "bad_level", "level must be high, medium or low"));
    } else {
      updates[f[0]] = level;  // a later line for the same region wins
      ++accepted;
    }
  });
  Recolour rc;
  if (!updates.empty()) {
    const std::map<std::string, std::string> old_areas = app.db->RiskAreas();
    std::map<std::string, std::string> areas = old_areas;
    for (const auto& [region, level] : updates) {
      if (level == "low") {
        areas.erase(region);
      } else {
        areas[region] = level;
      }
    }
    // Only those living in or having travelled to a region whose level changed.
    rc = RecolourAfter(app, PersonsAffectedByRiskChange(app, old_areas, areas), [&] {
      app.db->ReplaceRiskAreas(areas, app.Now());
      app.authority.Invalidate();
    });
  }
  app.Audit(req.caller, "risk_areas.import", "",
            {{"accepted", accepted}, {"errors", errors.size()}, {"recolored", rc.changed}});
  return JsonResponse(Status::kOk, {{"accepted", accepted},
                                    {"errors", errors},
                                    {"recolored", rc.changed},
                                    {"rescored", rc.total},
                                    {"transitions", ToJson(rc)["transitions"]}});
}

const std::vector<std::string>& CaseStatuses() {
  static const std::vector<std::string> k = {"confirmed",     "suspected", "asymptomatic",
                                             "close_contact", "recovered", "cleared",
                                             "falsified"};
  return k;
}

// POST /api/v1/admin/case-status/import {"csv":"id_type,id_number,status,since\n..."}
Response ImportCaseStatus(App& app, const Request& req) {
  Response err;
  auto chunk = ReadCsv(req, &err);
  if (!chunk) return err;
  Json errors = Json::array();
  std::vector<CaseRow> rows;
  ForEachRecord(*chunk, "id_type", &errors, [&](int64_t line, const std::vector<std::string>& f) {
    if (f.size() != 3 && f.size() != 4) {
      errors.push_back(LineError(line, "bad_format", "expected id_type,id_number,status,since"));
      return;
    }
    auto type = IdTypeFromString(f[0]);
    if (!type) {
      errors.push_back(LineError(line, "bad_id_type", "unknown id_type: " + f[0]));
      return;
    }
    std::string id_number;
    const std::string code = CheckIdNumber(*type, f[1], app.Today(), &id_number);
    if (!code.empty()) {
      // Never echo the ID number back: the report may be shared.
      errors.push_back(LineError(line, code, "invalid ID number " + MaskIdNumber(f[1])));
      return;
    }
    const auto& st = CaseStatuses();
    if (std::find(st.begin(), st.end(), f[2]) == st.end()) {
      errors.push_back(LineError(line, "bad_status", "unknown status: " + f[2]));
      return;
    }
    const std::string since = f.size() == 4 ? f[3] : "";
    if (!since.empty() && !ParseDate(since)) {
      errors.push_back(LineError(line, "bad_date", "since must be YYYY-MM-DD"));
      return;
    }
    rows.push_back(
        CaseRow{IdHmac(app, f[0], id_number), f[2], since, app.Now(), req.caller.username});
  });
  Recolour rc;
  if (!rows.empty()) {
    std::vector<std::string> ids;
    for (const CaseRow& c : rows) ids.push_back(c.id_hmac);
    rc = RecolourAfter(app, PersonsWithIdHmacs(app, ids), [&] {
      app.db->Transaction([&] {
        for (const CaseRow& c : rows) app.db->PutCaseStatus(c);
      });
    });
  }
  app.Audit(req.caller, "case_status.import", "",
            {{"accepted", rows.size()}, {"errors", errors.size()}, {"recolored", rc.changed}});
  return JsonResponse(Status::kOk, {{"accepted", rows.size()},
                                    {"errors", errors},
                                    {"recolored", rc.changed},
                                    {"rescored", rc.total},
                                    {"transitions", ToJson(rc)["transitions"]}});
}

// GET /api/v1/admin/regions?q=370102|历下 -> matching regions with their risk level.
Response SearchRegions(App& app, const Request& req) {
  const std::string q = Trim(req.Query("q"));
  const auto risk = app.db->RiskAreas();
  Json out = Json::array();
  auto add = [&](const std::string& code) {
    auto it = risk.find(code);
    out.push_back({{"region", code},
                   {"name", RegionPath(code)},
                   {"level", it == risk.end() ? "low" : it->second}});
  };
  if (q.empty()) {
    for (const auto& [code, level] : risk) add(code);
  } else {
    // One pass over the table, already sorted by code (a walk down the tree
    // scanned the whole table again for every node's children).
    const Region* all = AllRegions();
    for (size_t i = 0; i < RegionCount() && out.size() < 50; ++i) {
      const std::string code = all[i].code;
      if (code.rfind(q, 0) == 0 || std::string(all[i].name).find(q) != std::string::npos) add(code);
    }
  }
  return JsonResponse(Status::kOk, {{"areas", out}});
}

// --- rule sets

Json RuleSetSummary(const RuleSetRow& r, App& app) {
  return {{"ruleset_id", r.id},          {"id", r.rule_set_id},
          {"version", r.version},        {"source", r.source},
          {"active", r.active},          {"uploaded_at", app.Iso(r.uploaded_at)},
          {"uploaded_by", r.uploaded_by}};
}

Response ListRuleSets(App& app, const Request&) {
  auto current = app.CurrentRules();
  Json out = Json::array();
  std::set<std::string> stored;
  bool any_active = false;
  for (const RuleSetRow& r : app.db->ListRuleSets()) {
    stored.insert(r.id);
    any_active = any_active || r.active;
    out.push_back(RuleSetSummary(r, app));
  }
  for (const std::string& name : PresetNames()) {
    const std::string id = "preset:" + name;
    if (stored.count(id)) continue;
    Json j = Json::parse(PresetText(name), nullptr, false);
    out.push_back({{"ruleset_id", id},
                   {"id", StrField(j, "id")},
                   {"version", StrField(j, "version")},
                   {"source", "preset"},
                   {"active", !any_active && current->name == name},
                   {"uploaded_at", nullptr}});
  }
  return JsonResponse(Status::kOk, {{"rulesets", out}, {"in_force", current->name}});
}

std::optional<RuleSetRow> FindRuleSet(App& app, const std::string& id) {
  if (auto r = app.db->GetRuleSet(id)) return r;
  if (id.rfind("preset:", 0) == 0) {
    const std::string text = PresetText(id.substr(7));
    if (text.empty()) return std::nullopt;
    Json j = Json::parse(text, nullptr, false);
    RuleSetRow r;
    r.id = id;
    r.rule_set_id = StrField(j, "id");
    r.version = StrField(j, "version");
    r.body = text;
    r.source = "preset";
    return r;
  }
  return std::nullopt;
}

Response GetRuleSet(App& app, const Request& req) {
  auto r = FindRuleSet(app, req.Param("id"));
  if (!r) return ErrorResponse(Status::kNotFound, "not_found", "No such rule set.");
  Json j = RuleSetSummary(*r, app);
  j["rule_set"] = Json::parse(r->body, nullptr, false);
  return JsonResponse(Status::kOk, j);
}

// Shape errors of a rule-set document, all of them.
Json ShapeErrors(const Json& doc) {
  Json errors = Json::array();
  if (!doc.is_object()) {
    errors.push_back(
        {{"path", ""}, {"code", "bad_type"}, {"message", "a rule set is a JSON object"}});
    return errors;
  }
  for (const RuleSetProblem& p : CheckRuleSet(doc)) {
    errors.push_back({{"path", p.path}, {"code", p.code}, {"message", p.message}});
  }
  return errors;
}

// POST /api/v1/admin/rulesets {"rule_set":{...}} -> 201 with the dry run, or 422 with every
// problem.
Response UploadRuleSet(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("rule_set")) {
    return FieldErrors(
        Json::array({FieldErrorJson("rule_set", "required", "the rule-set document")}));
  }
  const Json& doc = (*body)["rule_set"];
  Json errors = ShapeErrors(doc);
  if (!errors.empty()) {
    app.Audit(req.caller, "ruleset.rejected", "", {{"problems", errors.size()}});
    return JsonResponse(Status::kUnprocessable, {{"errors", errors}});
  }
  RuleSetRow r;
  r.id = "rs_" + RandomId(9);
  r.rule_set_id = StrField(doc, "id");
  r.version = StrField(doc, "version");
  r.body = doc.dump();
  r.source = "upload";
  r.uploaded_at = app.Now();
  r.uploaded_by = req.caller.username;
  // Dry run: everyone scored now with the rules in force and with the new ones.
  Recolour rc = DryRunRules(app, doc);
  app.db->AddRuleSet(r);
  app.Audit(req.caller, "ruleset.upload", r.id,
            {{"id", r.rule_set_id}, {"version", r.version}, {"would_change", rc.changed}});
  Json out = RuleSetSummary(r, app);
  out["dry_run"] = ToJson(rc);
  return JsonResponse(Status::kCreated, out);
}

// POST /api/v1/admin/rulesets/dry-run {"rule_set":{...}}: the count only, nothing stored.
Response DryRun(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const Json doc = body->contains("rule_set") ? (*body)["rule_set"] : Json();
  Json errors = ShapeErrors(doc);
  if (!errors.empty()) return JsonResponse(Status::kUnprocessable, {{"errors", errors}});
  Recolour rc = DryRunRules(app, doc);
  app.Audit(req.caller, "ruleset.dry_run", "", {{"would_change", rc.changed}});
  return JsonResponse(Status::kOk, {{"dry_run", ToJson(rc)}});
}

Response ActivateRuleSet(App& app, const Request& req) {
  auto r = FindRuleSet(app, req.Param("id"));
  if (!r) return ErrorResponse(Status::kNotFound, "not_found", "No such rule set.");
  Json doc = Json::parse(r->body, nullptr, false);
  if (!ShapeErrors(doc).empty()) {
    return ErrorResponse(Status::kConflict, "unusable",
                         "This rule set does not pass the shape check.");
  }
  Recolour rc = ActivateAndRecolour(app, [&] {
    if (r->source == "preset" && !app.db->GetRuleSet(r->id)) {
      r->uploaded_at = app.Now();
      r->uploaded_by = req.caller.username;
      app.db->AddRuleSet(*r);
    }
    app.db->SetActiveRuleSet(r->id);
    LoadStoredRules(app);
  });
  app.Audit(req.caller, "ruleset.activate", r->id,
            {{"id", r->rule_set_id}, {"version", r->version}, {"recolored", rc.changed}});
  return JsonResponse(Status::kOk, {{"ruleset_id", r->id},
                                    {"active", true},
                                    {"rules_version", r->rule_set_id + "@" + r->version},
                                    {"recolored", rc.changed},
                                    {"rescored", rc.total},
                                    {"transitions", ToJson(rc)["transitions"]}});
}

// --- statistics

Response Statistics(App& app, const Request& req) {
  int days = 14;
  try {
    if (!req.Query("days").empty()) days = std::clamp(std::stoi(req.Query("days")), 1, 366);
  } catch (...) {
  }
  const Date today = app.Today();
  const Date first = AddDays(today, -(days - 1));
  std::map<std::string, Json> by_day;
  for (int i = 0; i < days; ++i) {
    const std::string d = FormatDate(AddDays(first, i));
    by_day[d] = {{"date", d}, {"green", 0}, {"yellow", 0}, {"gray", 0}, {"red", 0}};
  }
  for (const ColorCount& c : app.db->ColorsByDay(FormatDate(first))) {
    auto it = by_day.find(c.key);
    if (it != by_day.end() && it->second.contains(c.color)) it->second[c.color] = c.count;
  }
  Json day_arr = Json::array();
  for (auto& [d, j] : by_day) day_arr.push_back(j);
  std::map<std::string, Json> by_region;
  Json current = {{"green", 0}, {"yellow", 0}, {"gray", 0}, {"red", 0}};
  for (const ColorCount& c : app.db->ColorsByRegion()) {
    auto& j = by_region[c.key];
    if (j.is_null()) {
      const Region* r = FindRegion(c.key);
      j = {{"region", c.key}, {"name", r ? r->name : ""}, {"green", 0}, {"yellow", 0}, {"gray", 0},
           {"red", 0}};
    }
    if (j.contains(c.color)) {
      j[c.color] = c.count;
      current[c.color] = current[c.color].get<int64_t>() + c.count;
    }
  }
  Json region_arr = Json::array();
  for (auto& [r, j] : by_region) region_arr.push_back(j);
  app.Audit(req.caller, "statistics.read", "");
  return JsonResponse(
      Status::kOk,
      {{"days", days}, {"current", current}, {"by_day", day_arr}, {"by_region", region_arr}});
}

// GET /api/v1/admin/audit-log?actor=&action=&target=&from=&to=&limit=
Response AuditLog(App& app, const Request& req) {
  AuditQuery q;
  q.actor = req.Query("actor");
  if (!q.actor.empty() && q.actor.find(':') == std::string::npos) q.actor = "staff:" + q.actor;
  q.action = req.Query("action");
  q.target = req.Query("target");
  if (auto t = ParseInstant(req.Query("from"))) q.from = t->unix_seconds;
  if (auto t = ParseInstant(req.Query("to"))) q.to = t->unix_seconds;
  try {
    if (!req.Query("limit").empty()) q.limit = std::clamp(std::stoi(req.Query("limit")), 1, 1000);
  } catch (...) {
  }
  Json out = Json::array();
  for (const AuditRow& a : app.db->QueryAudit(q)) {
    out.push_back({{"at", app.Iso(a.at)},
                   {"actor", a.actor},
                   {"action", a.action},
                   {"target", a.target},
                   {"detail", a.detail}});
  }
  // Reading the audit log is itself audited, but after the query (it is not its own answer).
  app.Audit(req.caller, "audit.read", "", {{"actor", q.actor}, {"action", q.action}});
  return JsonResponse(Status::kOk, {{"entries", out}});
}

// --- trusted issuers (互认)

Json IssuerJson(App& app, const TrustedIssuerRow& t) {
  Json keys = Json::parse(t.keys_json, nullptr, false);
  return {{"issuer", t.issuer},
          {"name", t.name},
          {"keys_url", t.keys_url},
          {"keys", keys.is_array() ? keys : Json::array()},
          {"updated_at", app.Iso(t.updated_at)},
          {"added_by", t.added_by}};
}

Response ListIssuersAdmin(App& app, const Request&) {
  Json out = Json::array();
  for (const TrustedIssuerRow& t : app.db->ListTrustedIssuers()) out.push_back(IssuerJson(app, t));
  return JsonResponse(Status::kOk, {{"issuers", out}});
}

// For verifiers: the trusted issuers' keys, cached in the page for offline checks.
Response ListIssuersForVerifiers(App& app, const Request&) {
  Json out = Json::array();
  for (const TrustedIssuerRow& t : app.db->ListTrustedIssuers()) {
    Json j = IssuerJson(app, t);
    j.erase("added_by");
    out.push_back(j);
  }
  return JsonResponse(Status::kOk, {{"issuers", out}, {"own_issuer", app.opts.issuer_id}});
}

// Fetches and checks the key list at url; answers the keys or an error answer.
std::optional<Json> FetchKeys(const std::string& url, const std::string& issuer, Response* err) {
  std::string error;
  auto text = HttpGet(url, 5000, &error);
  if (!text) {
    *err = ErrorResponse(Status::kUnprocessable, "keys_unreachable", "Key list: " + error);
    return std::nullopt;
  }
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    *err = ErrorResponse(Status::kUnprocessable, "bad_keys", "The key list is not JSON.");
    return std::nullopt;
  }
  if (j.is_object() && j.contains("issuer") && j["issuer"].is_string() &&
      j["issuer"].get<std::string>() != issuer) {
    *err = ErrorResponse(Status::kUnprocessable, "issuer_mismatch",
                         "That key list belongs to " + j["issuer"].get<std::string>() + ".");
    return std::nullopt;
  }
  auto keys = NormaliseKeys(j, &error);
  if (!keys) *err = ErrorResponse(Status::kUnprocessable, "bad_keys", error);
  return keys;
}

Response AddIssuer(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  TrustedIssuerRow t;
  t.issuer = StrField(*body, "issuer");
  t.name = StrField(*body, "name");
  t.keys_url = StrField(*body, "keys_url");
  Json errors = Json::array();
  if (t.issuer.empty() || t.issuer.size() > 64)
    errors.push_back(FieldErrorJson("issuer", "required", "1–64 characters"));
  if (t.issuer == app.opts.issuer_id)
    errors.push_back(FieldErrorJson("issuer", "not_allowed", "that is us"));
  if (Utf8Length(t.name) > 60) errors.push_back(FieldErrorJson("name", "too_long", "≤ 60"));
  if (t.keys_url.empty() && !body->contains("keys")) {
    errors.push_back(FieldErrorJson("keys_url", "required", "a key-list URL or the keys"));
  }
  if (!errors.empty()) return FieldErrors(errors);
  if (t.name.empty()) t.name = t.issuer;
  std::optional<Json> keys;
  if (body->contains("keys")) {
    std::string error;
    keys = NormaliseKeys((*body)["keys"], &error);
    if (!keys) return FieldErrors(Json::array({FieldErrorJson("keys", "bad_keys", error)}));
  } else {
    keys = FetchKeys(t.keys_url, t.issuer, &err);
    if (!keys) return err;
  }
  t.keys_json = keys->dump();
  t.updated_at = app.Now();
  t.added_by = req.caller.username;
  app.db->PutTrustedIssuer(t);
  app.Audit(req.caller, "issuer.trust", t.issuer, {{"keys", keys->size()}, {"url", t.keys_url}});
  return JsonResponse(Status::kCreated, IssuerJson(app, t));
}

Response RefreshIssuer(App& app, const Request& req) {
  auto t = app.db->GetTrustedIssuer(req.Param("issuer"));
  if (!t) return ErrorResponse(Status::kNotFound, "not_found", "No such trusted issuer.");
  if (t->keys_url.empty()) {
    return ErrorResponse(Status::kConflict, "no_url",
                         "This issuer's keys were pasted; paste new ones.");
  }
  Response err;
  auto keys = FetchKeys(t->keys_url, t->issuer, &err);
  if (!keys) return err;
  t->keys_json = keys->dump();
  t->updated_at = app.Now();
  app.db->PutTrustedIssuer(*t);
  app.Audit(req.caller, "issuer.refresh", t->issuer, {{"keys", keys->size()}});
  return JsonResponse(Status::kOk, IssuerJson(app, *t));
}

Response RemoveIssuer(App& app, const Request& req) {
  if (!app.db->DeleteTrustedIssuer(req.Param("issuer"))) {
    return ErrorResponse(Status::kNotFound, "not_found", "No such trusted issuer.");
  }
  app.Audit(req.caller, "issuer.remove", req.Param("issuer"));
  return JsonResponse(Status::kOk, {{"removed", req.Param("issuer")}});
}

// --- persons: masked search and the audited reveal

Json PersonSummary(App& app, const PersonRow& p) {
  const std::string id = app.data_keys.Decrypt("person.id_number", p.id_enc).value_or("");
  return {{"person_id", p.id},    {"name_masked", p.name_masked},
          {"id_type", p.id_type}, {"id_masked", MaskIdNumber(id)},
          {"region", p.region},   {"region_name", RegionPath(p.region)},
          {"color", p.last_color}};
}

// POST /api/v1/admin/persons/search {"q": ID number, phone or person id} (in the body: no
// personal data in URLs or logs).
Response SearchPersons(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string q = Trim(StrField(*body, "q"));
  if (q.empty() || q.size() > 64)
    return FieldErrors(
        Json::array({FieldErrorJson("q", "required", "ID number, phone or person id")}));
  std::map<std::string, PersonRow> found;
  if (auto p = app.db->GetPerson(q)) found[p->id] = *p;
  for (const char* type :
       {"resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_id"}) {
    std::string norm;
    auto t = IdTypeFromString(type);
    if (!t || !CheckIdNumber(*t, q, app.Today(), &norm).empty()) continue;
    if (auto p = app.db->FindPersonByIdHmac(IdHmac(app, type, norm))) found[p->id] = *p;
  }
  if (CheckPhone(q).empty()) {
    if (auto a = app.db->FindAccountByPhone(PhoneHmac(app, q))) {
      for (const GuardianRow& g : app.db->GuardianshipsOfAccount(a->id)) {
        if (auto p = app.db->GetPerson(g.person_id)) found[p->id] = *p;
      }
    }
  }
  Json out = Json::array();
  for (const auto& [id, p] : found) out.push_back(PersonSummary(app, p));
  app.Audit(req.caller, "person.search", "", {{"results", out.size()}});
  return JsonResponse(Status::kOk, {{"persons", out}});
}

// POST /api/v1/admin/persons/{id}/reveal {"reason"}: full personal data, audited with the reason.
Response RevealPerson(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string reason = Trim(StrField(*body, "reason"));
  if (Utf8Length(reason) < 4 || Utf8Length(reason) > 200) {
    return FieldErrors(Json::array(
        {FieldErrorJson("reason", "required", "Say why (4–200 characters); it is audited.")}));
  }
  auto p = app.db->GetPerson(req.Param("id"));
  if (!p) return ErrorResponse(Status::kNotFound, "not_found", "No such person.");
  PersonPlain plain = Decrypt(app, *p);
  app.Audit(req.caller, "person.reveal", p->id, {{"reason", reason}});
  auto cs = app.db->GetCaseStatus(p->id_hmac);
  return JsonResponse(Status::kOk, {{"person",
                                     {{"person_id", p->id},
                                      {"name", plain.name},
                                      {"id_type", p->id_type},
                                      {"id_number", plain.id_number},
                                      {"phone", plain.phone},
                                      {"nationality", p->nationality},
                                      {"region", p->region},
                                      {"region_name", RegionPath(p->region)},
                                      {"address", plain.address},
                                      {"color", p->last_color},
                                      {"case_status", cs ? cs->status : ""}}},
                                    {"audited", true}});
}

// --- the community of an issuer (or venue manager)

Response StaffRegions(App& app, const Request&) {
  Json out = Json::object();
  for (const auto& [id, region] : app.db->StaffRegions()) out[id] = region;
  return JsonResponse(Status::kOk, {{"regions", out}});
}

// PUT /api/v1/admin/staff/{id}/region {"region": "370103" | ""}
Response SetStaffRegion(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  auto s = app.db->GetStaff(req.Param("id"));
  if (!s) return ErrorResponse(Status::kNotFound, "not_found", "No such staff account.");
  const std::string region = StrField(*body, "region");
  if (!region.empty() && !IsKnownRegion(region)) {
    return FieldErrors(
        Json::array({FieldErrorJson("region", "bad_region", "a GB/T 2260 code or \"\"")}));
  }
  app.db->SetStaffRegion(s->id, region);
  app.Audit(req.caller, "staff.region", s->id, {{"region", region}});
  return JsonResponse(
      Status::kOk, {{"staff_id", s->id}, {"region", region}, {"region_name", RegionPath(region)}});
}

}  // namespace

void RegisterConsoleRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/regions", kAdmin, SearchRegions);
  r.Add("POST", "/api/v1/admin/risk-areas/import", kAdmin, ImportRiskAreas);
  r.Add("POST", "/api/v1/admin/case-status/import", kAdmin, ImportCaseStatus);
  r.Add("GET", "/api/v1/admin/rulesets", kAdmin, ListRuleSets);
  r.Add("POST", "/api/v1/admin/rulesets", kAdmin, UploadRuleSet);
  r.Add("POST", "/api/v1/admin/rulesets/dry-run", kAdmin, DryRun);
  r.Add("GET", "/api/v1/admin/rulesets/{id}", kAdmin, GetRuleSet);
  r.Add("POST", "/api/v1/admin/rulesets/{id}/activate", kAdmin, ActivateRuleSet);
  r.Add("GET", "/api/v1/admin/statistics", kAdmin, Statistics);
  r.Add("GET", "/api/v1/admin/audit-log", kAdmin, AuditLog);
  r.Add("GET", "/api/v1/admin/issuers", kAdmin, ListIssuersAdmin);
  r.Add("POST", "/api/v1/admin/issuers", kAdmin, AddIssuer);
  r.Add("POST", "/api/v1/admin/issuers/{issuer}/refresh", kAdmin, RefreshIssuer);
  r.Add("DELETE", "/api/v1/admin/issuers/{issuer}", kAdmin, RemoveIssuer);
  r.Add("GET", "/api/v1/issuers", kVerifiers, ListIssuersForVerifiers);
  r.Add("POST", "/api/v1/admin/persons/search", kAdmin, SearchPersons);
  r.Add("POST", "/api/v1/admin/persons/{id}/reveal", kAdmin, RevealPerson);
  r.Add("GET", "/api/v1/admin/staff-regions", kAdmin, StaffRegions);
  r.Add("PUT", "/api/v1/admin/staff/{id}/region", kAdmin, SetStaffRegion);
}

}  // namespace ankang::server
