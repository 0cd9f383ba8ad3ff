// Rule sets: list, read, upload (shape check reporting every problem, with a
// dry run of the colours it would change), dry run, activation (in force at
// once; everyone's stored colour follows in the background).
#include <algorithm>
#include <mutex>
#include <set>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/recolour.h"
#include "server/domain/recolour_jobs.h"
#include "server/domain/rulesets.h"
#include "shared/rules.h"

namespace ankang::server {
namespace {

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

// POST /api/v1/admin/rulesets/{id}/activate -> 202: the rules are in force when it answers;
// everyone's stored colour is brought up to date in the background (the job in the answer).
Response ActivateRuleSet(App& app, const Request& req) {
  auto r = FindRuleSet(app, req.Param("id"));
  if (!r) return ErrorResponse(Status::kNotFound, "not_found", "No such rule set.");
  Json doc = Json::parse(r->body, nullptr, false);
  if (!ShapeErrors(doc).empty()) {
    return ErrorResponse(Status::kConflict, "unusable",
                         "This rule set does not pass the shape check.");
  }
  // One activation at a time, so that each job's "before" is the previous one's "after".
  static std::mutex activating;
  std::lock_guard<std::mutex> l(activating);
  std::shared_ptr<const ActiveRules> before = app.CurrentRules();
  if (r->source == "preset" && !app.db->GetRuleSet(r->id)) {
    r->uploaded_at = app.Now();
    r->uploaded_by = req.caller.username;
    app.db->AddRuleSet(*r);
  }
  app.db->SetActiveRuleSet(r->id);
  LoadStoredRules(app);
  const std::string job = app.recolour_jobs->AfterActivation(before, app.CurrentRules(), r->id);
  app.Audit(req.caller, "ruleset.activate", r->id,
            {{"id", r->rule_set_id}, {"version", r->version}, {"job", job}});
  return JsonResponse(Status::kAccepted, {{"ruleset_id", r->id},
                                          {"active", true},
                                          {"rules_version", r->rule_set_id + "@" + r->version},
                                          {"job", app.recolour_jobs->Describe(job)}});
}

}  // namespace

void RegisterRuleSetRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/rulesets", kAdmin, ListRuleSets);
  r.Add("POST", "/api/v1/admin/rulesets", kAdmin, UploadRuleSet);
  r.Add("POST", "/api/v1/admin/rulesets/dry-run", kAdmin, DryRun);
  r.Add("GET", "/api/v1/admin/rulesets/{id}", kAdmin, GetRuleSet);
  r.Add("POST", "/api/v1/admin/rulesets/{id}/activate", kAdmin, ActivateRuleSet);
}

}  // namespace ankang::server
