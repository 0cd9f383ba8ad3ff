// Delivery of one-time codes and notices to a phone. Pluggable: the log sender
// (default) writes only a masked phone number; the webhook sender POSTs
// {"phone","code","message","kind"} (codes) or {"phone","message","kind":"notice"}
// as JSON to an SMS gateway. Neither ever logs the full number or the code.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace ankang::server {

class OtpSender {
 public:
  virtual ~OtpSender() = default;
  // false when the code could not be handed over. kind "login" (log-in code)
  // or "join_request" (a code the person hands to whoever asks to act for
  // them); message: the text to send, "" for the standard log-in text.
  virtual bool Send(const std::string& phone, const std::string& code,
                    const std::string& kind = "login", const std::string& message = "") = 0;
  // A notice without a code (a guardian joined or left); false: not handed over.
  virtual bool Notify(const std::string& phone, const std::string& message) = 0;
};

class LogOtpSender : public OtpSender {
 public:
  bool Send(const std::string& phone, const std::string& code, const std::string& kind = "login",
            const std::string& message = "") override;
  bool Notify(const std::string& phone, const std::string& message) override;
};

// POSTs to url ("http://host[:port]/path") with Pistache's HTTP client; waits
// at most 5 s for the gateway's answer (2xx = delivered).
class WebhookOtpSender : public OtpSender {
 public:
  explicit WebhookOtpSender(std::string url);
  ~WebhookOtpSender() override;
  bool Send(const std::string& phone, const std::string& code, const std::string& kind = "login",
            const std::string& message = "") override;
  bool Notify(const std::string& phone, const std::string& message) override;

 private:
  bool Post(const std::string& phone, const std::string& body, const char* what);
  struct Impl;
  std::string url_;
  std::mutex mu_;
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<OtpSender> MakeOtpSender(const std::string& webhook_url);

}  // namespace ankang::server
