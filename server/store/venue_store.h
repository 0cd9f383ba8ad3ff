// Venues (places showing a check-in poster) and the visits recorded there:
// who came, when, with which colour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ankang::server {

struct VenueRow {
  std::string id;
  std::string owner_staff_id;
  std::string name;
  std::string region;
  std::string address;
  int64_t created_at = 0;
};

struct VisitRow {
  std::string id;
  std::string venue_id;
  std::string person_id;
  std::string account_id;
  int64_t at = 0;
  std::string day;  // local date "YYYY-MM-DD"
  double temperature = 0;
  std::string color;  // the person's colour at check-in
};

class VenueStore {
 public:
  virtual ~VenueStore() = default;

  virtual void CreateVenue(const VenueRow& v) = 0;
  virtual std::optional<VenueRow> GetVenue(const std::string& id) = 0;
  // Venues of one manager ("" = all), oldest first.
  virtual std::vector<VenueRow> ListVenues(const std::string& owner_staff_id) = 0;
  virtual void AddVisit(const VisitRow& v) = 0;
  // Visits at a venue with from <= at < to, oldest first.
  virtual std::vector<VisitRow> VisitsBetween(const std::string& venue_id, int64_t from,
                                              int64_t to) = 0;
  // Visits at a venue at or after `since`.
  virtual int64_t CountVisits(const std::string& venue_id, int64_t since) = 0;
};

}  // namespace ankang::server
