// Issuing a health code: the person's current verdict (the stored one while
// it holds, domain/scoring.h), the claims signed with the active key, and the
// day's statistics queued for the background writer (domain/write_behind.h).
#pragma once

#include <cstdint>
#include <optional>

#include "server/app.h"
#include "server/domain/scoring.h"
#include "server/store/storage.h"
#include "shared/json.h"

namespace ankang::server {

enum class TokenKind { kScreen, kPaper };

struct IssuedCode {
  // CODE of SPEC §5 plus person_id, name_masked, id_tail, next_step, review,
  // as JSON text (a code display answers it as it is).
  std::string json;
  std::string qr;  // the signed token
  Color color = Color::kGreen;
  int64_t token_expires_at = 0;
  Json Code() const { return Json::parse(json, nullptr, false); }
};
// The current verdict, signed; nullopt when the person has no declaration yet.
std::optional<IssuedCode> IssueCode(App& app, PersonRow p, TokenKind kind);

}  // namespace ankang::server
