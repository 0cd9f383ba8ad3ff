// The issuer's review queue (审核签发): where a region requires review, a
// declaration's code is gray until an issuer approves it, or until 18:00 the
// next day when the system issues it as if approved.
#include "server/domain/review.h"

#include "server/api/routes.h"
#include "server/domain/scoring.h"
#include "shared/regions.h"

namespace ankang::server {
namespace {

Response Pending(App& app, const Request& req) {
  Json out = Json::array();
  for (const DeclarationRow& d : app.db->PendingReviews(200)) {
    std::optional<PersonRow> p = app.db->GetPerson(d.person_id);
    if (!p || !MayReview(app, req.caller, p->region)) continue;  // other communities
    if (app.Now() >= d.review_due) {
      ScorePerson(app, *p);  // applies the auto-issue
      continue;
    }
    Json body = Json::parse(d.body, nullptr, false);
    if (body.is_object()) body.erase("person_id");
    out.push_back({{"declaration_id", d.id},
                   {"person_id", d.person_id},
                   {"name_masked", p->name_masked},
                   {"id_tail", p->id_tail},
                   {"region", p->region},
                   {"region_name", RegionPath(p->region)},
                   {"declared_at", app.Iso(d.declared_at)},
                   {"due_at", app.Iso(d.review_due)},
                   {"declaration", body}});
  }
  // Who saw whose declarations (the queue shows personal data).
  Json persons = Json::array();
  for (const Json& d : out) persons.push_back(d["person_id"]);
  app.Audit(req.caller, "review.read", "", {{"count", out.size()}, {"persons", persons}});
  return JsonResponse(Status::kOk, out);
}

Response Decide(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string decision = StrField(*body, "decision");
  const std::string note = StrField(*body, "note");
  if (decision != "approve" && decision != "reject") {
    return FieldErrors(Json::array(
        {{{"field", "decision"}, {"code", "not_allowed"}, {"message", "approve or reject"}}}));
  }
  if (decision == "reject" && note.empty()) {
    return FieldErrors(Json::array(
        {{{"field", "note"}, {"code", "required"}, {"message", "Say why it is rejected"}}}));
  }
  std::optional<DeclarationRow> d = app.db->GetDeclaration(req.Param("declaration_id"));
  if (!d) return ErrorResponse(Status::kNotFound, "not_found", "No such declaration.");
  std::optional<PersonRow> p = app.db->GetPerson(d->person_id);
  if (!p || !MayReview(app, req.caller, p->region)) {
    return ErrorResponse(Status::kNotFound, "not_found", "No such declaration.");
  }
  ScorePerson(app, *p);  // a passed deadline auto-issues first
  d = app.db->GetDeclaration(d->id);
  auto latest = app.db->LatestDeclaration(d->person_id);
  if (d->review_state != "pending" || !latest || latest->id != d->id) {
    return ErrorResponse(
        Status::kConflict, "not_pending",
        "This declaration is not waiting for review (state " + d->review_state + ").");
  }
  d->review_state = decision == "approve" ? "approved" : "rejected";
  d->reviewed_by = req.caller.username;
  d->reviewed_at = app.Now();
  d->review_note = note;
  app.db->UpdateReview(*d);
  app.Audit(req.caller, "review." + decision, d->id);
  return JsonResponse(Status::kOk, {{"declaration_id", d->id},
                                    {"review_state", d->review_state},
                                    {"reviewed_at", app.Iso(d->reviewed_at)}});
}

}  // namespace

void RegisterReviewRoutes(App& app) {
  app.router.Add("GET", "/api/v1/review/pending", kIssuer, Pending);
  app.router.Add("POST", "/api/v1/review/{declaration_id}", kIssuer, Decide);
}

}  // namespace ankang::server
