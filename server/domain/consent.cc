#include "server/domain/consent.h"

#include "server/crypto/crypto.h"
#include "server/domain/persons.h"
#include "shared/mask.h"

namespace ankang::server {
namespace {

std::string CodeHash(const std::string& request_id, const std::string& code) {
  return Sha256Hex(request_id + ":" + code);
}

}  // namespace

std::string JoinState(const JoinRequestRow& r, int64_t now) {
  return r.state == "pending" && r.expires_at <= now ? "expired" : r.state;
}

bool JoinAllowed(App& app, const Caller& c, const PersonRow& p) {
  const int64_t since = app.Now() - 86400;
  if (app.db->CountJoinRequestsBy(c.subject_id, since) < kJoinRequestsPerDay &&
      app.db->CountJoinRequestsFor(p.id_hmac, since) < kJoinRequestsPerDay) {
    return true;
  }
  app.Audit(c, "family.join_limited", p.id);
  return false;
}

JoinRequestRow RequestJoin(App& app, const Caller& c, const PersonRow& p, const std::string& name,
                           const std::string& relation) {
  const PersonPlain plain = Decrypt(app, p);
  const std::string code = RandomDigits(6);
  JoinRequestRow r;
  r.id = RandomId();
  r.person_id = p.id;
  r.requester_id = c.subject_id;
  r.relation = relation;
  r.valid = !name.empty() && name == plain.name;
  r.code_hash = CodeHash(r.id, code);
  r.id_hmac = p.id_hmac;
  r.name_masked = MaskName(name);
  r.created_at = app.Now();
  r.expires_at = r.created_at + kJoinRequestSeconds;
  app.db->AddJoinRequest(r);
  app.Audit(c, r.valid ? "family.join_request" : "family.join_mismatch", p.id, {{"request", r.id}});
  if (r.valid && !plain.phone.empty()) {
    const std::string who = MaskPhone(AccountPhone(app, c.subject_id));
    app.otp->Send(plain.phone, code, "join_request",
                  "【安康码】" + who + " 申请代办 " + p.name_masked + " 的健康申报（关系：" +
                      relation + "）。同意请把验证码 " + code +
                      " 告诉对方（7天内有效），不同意请忽略。Ankang: " + who + " asks to act for " +
                      p.name_masked + " (" + relation + "). To agree, give them the code " + code +
                      " (valid 7 days); otherwise ignore this message.");
  }
  return r;
}

bool JoinCodeMatches(const JoinRequestRow& r, const std::string& code) {
  return ConstantTimeEquals(CodeHash(r.id, code), r.code_hash);
}

JoinError ApproveJoin(App& app, const Caller& by, JoinRequestRow* r, const std::string& how) {
  JoinError e = JoinError::kNone;
  std::optional<PersonRow> p;
  app.db->Transaction([&] {
    auto fresh = app.db->GetJoinRequest(r->id);
    p = app.db->GetPerson(r->person_id);
    bool has_self = false;
    const int others = OthersOf(app, r->requester_id, &has_self);
    if (!fresh || JoinState(*fresh, app.Now()) != "pending" || !fresh->valid || !p) {
      e = JoinError::kNotPending;
    } else if (app.db->GetGuardianship(r->requester_id, r->person_id)) {
      e = JoinError::kNone;  // already a guardian: approving changes nothing
    } else if (app.db->CountGuardians(r->person_id) >= kMaxGuardiansPerPerson) {
      e = JoinError::kTooManyGuardians;
    } else if (r->relation == "self" ? has_self : others >= kMaxOthersPerAccount) {
      e = JoinError::kTooManyPersons;
    } else {
      app.db->AddGuardian(GuardianRow{r->requester_id, r->person_id, r->relation, app.Now()});
    }
    if (e != JoinError::kNone) return;
    r->state = "approved";
    r->decided_at = app.Now();
    r->decided_by = by.kind == "resident" ? "account:" + by.subject_id : "code";
    app.db->UpdateJoinRequest(*r);
    app.Audit(by, how, r->person_id, {{"request", r->id}, {"account", r->requester_id}});
  });
  if (e == JoinError::kNone) {
    const std::string who = MaskPhone(AccountPhone(app, r->requester_id));
    TellPerson(
        app, *p, who + " 已成为 " + p->name_masked + " 的代办人，如非您同意，请登录安康码移除。",
        who + " now acts for " + p->name_masked + "; if you did not agree, remove them in Ankang.");
  }
  return e;
}

bool IsThePerson(App& app, const std::string& account_id, const PersonRow& p) {
  auto g = app.db->GetGuardianship(account_id, p.id);
  if (!g) return false;
  if (g->relation == "self") return true;
  const std::string phone = Decrypt(app, p).phone;
  return !phone.empty() && AccountPhone(app, account_id) == phone;
}

bool RemoveGuardianTold(App& app, const Caller& by, const PersonRow& p,
                        const std::string& account_id, const std::string& action) {
  if (!app.db->RemoveGuardian(account_id, p.id)) return false;
  app.Audit(by, action, p.id, {{"account", account_id}});
  const std::string who = MaskPhone(AccountPhone(app, account_id));
  TellPerson(app, p, who + " 已不再是 " + p.name_masked + " 的代办人。",
             who + " no longer acts for " + p.name_masked + ".");
  return true;
}

void TellPerson(App& app, const PersonRow& p, const std::string& zh, const std::string& en) {
  const std::string phone = Decrypt(app, p).phone;
  if (!phone.empty()) app.otp->Notify(phone, "【安康码】" + zh + " Ankang: " + en);
}

std::string AccountPhone(App& app, const std::string& account_id) {
  auto a = app.db->GetAccount(account_id);
  return a ? app.data_keys.Decrypt("account.phone", a->phone_enc).value_or("") : "";
}

void ApproveClaim(App& app, const Caller& by, ClaimRow* claim) {
  const Json identity = {
      {"id_type", claim->id_type},
      {"id_number", app.data_keys.Decrypt("claim.id_number", claim->id_enc).value_or("")},
      {"name", app.data_keys.Decrypt("claim.name", claim->name_enc).value_or("")}};
  const std::string phone = AccountPhone(app, claim->account_id);
  std::vector<std::string> removed;
  PersonRow p;
  app.db->Transaction([&] {
    std::optional<PersonRow> found = app.db->FindPersonByIdHmac(claim->id_hmac);
    const int64_t now = app.Now();
    if (found) {
      p = *found;
    } else {
      p.id = RandomId();
      p.person_ref = RandomId(12);
      p.nationality = "CHN";
      p.created_at = now;
    }
    SetIdentity(app, identity, &p);
    if (!phone.empty()) p.phone_enc = app.data_keys.Encrypt("person.phone", phone);
    p.updated_at = now;
    found ? app.db->UpdatePerson(p) : app.db->CreatePerson(p);
    for (const GuardianRow& g : app.db->GuardiansOfPerson(p.id)) {
      app.db->RemoveGuardian(g.account_id, p.id);
      if (g.account_id != claim->account_id) removed.push_back(g.account_id);
    }
    bool has_self = false;
    OthersOf(app, claim->account_id, &has_self);
    app.db->AddGuardian(GuardianRow{claim->account_id, p.id, has_self ? "other" : "self", now});
    claim->state = "approved";
    claim->person_id = p.id;
    claim->decided_at = now;
    claim->decided_by = by.username;
    app.db->UpdateClaim(*claim);
    app.Audit(by, "claim.approve", claim->id, {{"person", p.id}, {"removed", removed.size()}});
    for (const std::string& a : removed) app.Audit(by, "guardian.remove", p.id, {{"account", a}});
  });
  TellPerson(app, p, "您对证件的纠错申请已通过，其他代办人已被移除。",
             "your claim to this ID was approved; every other guardian was removed.");
}

}  // namespace ankang::server
