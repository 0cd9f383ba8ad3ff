// Implementation of server/console.h: 互认 verification, bulk rescoring, the
// run-time rule set, and the small HTTP client for other issuers' key lists.
#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "server/domain/console.h"
#include "server/crypto/crypto.h"
#include "server/domain/service.h"
#include "shared/dates.h"

namespace ankang::server {

std::shared_ptr<const ActiveRules> App::CurrentRules() {
  std::lock_guard<std::mutex> l(rules_mu);
  if (!rules_now) rules_now = std::make_shared<const ActiveRules>(rules);
  return rules_now;
}

void App::SetRules(ActiveRules r) {
  auto p = std::make_shared<const ActiveRules>(std::move(r));
  std::lock_guard<std::mutex> l(rules_mu);
  rules_now = std::move(p);
}

namespace {

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// Seconds for an ISO instant or a number; nullopt for null / missing.
std::optional<int64_t> Seconds(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    if (auto t = ParseInstant(v.get<std::string>())) return t->unix_seconds;
  }
  return std::nullopt;
}

}  // namespace

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
    const std::string kid = Str(k, "kid");
    if (kid.empty() || kid.size() > 64) {
      *error = "every key needs a kid";
      return std::nullopt;
    }
    if (!Base64UrlDecode(Str(k, "x"), &x) || x.size() != crypto_sign_PUBLICKEYBYTES) {
      *error = "key " + kid + ": x must be a base64url Ed25519 public key";
      return std::nullopt;
    }
    if (k.contains("crv") && Str(k, "crv") != "Ed25519") {
      *error = "key " + kid + ": only Ed25519";
      return std::nullopt;
    }
    Json e = {{"kid", kid}, {"alg", "EdDSA"}, {"crv", "Ed25519"}, {"x", Str(k, "x")}};
    e["not_before"] = k.contains("not_before") ? k["not_before"] : Json(nullptr);
    e["not_after"] = k.contains("not_after") ? k["not_after"] : Json(nullptr);
    out.push_back(e);
  }
  return out;
}

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
      if (Str(k, "kid") == t.kid) key = &k;
    }
  }
  Bytes pub;
  bool ok = key != nullptr && t.alg == -8 && Base64UrlDecode(Str(*key, "x"), &pub) &&
            pub.size() == crypto_sign_PUBLICKEYBYTES && t.signature.size() == crypto_sign_BYTES &&
            crypto_sign_verify_detached(t.signature.data(), t.to_be_signed.data(),
                                        t.to_be_signed.size(), pub.data()) == 0;
  if (ok) {
    // A key signs only inside its window (tokens it signed then stay valid until they expire).
    auto nb = Seconds((*key)["not_before"]);
    auto na = Seconds((*key)["not_after"]);
    if ((nb && t.claims.issued_at < *nb - 300) || (na && t.claims.issued_at > *na)) ok = false;
  }
  if (!ok) {
    out["status"] = "bad_signature";
    return out;
  }
  out["name_masked"] = t.claims.name_masked;
  out["id_tail"] = t.claims.id_tail;
  out["token_color"] = ToString(t.claims.color);
  out["color"] = ToString(t.claims.color);
  out["issued_at"] = app.Iso(t.claims.issued_at);
  out["expires_at"] = app.Iso(t.claims.expires_at);
  out["valid_until"] = app.Iso(t.claims.expires_at);
  out["kid"] = t.kid;
  if (now >= t.claims.expires_at) {
    out["status"] = "expired";
    return out;
  }
  // We hold no data of another issuer's residents: the token's colour is the answer.
  out["valid"] = true;
  out["status"] = "current";
  return out;
}

namespace {

constexpr int kPage = 500;  // persons read and recoloured per batch

void Count(Recolour* rc, const std::string& old, const std::string& now) {
  ++rc->total;
  if (old != now) {
    ++rc->changed;
    ++rc->transitions[(old.empty() ? "none" : old) + "->" + now];
  }
}

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
// read once (reader connections).
void ForEveryone(App& app, bool write,
                 const std::function<void(const PersonRow&, const ScoreInput&)>& fn,
                 const std::function<void()>& after_page = nullptr) {
  std::string after_id;
  for (;;) {
    std::vector<PersonRow> page = app.db->ListPersons(after_id, kPage);
    if (page.empty()) break;
    for (const PersonRow& p : page) {
      if (auto in = LoadScoreInput(app, p, write)) fn(p, *in);
    }
    if (after_page) after_page();
    after_id = page.back().id;
  }
}

}  // namespace

Recolour Compare(const std::map<std::string, std::string>& before,
                 const std::map<std::string, std::string>& after) {
  Recolour r;
  for (const auto& [id, color] : after) {
    auto it = before.find(id);
    Count(&r, it == before.end() ? "" : it->second, color);
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
  ForEveryone(app, false, [&](const PersonRow&, const ScoreInput& in) {
    Count(&rc, ToString(Score(in, current->json).verdict.color),
          ToString(Score(in, rule_set).verdict.color));
  });
  return rc;
}

Recolour ActivateAndRecolour(App& app, const std::function<void()>& activate) {
  std::shared_ptr<const ActiveRules> old_rules = app.CurrentRules();
  activate();
  std::shared_ptr<const ActiveRules> new_rules = app.CurrentRules();
  Recolour rc;
  std::vector<NewColour> changed;
  ForEveryone(
      app, true,
      [&](const PersonRow& p, const ScoreInput& in) {
        const std::string before = ToString(Score(in, old_rules->json).verdict.color);
        const std::string after = ToString(Score(in, new_rules->json).verdict.color);
        Count(&rc, before, after);
        if (before != after) changed.push_back({p.id, p.region, after});
      },
      [&] {  // this page's new colours, stored before the next page is read
        StoreColours(app, changed);
        changed.clear();
      });
  return rc;
}

Json ToJson(const Recolour& r) {
  Json t = Json::object();
  for (const auto& [k, v] : r.transitions) t[k] = v;
  return {{"total", r.total}, {"changed", r.changed}, {"transitions", t}};
}

bool MayReview(App& app, const Caller& caller, const std::string& region) {
  if (caller.role == "admin") return true;
  const std::string mine = app.db->StaffRegion(caller.subject_id);
  return mine.empty() || RegionListed({mine}, region);
}

void LoadStoredRules(App& app) {
  for (const RuleSetRow& r : app.db->ListRuleSets()) {
    if (!r.active) continue;
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !CheckRuleSet(j).empty()) {
      std::fprintf(stderr, "stored rule set %s is unusable; keeping %s\n", r.id.c_str(),
                   app.rules.name.c_str());
      return;
    }
    ActiveRules a;
    a.name = r.id;
    a.text = r.body;
    a.json = j;
    const Json& params = j.contains("params") && j["params"].is_object() ? j["params"] : Json();
    a.review = params.is_object() && params.contains("review") && params["review"].is_boolean() &&
               params["review"].get<bool>();
    a.edit_policy = Str(params, "edit_policy").empty() ? "daily" : Str(params, "edit_policy");
    app.SetRules(std::move(a));
    return;
  }
}

std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error) {
  // curl (a Debian package in scripts/deps.sh), spawned without a shell: Pistache
  // 0.0.5's client terminates the process on a refused connection (epoll_ctl on a
  // closed fd in its reactor thread), and a key-list fetch must never take the server down.
  if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) || url.size() > 500) {
    *error = "the key-list URL must be http:// or https://";
    return std::nullopt;
  }
  const std::string secs = std::to_string(std::max(1, timeout_ms / 1000));
  std::vector<std::string> args = {
      "curl",   "--silent", "--show-error", "--fail",       "--max-time", secs, "--max-filesize",
      "262144", "--proto",  "=http,https",  "--max-redirs", "0",          "--", url};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    *error = "pipe failed";
    return std::nullopt;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "curl", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    *error = "curl is not installed";
    return std::nullopt;
  }
  std::string body;
  char buf[4096];
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    body.append(buf, static_cast<size_t>(n));
    if (body.size() > 262144) break;
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    *error = code == 7    ? "cannot reach " + url
             : code == 28 ? "timed out"
             : code == 22 ? "the server answered with an error"
                          : "fetch failed (curl exit " + std::to_string(code) + ")";
    return std::nullopt;
  }
  return body;
}

}  // namespace ankang::server
