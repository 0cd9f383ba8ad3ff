// Keys: rotation of our own signing key, and the trusted issuers (互认) whose
// key lists the admin registers and refreshes; verifiers read those lists for
// offline checks.
#include <algorithm>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/data_folder.h"
#include "server/domain/verify.h"
#include "server/outbound/http_get.h"
#include "shared/mask.h"

namespace ankang::server {
namespace {

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

Response StoreIssuer(App& app, const Request& req, TrustedIssuerRow t, const Json& keys) {
  t.keys_json = keys.dump();
  t.updated_at = app.Now();
  t.added_by = req.caller.username;
  app.db->PutTrustedIssuer(t);
  app.Audit(req.caller, "issuer.trust", t.issuer, {{"keys", keys.size()}, {"url", t.keys_url}});
  return JsonResponse(Status::kCreated, IssuerJson(app, t));
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
  if (body->contains("keys")) {
    std::string error;
    std::optional<Json> keys = NormaliseKeys((*body)["keys"], &error);
    if (!keys) return FieldErrors(Json::array({FieldErrorJson("keys", "bad_keys", error)}));
    return StoreIssuer(app, req, std::move(t), *keys);
  }
  // The fetch (up to 5 s) runs on the fetch pool, never on an HTTP worker.
  return app.fetch_pool->Run([&app, req, t] {
    Response err;
    std::optional<Json> keys = FetchKeys(t.keys_url, t.issuer, &err);
    if (!keys) return err;
    return StoreIssuer(app, req, t, *keys);
  });
}

Response RefreshIssuer(App& app, const Request& req) {
  auto t = app.db->GetTrustedIssuer(req.Param("issuer"));
  if (!t) return ErrorResponse(Status::kNotFound, "not_found", "No such trusted issuer.");
  if (t->keys_url.empty()) {
    return ErrorResponse(Status::kConflict, "no_url",
                         "This issuer's keys were pasted; paste new ones.");
  }
  // The fetch (up to 5 s) runs on the fetch pool, never on an HTTP worker.
  return app.fetch_pool->Run([&app, req, t = *t]() mutable {
    Response err;
    auto keys = FetchKeys(t.keys_url, t.issuer, &err);
    if (!keys) return err;
    t.keys_json = keys->dump();
    t.updated_at = app.Now();
    app.db->PutTrustedIssuer(t);
    app.Audit(req.caller, "issuer.refresh", t.issuer, {{"keys", keys->size()}});
    return JsonResponse(Status::kOk, IssuerJson(app, t));
  });
}

Response RemoveIssuer(App& app, const Request& req) {
  if (!app.db->DeleteTrustedIssuer(req.Param("issuer"))) {
    return ErrorResponse(Status::kNotFound, "not_found", "No such trusted issuer.");
  }
  app.Audit(req.caller, "issuer.remove", req.Param("issuer"));
  return JsonResponse(Status::kOk, {{"removed", req.Param("issuer")}});
}

Response RotateKeys(App& app, const Request& req) {
  const int64_t keep = app.opts.paper_days * 86400 + 3600;
  if (!app.kek.empty()) {
    // Sealed in the database: stored for every node, which follow within
    // --key-poll-seconds; this one signs with it at once.
    SealedRotation r = RotateSealedKeys(*app.db, app.kek, app.Now(), keep);
    app.TakeSealedKeys(r.signing, r.version);
    app.Audit(req.caller, "keys.rotate", r.key.kid);
    return JsonResponse(Status::kOk,
                        {{"kid", r.key.kid}, {"not_before", app.Iso(r.key.not_before)}});
  }
  SigningKey k = app.signing.Rotate(app.Now(), keep);
  SaveSigningKeys(app.opts.data, app.signing);
  for (const SigningKey& p : app.signing.Published(app.Now())) {
    app.db->PutKeyMeta(KeyMetaRow{p.kid, Base64UrlEncode(p.public_key), p.not_before, p.not_after});
  }
  app.Audit(req.caller, "keys.rotate", k.kid);
  return JsonResponse(Status::kOk, {{"kid", k.kid}, {"not_before", app.Iso(k.not_before)}});
}

}  // namespace

void RegisterIssuerRoutes(App& app) {
  Router& r = app.router;
  r.Add("POST", "/api/v1/admin/keys/rotate", kAdmin, RotateKeys);
  r.Add("GET", "/api/v1/admin/issuers", kAdmin, ListIssuersAdmin);
  r.Add("POST", "/api/v1/admin/issuers", kAdmin, AddIssuer);
  r.Add("POST", "/api/v1/admin/issuers/{issuer}/refresh", kAdmin, RefreshIssuer);
  r.Add("DELETE", "/api/v1/admin/issuers/{issuer}", kAdmin, RemoveIssuer);
  r.Add("GET", "/api/v1/issuers", kVerifiers, ListIssuersForVerifiers);
}

}  // namespace ankang::server
