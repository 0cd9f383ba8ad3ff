// Claiming one's own ID number (纠错): a resident who finds their ID
// registered by someone else, or under another name, files a claim; an issuer
// checks the identity and approves (the record is handed to the claimant, the
// other guardians removed) or rejects. Filing answers the same whether or not
// the ID is registered.
#include "server/api/routes.h"
#include "server/domain/consent.h"
#include "server/domain/persons.h"
#include "server/domain/review.h"
#include "shared/mask.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

Json ClaimJson(App& app, const ClaimRow& c) {
  return {{"claim_id", c.id},
          {"state", c.state},
          {"created_at", app.Iso(c.created_at)},
          {"decided_at", c.decided_at ? Json(app.Iso(c.decided_at)) : Json(nullptr)},
          {"note", c.note},
          {"decision_note", c.decision_note}};
}

Response File(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  // The identity fields checked as a person's are (name, ID type and number).
  Json norm;
  Json errors = Json::array();
  for (const FieldError& e : ValidatePerson(*body, app.Today(), "", &norm)) {
    if (e.field == "name" || e.field == "id_type" || e.field == "id_number") {
      errors.push_back(FieldErrorJson(e.field, e.code, e.message_zh + " / " + e.message_en));
    }
  }
  const std::string note = Trim(StrField(*body, "note"));
  if (Utf8Length(note) > 500) errors.push_back(FieldErrorJson("note", "too_long", "≤ 500"));
  if (!errors.empty()) return FieldErrors(errors);
  if (app.db->CountClaimsBy(req.caller.subject_id, app.Now() - 86400) >= kClaimsPerDay) {
    Response r = ErrorResponse(Status::kRateLimited, "too_many_requests",
                               "Too many claims; try again tomorrow. 申请过于频繁，请明天再试。");
    r.headers.emplace_back("Retry-After", "86400");
    return r;
  }
  ClaimRow c;
  c.id = RandomId();
  c.account_id = req.caller.subject_id;
  c.id_type = StrField(norm, "id_type");
  c.id_hmac = IdHmac(app, c.id_type, StrField(norm, "id_number"));
  c.id_enc = app.data_keys.Encrypt("claim.id_number", StrField(norm, "id_number"));
  c.name_enc = app.data_keys.Encrypt("claim.name", StrField(norm, "name"));
  c.note = note;
  c.created_at = app.Now();
  app.db->AddClaim(c);
  app.Audit(req.caller, "claim.file", c.id);
  return JsonResponse(Status::kAccepted, {{"claim_id", c.id}, {"state", c.state}});
}

Response Mine(App& app, const Request& req) {
  Json out = Json::array();
  for (const ClaimRow& c : app.db->ClaimsOfAccount(req.caller.subject_id)) {
    out.push_back(ClaimJson(app, c));
  }
  return JsonResponse(Status::kOk, out);
}

// The issuer's queue: the claimed name and ID (to check against a document),
// what the record holds now, masked, and how many guardians it has.
Response Pending(App& app, const Request& req) {
  Json out = Json::array();
  for (const ClaimRow& c : app.db->PendingClaims(200)) {
    std::optional<PersonRow> p = app.db->FindPersonByIdHmac(c.id_hmac);
    if (p && !MayReview(app, req.caller, p->region)) continue;  // another community's
    out.push_back({{"id", c.id},
                   {"claimed_name", app.data_keys.Decrypt("claim.name", c.name_enc).value_or("")},
                   {"id_type", c.id_type},
                   {"id_masked",
                    MaskIdNumber(app.data_keys.Decrypt("claim.id_number", c.id_enc).value_or(""))},
                   {"record_name_masked", p ? p->name_masked : ""},
                   {"guardians", p ? app.db->CountGuardians(p->id) : 0},
                   {"created_at", app.Iso(c.created_at)},
                   {"note", c.note},
                   {"claimant_phone_masked", MaskPhone(AccountPhone(app, c.account_id))}});
  }
  Json claims = Json::array();
  for (const Json& c : out) claims.push_back(c["id"]);
  app.Audit(req.caller, "claim.read", "", {{"count", out.size()}, {"claims", claims}});
  return JsonResponse(Status::kOk, out);
}

Response Decide(App& app, const Request& req) {
  Response err;
  auto body = ParseDecision(req, {"approve", "reject"}, &err);
  if (!body) return err;
  const std::string decision = StrField(*body, "decision");
  std::optional<ClaimRow> c = app.db->GetClaim(req.Param("id"));
  std::optional<PersonRow> p = c ? app.db->FindPersonByIdHmac(c->id_hmac) : std::nullopt;
  if (!c || (p && !MayReview(app, req.caller, p->region))) {
    return ErrorResponse(Status::kNotFound, "not_found", "No such claim.");
  }
  if (c->state != "pending") {
    return ErrorResponse(Status::kConflict, "not_pending", "This claim was decided already.");
  }
  c->decision_note = StrField(*body, "note");
  if (decision == "approve") {
    ApproveClaim(app, req.caller, &*c);
  } else {
    c->state = "rejected";
    c->decided_at = app.Now();
    c->decided_by = req.caller.username;
    app.db->UpdateClaim(*c);
    app.Audit(req.caller, "claim.reject", c->id);
  }
  return JsonResponse(Status::kOk,
                      {{"claim_id", c->id},
                       {"state", c->state},
                       {"person_id", c->person_id.empty() ? Json(nullptr) : Json(c->person_id)}});
}

}  // namespace

void RegisterClaimRoutes(App& app) {
  Router& r = app.router;
  r.Add("POST", "/api/v1/claims", kResident, File);
  r.Add("GET", "/api/v1/claims", kResident, Mine);
  r.Add("GET", "/api/v1/review/claims", kIssuer, Pending);
  r.Add("POST", "/api/v1/review/claims/{id}", kIssuer, Decide);
}

}  // namespace ankang::server
