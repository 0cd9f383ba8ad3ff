// Issuing a health code: the person's current verdict (the stored one while
// it holds, domain/scoring.h), the claims signed with the active key, and the
// day's statistics queued for the background writer (domain/write_behind.h).
//
// Offline codes. A page asks for one beside the screen code (?offline=1) when
// the one it keeps is older than --offline-token-refresh-minutes or no longer
// of the code's colour; the answer then carries "offline_code", a token of
// kind offline that lasts --offline-token-hours (never beyond the code's own
// valid_until). Its issued-at is the time of the data behind it, which the
// verifier shows. Without the parameter nothing more is signed, so the online
// display costs one signature as before.
#pragma once

#include <cstdint>
#include <optional>

#include "server/app.h"
#include "server/domain/scoring.h"
#include "server/store/storage.h"
#include "shared/json.h"

namespace ankang::server {

// What a code is issued for: the screen (a token of --screen-token-seconds,
// refreshed while the page is online) or paper (--paper-days).
enum class CodeUse { kScreen, kPaper };

struct IssuedCode {
  // CODE of SPEC §5 plus person_id, name_masked, id_tail, next_step, review,
  // qr_expires_at and, when asked for, offline_code {qr, kind, color,
  // issued_at, expires_at, refresh_after}, as JSON text (a code display
  // answers it as it is).
  std::string json;
  std::string qr;  // the signed token
  Color color = Color::kGreen;
  int64_t token_expires_at = 0;
  Json Code() const { return Json::parse(json, nullptr, false); }
};
// The current verdict, signed; nullopt when the person has no declaration yet.
// with_offline (screen only): an offline code too.
std::optional<IssuedCode> IssueCode(App& app, PersonRow p, CodeUse use, bool with_offline = false);

// Whether a request asks for an offline code (?offline=1).
bool WantsOfflineCode(const Request& req);

}  // namespace ankang::server
