#include "server/domain/verify.h"

#include <algorithm>

#include "server/crypto/crypto.h"
#include "server/domain/scoring.h"
#include "shared/dates.h"
#include "shared/token.h"

namespace ankang::server {
namespace {

// Seconds for an ISO instant or a number; nullopt for null / missing.
std::optional<int64_t> Seconds(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    if (auto t = ParseInstant(v.get<std::string>())) return t->unix_seconds;
  }
  return std::nullopt;
}

// The claims a valid signature vouches for, and how old the data behind
// them is (an offline code's data can be hours old).
void PutClaims(const App& app, const ParsedToken& t, Json* out) {
  (*out)["name_masked"] = t.claims.name_masked;
  (*out)["id_tail"] = t.claims.id_tail;
  (*out)["token_color"] = ToString(t.claims.color);
  (*out)["issued_at"] = app.Iso(t.claims.issued_at);
  (*out)["expires_at"] = app.Iso(t.claims.expires_at);
  (*out)["kid"] = t.kid;
  (*out)["kind"] = ToString(t.claims.kind);
  (*out)["data_age_seconds"] = std::max<int64_t>(0, app.Now() - t.claims.issued_at);
}

// True when t carries an EdDSA signature by public_key.
bool SignedBy(const ParsedToken& t, const Bytes& public_key) {
  return t.alg == -8 && VerifyEd25519(public_key, t.to_be_signed, t.signature);
}

// Another issuer's token: unknown_issuer unless the admin trusts that issuer;
// then its signature (with that issuer's keys, each inside its window), the
// plausibility of its validity (bad_validity) and its expiry decide, and the
// answer names the issuer.
Json VerifyTrustedIssuer(App& app, const ParsedToken& t, Json out) {
  const int64_t now = app.Now();
  out["issuer"] = t.claims.issuer;
  std::optional<TrustedIssuerRow> iss = app.db->GetTrustedIssuer(t.claims.issuer);
  if (!iss) {
    out["status"] = "unknown_issuer";
    return out;
  }
  out["issuer_name"] = iss->name;
  Json keys = Json::parse(iss->keys_json, nullptr, false);
  const Json* key = nullptr;
  if (keys.is_array()) {
    for (const Json& k : keys) {
      if (StrField(k, "kid") == t.kid) key = &k;
    }
  }
  Bytes pub;
  bool ok = key != nullptr && Base64UrlDecode(StrField(*key, "x"), &pub) && SignedBy(t, pub);
  if (ok) {
    // A key signs only inside its window (tokens it signed then stay valid until they expire).
    // (300 s of clock skew before not_before; a window end of any value, no overflow.)
    auto nb = Seconds(key->value("not_before", Json()));
    auto na = Seconds(key->value("not_after", Json()));
    if ((nb && t.claims.issued_at < *nb &&
         static_cast<uint64_t>(*nb) - static_cast<uint64_t>(t.claims.issued_at) > 300) ||
        (na && t.claims.issued_at > *na)) {
      ok = false;
    }
  }
  if (!ok) {
    out["status"] = "bad_signature";
    return out;
  }
  // The issuer chose the expiry: believed only within the longest validity we
  // issue ourselves (paper codes) and a day's margin.
  const int64_t max_validity = (std::max<int64_t>(14, app.opts.paper_days) + 1) * 86400;
  if (!ValidityProblem(t.claims, now, max_validity).empty()) {
    out["status"] = "bad_validity";
    return out;
  }
  PutClaims(app, t, &out);
  out["color"] = ToString(t.claims.color);
  out["valid_until"] = app.Iso(t.claims.expires_at);
  if (now >= t.claims.expires_at) {
    out["status"] = "expired";
    return out;
  }
  out["valid"] = true;
  out["status"] = "current";
  return out;
}

}  // namespace

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
  if (t.claims.issuer != app.opts.issuer_id) return VerifyTrustedIssuer(app, t, std::move(out));
  std::optional<SigningKey> key = app.signing.Find(t.kid, now);
  if (!key || !SignedBy(t, key->public_key)) {
    out["status"] = "bad_signature";
    return out;
  }
  PutClaims(app, t, &out);
  if (now >= t.claims.expires_at) {
    out["status"] = "expired";
    out["color"] = ToString(t.claims.color);
    out["valid_until"] = app.Iso(t.claims.expires_at);
    return out;
  }
  std::optional<PersonRow> p = app.db->FindPersonByRef(t.claims.person_ref);
  std::optional<CurrentCode> s;
  if (p) s = CodeOnRead(app, *p);
  if (!s) {
    // The person's data was purged since: nothing current to compare with.
    out["status"] = "expired";
    out["color"] = ToString(t.claims.color);
    return out;
  }
  const Color current = s->color;
  out["valid"] = true;
  out["status"] = current == t.claims.color ? "current" : "changed";
  out["color"] = ToString(current);
  out["valid_until"] = s->valid_until;
  return out;
}

std::optional<Json> NormaliseKeys(const Json& keys_or_list, std::string* error) {
  const Json* arr = &keys_or_list;
  if (keys_or_list.is_object()) {
    if (!keys_or_list.contains("keys") || !keys_or_list["keys"].is_array()) {
      *error = "a key list needs \"keys\": [...]";
      return std::nullopt;
    }
    arr = &keys_or_list["keys"];
  }
  if (!arr->is_array() || arr->empty() || arr->size() > 32) {
    *error = "1 to 32 keys expected";
    return std::nullopt;
  }
  Json out = Json::array();
  for (const Json& k : *arr) {
    Bytes x;
    const std::string kid = StrField(k, "kid");
    if (kid.empty() || kid.size() > 64) {
      *error = "every key needs a kid";
      return std::nullopt;
    }
    if (!Base64UrlDecode(StrField(k, "x"), &x) || !IsEd25519PublicKey(x)) {
      *error = "key " + kid + ": x must be a base64url Ed25519 public key";
      return std::nullopt;
    }
    if (k.contains("crv") && StrField(k, "crv") != "Ed25519") {
      *error = "key " + kid + ": only Ed25519";
      return std::nullopt;
    }
    Json e = {{"kid", kid}, {"alg", "EdDSA"}, {"crv", "Ed25519"}, {"x", StrField(k, "x")}};
    e["not_before"] = k.contains("not_before") ? k["not_before"] : Json(nullptr);
    e["not_after"] = k.contains("not_after") ? k["not_after"] : Json(nullptr);
    out.push_back(e);
  }
  return out;
}

}  // namespace ankang::server
