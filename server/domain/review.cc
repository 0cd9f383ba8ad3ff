#include "server/domain/review.h"

#include "shared/regions.h"

namespace ankang::server {

bool MayReview(App& app, const Caller& caller, const std::string& region) {
  if (caller.role == "admin") return true;
  const std::string mine = app.db->StaffRegion(caller.subject_id);
  return mine.empty() || RegionCovers({mine}, region);
}

}  // namespace ankang::server
