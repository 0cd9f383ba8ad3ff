// Who may join a person and who may leave (SPEC §2 "Who may act for whom"):
// a request to join an existing person waits for the consent of the person
// (a one-time code sent to the phone on record) or of a guardian; requests
// are limited per account and per ID number; the person removes any guardian;
// a resident's claim to an ID number, approved by an issuer, hands the record
// to the claimant. Every change is audited with ids only and the person's
// phone is told through the OTP channel.
#pragma once

#include <optional>
#include <string>

#include "server/app.h"
#include "server/store/storage.h"

namespace ankang::server {

constexpr int kJoinRequestsPerDay = 5;  // per account, and per ID number
constexpr int kJoinCodeTries = 5;       // wrong codes before a request is refused
constexpr int64_t kJoinRequestSeconds = 7 * 86400;
constexpr int kClaimsPerDay = 5;  // per account

// The state a resident sees: a pending request past expires_at is "expired".
std::string JoinState(const JoinRequestRow& r, int64_t now);

// False when the account or the ID number has used up its join requests for
// the last 24 hours (audited as family.join_limited).
bool JoinAllowed(App& app, const Caller& c, const PersonRow& p);

// Records the caller's request to act for p with the name and relation they
// gave. A name that does not match the record makes an invalid request (never
// shown to guardians, never approvable; audited family.join_mismatch); a valid
// one sends a one-time code to the person's phone, if any.
JoinRequestRow RequestJoin(App& app, const Caller& c, const PersonRow& p, const std::string& name,
                           const std::string& relation);

// True when code is the one sent for r (constant time).
bool JoinCodeMatches(const JoinRequestRow& r, const std::string& code);

enum class JoinError { kNone, kNotPending, kTooManyGuardians, kTooManyPersons };
// Makes the requester a guardian of the requested person; `how` is the audit
// action ("family.join_approve" or "family.join_confirm"). REQUIRES: r->valid.
JoinError ApproveJoin(App& app, const Caller& by, JoinRequestRow* r, const std::string& how);

// True for the person themselves: a guardian account whose phone is the
// person's phone on record, or whose relation is "self".
bool IsThePerson(App& app, const std::string& account_id, const PersonRow& p);

// Ends a guardianship, audits `action` (target: the person id, detail: the
// account id) and tells the person's phone. False: there was none.
bool RemoveGuardianTold(App& app, const Caller& by, const PersonRow& p,
                        const std::string& account_id, const std::string& action);

// Sends a notice to the person's phone on record, if any.
void TellPerson(App& app, const PersonRow& p, const std::string& zh, const std::string& en);

// The decrypted phone of a resident account ("" if none).
std::string AccountPhone(App& app, const std::string& account_id);

// Approves a claim: the record of the claimed ID gets the claimed name and the
// claimant's phone (created if absent), every other guardian is removed, the
// claimant becomes its guardian ("self" unless they already have one).
// Audited claim.approve plus guardian.remove per removed guardian.
void ApproveClaim(App& app, const Caller& by, ClaimRow* claim);

}  // namespace ankang::server
