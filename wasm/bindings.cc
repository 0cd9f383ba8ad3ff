// Embind bindings of the shared core for the browser (and the Node tests).
// Thin: every function (but colorWords, which returns a JS object) takes and
// returns strings (JSON text or SVG), parses with nlohmann without
// exceptions, calls the core and serialises the answer.
// The JS API is documented in wasm/README.md.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shared/card.h"
#include "shared/color.h"
#include "shared/facts.h"
#include "shared/mask.h"
#include "shared/rules.h"
#include "shared/token.h"
#include "shared/validate.h"

namespace ankang {
namespace {

// The one place that parses JSON text. Same result as
// Json::parse(text, nullptr, false), but without the callback-filtering
// parser that parse() also instantiates for its (here always empty) callback.
Json ParseOrNull(const std::string& text) {
  Json result;
  nlohmann::detail::json_sax_dom_parser<Json> sax(result, /*allow_exceptions=*/false);
  if (!Json::sax_parse(text, &sax) || sax.is_errored()) return Json(Json::value_t::discarded);
  return result;
}

std::string BadJson(const char* what) {
  return Json{
      {"error", {{"code", "bad_json"}, {"message", std::string(what) + " is not valid JSON"}}}}
      .dump();
}

std::string BadRuleSet(const std::vector<RuleSetProblem>& problems) {
  return Json{{"error", {{"code", "bad_rule_set"}, {"message", problems.front().message}}}}.dump();
}

Date DateOr(const std::string& text, Date fallback) {
  auto d = ParseDate(text);
  return d ? *d : fallback;
}

std::string ValidationAnswer(const std::vector<FieldError>& errors, Json normalized) {
  Json out{{"ok", errors.empty()}, {"errors", ToJson(errors)}};
  out["normalized"] = errors.empty() ? std::move(normalized) : Json(nullptr);
  return out.dump();
}

std::string ValidateDeclarationJs(const std::string& body, const std::string& today) {
  Json b = ParseOrNull(body);
  if (b.is_discarded()) return BadJson("body");
  Json normalized;
  auto errors = ValidateDeclaration(b, DateOr(today, Date{2026, 1, 1}), &normalized);
  return ValidationAnswer(errors, std::move(normalized));
}

std::string ValidateCheckinJs(const std::string& body) {
  Json b = ParseOrNull(body);
  if (b.is_discarded()) return BadJson("body");
  Json normalized;
  auto errors = ValidateCheckin(b, &normalized);
  return ValidationAnswer(errors, std::move(normalized));
}

std::string ValidatePersonJs(const std::string& person, const std::string& today) {
  Json p = ParseOrNull(person);
  if (p.is_discarded()) return BadJson("person");
  Json normalized;
  auto errors = ValidatePerson(p, DateOr(today, Date{2026, 1, 1}), "person.", &normalized);
  return ValidationAnswer(errors, std::move(normalized));
}

// Previews the colour of a declaration about to be sent: it is the only
// report, made at `now`, scored with the rule set and authority snapshot.
std::string PreviewJs(const std::string& body, const std::string& rule_set,
                      const std::string& authority, const std::string& now_iso) {
  Json b = ParseOrNull(body);
  Json rs = ParseOrNull(rule_set);
  Json a = ParseOrNull(authority);
  if (b.is_discarded()) return BadJson("body");
  if (rs.is_discarded()) return BadJson("rule set");
  if (a.is_discarded()) return BadJson("authority");
  auto problems = CheckRuleSet(rs);
  if (!problems.empty()) return BadRuleSet(problems);
  auto now = ParseInstant(now_iso);
  if (!now)
    return Json{{"error", {{"code", "bad_date"}, {"message", "now is not an ISO 8601 instant"}}}}
        .dump();
  Json normalized;
  auto errors = ValidateDeclaration(b, LocalDate(*now), &normalized);
  if (!errors.empty()) return Json{{"errors", ToJson(errors)}}.dump();
  return ToJson(Evaluate(rs, BuildFacts(PreviewInput(std::move(normalized), a, *now), rs))).dump();
}

std::string EvaluateJs(const std::string& rule_set, const std::string& facts) {
  Json rs = ParseOrNull(rule_set);
  Json f = ParseOrNull(facts);
  if (rs.is_discarded()) return BadJson("rule set");
  if (f.is_discarded()) return BadJson("facts");
  auto problems = CheckRuleSet(rs);
  if (!problems.empty()) return BadRuleSet(problems);
  return ToJson(Evaluate(rs, f)).dump();
}

std::string CheckRuleSetJs(const std::string& rule_set) {
  Json rs = ParseOrNull(rule_set);
  if (rs.is_discarded()) return BadJson("rule set");
  Json out = Json::array();
  for (const auto& p : CheckRuleSet(rs))
    out.push_back({{"path", p.path}, {"code", p.code}, {"message", p.message}});
  return out.dump();
}

std::string RenderCardJs(const std::string& matrix, const std::string& info) {
  std::optional<QrMatrix> m = QrMatrixFromJson(ParseOrNull(matrix));
  Json i = ParseOrNull(info);
  if (!m || !i.is_object()) return "";
  return RenderCardSvg(*m, CardInfoFromJson(i));
}

std::string RenderQrJs(const std::string& matrix, const std::string& color) {
  std::optional<QrMatrix> m = QrMatrixFromJson(ParseOrNull(matrix));
  if (!m) return "";
  return RenderQrSvg(*m, ColorFromString(color).value_or(Color::kGray));
}

std::string InspectTokenJs(const std::string& qr) {
  ParsedToken t = ParseToken(qr);
  Json out{{"ok", t.ok}, {"error", t.error}};
  if (!t.ok) return out.dump();
  out["kid"] = t.kid;
  out["alg"] = t.alg;
  out["claims"] = {{"issuer", t.claims.issuer},         {"issued_at", t.claims.issued_at},
                   {"expires_at", t.claims.expires_at}, {"person_ref", t.claims.person_ref},
                   {"color", ToString(t.claims.color)}, {"name_masked", t.claims.name_masked},
                   {"id_tail", t.claims.id_tail},       {"kind", ToString(t.claims.kind)}};
  out["to_be_signed"] = Base64UrlEncode(t.to_be_signed);
  out["signature"] = Base64UrlEncode(t.signature);
  return out.dump();
}

// {green: {zh, en}, yellow: ..., red: ..., gray: ...}: the colour words of
// the core, so that pages build their tables from them.
emscripten::val ColorWordsJs() {
  emscripten::val out = emscripten::val::object();
  for (Color c : {Color::kGreen, Color::kYellow, Color::kRed, Color::kGray}) {
    emscripten::val words = emscripten::val::object();
    words.set("zh", std::string(ColorWord(c, "zh")));
    words.set("en", std::string(ColorWord(c, "en")));
    out.set(ToString(c), words);
  }
  return out;
}

std::string MaskNameJs(const std::string& s) { return MaskName(s); }
std::string MaskPhoneJs(const std::string& s) { return MaskPhone(s); }
std::string MaskIdNumberJs(const std::string& s) { return MaskIdNumber(s); }

}  // namespace
}  // namespace ankang

EMSCRIPTEN_BINDINGS(ankang_core) {
  using namespace emscripten;
  function("validateDeclaration", &ankang::ValidateDeclarationJs);
  function("validateCheckin", &ankang::ValidateCheckinJs);
  function("validatePerson", &ankang::ValidatePersonJs);
  function("preview", &ankang::PreviewJs);
  function("evaluate", &ankang::EvaluateJs);
  function("checkRuleSet", &ankang::CheckRuleSetJs);
  function("renderCard", &ankang::RenderCardJs);
  function("renderQr", &ankang::RenderQrJs);
  function("inspectToken", &ankang::InspectTokenJs);
  function("colorWords", &ankang::ColorWordsJs);
  function("maskName", &ankang::MaskNameJs);
  function("maskPhone", &ankang::MaskPhoneJs);
  function("maskIdNumber", &ankang::MaskIdNumberJs);
}
