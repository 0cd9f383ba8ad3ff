// Routes anyone may call: keys, rules, public risk areas, the API description,
// liveness, metrics, and (with --dev only) the movable clock.
#include "server/api/openapi.h"
#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/recolour_jobs.h"
#include "server/domain/write_behind.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

Response Keys(App& app, const Request&) {
  Json keys = Json::array();
  for (const SigningKey& k : app.signing.Published(app.Now())) {
    keys.push_back({{"kid", k.kid},
                    {"kty", "OKP"},
                    {"alg", "EdDSA"},
                    {"crv", "Ed25519"},
                    {"use", "sig"},
                    {"x", Base64UrlEncode(k.public_key)},
                    {"not_before", app.Iso(k.not_before)},
                    {"not_after", k.not_after == 0 ? Json(nullptr) : Json(app.Iso(k.not_after))}});
  }
  Response r = JsonResponse(Status::kOk, {{"issuer", app.opts.issuer_id}, {"keys", keys}});
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

Response Rules(App& app, const Request&) {
  Response r;
  r.body = app.CurrentRules()->text;
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

Response OpenApi(App&, const Request&) {
  Response r;
  r.body = std::string(OpenApiJson());
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

Response PublicRiskAreas(App& app, const Request&) {
  Json arr = Json::array();
  for (const auto& [region, level] : app.authority.RiskAreas(*app.db, app.Now())) {
    arr.push_back({{"region", region}, {"level", level}});
  }
  return JsonResponse(Status::kOk, arr);
}

Response Healthz(App& app, const Request&) {
  return JsonResponse(Status::kOk, {{"status", "ok"},
                                    {"schema_version", app.db->SchemaVersion()},
                                    {"now", app.Iso(app.Now())},
                                    {"dev", app.opts.dev}});
}

bool IsLoopback(const std::string& ip) {
  return ip == "::1" || ip.rfind("127.", 0) == 0 || ip.rfind("::ffff:127.", 0) == 0;
}

// /metrics: the local monitoring (a loopback client that came through no
// proxy, or through a --trusted-proxy that named a loopback client), or anyone
// with --metrics-token as a Bearer token. An untrusted proxy on loopback (an
// nginx without --trusted-proxy) sets X-Forwarded-For: not local then.
bool MetricsAllowed(App& app, const Request& req) {
  const std::string& token = app.opts.metrics_token;
  if (!token.empty()) {
    const std::string h = req.Header("authorization");
    if (h.rfind("Bearer ", 0) == 0 && ConstantTimeEquals(h.substr(7), token)) return true;
  }
  if (!IsLoopback(req.ip)) return false;
  if (req.Header("x-forwarded-for").empty()) return true;
  for (const std::string& p : app.opts.trusted_proxies) {
    if (IsLoopback(p)) return true;  // req.ip is then the client nginx named
  }
  return false;
}

Response MetricsText(App& app, const Request& req) {
  if (!MetricsAllowed(app, req)) {
    Response r = ErrorResponse(Status::kForbidden, "forbidden",
                               "The metrics are for local monitoring (loopback) or with the "
                               "--metrics-token (Authorization: Bearer).");
    if (!app.opts.metrics_token.empty()) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  std::map<std::string, GaugeFamily> g;
  auto one = [&g](const char* name, const char* help, double v) {
    g[name] = GaugeFamily{help, {{"", v}}};
  };
  GaugeFamily& persons = g["ankang_persons_by_color"];
  persons.help = "Persons stored, by their current colour.";
  for (const auto& [color, n] : app.db->CountPersonsByColor()) {
    if (color.empty()) continue;
    persons.samples.push_back({"color=\"" + color + "\"", static_cast<double>(n)});
  }
  one("ankang_declarations_stored", "Declarations in the database.",
      static_cast<double>(app.db->CountDeclarations()));
  const OtpSenderStats sms = app.otp->Stats();
  one("ankang_sms_waiting", "SMS codes queued for the gateway.", static_cast<double>(sms.waiting));
  one("ankang_sms_sent", "SMS codes sent since start.", static_cast<double>(sms.sent));
  one("ankang_sms_failed", "SMS codes the gateway failed since start.",
      static_cast<double>(sms.failed));
  one("ankang_sms_refused", "SMS codes refused since start (queue full).",
      static_cast<double>(sms.refused));
  GaugeFamily& waiting = g["ankang_pool_waiting"];
  waiting.help = "Requests waiting for a work pool (password hashing, fetches, imports).";
  GaugeFamily& refused = g["ankang_pool_refused"];
  refused.help = "Requests a work pool refused since start (queue full or waited too long).";
  for (const auto& [name, pool] :
       {std::pair{"password", app.password_pool.get()}, std::pair{"fetch", app.fetch_pool.get()},
        std::pair{"import", app.import_pool.get()}}) {
    const std::string label = std::string("pool=\"") + name + "\"";
    waiting.samples.push_back({label, static_cast<double>(pool->Waiting())});
    refused.samples.push_back({label, static_cast<double>(pool->Refused())});
  }
  one("ankang_write_behind_queued", "Entries waiting for the next write-behind flush.",
      static_cast<double>(app.write_behind->Queued()));
  double queued = 0;
  double running = 0;
  for (const RecolourJob& j : app.recolour_jobs->List()) {
    queued += j.state == "queued" ? 1 : 0;
    running += j.state == "running" ? 1 : 0;
  }
  g["ankang_recolour_jobs"] =
      GaugeFamily{"Recolour jobs waiting or running, by state.",
                  {{"state=\"queued\"", queued}, {"state=\"running\"", running}}};
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = app.metrics.Render(g);
  return r;
}

Response DevClockGet(App& app, const Request&) {
  return JsonResponse(Status::kOk, {{"now", app.Iso(app.Now())}});
}

Response DevClockSet(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (body->contains("reset") && (*body)["reset"] == true) {
    app.dev_clock->Reset();
  } else {
    const Json& now = body->contains("now") ? (*body)["now"] : Json();
    std::optional<Instant> t =
        now.is_string() ? ParseInstant(now.get<std::string>()) : std::nullopt;
    if (!t) {
      return FieldErrors(Json::array({{{"field", "now"},
                                       {"code", "bad_format"},
                                       {"message", "ISO 8601 instant with offset expected"}}}));
    }
    app.dev_clock->Set(t->unix_seconds);
  }
  app.authority.Invalidate();
  return JsonResponse(Status::kOk, {{"now", app.Iso(app.Now())}});
}

}  // namespace

void RegisterPublicRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/keys", kAnyone, Keys);
  r.Add("GET", "/api/v1/rules", kAnyone, Rules);
  r.Add("GET", "/api/v1/risk-areas", kAnyone, PublicRiskAreas);
  r.Add("GET", "/api/v1/openapi.json", kAnyone, OpenApi);
  r.Add("GET", "/healthz", kAnyone, Healthz);
  r.Add("GET", "/metrics", kAnyone, MetricsText);
  if (app.opts.dev && app.dev_clock != nullptr) {
    r.Add("GET", "/api/v1/dev/clock", kAnyone, DevClockGet);
    r.Add("POST", "/api/v1/dev/clock", kAnyone, DevClockSet);
  }
}

}  // namespace ankang::server
