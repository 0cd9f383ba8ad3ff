#include "server/domain/recolour.h"

#include <algorithm>
#include <set>

#include "server/domain/scoring.h"
#include "server/domain/write_behind.h"
#include "shared/dates.h"

namespace ankang::server {
namespace {

constexpr int kPage = 500;  // persons read and recoloured per batch

// Colour of each of `persons` that has a declaration, now, with the rules in force.
std::map<std::string, std::string> Colours(App& app, const std::vector<PersonRow>& persons) {
  std::map<std::string, std::string> out;
  for (const PersonRow& p : persons) {
    if (auto s = ScorePerson(app, p)) out[p.id] = ToString(s->verdict.color);
  }
  return out;
}

struct NewColour {
  std::string person_id;
  std::string region;
  std::string color;
};

// Stores new colours (persons.last_color and today's statistics), one
// transaction per batch rather than one synchronous commit per person.
void StoreColours(App& app, const std::vector<NewColour>& changed) {
  app.write_behind->Flush();  // colours queued by earlier displays go first, not over these
  const std::string today = FormatDate(app.Today());
  for (size_t i = 0; i < changed.size(); i += kPage) {
    app.db->Transaction([&] {
      for (size_t j = i; j < std::min(changed.size(), i + kPage); ++j) {
        const NewColour& c = changed[j];
        app.db->SetPersonColor(c.person_id, c.color);
        app.db->RecordColorDay(today, c.person_id, c.region, c.color);
      }
    });
  }
}

// Every person with a declaration, in pages: fn(person, input) with the input
// read once (reader connections; nothing written).
void ForEveryone(App& app, const std::function<void(const PersonRow&, const ScoreInput&)>& fn) {
  std::string after_id;
  for (;;) {
    std::vector<PersonRow> page = app.db->ListPersons(after_id, kPage);
    if (page.empty()) break;
    for (const PersonRow& p : page) {
      if (auto in = LoadScoreInput(app, p, false)) fn(p, *in);
    }
    after_id = page.back().id;
  }
}

}  // namespace

void Recolour::Add(const std::string& before, const std::string& after) {
  ++total;
  if (before != after) {
    ++changed;
    ++transitions[(before.empty() ? "none" : before) + "->" + after];
  }
}

void Recolour::Add(const Recolour& other) {
  total += other.total;
  changed += other.changed;
  for (const auto& [k, n] : other.transitions) transitions[k] += n;
}

Recolour Compare(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after) {
  Recolour r;
  for (const auto& [id, color] : after) {
    auto it = before.find(id);
    r.Add(it == before.end() ? "" : it->second, color);
  }
  return r;
}

Recolour RecolourAfter(App& app, const std::vector<PersonRow>& affected,
                       const std::function<void()>& change) {
  const auto before = Colours(app, affected);
  change();
  const auto after = Colours(app, affected);
  std::vector<NewColour> changed;
  for (const PersonRow& p : affected) {
    auto a = after.find(p.id);
    if (a == after.end()) continue;
    auto b = before.find(p.id);
    if (b == before.end() || b->second != a->second) changed.push_back({p.id, p.region, a->second});
  }
  StoreColours(app, changed);
  return Compare(before, after);
}

std::vector<PersonRow> PersonsAffectedByRiskChange(
    App& app, const std::map<std::string, std::string>& before,
    const std::map<std::string, std::string>& after) {
  std::vector<std::string> codes;
  for (const auto& [code, level] : before) {
    auto it = after.find(code);
    if (it == after.end() || it->second != level) codes.push_back(code);
  }
  for (const auto& [code, level] : after) {
    if (!before.count(code)) codes.push_back(code);
  }
  return app.db->PersonsNamingRegions(codes);
}

std::vector<PersonRow> PersonsWithIdHmacs(App& app, const std::vector<std::string>& id_hmacs) {
  std::vector<PersonRow> out;
  for (const std::string& h : std::set<std::string>(id_hmacs.begin(), id_hmacs.end())) {
    if (auto p = app.db->FindPersonByIdHmac(h)) out.push_back(std::move(*p));
  }
  return out;
}

Recolour DryRunRules(App& app, const Json& rule_set) {
  std::shared_ptr<const ActiveRules> current = app.CurrentRules();
  Recolour rc;
  ForEveryone(app, [&](const PersonRow&, const ScoreInput& in) {
    rc.Add(ToString(Score(in, current->json).verdict.color),
           ToString(Score(in, rule_set).verdict.color));
  });
  return rc;
}

Json ToJson(const Recolour& r) {
  Json t = Json::object();
  for (const auto& [k, v] : r.transitions) t[k] = v;
  return {{"total", r.total}, {"changed", r.changed}, {"transitions", t}};
}

}  // namespace ankang::server
