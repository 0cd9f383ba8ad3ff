// POST /api/v1/verify: a verifier scans a code; the server checks the
// signature and answers the current colour (SPEC §4, §5).
#include "server/domain/verify.h"

#include "server/api/routes.h"

namespace ankang::server {
namespace {

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

}  // namespace

void RegisterVerifyRoutes(App& app) {
  app.router.Add("POST", "/api/v1/verify", kVerifiers, Verify);
}

}  // namespace ankang::server
