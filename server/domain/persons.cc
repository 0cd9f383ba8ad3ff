#include "server/domain/persons.h"

#include "shared/mask.h"

namespace ankang::server {

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

void SetIdentity(const App& app, const Json& person, PersonRow* p) {
  const std::string id_number = StrField(person, "id_number");
  const std::string name = StrField(person, "name");
  p->id_type = StrField(person, "id_type");
  p->id_hmac = IdHmac(app, p->id_type, id_number);
  p->id_enc = app.data_keys.Encrypt("person.id_number", id_number);
  p->id_tail = IdTail(id_number);
  p->name_enc = app.data_keys.Encrypt("person.name", name);
  p->name_masked = MaskName(name);
}

int OthersOf(App& app, const std::string& account_id, bool* has_self) {
  int others = 0;
  *has_self = false;
  for (const GuardianRow& g : app.db->GuardianshipsOfAccount(account_id)) {
    if (g.relation == "self") {
      *has_self = true;
    } else {
      ++others;
    }
  }
  return others;
}

std::optional<PersonRow> ReachablePerson(App& app, const Caller& caller,
                                         const std::string& person_id) {
  if (caller.kind != "resident" || person_id.empty() || person_id.size() > 64) return std::nullopt;
  if (!app.db->GetGuardianship(caller.subject_id, person_id)) return std::nullopt;
  return app.db->GetPerson(person_id);
}

}  // namespace ankang::server
