// POST /api/v1/verify: a verifier scans a code; the server checks the
// signature and answers the current colour (SPEC §4, §5).
// POST /api/v1/verify/id: a person without a smartphone shows their ID card at
// the gate; the verifier types its number and sees the masked name and the
// current colour, nothing more. Each check is audited, and a verifier has
// --id-checks-per-hour of them (counted from the audit log, so every process
// sharing the database counts the same ones).
#include "server/domain/verify.h"

#include <algorithm>
#include <mutex>

#include "server/api/routes.h"
#include "server/domain/persons.h"
#include "server/domain/scoring.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

constexpr const char* kIdCheck = "verify.id_check";
constexpr const char* kIdLimited = "verify.id_limited";

Response Verify(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("qr") || !(*body)["qr"].is_string()) {
    return FieldErrors(Json::array(
        {{{"field", "qr"}, {"code", "required"}, {"message", "The scanned text (AK1:...)"}}}));
  }
  Json out = VerifyQr(app, (*body)["qr"].get<std::string>());
  app.metrics.CountVerify(out["status"].get<std::string>());
  return JsonResponse(Status::kOk, out);
}

Response BadId(const std::string& field, const std::string& code) {
  return FieldErrors(
      Json::array({{{"field", field},
                    {"code", code},
                    {"message", "证件类型或号码不正确 / Not a valid ID type or number"},
                    {"message_zh", "证件类型或号码不正确"},
                    {"message_en", "Not a valid ID type or number"}}}));
}

Response CheckId(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string type_text =
      body->contains("id_type") ? StrField(*body, "id_type") : "resident_id";
  const std::optional<IdType> type = IdTypeFromString(type_text);
  if (!type) return BadId("id_type", "bad_value");
  std::string id;
  const std::string problem = CheckIdNumber(*type, StrField(*body, "id_number"), app.Today(), &id);
  if (!problem.empty()) return BadId("id_number", problem);

  // One check at a time per process: the count and the entry that it adds
  // belong together (another process may still slip one in between).
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  const int64_t now = app.Now();
  const int limit = app.opts.id_checks_per_hour;
  const std::vector<int64_t> recent = app.db->AuditTimes(
      app.AuditEntry(req.caller, kIdCheck, "").actor, kIdCheck, now - 3600 + 1, limit);
  if (static_cast<int>(recent.size()) >= limit) {
    const int64_t wait = std::max<int64_t>(1, recent.back() + 3600 - now);
    app.Audit(req.caller, kIdLimited, "", {{"limit", limit}});
    Response r = ErrorResponse(Status::kRateLimited, "too_many_requests",
                               "Too many checks by ID number this hour; try again later. "
                               "本小时按证件号查验次数已满，请稍后再试。");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  const std::string hmac = IdHmac(app, ToString(*type), id);
  std::optional<PersonRow> p = app.db->FindPersonByIdHmac(hmac);
  std::optional<CurrentCode> code;
  if (p) code = CodeOnRead(app, *p);
  Json out = {{"found", p.has_value()},
              {"name_masked", p ? Json(p->name_masked) : Json(nullptr)},
              {"color", code ? Json(ToString(code->color)) : Json(nullptr)},
              {"checked_at", app.Iso(now)},
              {"checks_left", limit - static_cast<int>(recent.size()) - 1}};
  // The target names the person, or (nobody registered) a prefix of the ID's
  // keyed hash: never the number itself.
  app.Audit(req.caller, kIdCheck, p ? p->id : "id:" + hmac.substr(0, 16),
            {{"found", p.has_value()}, {"color", out["color"]}});
  app.metrics.CountVerify(p ? "id_check" : "id_not_found");
  return JsonResponse(Status::kOk, out);
}

}  // namespace

void RegisterVerifyRoutes(App& app) {
  app.router.Add("POST", "/api/v1/verify", kVerifiers, Verify);
  app.router.Add("POST", "/api/v1/verify/id", kVerifiers, CheckId);
}

}  // namespace ankang::server
