// Requests to join an existing person (consent): the requester's outgoing
// requests and the guardians' incoming ones, a guardian's decision, the
// requester entering the code sent to the person's phone, withdrawal. An
// invalid request (the name did not match) behaves like a pending one to its
// requester and is invisible to everyone else.
#include "server/api/routes.h"
#include "server/domain/consent.h"
#include "server/domain/persons.h"
#include "shared/mask.h"

namespace ankang::server {
namespace {

Response NoRequest() {
  return ErrorResponse(Status::kNotFound, "not_found", "No such request. 未找到此申请。");
}

Response JoinErrorResponse(JoinError e) {
  switch (e) {
    case JoinError::kTooManyGuardians:
      return ErrorResponse(Status::kConflict, "too_many_guardians",
                           "This person already has 3 guardians. 此人已有3位代办人。");
    case JoinError::kTooManyPersons:
      return ErrorResponse(Status::kConflict, "too_many_persons",
                           "The requester already acts for 3 others. 申请人代办人数已满。");
    default:
      return ErrorResponse(Status::kConflict, "not_pending",
                           "This request is no longer pending. 此申请已处理或已过期。");
  }
}

Response List(App& app, const Request& req) {
  const int64_t now = app.Now();
  Json incoming = Json::array();
  for (const GuardianRow& g : app.db->GuardianshipsOfAccount(req.caller.subject_id)) {
    std::optional<PersonRow> p = app.db->GetPerson(g.person_id);
    if (!p) continue;
    for (const JoinRequestRow& r : app.db->PendingJoinRequests(g.person_id)) {
      if (JoinState(r, now) != "pending") continue;
      incoming.push_back({{"id", r.id},
                          {"person_id", r.person_id},
                          {"person_name_masked", p->name_masked},
                          {"requester_phone_masked", MaskPhone(AccountPhone(app, r.requester_id))},
                          {"relation", r.relation},
                          {"created_at", app.Iso(r.created_at)},
                          {"expires_at", app.Iso(r.expires_at)}});
    }
  }
  Json outgoing = Json::array();
  for (const JoinRequestRow& r : app.db->JoinRequestsOfRequester(req.caller.subject_id)) {
    outgoing.push_back({{"id", r.id},
                        {"name_masked", r.name_masked},
                        {"relation", r.relation},
                        {"state", JoinState(r, now)},
                        {"created_at", app.Iso(r.created_at)},
                        {"expires_at", app.Iso(r.expires_at)}});
  }
  return JsonResponse(Status::kOk, {{"incoming", incoming}, {"outgoing", outgoing}});
}

// A guardian of the person approves or refuses a valid pending request.
Response Decide(App& app, const Request& req) {
  Response err;
  auto body = ParseDecision(req, {"approve", "refuse"}, &err);
  if (!body) return err;
  const std::string decision = StrField(*body, "decision");
  std::optional<JoinRequestRow> r = app.db->GetJoinRequest(req.Param("id"));
  if (!r || !r->valid || !app.db->GetGuardianship(req.caller.subject_id, r->person_id)) {
    return NoRequest();
  }
  if (JoinState(*r, app.Now()) != "pending") return JoinErrorResponse(JoinError::kNotPending);
  if (decision == "approve") {
    JoinError e = ApproveJoin(app, req.caller, &*r, "family.join_approve");
    if (e != JoinError::kNone) return JoinErrorResponse(e);
  } else {
    r->state = "refused";
    r->decided_at = app.Now();
    r->decided_by = "account:" + req.caller.subject_id;
    app.db->UpdateJoinRequest(*r);
    app.Audit(req.caller, "family.join_refuse", r->person_id, {{"request", r->id}});
  }
  return JsonResponse(Status::kOk, {{"state", r->state}});
}

// The requester enters the code the person received; invalid requests answer
// exactly as a wrong code does.
Response Confirm(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  std::optional<JoinRequestRow> r = app.db->GetJoinRequest(req.Param("id"));
  if (!r || r->requester_id != req.caller.subject_id) return NoRequest();
  if (JoinState(*r, app.Now()) != "pending") return JoinErrorResponse(JoinError::kNotPending);
  if (!JoinCodeMatches(*r, StrField(*body, "code")) || !r->valid) {
    r->attempts += 1;
    if (r->attempts >= kJoinCodeTries) r->state = "refused";
    app.db->UpdateJoinRequest(*r);
    app.Audit(req.caller, "family.join_bad_code", r->person_id, {{"request", r->id}});
    return ErrorResponse(Status::kUnprocessable, "bad_code", "Wrong code. 验证码错误。");
  }
  JoinError e = ApproveJoin(app, req.caller, &*r, "family.join_confirm");
  if (e != JoinError::kNone) return JoinErrorResponse(e);
  return JsonResponse(Status::kOk, {{"state", "approved"}, {"person_id", r->person_id}});
}

Response Withdraw(App& app, const Request& req) {
  std::optional<JoinRequestRow> r = app.db->GetJoinRequest(req.Param("id"));
  if (!r || r->requester_id != req.caller.subject_id) return NoRequest();
  if (JoinState(*r, app.Now()) != "pending") return JoinErrorResponse(JoinError::kNotPending);
  r->state = "withdrawn";
  r->decided_at = app.Now();
  r->decided_by = "account:" + req.caller.subject_id;
  app.db->UpdateJoinRequest(*r);
  app.Audit(req.caller, "family.join_withdraw", r->person_id, {{"request", r->id}});
  return JsonResponse(Status::kOk, {{"state", "withdrawn"}});
}

}  // namespace

void RegisterJoinRequestRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/join-requests", kResident, List);
  r.Add("POST", "/api/v1/join-requests/{id}/decision", kResident, Decide);
  r.Add("POST", "/api/v1/join-requests/{id}/confirm", kResident, Confirm);
  r.Add("DELETE", "/api/v1/join-requests/{id}", kResident, Withdraw);
}

}  // namespace ankang::server
