#include "server/http/request.h"

#include <condition_variable>

#include "shared/utf8.h"

namespace ankang::server {

int HttpCode(Status s) {
  switch (s) {
    case Status::kOk:
      return 200;
    case Status::kCreated:
      return 201;
    case Status::kAccepted:
      return 202;
    case Status::kNoContent:
      return 204;
    case Status::kNotModified:
      return 304;
    case Status::kBadRequest:
      return 400;
    case Status::kUnauthorized:
      return 401;
    case Status::kForbidden:
      return 403;
    case Status::kNotFound:
      return 404;
    case Status::kMethodNotAllowed:
      return 405;
    case Status::kConflict:
      return 409;
    case Status::kTooLarge:
      return 413;
    case Status::kUnprocessable:
      return 422;
    case Status::kRateLimited:
      return 429;
    case Status::kInternal:
      return 500;
    case Status::kUnavailable:
      return 503;
  }
  return 500;
}

void PendingResponse::Resolve(Response r) {
  std::function<void(Response)> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!done_) {
      answer_ = std::move(r);
      return;
    }
    done = std::move(done_);
  }
  done(std::move(r));
}

void PendingResponse::OnDone(std::function<void(Response)> f) {
  std::optional<Response> ready;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!answer_) {
      done_ = std::move(f);
      return;
    }
    ready = std::move(answer_);
    answer_.reset();
  }
  f(std::move(*ready));
}

std::shared_ptr<PendingResponse> PendingResponse::Then(std::function<Response(Response)> f) {
  auto next = std::make_shared<PendingResponse>();
  OnDone([next, f = std::move(f)](Response r) {
    Response out;
    try {
      out = f(std::move(r));
    } catch (...) {
      out = ErrorResponse(Status::kInternal, "internal", "Internal error.");
    }
    next->Resolve(std::move(out));
  });
  return next;
}

Response AwaitResponse(Response r) {
  while (r.pending) {
    auto pending = std::move(r.pending);
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Response> got;
    pending->OnDone([&](Response answer) {
      std::lock_guard<std::mutex> l(mu);
      got = std::move(answer);
      cv.notify_one();
    });
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return got.has_value(); });
    r = std::move(*got);
  }
  return r;
}

Response JsonResponse(Status s, const Json& body) {
  Response r;
  r.status = s;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(Status s, const std::string& code, const std::string& message) {
  return JsonResponse(s, Json{{"error", {{"code", code}, {"message", message}}}});
}

Response FieldErrors(const Json& errors) {
  return JsonResponse(Status::kUnprocessable, Json{{"errors", errors}});
}

Json FieldErrorJson(const std::string& field, const std::string& code, const std::string& message) {
  return {{"field", field}, {"code", code}, {"message", message}};
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

bool PercentDecode(const std::string& in, std::string* out) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      *out += ' ';
    } else if (in[i] == '\0') {
      return false;  // a NUL as such, like an encoded one
    } else if (in[i] != '%') {
      *out += in[i];
    } else {
      const int hi = i + 2 < in.size() ? hex(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? hex(in[i + 2]) : -1;
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
      *out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  // Every value is text: the decoded bytes must be well-formed UTF-8.
  char32_t cp;
  for (size_t i = 0, n = 0; i < out->size(); i += n) {
    n = utf8::Decode(*out, i, &cp);
    if (n == 0) return false;
  }
  return true;
}

std::optional<Json> ParseJsonObject(const Request& req, Response* error) {
  Json j = Json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    *error = ErrorResponse(Status::kBadRequest, "bad_json", "The body is not valid JSON.");
    return std::nullopt;
  }
  if (!j.is_object()) {
    *error = ErrorResponse(Status::kBadRequest, "bad_json", "The body must be a JSON object.");
    return std::nullopt;
  }
  return j;
}

}  // namespace ankang::server
