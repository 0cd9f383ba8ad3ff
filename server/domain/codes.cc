#include "server/domain/codes.h"

#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

constexpr int64_t kDay = 86400;

}  // namespace

std::optional<IssuedCode> IssueCode(App& app, PersonRow p, TokenKind kind) {
  std::optional<CurrentCode> s = CodeOnRead(app, p);
  if (!s) return std::nullopt;
  const int64_t now = app.Now();
  const int64_t ttl =
      kind == TokenKind::kScreen ? app.opts.screen_token_seconds : app.opts.paper_days * kDay;
  CodeClaims claims;
  claims.issuer = app.opts.issuer_id;
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  claims.person_ref = p.person_ref;
  claims.color = s->color;
  claims.name_masked = p.name_masked;
  claims.id_tail = p.id_tail;
  const std::string qr = app.signing.Sign(claims);

  IssuedCode out;
  out.token_expires_at = now + ttl;
  // The verdict's fields as stored, and the token's beside them, without
  // parsing the one or building a document for the other.
  const Json token = {{"issued_at", app.Iso(now)},           {"qr", qr},
                      {"qr_expires_at", app.Iso(now + ttl)}, {"person_id", p.id},
                      {"name_masked", p.name_masked},        {"id_tail", p.id_tail}};
  const std::string more = token.dump(-1, ' ', false, Json::error_handler_t::replace);
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
