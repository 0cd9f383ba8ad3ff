// Delivery of one-time codes and notices to a phone. Pluggable: the log sender
// (default) writes only a masked phone number; the webhook sender POSTs
// {"phone","code","message","kind"} (codes) or {"phone","message","kind":"notice"}
// as JSON to an SMS gateway. Neither ever logs the full number or the code.
//
// The webhook sender never makes the caller wait for the gateway: Send() and
// Notify() put the message on a bounded queue and return at once. true: it is
// queued and its own threads will try to deliver it; false: the queue is full,
// the message is dropped and never sent later (the caller answers 503). Each
// attempt has a time limit; a failed attempt (no answer in time, no
// connection, a non-2xx answer) is retried with back-off, and no attempt
// starts once the message is older than max_age_ms. An attempt that timed out
// may still have been delivered by a slow gateway, so a retry can deliver the
// same message twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ankang::server {

struct OtpSenderOptions {
  size_t queue = 64;        // messages waiting (queued or between attempts)
  int threads = 2;          // sending threads
  int timeout_ms = 10000;   // per attempt: connecting, sending and the gateway's answer
  int attempts = 3;         // per message
  int backoff_ms = 1000;    // before the second attempt, doubling after each
  int max_age_ms = 120000;  // no attempt starts later (a log-in code lasts 5 minutes)
};

// For /metrics.
struct OtpSenderStats {
  uint64_t sent = 0;     // delivered (2xx)
  uint64_t failed = 0;   // given up after the last attempt or when too old
  uint64_t refused = 0;  // not queued (queue full)
  size_t waiting = 0;    // queued or between attempts now
};

class OtpSender {
 public:
  virtual ~OtpSender() = default;
  // true when queued for delivery (the log sender: written); false when not:
  // then nothing is ever sent. kind "login" (log-in code) or "join_request" (a
  // code the person hands to whoever asks to act for them); message: the text
  // to send, "" for the standard log-in text.
  virtual bool Send(const std::string& phone, const std::string& code,
                    const std::string& kind = "login", const std::string& message = "") = 0;
  // A notice without a code (a guardian joined or left); the same contract.
  virtual bool Notify(const std::string& phone, const std::string& message) = 0;
  virtual OtpSenderStats Stats() const { return {}; }
  // False when a message now would not be queued (counted as refused); a
  // hint: Send() decides.
  virtual bool HasRoom() { return true; }
};

class LogOtpSender : public OtpSender {
 public:
  bool Send(const std::string& phone, const std::string& code, const std::string& kind = "login",
            const std::string& message = "") override;
  bool Notify(const std::string& phone, const std::string& message) override;
};

// POSTs to url ("http(s)://host[:port]/path") from its own threads (curl,
// outbound/http_get.h); see the file comment.
class WebhookOtpSender : public OtpSender {
 public:
  WebhookOtpSender(std::string url, OtpSenderOptions opts);
  // Abandons attempts in progress and drops what is still queued (logged).
  ~WebhookOtpSender() override;
  bool Send(const std::string& phone, const std::string& code, const std::string& kind = "login",
            const std::string& message = "") override;
  bool Notify(const std::string& phone, const std::string& message) override;
  OtpSenderStats Stats() const override;
  bool HasRoom() override;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Message {
    std::string phone_masked;  // for the log
    std::string body;          // JSON
    const char* what = "otp";
    int attempt = 1;
    TimePoint queued_at;
  };
  bool Enqueue(Message m);
  void Loop();

  const std::string url_;
  const OtpSenderOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Message> ready_;
  std::multimap<TimePoint, Message> retry_;  // by the time of the next attempt
  std::atomic<bool> stop_{false};
  OtpSenderStats stats_;
  std::vector<std::thread> threads_;
};

std::unique_ptr<OtpSender> MakeOtpSender(const std::string& webhook_url,
                                         OtpSenderOptions opts = {});

}  // namespace ankang::server
