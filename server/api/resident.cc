// Resident routes: declarations, persons and their codes, daily check-ins,
// paper codes, family members, editing personal info, appeals. A resident
// reaches only persons they are a guardian of; anything else is 404.
#include "server/api/routes.h"
#include "server/domain/codes.h"
#include "server/domain/consent.h"
#include "server/domain/persons.h"
#include "server/domain/scoring.h"
#include "server/render/qr.h"
#include "shared/card.h"
#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

std::string Lang(const Request& req) {
  return req.Header("accept-language").rfind("en", 0) == 0 ? "en" : "zh";
}

Response Invalid(const std::vector<FieldError>& errors, const Request& req) {
  Json j = ToJson(errors, Lang(req));
  if (j.is_object() && j.contains("errors")) return JsonResponse(Status::kUnprocessable, j);
  return FieldErrors(j);
}

Response NotYours() {
  return ErrorResponse(Status::kNotFound, "not_found", "No such person. 未找到此人。");
}

Response NoDeclaration() {
  return ErrorResponse(Status::kConflict, "no_declaration",
                       "Declare first to get a code. 请先完成健康申报。");
}

// A person already registered is joined only with consent: a caller who is
// not yet a guardian gets a request, answered the same whatever the name
// (202), and nothing of the person. nullopt: not such a case.
std::optional<Response> JoinInstead(App& app, const Caller& c, const Json& person) {
  const auto type = IdTypeFromString(StrField(person, "id_type"));
  std::string id;
  if (!type || !CheckIdNumber(*type, StrField(person, "id_number"), app.Today(), &id).empty()) {
    return std::nullopt;
  }
  std::optional<PersonRow> p = app.db->FindPersonByIdHmac(IdHmac(app, ToString(*type), id));
  if (!p || app.db->GetGuardianship(c.subject_id, p->id)) return std::nullopt;
  if (!JoinAllowed(app, c, *p)) {
    Response r = ErrorResponse(Status::kRateLimited, "too_many_requests",
                               "Too many requests to join; try again tomorrow. "
                               "申请过于频繁，请明天再试。");
    r.headers.emplace_back("Retry-After", "86400");
    return r;
  }
  std::string relation = StrField(person, "relation");
  if (relation.empty()) relation = "other";
  JoinRequestRow r = RequestJoin(app, c, *p, Trim(StrField(person, "name")), relation);
  return JsonResponse(Status::kAccepted,
                      {{"state", "pending"},
                       {"request_id", r.id},
                       {"message_zh",
                        "已提交申请。此人或其代办人同意后，您才能为其申报；若此人登记了手机，"
                        "会收到验证码，请向其索取。"},
                       {"message_en",
                        "Request sent. You can act for this person once they or a guardian agree; "
                        "if they have a phone on record, it received a code: ask them for it."}});
}

// Residence fields (not identity) follow the latest declaration or edit. The
// phone on record says who the person themselves is (domain/consent.h): only
// they change it once set.
void ApplyResidence(App& app, const Caller& c, const Json& person, PersonRow* p) {
  const std::string phone = StrField(person, "phone");
  if (!phone.empty() && (p->phone_enc.empty() || IsThePerson(app, c.subject_id, *p))) {
    p->phone_enc = app.data_keys.Encrypt("person.phone", phone);
  }
  if (!StrField(person, "nationality").empty()) p->nationality = StrField(person, "nationality");
  if (!StrField(person, "region").empty()) p->region = StrField(person, "region");
  if (person.contains("address")) {
    p->address_enc = app.data_keys.Encrypt("person.address", StrField(person, "address"));
  }
  p->updated_at = app.Now();
}

// Finds or creates the person described by a normalised person object and
// makes the caller its guardian. On refusal returns nullopt with *err set.
std::optional<PersonRow> AttachPerson(App& app, const Caller& c, const Json& person,
                                      Response* err) {
  const std::string id_type = StrField(person, "id_type");
  const std::string id_number = StrField(person, "id_number");
  const std::string name = StrField(person, "name");
  bool has_self = false;
  const int others = OthersOf(app, c.subject_id, &has_self);
  std::string relation = StrField(person, "relation");
  if (relation.empty()) relation = has_self ? "other" : "self";
  const int64_t now = app.Now();

  std::optional<PersonRow> p = app.db->FindPersonByIdHmac(IdHmac(app, id_type, id_number));
  if (p && !app.db->GetGuardianship(c.subject_id, p->id)) {  // registered meanwhile
    *err = ErrorResponse(Status::kConflict, "join_required", "Please try again. 请重试。");
    return std::nullopt;
  }
  if (p && Decrypt(app, *p).name != name) {
    *err = ErrorResponse(Status::kConflict, "identity_mismatch",
                         "Name and ID number do not match our records; file an appeal if they "
                         "should. 姓名与证件号码不符，如有误请申诉。");
    return std::nullopt;
  }
  if (p && app.db->GetGuardianship(c.subject_id, p->id)) return p;
  if (relation == "self" && has_self) {
    *err = ErrorResponse(Status::kConflict, "self_exists",
                         "This account already declares for its holder. 本账号已有本人信息。");
    return std::nullopt;
  }
  if (relation != "self" && others >= kMaxOthersPerAccount) {
    *err = ErrorResponse(Status::kConflict, "too_many_persons",
                         "An account may declare for at most 3 others. 最多为3位家人代办。");
    return std::nullopt;
  }
  if (p && app.db->CountGuardians(p->id) >= kMaxGuardiansPerPerson) {
    *err = ErrorResponse(Status::kConflict, "too_many_guardians",
                         "This person already has 3 guardians. 此人已有3位代办人。");
    return std::nullopt;
  }
  if (!p) {
    PersonRow n;
    n.id = RandomId();
    n.person_ref = RandomId(12);
    SetIdentity(app, person, &n);
    n.nationality = "CHN";
    n.created_at = now;
    ApplyResidence(app, c, person, &n);
    app.db->CreatePerson(n);
    p = n;
  }
  app.db->AddGuardian(GuardianRow{c.subject_id, p->id, relation, now});
  return p;
}

// The stored declaration: the normalised body without name, ID number, phone
// and address (those live encrypted in the person row).
Json StoredBody(const Json& norm, const PersonRow& p, const std::string& relation) {
  Json body = norm;
  body.erase("person");
  body["person"] = {{"id_type", p.id_type},
                    {"nationality", p.nationality},
                    {"region", p.region},
                    {"relation", relation}};
  body["person_id"] = p.id;
  return body;
}

Response Declare(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  Json norm;
  std::vector<FieldError> errors = ValidateDeclaration(*body, app.Today(), &norm);
  if (!errors.empty()) return Invalid(errors, req);
  const Caller& c = req.caller;
  if (norm.contains("person") && norm["person"].is_object()) {
    if (auto join = JoinInstead(app, c, norm["person"])) return *join;
  }
  std::optional<PersonRow> person;
  DeclarationRow d;
  bool refused = false;
  app.db->Transaction([&] {
    if (norm.contains("person") && norm["person"].is_object()) {
      person = AttachPerson(app, c, norm["person"], &err);
      if (person) {
        ApplyResidence(app, c, norm["person"], &*person);
        app.db->UpdatePerson(*person);
      }
    } else {
      person = ReachablePerson(app, c, StrField(*body, "person_id"));
      if (!person) err = NotYours();
    }
    if (!person) {
      refused = true;
      return;
    }
    auto g = app.db->GetGuardianship(c.subject_id, person->id);
    const int64_t now = app.Now();
    d.id = RandomId();
    d.person_id = person->id;
    d.account_id = c.subject_id;
    d.declared_at = now;
    d.day = FormatDate(app.Today());
    d.body = StoredBody(norm, *person, g ? g->relation : "other").dump();
    d.review_required = app.CurrentRules()->review &&
                        RegionCovers(app.authority.ReviewRegions(*app.db, now), person->region);
    d.review_state = d.review_required ? "pending" : "none";
    d.review_due = d.review_required
                       ? ReviewDeadline(Instant{now, app.opts.tz_offset_minutes}).unix_seconds
                       : 0;
    app.db->AddDeclaration(d);
  });
  if (refused) return err;
  app.metrics.CountDeclaration();
  std::optional<IssuedCode> code =
      IssueCode(app, *app.db->GetPerson(person->id), CodeUse::kScreen, WantsOfflineCode(req));
  return JsonResponse(Status::kCreated, {{"person_id", person->id},
                                         {"declaration_id", d.id},
                                         {"code", code ? code->Code() : Json(nullptr)}});
}

Response ListPersons(App& app, const Request& req) {
  Json out = Json::array();
  for (const GuardianRow& g : app.db->GuardianshipsOfAccount(req.caller.subject_id)) {
    std::optional<PersonRow> p = app.db->GetPerson(g.person_id);
    if (!p) continue;
    std::optional<IssuedCode> code = IssueCode(app, *p, CodeUse::kScreen, WantsOfflineCode(req));
    out.push_back({{"person_id", p->id},
                   {"name_masked", p->name_masked},
                   {"relation", g.relation},
                   {"code", code ? code->Code() : Json(nullptr)}});
  }
  return JsonResponse(Status::kOk, out);
}

Response GetCode(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  std::optional<IssuedCode> code = IssueCode(app, *p, CodeUse::kScreen, WantsOfflineCode(req));
  if (!code) return NoDeclaration();
  Response r;
  r.status = Status::kOk;
  r.body = std::move(code->json);
  return r;
}

Response CheckIn(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  Json norm;
  std::vector<FieldError> errors = ValidateCheckin(*body, &norm);
  if (!errors.empty()) return Invalid(errors, req);
  if (!app.db->LatestDeclaration(p->id)) return NoDeclaration();
  CheckinRow c;
  c.id = RandomId();
  c.person_id = p->id;
  c.account_id = req.caller.subject_id;
  c.day = FormatDate(app.Today());
  c.at = app.Now();
  c.temperature = norm.contains("temperature") && norm["temperature"].is_number()
                      ? norm["temperature"].get<double>()
                      : 36.5;
  c.symptoms =
      norm.contains("symptoms") && norm["symptoms"].is_array() ? norm["symptoms"].dump() : "[]";
  if (!app.db->AddCheckin(c)) {
    return ErrorResponse(Status::kConflict, "already_checked_in",
                         "Already checked in today. 今日已打卡。");
  }
  std::optional<IssuedCode> code = IssueCode(app, *p, CodeUse::kScreen, WantsOfflineCode(req));
  Response r;
  r.status = Status::kCreated;
  r.body = std::move(code->json);
  return r;
}

Response PaperCode(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  std::optional<IssuedCode> code = IssueCode(app, *p, CodeUse::kPaper);
  if (!code) return NoDeclaration();
  std::optional<EncodedQr> qr = EncodeQr(code->qr);
  if (!qr) return ErrorResponse(Status::kInternal, "internal", "Internal error.");
  CardInfo info;
  info.color = code->color;
  info.name_masked = p->name_masked;
  info.issued_at = app.Iso(app.Now());
  info.valid_until = app.Iso(code->token_expires_at);
  info.lang = req.Query("lang") == "en" ? "en" : "zh";
  app.Audit(req.caller, "paper_code.issue", p->id);
  Response r;
  r.content_type = "image/svg+xml; charset=utf-8";
  r.body = RenderPaperSvg(qr->matrix, info);
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"ankang-paper-code.svg\"");
  return r;
}

Json PersonDetail(App& app, const PersonRow& p, const std::string& relation) {
  PersonPlain plain = Decrypt(app, p);
  const std::string today = FormatDate(app.Today());
  const std::string policy = app.CurrentRules()->edit_policy;
  const bool edit_allowed = policy == "once" ? p.edit_count == 0 : p.last_edit_day != today;
  return {{"person_id", p.id},
          {"name", plain.name},
          {"name_masked", p.name_masked},
          {"id_type", p.id_type},
          {"id_masked", MaskIdNumber(plain.id_number)},
          {"id_tail", p.id_tail},
          {"phone", plain.phone},
          {"phone_masked", MaskPhone(plain.phone)},
          {"nationality", p.nationality},
          {"region", p.region},
          {"address", plain.address},
          {"relation", relation},
          {"identity_locked", p.code_issued_at != 0},
          {"edit_allowed", edit_allowed},
          {"edit_policy", policy},
          {"guardians", app.db->CountGuardians(p.id)}};
}

Response GetPerson(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  auto g = app.db->GetGuardianship(req.caller.subject_id, p->id);
  return JsonResponse(Status::kOk, PersonDetail(app, *p, g ? g->relation : ""));
}

Response EditPerson(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  PersonPlain plain = Decrypt(app, *p);
  Json merged = {
      {"name", plain.name},      {"id_type", p->id_type},         {"id_number", plain.id_number},
      {"phone", plain.phone},    {"nationality", p->nationality}, {"region", p->region},
      {"address", plain.address}};
  for (const char* k :
       {"name", "id_type", "id_number", "phone", "nationality", "region", "address"}) {
    if (body->contains(k)) merged[k] = (*body)[k];
  }
  Json norm;
  std::vector<FieldError> errors = ValidatePerson(merged, app.Today(), "person.", &norm);
  if (!errors.empty()) return Invalid(errors, req);
  const bool identity_changed = StrField(norm, "name") != plain.name ||
                                StrField(norm, "id_type") != p->id_type ||
                                StrField(norm, "id_number") != plain.id_number;
  if (identity_changed && p->code_issued_at != 0) {
    return ErrorResponse(Status::kConflict, "identity_locked",
                         "Name and ID are locked once a code was issued; file an appeal to "
                         "correct them. 已赋码，姓名和证件号码不可修改，请提出申诉。");
  }
  if (StrField(norm, "phone") != plain.phone && !plain.phone.empty() &&
      !IsThePerson(app, req.caller.subject_id, *p)) {
    return ErrorResponse(Status::kForbidden, "not_the_person",
                         "Only the person themselves may change the phone on record. "
                         "只有本人可以修改登记的手机号。");
  }
  const std::string today = FormatDate(app.Today());
  const std::string policy = app.CurrentRules()->edit_policy;
  if (policy == "once" ? p->edit_count > 0 : p->last_edit_day == today) {
    return ErrorResponse(
        Status::kConflict, "edit_limit",
        policy == "once" ? "Personal info can be edited only once. 个人信息仅可修改一次。"
                         : "Personal info can be edited once a day. 个人信息每天只能修改一次。");
  }
  if (identity_changed) {
    const std::string h = IdHmac(app, StrField(norm, "id_type"), StrField(norm, "id_number"));
    auto other = app.db->FindPersonByIdHmac(h);
    if (other && other->id != p->id) {
      return ErrorResponse(Status::kConflict, "id_taken",
                           "Another person has this ID number. 该证件号码已被使用。");
    }
    SetIdentity(app, norm, &*p);
  }
  ApplyResidence(app, req.caller, norm, &*p);
  p->last_edit_day = today;
  p->edit_count += 1;
  app.db->UpdatePerson(*p);
  app.Audit(req.caller, "person.edit", p->id, {{"identity", identity_changed}});
  auto g = app.db->GetGuardianship(req.caller.subject_id, p->id);
  return JsonResponse(Status::kOk, PersonDetail(app, *p, g ? g->relation : ""));
}

Response ListFamily(App& app, const Request& req) {
  Json persons = Json::array();
  for (const GuardianRow& g : app.db->GuardianshipsOfAccount(req.caller.subject_id)) {
    std::optional<PersonRow> p = app.db->GetPerson(g.person_id);
    if (!p) continue;
    persons.push_back({{"person_id", p->id},
                       {"name_masked", p->name_masked},
                       {"relation", g.relation},
                       {"has_declaration", app.db->LatestDeclaration(p->id).has_value()}});
  }
  return JsonResponse(Status::kOk, {{"persons", persons},
                                    {"max_others", kMaxOthersPerAccount},
                                    {"max_guardians", kMaxGuardiansPerPerson}});
}

Response AddFamily(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  Json person = body->contains("person") ? (*body)["person"] : *body;
  if (auto join = JoinInstead(app, req.caller, person)) return *join;
  std::optional<PersonRow> existing;
  Json norm;
  // A person the caller already guards is named by ID number + name; a new one
  // needs the full person.
  const auto type = IdTypeFromString(StrField(person, "id_type"));
  std::string id_norm;
  if (type && CheckIdNumber(*type, StrField(person, "id_number"), app.Today(), &id_norm).empty()) {
    existing = app.db->FindPersonByIdHmac(IdHmac(app, StrField(person, "id_type"), id_norm));
  }
  if (existing) {
    norm = {{"id_type", existing->id_type},
            {"id_number", id_norm},
            {"name", StrField(person, "name")},
            {"relation", StrField(person, "relation")}};
  } else {
    std::vector<FieldError> errors = ValidatePerson(person, app.Today(), "person.", &norm);
    if (!errors.empty()) return Invalid(errors, req);
    norm["relation"] = StrField(person, "relation");
  }
  if (StrField(norm, "relation").empty()) norm["relation"] = "other";
  std::optional<PersonRow> p;
  app.db->Transaction([&] { p = AttachPerson(app, req.caller, norm, &err); });
  if (!p) return err;
  app.Audit(req.caller, "family.add", p->id);
  return JsonResponse(Status::kCreated, {{"person_id", p->id},
                                         {"name_masked", p->name_masked},
                                         {"relation", StrField(norm, "relation")}});
}

Response RemoveFamily(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p || !RemoveGuardianTold(app, req.caller, *p, req.caller.subject_id, "family.remove")) {
    return NotYours();
  }
  return JsonResponse(Status::kOk, {{"removed", true}});
}

// Both the field names of this API and the short names the resident page
// reads (status, created_at, reason, resolution).
Json AppealJson(App& app, const AppealRow& a, const std::string& name_masked) {
  return {{"appeal_id", a.id},
          {"person_id", a.person_id},
          {"name_masked", name_masked},
          {"topic", a.topic},
          {"message", a.message},
          {"reason", a.message},
          {"state", a.state},
          {"status", a.state},
          {"filed_at", app.Iso(a.filed_at)},
          {"created_at", app.Iso(a.filed_at)},
          {"due_at", app.Iso(a.due_at)},
          {"resolved_at", a.resolved_at ? Json(app.Iso(a.resolved_at)) : Json(nullptr)},
          {"note", a.note},
          {"resolution", a.note}};
}

Response FileAppeal(App& app, const Request& req) {
  std::optional<PersonRow> p = ReachablePerson(app, req.caller, req.Param("id"));
  if (!p) return NotYours();
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  // "kind" / "reason" are accepted as the resident page's names.
  std::string topic = StrField(*body, "topic");
  if (topic.empty()) topic = StrField(*body, "kind");
  if (topic.empty()) topic = "color";
  std::string message = StrField(*body, "message");
  if (message.empty()) message = StrField(*body, "reason");
  Json errors = Json::array();
  if (topic != "color" && topic != "identity" && topic != "other") {
    errors.push_back(
        {{"field", "topic"}, {"code", "not_allowed"}, {"message", "color, identity or other"}});
  }
  if (message.empty()) {
    errors.push_back({{"field", "message"}, {"code", "required"}, {"message", "必填 / required"}});
  } else if (Utf8Length(message) > 500) {
    errors.push_back({{"field", "message"}, {"code", "too_long"}, {"message", "≤ 500"}});
  }
  if (!errors.empty()) return FieldErrors(errors);
  AppealRow a;
  a.id = RandomId();
  a.person_id = p->id;
  a.account_id = req.caller.subject_id;
  a.topic = topic;
  a.message = message;
  a.filed_at = app.Now();
  a.due_at = AddWorkingDays(Instant{a.filed_at, app.opts.tz_offset_minutes}, 3).unix_seconds;
  app.db->AddAppeal(a);
  app.Audit(req.caller, "appeal.file", a.id);
  return JsonResponse(Status::kCreated, AppealJson(app, a, p->name_masked));
}

Response MyAppeals(App& app, const Request& req) {
  Json out = Json::array();
  for (const AppealRow& a : app.db->AppealsOfAccount(req.caller.subject_id)) {
    auto p = app.db->GetPerson(a.person_id);
    out.push_back(AppealJson(app, a, p ? p->name_masked : ""));
  }
  return JsonResponse(Status::kOk, out);
}

// A copy of everything held about the account's persons (PIPL art. 45: the
// right to a copy): personal info, every stored declaration and check-in, and
// the account's appeals. Decrypted for the guardian only; the export is audited.
Response ExportMyData(App& app, const Request& req) {
  Json persons = Json::array();
  for (const GuardianRow& g : app.db->GuardianshipsOfAccount(req.caller.subject_id)) {
    std::optional<PersonRow> p = app.db->GetPerson(g.person_id);
    if (!p) continue;
    Json person = PersonDetail(app, *p, g.relation);
    person["id_number"] = Decrypt(app, *p).id_number;  // their own copy: in full
    Json declarations = Json::array();
    for (const DeclarationRow& d : app.db->DeclarationsSince(p->id, 0)) {
      declarations.push_back({{"declaration_id", d.id},
                              {"declared_at", app.Iso(d.declared_at)},
                              {"declaration", Json::parse(d.body, nullptr, false)},
                              {"review_state", d.review_state},
                              {"review_note", d.review_note}});
    }
    Json checkins = Json::array();
    for (const CheckinRow& c : app.db->CheckinsSince(p->id, 0)) {
      checkins.push_back({{"at", app.Iso(c.at)},
                          {"temperature", c.temperature},
                          {"symptoms", Json::parse(c.symptoms, nullptr, false)}});
    }
    person["declarations"] = std::move(declarations);
    person["checkins"] = std::move(checkins);
    persons.push_back(std::move(person));
  }
  Json appeals = Json::array();
  for (const AppealRow& a : app.db->AppealsOfAccount(req.caller.subject_id)) {
    auto p = app.db->GetPerson(a.person_id);
    appeals.push_back(AppealJson(app, a, p ? p->name_masked : ""));
  }
  app.Audit(req.caller, "resident.export", req.caller.subject_id);
  Response r = JsonResponse(Status::kOk, {{"exported_at", app.Iso(app.Now())},
                                          {"account_id", req.caller.subject_id},
                                          {"persons", std::move(persons)},
                                          {"appeals", std::move(appeals)}});
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ankang-my-data.json\"");
  return r;
}

}  // namespace

void RegisterResidentRoutes(App& app) {
  Router& r = app.router;
  r.Add("POST", "/api/v1/declarations", kResident, Declare);
  r.Add("GET", "/api/v1/persons", kResident, ListPersons);
  r.Add("GET", "/api/v1/persons/{id}", kResident, GetPerson);
  r.Add("PATCH", "/api/v1/persons/{id}", kResident, EditPerson);
  r.Add("GET", "/api/v1/persons/{id}/code", kResident, GetCode);
  r.Add("POST", "/api/v1/persons/{id}/checkins", kResident, CheckIn);
  r.Add("GET", "/api/v1/persons/{id}/paper-code", kResident, PaperCode);
  r.Add("POST", "/api/v1/persons/{id}/appeals", kResident, FileAppeal);
  r.Add("GET", "/api/v1/appeals", kResident, MyAppeals);
  r.Add("GET", "/api/v1/me/export", kResident, ExportMyData);
  r.Add("GET", "/api/v1/family", kResident, ListFamily);
  r.Add("POST", "/api/v1/family", kResident, AddFamily);
  r.Add("DELETE", "/api/v1/family/{id}", kResident, RemoveFamily);
}

}  // namespace ankang::server
