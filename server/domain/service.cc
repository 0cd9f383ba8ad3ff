#include "server/domain/service.h"

#include <sodium.h>

#include <algorithm>

#include "server/domain/console.h"
#include "server/render/qr.h"
#include "shared/facts.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

constexpr int64_t kDay = 86400;
// History read for scoring: enough for the validity period plus the longest streak.
constexpr int64_t kHistorySeconds = 60 * kDay;

std::string Str(const Json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A declaration's "health" member (health == end: none) as a report.
Report ReportFromHealth(const std::string& kind, int64_t at, int tz, Json::const_iterator health,
                        Json::const_iterator end) {
  Report r;
  r.kind = kind;
  r.at = Instant{at, tz};
  if (health == end || !health->is_object()) return r;
  auto t = health->find("temperature");
  if (t != health->end() && t->is_number()) r.temperature = t->get<double>();
  auto sym = health->find("symptoms");
  if (sym != health->end() && sym->is_array()) {
    for (const Json& x : *sym) {
      if (x.is_string()) r.symptoms.push_back(x.get<std::string>());
    }
  }
  return r;
}

// The keys RiskOf() (shared/facts.cc) consults for a code: the code, its
// city and its province.
void AddRiskKeys(const std::string& code, std::vector<std::string>* keys) {
  if (code.empty()) return;
  keys->push_back(code);
  if (code.size() == 6) {
    keys->push_back(code.substr(0, 4) + "00");
    keys->push_back(code.substr(0, 2) + "0000");
  }
}

}  // namespace

PersonPlain Decrypt(const App& app, const PersonRow& p) {
  PersonPlain out;
  out.name = app.data_keys.Decrypt("person.name", p.name_enc).value_or("");
  out.id_number = app.data_keys.Decrypt("person.id_number", p.id_enc).value_or("");
  if (!p.phone_enc.empty()) {
    out.phone = app.data_keys.Decrypt("person.phone", p.phone_enc).value_or("");
  }
  if (!p.address_enc.empty()) {
    out.address = app.data_keys.Decrypt("person.address", p.address_enc).value_or("");
  }
  return out;
}

std::string IdHmac(const App& app, const std::string& id_type, const std::string& id_number) {
  return app.data_keys.Hmac("id", id_type + ":" + id_number);
}

std::string PhoneHmac(const App& app, const std::string& phone) {
  return app.data_keys.Hmac("phone", phone);
}

std::optional<PersonRow> ReachablePerson(App& app, const Caller& caller,
                                         const std::string& person_id) {
  if (caller.kind != "resident" || person_id.empty() || person_id.size() > 64) return std::nullopt;
  if (!app.db->GetGuardianship(caller.subject_id, person_id)) return std::nullopt;
  return app.db->GetPerson(person_id);
}

bool RegionListed(const std::vector<std::string>& list, const std::string& region) {
  if (region.size() != 6) return false;
  for (const std::string& e : list) {
    if (e == region) return true;
    if (e.size() == 6 && e.compare(2, 4, "0000") == 0 && e.compare(0, 2, region, 0, 2) == 0) {
      return true;
    }
    if (e.size() == 6 && e.compare(4, 2, "00") == 0 && e.compare(0, 4, region, 0, 4) == 0) {
      return true;
    }
  }
  return false;
}

std::map<std::string, std::string> RelevantRiskAreas(const std::map<std::string, std::string>& all,
                                                     const Json& declaration) {
  std::vector<std::string> keys;
  if (declaration.is_object()) {
    auto person = declaration.find("person");
    if (person != declaration.end()) AddRiskKeys(Str(*person, "region"), &keys);
    AddRiskKeys(Str(declaration, "region"), &keys);
    auto travel = declaration.find("travel_14d");
    if (travel != declaration.end() && travel->is_array()) {
      for (const Json& e : *travel) {
        AddRiskKeys(Str(e, "region"), &keys);
        AddRiskKeys(Str(e, "country"), &keys);
      }
    }
  }
  std::map<std::string, std::string> out;
  for (const std::string& k : keys) {
    auto it = all.find(k);
    if (it != all.end()) out.insert(*it);
  }
  return out;
}

int64_t ReviewDeadline(const App& app, int64_t at) {
  const int tz = app.opts.tz_offset_minutes;
  Date next = AddDays(LocalDate(Instant{at, tz}), 1);
  return AtLocalTime(next, 18, 0, tz).unix_seconds;
}

int64_t AddWorkingDays(const App& app, int64_t at, int n) {
  const int tz = app.opts.tz_offset_minutes;
  int64_t t = at;
  while (n > 0) {
    t += kDay;
    // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday.
    int64_t wd = (DaysFromCivil(LocalDate(Instant{t, tz})) % 7 + 11) % 7;
    if (wd != 0 && wd != 6) --n;
  }
  return t;
}

std::optional<ScoreInput> LoadScoreInput(App& app, const PersonRow& p, bool write) {
  const int64_t now = app.Now();
  const int tz = app.opts.tz_offset_minutes;
  PersonHistory h = app.db->History(p, now - kHistorySeconds);
  if (!h.latest) return std::nullopt;
  ScoreInput out;
  DeclarationRow& latest = out.declaration;
  latest = std::move(*h.latest);
  if (latest.review_required && latest.review_state == "pending" && now >= latest.review_due) {
    // Shandong: nobody decided by 18:00 the next day -> issued as if approved.
    latest.review_state = "auto_issued";
    latest.reviewed_by = "system";
    latest.reviewed_at = latest.review_due;
    if (write) {  // a dry run writes nothing
      app.db->UpdateReview(latest);
      app.Audit(Caller{}, "review.auto_issue", latest.id);
    }
  }
  FactsInput& in = out.facts;
  in.declared_at = Instant{latest.declared_at, tz};
  // Each body is parsed once; the latest one (the last of the history when
  // present there) becomes the declaration scored.
  Json decl;
  bool have_decl = false;
  in.reports.reserve(h.declarations.size() + h.checkins.size());
  for (const DeclarationRow& d : h.declarations) {
    Json body = Json::parse(d.body, nullptr, false);
    const Json& cb = body;
    in.reports.push_back(ReportFromHealth("declaration", d.declared_at, tz,
                                          cb.is_object() ? cb.find("health") : cb.end(), cb.end()));
    if (d.id == latest.id) {
      decl = std::move(body);
      have_decl = true;
    }
  }
  for (const CheckinRow& c : h.checkins) {
    Report r;
    r.kind = "checkin";
    r.at = Instant{c.at, tz};
    r.temperature = c.temperature;
    if (c.symptoms != "[]" && !c.symptoms.empty()) {
      Json sym = Json::parse(c.symptoms, nullptr, false);
      if (sym.is_array()) {
        for (const Json& x : sym) {
          if (x.is_string()) r.symptoms.push_back(x.get<std::string>());
        }
      }
    }
    in.reports.push_back(std::move(r));
  }
  std::stable_sort(in.reports.begin(), in.reports.end(), [](const Report& a, const Report& b) {
    return a.at.unix_seconds < b.at.unix_seconds;
  });
  if (!have_decl) decl = Json::parse(latest.body, nullptr, false);
  if (decl.is_discarded() || !decl.is_object()) decl = Json::object();
  Json& person = decl["person"];
  if (!person.is_object()) person = Json::object();
  person["region"] = p.region;
  person["nationality"] = p.nationality;
  in.authority.risk_areas = RelevantRiskAreas(*app.authority.RiskSnapshot(*app.db, now), decl);
  in.declaration = std::move(decl);
  if (h.case_status) {
    in.authority.case_status = h.case_status->status;
    in.authority.case_since = h.case_status->since;
  }
  in.review_required = latest.review_required;
  in.review_state = latest.review_required ? latest.review_state : "none";
  in.now = Instant{now, tz};
  return out;
}

Scored Score(const ScoreInput& input, const Json& rules) {
  Scored s;
  s.verdict = Evaluate(rules, BuildFacts(input.facts, rules));
  s.declaration = input.declaration;
  return s;
}

std::optional<Scored> ScorePerson(App& app, const PersonRow& p, const Json* rule_set) {
  std::optional<ScoreInput> in = LoadScoreInput(app, p, rule_set == nullptr);
  if (!in) return std::nullopt;
  if (rule_set != nullptr) return Score(*in, *rule_set);
  std::shared_ptr<const ActiveRules> active = app.CurrentRules();
  return Score(*in, active->json);
}

std::optional<IssuedCode> IssueCode(App& app, PersonRow p, TokenKind kind) {
  std::optional<Scored> s = ScorePerson(app, p);
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
    code["qr_matrix"] = MatrixJson(enc->matrix);
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
    p.code_issued_at = now;
    p.last_color = color;
    app.db->UpdatePerson(p);
  } else if (p.last_color != color) {
    app.db->SetPersonColor(p.id, color);
  }
  app.db->RecordColorDay(FormatDate(app.Today()), p.id, p.region, color);  // statistics
  app.metrics.CountCode(color);
  out.code = std::move(code);
  out.scored = std::move(*s);
  return out;
}

Json VerifyQr(App& app, const std::string& qr) {
  const int64_t now = app.Now();
  Json out = {{"valid", false},
              {"status", "malformed"},
              {"color", nullptr},
              {"name_masked", nullptr},
              {"id_tail", nullptr},
              {"valid_until", nullptr},
              {"checked_at", app.Iso(now)},
              {"offline", false}};
  ParsedToken t = ParseToken(qr);
  if (!t.ok) return out;
  if (t.claims.issuer != app.opts.issuer_id) {
    return VerifyTrustedIssuer(app, t, std::move(out));  // 互认 (console.h)
  }
  std::optional<SigningKey> key = app.signing.Find(t.kid, now);
  if (!key || t.alg != -8 || t.signature.size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(t.signature.data(), t.to_be_signed.data(), t.to_be_signed.size(),
                                  key->public_key.data()) != 0) {
    out["status"] = "bad_signature";
    return out;
  }
  out["name_masked"] = t.claims.name_masked;
  out["id_tail"] = t.claims.id_tail;
  out["token_color"] = ToString(t.claims.color);
  out["issued_at"] = app.Iso(t.claims.issued_at);
  out["expires_at"] = app.Iso(t.claims.expires_at);
  out["kid"] = t.kid;
  if (now >= t.claims.expires_at) {
    out["status"] = "expired";
    out["color"] = ToString(t.claims.color);
    out["valid_until"] = app.Iso(t.claims.expires_at);
    return out;
  }
  std::optional<PersonRow> p = app.db->FindPersonByRef(t.claims.person_ref);
  std::optional<Scored> s;
  if (p) s = ScorePerson(app, *p);
  if (!s) {
    // The person's data was purged since: nothing current to compare with.
    out["status"] = "expired";
    out["color"] = ToString(t.claims.color);
    return out;
  }
  const Color current = s->verdict.color;
  out["valid"] = true;
  out["status"] = current == t.claims.color ? "current" : "changed";
  out["color"] = ToString(current);
  out["valid_until"] = s->verdict.valid_until;
  return out;
}

}  // namespace ankang::server
