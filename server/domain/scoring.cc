#include "server/domain/scoring.h"

#include <algorithm>

#include "server/domain/write_behind.h"
#include "shared/facts.h"
#include "shared/regions.h"

namespace ankang::server {
namespace {

constexpr int64_t kDay = 86400;
// History read for scoring: enough for the validity period plus the longest streak.
constexpr int64_t kHistorySeconds = 60 * kDay;
const Json kNone;  // null

}  // namespace

std::vector<std::string> RegionsNamed(const Json& declaration) {
  std::vector<std::string> out;
  auto add = [&](std::string code) {
    if (!code.empty()) out.push_back(std::move(code));
  };
  if (declaration.is_object()) {
    auto person = declaration.find("person");
    if (person != declaration.end()) add(StrField(*person, "region"));
    add(StrField(declaration, "region"));
    auto travel = declaration.find("travel_14d");
    if (travel != declaration.end() && travel->is_array()) {
      for (const Json& e : *travel) {
        add(StrField(e, "region"));
        add(StrField(e, "country"));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::map<std::string, std::string> RiskAreasFor(const std::map<std::string, std::string>& all,
                                                const std::vector<std::string>& regions) {
  std::map<std::string, std::string> out;
  for (const std::string& code : regions) {
    for (const std::string& k : RegionAndAncestors(code)) {
      auto it = all.find(k);
      if (it != all.end()) out.insert(*it);
    }
  }
  return out;
}

std::map<std::string, std::string> RelevantRiskAreas(const std::map<std::string, std::string>& all,
                                                     const Json& declaration) {
  return RiskAreasFor(all, RegionsNamed(declaration));
}

namespace {

// How the review auto-issue found at a passed deadline is written.
enum class AutoIssueWrite { kDryRun, kNow, kBehind };

std::optional<ScoreInput> Load(App& app, const PersonRow& p, AutoIssueWrite write) {
  const int64_t now = app.Now();
  const int tz = app.opts.tz_offset_minutes;
  PersonHistory h = app.db->History(p, now - kHistorySeconds);
  if (!h.latest) return std::nullopt;
  ScoreInput out;
  out.data_version = p.data_version;
  DeclarationRow& latest = out.declaration;
  latest = std::move(*h.latest);
  if (latest.review_required && latest.review_state == "pending" && now >= latest.review_due) {
    // Shandong: nobody decided by 18:00 the next day -> issued as if approved.
    latest.review_state = "auto_issued";
    latest.reviewed_by = "system";
    latest.reviewed_at = latest.review_due;
    if (write == AutoIssueWrite::kNow) {
      // A display may have queued this auto-issue already: written once, audited once.
      app.write_behind->Flush();
      std::optional<DeclarationRow> stored = app.db->GetDeclaration(latest.id);
      if (stored && stored->review_state == "pending") {
        app.db->UpdateReview(latest);
        app.Audit(Caller{}, "review.auto_issue", latest.id);
      }
    } else if (write == AutoIssueWrite::kBehind) {
      app.write_behind->AutoIssue(latest, app.AuditEntry(Caller{}, "review.auto_issue", latest.id));
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
    const Json& health = body.is_object() && body.contains("health") ? body["health"] : kNone;
    in.reports.push_back(ReportFromHealth("declaration", Instant{d.declared_at, tz}, health));
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
  // Read from the start of the window: its oldest report leaves it 60 days on.
  if (h.since == now - kHistorySeconds && !in.reports.empty()) {
    out.window_until = in.reports.front().at.unix_seconds + kHistorySeconds + 1;
  }
  if (!have_decl) decl = Json::parse(latest.body, nullptr, false);
  if (decl.is_discarded() || !decl.is_object()) decl = Json::object();
  Json& person = decl["person"];
  if (!person.is_object()) person = Json::object();
  person["region"] = p.region;
  person["nationality"] = p.nationality;
  out.regions = RegionsNamed(decl);
  in.authority.risk_areas = RiskAreasFor(*app.authority.RiskSnapshot(*app.db, now), out.regions);
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

std::optional<Scored> ScoreWithRulesInForce(App& app, const PersonRow& p, AutoIssueWrite write) {
  std::optional<ScoreInput> in = Load(app, p, write);
  if (!in) return std::nullopt;
  std::shared_ptr<const ActiveRules> active = app.CurrentRules();
  return Score(*in, active->json);
}

}  // namespace

std::optional<ScoreInput> LoadScoreInput(App& app, const PersonRow& p, bool write) {
  return Load(app, p, write ? AutoIssueWrite::kNow : AutoIssueWrite::kDryRun);
}

Scored Score(const ScoreInput& input, const Json& rules) {
  Scored s;
  s.verdict = Evaluate(rules, BuildFacts(input.facts, rules));
  s.declaration = input.declaration;
  s.holds_until =
      std::min({s.verdict.holds_until, FactsHoldUntil(input.facts, rules), input.window_until});
  return s;
}

std::optional<Scored> ScorePerson(App& app, const PersonRow& p, const Json* rule_set) {
  if (rule_set == nullptr) return ScoreWithRulesInForce(app, p, AutoIssueWrite::kNow);
  std::optional<ScoreInput> in = Load(app, p, AutoIssueWrite::kDryRun);
  if (!in) return std::nullopt;
  return Score(*in, *rule_set);
}

Json CodeFields(App& app, const Scored& s) {
  Json code = ToJson(s.verdict);
  code["declared_at"] = app.Iso(s.declaration.declared_at);
  if (s.declaration.review_required) {
    code["review"] = {{"state", s.declaration.review_state},
                      {"due_at", app.Iso(s.declaration.review_due)},
                      {"note", s.declaration.review_note}};
  }
  return code;
}

namespace {

// "code=level,..." of the risk levels scoring read (RiskAreasFor).
std::string RiskText(const std::map<std::string, std::string>& read) {
  std::string out;
  for (const auto& [code, level] : read) {
    out += code;
    out += '=';
    out += level;
    out += ',';
  }
  return out;
}

// Rescoring with the rules in force; the verdict and a review auto-issue go
// to the write-behind queue.
std::optional<std::pair<Scored, CurrentCode>> Rescore(App& app, const PersonRow& p) {
  std::shared_ptr<const ActiveRules> rules = app.CurrentRules();
  std::optional<ScoreInput> in = Load(app, p, AutoIssueWrite::kBehind);
  if (!in) return std::nullopt;
  Scored s = Score(*in, rules->json);
  VerdictRow v;
  v.code = CodeFields(app, s).dump();
  v.color = ToString(s.verdict.color);
  v.valid_until = s.verdict.valid_until;
  v.version = in->data_version;
  v.rules = rules->digest;
  v.regions = Json(in->regions).dump();
  v.risk = RiskText(in->facts.authority.risk_areas);
  v.from = in->facts.now.unix_seconds;
  v.until = s.holds_until;
  CurrentCode c;
  c.fields = v.code;
  c.color = s.verdict.color;
  c.valid_until = v.valid_until;
  app.write_behind->Verdict(p.id, std::move(v));
  return std::make_pair(std::move(s), std::move(c));
}

// The stored verdict when everything it depends on is as it was.
std::optional<CurrentCode> StoredCode(App& app, const PersonRow& p) {
  const VerdictRow& v = p.verdict;
  const int64_t now = app.Now();
  if (v.code.empty() || v.version != p.data_version || now < v.from || now >= v.until) {
    return std::nullopt;
  }
  if (v.rules != app.CurrentRules()->digest) return std::nullopt;
  std::optional<Color> color = ColorFromString(v.color);
  Json regions = Json::parse(v.regions, nullptr, false);
  if (!color || !regions.is_array()) return std::nullopt;
  std::vector<std::string> codes;
  for (const Json& r : regions) {
    if (r.is_string()) codes.push_back(r.get<std::string>());
  }
  if (v.risk != RiskText(RiskAreasFor(*app.authority.RiskSnapshot(*app.db, now), codes))) {
    return std::nullopt;
  }
  CurrentCode c;
  c.fields = v.code;
  c.color = *color;
  c.valid_until = v.valid_until;
  c.stored = true;
  return c;
}

}  // namespace

std::optional<CurrentCode> CodeOnRead(App& app, const PersonRow& p) {
  if (std::optional<CurrentCode> stored = StoredCode(app, p)) return stored;
  auto fresh = Rescore(app, p);
  if (!fresh) return std::nullopt;
  return std::move(fresh->second);
}

std::optional<Scored> RefreshVerdict(App& app, const PersonRow& p) {
  auto fresh = Rescore(app, p);
  if (!fresh) return std::nullopt;
  return std::move(fresh->first);
}

}  // namespace ankang::server
