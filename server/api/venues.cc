// Venue codes (场所码): a venue manager registers a place and prints
// its poster (a QR of the URL /v/{venue_id}); a resident who scans it checks
// in self and family members with a temperature; the admin asks who was at a
// venue in a time window and marks them all as close contacts in one step,
// which recolours them at once. Venue managers see their own places and
// counts only; every staff action is audited.
#include <cctype>
#include <cmath>
#include <set>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/codes.h"
#include "server/domain/persons.h"
#include "server/domain/recolour.h"
#include "server/render/qr.h"
#include "server/render/venue_poster.h"
#include "shared/mask.h"
#include "shared/regions.h"

namespace ankang::server {
namespace {

constexpr int kMaxVisitorsPerCheckin = 4;  // self + up to 3 family members

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Json VenueJson(App& app, const VenueRow& v, bool with_counts) {
  Json j = {{"venue_id", v.id},
            {"name", v.name},
            {"region", v.region},
            {"region_name", RegionPath(v.region)},
            {"address", v.address},
            {"url", "/v/" + v.id},
            {"created_at", app.Iso(v.created_at)}};
  if (with_counts) {
    const int64_t midnight =
        AtLocalTime(app.Today(), 0, 0, app.opts.tz_offset_minutes).unix_seconds;
    j["visits_today"] = app.db->CountVisits(v.id, midnight);
    j["visits_total"] = app.db->CountVisits(v.id, 0);
  }
  return j;
}

// The venue if the caller may manage it (its owner, or an admin).
std::optional<VenueRow> ManagedVenue(App& app, const Request& req) {
  auto v = app.db->GetVenue(req.Param("id"));
  if (!v) return std::nullopt;
  if (req.caller.role != "admin" && v->owner_staff_id != req.caller.subject_id) return std::nullopt;
  return v;
}

Response NoVenue() {
  return ErrorResponse(Status::kNotFound, "not_found", "No such venue. 无此场所。");
}

Response CreateVenue(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  VenueRow v;
  v.name = StrField(*body, "name");
  v.region = StrField(*body, "region");
  v.address = StrField(*body, "address");
  Json errors = Json::array();
  const size_t name_len = Utf8Length(v.name);
  if (name_len == 0) errors.push_back(FieldErrorJson("name", "required", "the place's name"));
  if (name_len > 60) errors.push_back(FieldErrorJson("name", "too_long", "≤ 60 characters"));
  if (HasControl(v.name) || HasControl(v.address)) {
    errors.push_back(FieldErrorJson("name", "bad_format", "no control characters"));
  }
  if (!IsKnownRegion(v.region)) {
    errors.push_back(FieldErrorJson("region", "bad_region", "a GB/T 2260 code, e.g. 370102"));
  }
  if (Utf8Length(v.address) > 120) errors.push_back(FieldErrorJson("address", "too_long", "≤ 120"));
  if (!errors.empty()) return FieldErrors(errors);
  v.id = "v" + RandomId(9);
  v.owner_staff_id = req.caller.subject_id;
  v.created_at = app.Now();
  app.db->CreateVenue(v);
  app.Audit(req.caller, "venue.create", v.id, {{"region", v.region}});
  return JsonResponse(Status::kCreated, VenueJson(app, v, true));
}

Response ListVenues(App& app, const Request& req) {
  Json out = Json::array();
  const std::string owner = req.caller.role == "admin" ? "" : req.caller.subject_id;
  for (const VenueRow& v : app.db->ListVenues(owner)) out.push_back(VenueJson(app, v, true));
  return JsonResponse(Status::kOk, out);
}

// Public: what the check-in page shows before anyone logs in.
Response PublicVenue(App& app, const Request& req) {
  auto v = app.db->GetVenue(req.Param("id"));
  if (!v) return NoVenue();
  return JsonResponse(Status::kOk, {{"venue_id", v->id},
                                    {"name", v->name},
                                    {"region", v->region},
                                    {"region_name", RegionPath(v->region)},
                                    {"address", v->address}});
}

// Origin for the URL in the QR: the Host the manager reached us by (behind
// nginx, X-Forwarded-Proto says https).
std::string Origin(App& app, const Request& req) {
  std::string host = req.Header("host");
  bool ok = !host.empty() && host.size() < 200;
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' ||
          c == '[' || c == ']')) {
      ok = false;
    }
  }
  if (!ok) host = app.opts.host + ":" + std::to_string(app.opts.port);
  const std::string proto = req.Header("x-forwarded-proto") == "https" ? "https" : "http";
  return proto + "://" + host;
}

Response Poster(App& app, const Request& req) {
  auto v = ManagedVenue(app, req);
  if (!v) return NoVenue();
  const std::string url = Origin(app, req) + "/v/" + v->id;
  auto qr = EncodeQr(url);
  if (!qr) return ErrorResponse(Status::kInternal, "qr_failed", "The URL does not fit a QR code.");
  Response r;
  r.content_type = "image/svg+xml; charset=utf-8";
  r.body = RenderVenuePosterSvg(qr->matrix, PosterInfo{v->name, v->address, url, v->id});
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"venue-" + v->id + ".svg\"");
  app.Audit(req.caller, "venue.poster", v->id);
  return r;
}

// POST /api/v1/venues/{id}/checkins {"visitors":[{"person_id","temperature"}]}
Response CheckIn(App& app, const Request& req) {
  auto v = app.db->GetVenue(req.Param("id"));
  if (!v) return NoVenue();
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("visitors") || !(*body)["visitors"].is_array() ||
      (*body)["visitors"].empty()) {
    return FieldErrors(Json::array({FieldErrorJson("visitors", "required", "who is checking in")}));
  }
  const Json& list = (*body)["visitors"];
  if (list.size() > kMaxVisitorsPerCheckin) {
    return FieldErrors(
        Json::array({FieldErrorJson("visitors", "too_many", "self and up to 3 family members")}));
  }
  Json errors = Json::array();
  std::vector<std::pair<PersonRow, double>> who;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string f = "visitors[" + std::to_string(i) + "]";
    const std::string pid = StrField(list[i], "person_id");
    auto p = ReachablePerson(app, req.caller, pid);
    if (!p || !seen.insert(pid).second) {
      errors.push_back(FieldErrorJson(f + ".person_id", "not_found", "not one of your family"));
      continue;
    }
    const Json& t =
        list[i].is_object() && list[i].contains("temperature") ? list[i]["temperature"] : Json();
    if (!t.is_number()) {
      errors.push_back(FieldErrorJson(f + ".temperature", "required", "34.0–43.0 °C"));
      continue;
    }
    const double temp = t.get<double>();
    if (temp < 34.0 || temp > 43.0) {
      errors.push_back(FieldErrorJson(f + ".temperature", "out_of_range", "34.0–43.0 °C"));
      continue;
    }
    who.emplace_back(*p, std::round(temp * 10) / 10);
  }
  if (!errors.empty()) return FieldErrors(errors);
  const int64_t now = app.Now();
  Json visits = Json::array();
  for (auto& [p, temp] : who) {
    std::optional<IssuedCode> code = IssueCode(app, p, CodeUse::kScreen);
    VisitRow row;
    row.id = RandomId();
    row.venue_id = v->id;
    row.person_id = p.id;
    row.account_id = req.caller.subject_id;
    row.at = now;
    row.day = FormatDate(app.Today());
    row.temperature = temp;
    row.color = code ? ToString(code->color) : "";
    app.db->AddVisit(row);
    Json j = {{"visit_id", row.id},         {"person_id", p.id},   {"name_masked", p.name_masked},
              {"visited_at", app.Iso(now)}, {"temperature", temp}, {"fever", temp >= 37.3}};
    j["code"] = code ? code->Code() : Json(nullptr);
    visits.push_back(j);
  }
  app.Audit(req.caller, "venue.checkin", v->id, {{"visitors", who.size()}});
  return JsonResponse(Status::kCreated,
                      {{"venue_id", v->id}, {"venue_name", v->name}, {"visits", visits}});
}

// The window [from, to) from ISO instants; defaults: the last 14 days.
bool Window(App& app, const std::string& from_s, const std::string& to_s, int64_t* from,
            int64_t* to, Response* err) {
  *to = app.Now() + 1;
  *from = *to - 14 * 86400;
  if (!from_s.empty()) {
    auto t = ParseInstant(from_s);
    if (!t) {
      *err = FieldErrors(Json::array({FieldErrorJson("from", "bad_date", "ISO 8601 instant")}));
      return false;
    }
    *from = t->unix_seconds;
  }
  if (!to_s.empty()) {
    auto t = ParseInstant(to_s);
    if (!t) {
      *err = FieldErrors(Json::array({FieldErrorJson("to", "bad_date", "ISO 8601 instant")}));
      return false;
    }
    *to = t->unix_seconds;
  }
  return true;
}

Response Visits(App& app, const Request& req) {
  auto v = app.db->GetVenue(req.Param("id"));
  if (!v) return NoVenue();
  int64_t from, to;
  Response err;
  if (!Window(app, req.Query("from"), req.Query("to"), &from, &to, &err)) {
    return err;
  }
  Json out = Json::array();
  for (const VisitRow& r : app.db->VisitsBetween(v->id, from, to)) {
    auto p = app.db->GetPerson(r.person_id);
    out.push_back({{"visit_id", r.id},
                   {"person_id", r.person_id},
                   {"name_masked", p ? p->name_masked : ""},
                   {"visited_at", app.Iso(r.at)},
                   {"temperature", r.temperature},
                   {"color", p && !p->last_color.empty() ? p->last_color : r.color},
                   {"color_at_visit", r.color}});
  }
  app.Audit(req.caller, "venue.visits", v->id, {{"from", app.Iso(from)}, {"to", app.Iso(to)}});
  return JsonResponse(
      Status::kOk,
      {{"venue_id", v->id}, {"from", app.Iso(from)}, {"to", app.Iso(to)}, {"visits", out}});
}

// Everyone at the venue in the window becomes a close contact (unless the case
// list already says worse), and is recoloured at once.
Response MarkCloseContacts(App& app, const Request& req) {
  auto v = app.db->GetVenue(req.Param("id"));
  if (!v) return NoVenue();
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  int64_t from, to;
  if (!Window(app, StrField(*body, "from"), StrField(*body, "to"), &from, &to, &err)) return err;
  std::set<std::string> persons;
  for (const VisitRow& r : app.db->VisitsBetween(v->id, from, to)) persons.insert(r.person_id);
  std::vector<PersonRow> visitors;
  for (const std::string& pid : persons) {
    if (auto p = app.db->GetPerson(pid)) visitors.push_back(std::move(*p));
  }
  int marked = 0;
  int kept = 0;
  const std::string since = FormatDate(LocalDate(Instant{from, app.opts.tz_offset_minutes}));
  // Only the visitors' case status changes: nobody else is rescored.
  Recolour rc = RecolourAfter(app, visitors, [&] {
    app.db->Transaction([&] {
      for (const PersonRow& p : visitors) {
        auto cs = app.db->GetCaseStatus(p.id_hmac);
        if (cs && (cs->status == "confirmed" || cs->status == "suspected" ||
                   cs->status == "asymptomatic" || cs->status == "falsified" ||
                   cs->status == "close_contact")) {
          ++kept;
          continue;
        }
        app.db->PutCaseStatus(
            CaseRow{p.id_hmac, "close_contact", since, app.Now(), req.caller.username});
        ++marked;
      }
    });
  });
  app.Audit(req.caller, "venue.close_contacts", v->id,
            {{"from", app.Iso(from)},
             {"to", app.Iso(to)},
             {"marked", marked},
             {"recolored", rc.changed}});
  return JsonResponse(Status::kOk, {{"venue_id", v->id},
                                    {"people", persons.size()},
                                    {"marked", marked},
                                    {"already_listed", kept},
                                    {"recolored", rc.changed},
                                    {"rescored", rc.total},
                                    {"transitions", ToJson(rc)["transitions"]}});
}

}  // namespace

void RegisterVenueRoutes(App& app) {
  Router& r = app.router;
  r.Add("POST", "/api/v1/venues", kVenueStaff, CreateVenue);
  r.Add("GET", "/api/v1/venues", kVenueStaff, ListVenues);
  r.Add("GET", "/api/v1/venues/{id}", kAnyone, PublicVenue);
  r.Add("GET", "/api/v1/venues/{id}/poster", kVenueStaff, Poster);
  r.Add("POST", "/api/v1/venues/{id}/checkins", kResident, CheckIn);
  r.Add("GET", "/api/v1/admin/venues/{id}/visits", kAdmin, Visits);
  r.Add("POST", "/api/v1/admin/venues/{id}/close-contacts", kAdmin, MarkCloseContacts);
}

}  // namespace ankang::server
