#include "server/domain/codes.h"

#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"
#include "server/render/qr.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

constexpr int64_t kDay = 86400;

}  // namespace

std::optional<IssuedCode> IssueCode(App& app, PersonRow p, TokenKind kind) {
  std::optional<Scored> s = ScoreOnRead(app, p);
  if (!s) return std::nullopt;
  const int64_t now = app.Now();
  const int64_t ttl =
      kind == TokenKind::kScreen ? app.opts.screen_token_seconds : app.opts.paper_days * kDay;
  CodeClaims claims;
  claims.issuer = app.opts.issuer_id;
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  claims.person_ref = p.person_ref;
  claims.color = s->verdict.color;
  claims.name_masked = p.name_masked;
  claims.id_tail = p.id_tail;
  const std::string qr = app.signing.Sign(claims);

  IssuedCode out;
  out.token_expires_at = now + ttl;
  Json code = ToJson(s->verdict);
  code["issued_at"] = app.Iso(now);
  code["qr"] = qr;
  code["qr_expires_at"] = app.Iso(now + ttl);
  code["person_id"] = p.id;
  code["name_masked"] = p.name_masked;
  code["id_tail"] = p.id_tail;
  code["declared_at"] = app.Iso(s->declaration.declared_at);
  if (auto enc = EncodeQr(qr)) {
    code["qr_matrix"] = ToJson(enc->matrix);
    code["qr_version"] = enc->version;
  } else {
    code["qr_matrix"] = nullptr;
  }
  if (s->declaration.review_required) {
    code["review"] = {{"state", s->declaration.review_state},
                      {"due_at", app.Iso(s->declaration.review_due)},
                      {"note", s->declaration.review_note}};
  }
  const std::string color = ToString(s->verdict.color);
  if (p.code_issued_at == 0) {
    // Once per person, in the answer to their first declaration (a write
    // itself): the identity lock must hold at once, on every process.
    p.code_issued_at = now;
    p.last_color = color;
    app.db->UpdatePerson(p);
  } else if (p.last_color != color) {
    app.write_behind->PersonColour(p.id, color);
  }
  app.write_behind->ColourDay(FormatDate(app.Today()), p.id, p.region, color);  // statistics
  app.metrics.CountCode(color);
  out.code = std::move(code);
  out.scored = std::move(*s);
  return out;
}

}  // namespace ankang::server
