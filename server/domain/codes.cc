#include "server/domain/codes.h"

#include <algorithm>

#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"
#include "shared/dates.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

constexpr int64_t kDay = 86400;

// The offline code's claims and its part of the answer. It lasts
// --offline-token-hours but never beyond the code's own validity (a code that
// expires turns yellow: the offline code must not outlive it green).
Json OfflineCode(App& app, const CodeClaims& screen, const std::string& code_valid_until) {
  CodeClaims c = screen;
  c.kind = TokenKind::kOffline;
  c.expires_at = c.issued_at + app.opts.offline_token_hours * 3600;
  if (std::optional<Instant> until = ParseInstant(code_valid_until)) {
    if (until->unix_seconds > c.issued_at)
      c.expires_at = std::min(c.expires_at, until->unix_seconds);
  }
  const int64_t refresh_after =
      std::min(c.issued_at + app.opts.offline_token_refresh_minutes * 60, c.expires_at);
  app.metrics.CountSignature(ToString(c.kind));
  return {{"qr", app.signing.Sign(c)},           {"kind", ToString(c.kind)},
          {"color", ToString(c.color)},          {"issued_at", app.Iso(c.issued_at)},
          {"expires_at", app.Iso(c.expires_at)}, {"refresh_after", app.Iso(refresh_after)}};
}

// s as a JSON string, as Json::dump(-1, ' ', false, replace) writes it: text
// with nothing to escape as it is, anything else through nlohmann.
void AppendJsonString(std::string* out, const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
      out->append(Json(s).dump(-1, ' ', false, Json::error_handler_t::replace));
      return;
    }
  }
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

}  // namespace

bool WantsOfflineCode(const Request& req) { return req.Query("offline") == "1"; }

std::optional<IssuedCode> IssueCode(App& app, PersonRow p, CodeUse use, bool with_offline) {
  std::optional<CurrentCode> s = CodeOnRead(app, p);
  if (!s) return std::nullopt;
  const int64_t now = app.Now();
  const int64_t ttl =
      use == CodeUse::kScreen ? app.opts.screen_token_seconds : app.opts.paper_days * kDay;
  CodeClaims claims;
  claims.issuer = app.opts.issuer_id;
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  claims.person_ref = p.person_ref;
  claims.color = s->color;
  claims.name_masked = p.name_masked;
  claims.id_tail = p.id_tail;
  const std::string qr = app.signing.Sign(claims);
  app.metrics.CountSignature(use == CodeUse::kScreen ? "screen" : "paper");

  IssuedCode out;
  out.token_expires_at = now + ttl;
  // The verdict's fields as stored, and the token's beside them, without
  // parsing the one or building a document for the other.
  // Written as Json::dump writes the object (keys in order), without building it.
  std::string more = "{\"id_tail\":";
  AppendJsonString(&more, p.id_tail);
  more += ",\"issued_at\":";
  AppendJsonString(&more, app.Iso(now));
  more += ",\"name_masked\":";
  AppendJsonString(&more, p.name_masked);
  if (with_offline && use == CodeUse::kScreen) {
    more += ",\"offline_code\":";
    more += OfflineCode(app, claims, s->valid_until)
                .dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  more += ",\"person_id\":";
  AppendJsonString(&more, p.id);
  more += ",\"qr\":";
  AppendJsonString(&more, qr);
  more += ",\"qr_expires_at\":";
  AppendJsonString(&more, app.Iso(now + ttl));
  more += '}';
  out.json = std::move(s->fields);
  if (out.json.size() < 2 || out.json.back() != '}') out.json = "{}";
  out.json.pop_back();
  if (out.json.size() > 1) out.json += ',';
  out.json.append(more, 1, std::string::npos);
  out.qr = qr;
  const std::string color = ToString(s->color);
  if (p.code_issued_at == 0) {
    // Once per person, in the answer to their first declaration (a write
    // itself): the identity lock must hold at once, on every process.
    p.code_issued_at = now;
    p.last_color = color;
    app.db->UpdatePerson(p);
  }
  app.write_behind->ColourDay(FormatDate(app.Today()), p.id, p.region, color);  // statistics
  app.metrics.CountCode(color);
  out.color = s->color;
  return out;
}

}  // namespace ankang::server
