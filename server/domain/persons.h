// Persons as the API sees them: who a resident may reach (their guardianships),
// personal data decrypted for them, and the keyed hashes that find a person by
// ID or phone number without storing either in the clear.
#pragma once

#include <optional>
#include <string>

#include "server/app.h"
#include "server/store/storage.h"

namespace ankang::server {

constexpr int kMaxOthersPerAccount = 3;
constexpr int kMaxGuardiansPerPerson = 3;

// Personal data decrypted for the person's own guardians.
struct PersonPlain {
  std::string name;
  std::string id_number;
  std::string phone;
  std::string address;
};
PersonPlain Decrypt(const App& app, const PersonRow& p);

// Keyed hash for ID look-ups (the same for persons and the authority's case list).
std::string IdHmac(const App& app, const std::string& id_type, const std::string& id_number);
std::string PhoneHmac(const App& app, const std::string& phone);

// Writes the identity of a normalised person object (id_type, id_number,
// name) into p: ID number and name encrypted, the keyed hash for look-ups,
// the ID tail and the masked name.
void SetIdentity(const App& app, const Json& person, PersonRow* p);

// How many persons other than its holder an account acts for; *has_self: it
// also acts for its holder.
int OthersOf(App& app, const std::string& account_id, bool* has_self);

// The person if the caller (a resident) is one of its guardians.
std::optional<PersonRow> ReachablePerson(App& app, const Caller& caller,
                                         const std::string& person_id);

}  // namespace ankang::server
