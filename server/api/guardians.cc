// The guardians of a person, under the person's control: every guardian sees
// them all; the person themselves (the phone on record, or relation "self")
// removes any of them, any guardian removes themselves. Access ends at once.
#include "server/api/routes.h"
#include "server/domain/consent.h"
#include "server/domain/persons.h"
#include "shared/mask.h"

namespace ankang::server {
namespace {

Response NotYours() {
  return ErrorResponse(Status::kNotFound, "not_found", "No such person. 未找到此人。");
}

Response List(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  Json guardians = Json::array();
  for (const GuardianRow& g : app.db->GuardiansOfPerson(p->id)) {
    guardians.push_back({{"account_id", g.account_id},
                         {"phone_masked", MaskPhone(AccountPhone(app, g.account_id))},
                         {"relation", g.relation},
                         {"since", app.Iso(g.created_at)},
                         {"me", g.account_id == req.caller.subject_id}});
  }
  return JsonResponse(Status::kOk,
                      {{"guardians", guardians},
                       {"can_remove_others", IsThePerson(app, req.caller.subject_id, *p)}});
}

Response Remove(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  const std::string target = req.Param("account_id");
  if (target != req.caller.subject_id && !IsThePerson(app, req.caller.subject_id, *p)) {
    return ErrorResponse(Status::kForbidden, "not_the_person",
                         "Only the person themselves may remove other guardians. "
                         "只有本人可以移除其他代办人。");
  }
  if (!RemoveGuardianTold(app, req.caller, *p, target, "guardian.remove")) {
    return ErrorResponse(Status::kNotFound, "not_found", "No such guardian. 未找到此代办人。");
  }
  return JsonResponse(Status::kOk, {{"removed", true}});
}

}  // namespace

void RegisterGuardianRoutes(App& app) {
  app.router.Add("GET", "/api/v1/persons/{id}/guardians", kResident, List);
  app.router.Add("DELETE", "/api/v1/persons/{id}/guardians/{account_id}", kResident, Remove);
}

}  // namespace ankang::server
