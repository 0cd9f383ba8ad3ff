// The server's own request / response values, independent of Pistache, so
// handlers are plain functions (testable without a socket). Errors carry a
// Status; HttpCode() is the one place where a Status becomes an HTTP code.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shared/json.h"

namespace ankang::server {

enum class Status {
  kOk,
  kCreated,
  kAccepted,
  kNoContent,
  kNotModified,   // a conditional GET of an unchanged file (no body)
  kBadRequest,    // malformed JSON, wrong shape
  kUnauthorized,  // no or bad credentials
  kForbidden,     // authenticated, role not allowed
  kNotFound,      // unknown path or not yours
  kMethodNotAllowed,
  kConflict,  // state forbids it (second check-in of a day, locked field, limits)
  kTooLarge,
  kUnprocessable,  // field errors
  kRateLimited,
  kInternal,
  kUnavailable,
};

// The single Status -> HTTP status code mapping.
int HttpCode(Status s);

// Who is calling (filled from the bearer token before the handler runs).
struct Caller {
  std::string kind;        // "" (anonymous), "resident" or "staff"
  std::string subject_id;  // account id or staff id
  std::string role;        // "resident", "verifier", "issuer", "venue", "admin"
  std::string username;    // staff only
  std::string token_hash;
};

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // without the query string
  std::map<std::string, std::string> query;    // names and values percent-decoded
  std::map<std::string, std::string> params;   // from the route pattern, e.g. {"id": "..."}
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string ip;
  Caller caller;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  std::string Param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? "" : it->second;
  }
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

class PendingResponse;

struct Response {
  Status status = Status::kOk;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set when the answer comes later from another thread (a route whose work
  // must not hold an HTTP worker, http/work_pool.h); the fields above are then
  // unused and the answer is what `pending` resolves to.
  std::shared_ptr<PendingResponse> pending;
};

// An answer computed on another thread. Resolved once; OnDone(f) runs f with
// the answer at once when it is there already, else on the resolving thread.
// Each layer that finishes answers (App::Handle: metrics; Dispatch: headers;
// the Pistache skin: sending and the access log) chains its step with Then().
class PendingResponse {
 public:
  void Resolve(Response r);
  // REQUIRES: called at most once (one consumer).
  void OnDone(std::function<void(Response)> f);
  // The pending answer f(this answer).
  std::shared_ptr<PendingResponse> Then(std::function<Response(Response)> f);

 private:
  std::mutex mu_;
  std::optional<Response> answer_;
  std::function<void(Response)> done_;
};

// The answer itself: r, or what r.pending resolves to (blocks until then).
// For tests and in-process callers; the HTTP layer never waits.
Response AwaitResponse(Response r);

// JSON answers.
Response JsonResponse(Status s, const Json& body);
// {"error":{"code","message"}}.
Response ErrorResponse(Status s, const std::string& code, const std::string& message);
// 422 {"errors":[...]} from a list already in JSON.
Response FieldErrors(const Json& errors);

// Decodes one query-string name or value (application/x-www-form-urlencoded:
// "+" is a space, %XX a byte). False on a malformed escape ("%zz", "%4"), a
// NUL (encoded or not) or a result that is not UTF-8; the HTTP layer then
// answers 400 and no handler runs.
bool PercentDecode(const std::string& in, std::string* out);

// One entry of a 422 list: {"field","code","message"}.
Json FieldErrorJson(const std::string& field, const std::string& code, const std::string& message);
// s without leading and trailing spaces, tabs and line breaks.
std::string Trim(const std::string& s);

// Parses the body as a JSON object; on failure *error is a 400 answer.
std::optional<Json> ParseJsonObject(const Request& req, Response* error);

}  // namespace ankang::server
