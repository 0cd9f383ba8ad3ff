#include "server/outbound/otp_sender.h"

#include <pistache/async.h>
#include <pistache/client.h>
#include <pistache/http.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

#include "shared/json.h"
#include "shared/mask.h"

namespace ankang::server {

bool LogOtpSender::Send(const std::string& phone, const std::string& /*code*/,
                        const std::string& kind, const std::string& /*message*/) {
  std::fprintf(stderr, "otp (%s) sent to %s (log sender)\n", kind.c_str(),
               MaskPhone(phone).c_str());
  return true;
}

bool LogOtpSender::Notify(const std::string& phone, const std::string& /*message*/) {
  std::fprintf(stderr, "notice sent to %s (log sender)\n", MaskPhone(phone).c_str());
  return true;
}

struct WebhookOtpSender::Impl {
  Pistache::Http::Experimental::Client client;
};

WebhookOtpSender::WebhookOtpSender(std::string url)
    : url_(std::move(url)), impl_(std::make_unique<Impl>()) {
  auto opts = Pistache::Http::Experimental::Client::options().threads(1).maxConnectionsPerHost(4);
  impl_->client.init(opts);
}

WebhookOtpSender::~WebhookOtpSender() { impl_->client.shutdown(); }

bool WebhookOtpSender::Send(const std::string& phone, const std::string& code,
                            const std::string& kind, const std::string& message) {
  Json body = {
      {"phone", phone},
      {"code", code},
      {"kind", kind},
      {"message", !message.empty() ? message
                                   : "【安康码】验证码 " + code + "，5分钟内有效。Ankang code " +
                                         code + ", valid for 5 minutes."}};
  return Post(phone, body.dump(), "otp");
}

bool WebhookOtpSender::Notify(const std::string& phone, const std::string& message) {
  Json body = {{"phone", phone}, {"message", message}, {"kind", "notice"}};
  return Post(phone, body.dump(), "notice");
}

bool WebhookOtpSender::Post(const std::string& phone, const std::string& body, const char* what) {
  using namespace Pistache;
  std::lock_guard<std::mutex> l(mu_);
  auto ok = std::make_shared<std::atomic<bool>>(false);
  auto promise = impl_->client.post(url_)
                     .header<Http::Header::ContentType>(MIME(Application, Json))
                     .body(body)
                     .timeout(std::chrono::seconds(5))
                     .send();
  promise.then(
      [ok](Http::Response r) {
        int c = static_cast<int>(r.code());
        ok->store(c >= 200 && c < 300);
      },
      [](std::exception_ptr) {});
  Async::Barrier<Http::Response> barrier(promise);
  barrier.wait_for(std::chrono::seconds(6));
  std::fprintf(stderr, "%s to %s via webhook: %s\n", what, MaskPhone(phone).c_str(),
               ok->load() ? "accepted" : "failed");
  return ok->load();
}

std::unique_ptr<OtpSender> MakeOtpSender(const std::string& webhook_url) {
  if (webhook_url.empty()) return std::make_unique<LogOtpSender>();
  return std::make_unique<WebhookOtpSender>(webhook_url);
}

}  // namespace ankang::server
