#include "server/outbound/otp_sender.h"

#include <pthread.h>

#include <algorithm>
#include <cstdio>

#include "server/outbound/http_get.h"
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

WebhookOtpSender::WebhookOtpSender(std::string url, OtpSenderOptions opts)
    : url_(std::move(url)), opts_(opts) {
  for (int i = 0; i < std::max(1, opts_.threads); ++i) threads_.emplace_back([this] { Loop(); });
}

WebhookOtpSender::~WebhookOtpSender() {
  size_t dropped = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    dropped = ready_.size() + retry_.size();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  if (dropped > 0) {
    std::fprintf(stderr, "sms webhook: %zu message(s) not sent, the server stopped\n", dropped);
  }
}

bool WebhookOtpSender::Send(const std::string& phone, const std::string& code,
                            const std::string& kind, const std::string& message) {
  Json body = {
      {"phone", phone},
      {"code", code},
      {"kind", kind},
      {"message", !message.empty() ? message
                                   : "【安康码】验证码 " + code + "，5分钟内有效。Ankang code " +
                                         code + ", valid for 5 minutes."}};
  return Enqueue(Message{MaskPhone(phone), body.dump(), "otp", 1, {}});
}

bool WebhookOtpSender::Notify(const std::string& phone, const std::string& message) {
  Json body = {{"phone", phone}, {"message", message}, {"kind", "notice"}};
  return Enqueue(Message{MaskPhone(phone), body.dump(), "notice", 1, {}});
}

bool WebhookOtpSender::Enqueue(Message m) {
  m.queued_at = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_ || ready_.size() + retry_.size() >= opts_.queue) {
      ++stats_.refused;
      std::fprintf(stderr, "%s to %s via webhook: not queued (queue full)\n", m.what,
                   m.phone_masked.c_str());
      return false;
    }
    ready_.push_back(std::move(m));
  }
  wake_.notify_one();
  return true;
}

OtpSenderStats WebhookOtpSender::Stats() const {
  std::lock_guard<std::mutex> l(mu_);
  OtpSenderStats s = stats_;
  s.waiting = ready_.size() + retry_.size();
  return s;
}

bool WebhookOtpSender::HasRoom() {
  std::lock_guard<std::mutex> l(mu_);
  if (!stop_ && ready_.size() + retry_.size() < opts_.queue) return true;
  ++stats_.refused;
  return false;
}

void WebhookOtpSender::Loop() {
  pthread_setname_np(pthread_self(), "ankang-sms");
  for (;;) {
    Message m;
    {
      std::unique_lock<std::mutex> l(mu_);
      for (;;) {
        if (stop_) return;
        const auto now = std::chrono::steady_clock::now();
        if (!retry_.empty() && retry_.begin()->first <= now) {  // older messages first
          m = std::move(retry_.begin()->second);
          retry_.erase(retry_.begin());
          break;
        }
        if (!ready_.empty()) {
          m = std::move(ready_.front());
          ready_.pop_front();
          break;
        }
        if (retry_.empty()) {
          wake_.wait(l);
        } else {
          wake_.wait_until(l, retry_.begin()->first);
        }
      }
    }
    const auto age = std::chrono::steady_clock::now() - m.queued_at;
    if (age > std::chrono::milliseconds(opts_.max_age_ms)) {
      std::fprintf(stderr, "%s to %s via webhook: failed, too old to send (attempt %d of %d)\n",
                   m.what, m.phone_masked.c_str(), m.attempt, opts_.attempts);
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.failed;
      continue;
    }
    std::string error;
    const bool ok = HttpPostJson(url_, m.body, opts_.timeout_ms, &error, &stop_);
    std::lock_guard<std::mutex> l(mu_);
    if (ok) {
      ++stats_.sent;
      std::fprintf(stderr, "%s to %s via webhook: accepted\n", m.what, m.phone_masked.c_str());
    } else if (stop_) {
      std::fprintf(stderr, "%s to %s via webhook: not sent, the server stopped\n", m.what,
                   m.phone_masked.c_str());
    } else if (m.attempt >= opts_.attempts) {
      ++stats_.failed;
      std::fprintf(stderr, "%s to %s via webhook: failed (%s), given up after %d attempts\n",
                   m.what, m.phone_masked.c_str(), error.c_str(), m.attempt);
    } else {
      const int wait_ms = opts_.backoff_ms << (m.attempt - 1);
      std::fprintf(stderr, "%s to %s via webhook: failed (%s), attempt %d of %d, next in %d ms\n",
                   m.what, m.phone_masked.c_str(), error.c_str(), m.attempt, opts_.attempts,
                   wait_ms);
      ++m.attempt;
      retry_.emplace(std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms),
                     std::move(m));
      wake_.notify_one();
    }
  }
}

std::unique_ptr<OtpSender> MakeOtpSender(const std::string& webhook_url, OtpSenderOptions opts) {
  if (webhook_url.empty()) return std::make_unique<LogOtpSender>();
  return std::make_unique<WebhookOtpSender>(webhook_url, opts);
}

}  // namespace ankang::server
