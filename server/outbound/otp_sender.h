// Delivery of one-time codes. Pluggable: the log sender (default) writes only
// a masked phone number; the webhook sender POSTs {"phone","code","message"}
// as JSON to an SMS gateway. Neither ever logs the full number or the code.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace ankang::server {

class OtpSender {
 public:
  virtual ~OtpSender() = default;
  // false when the code could not be handed over.
  virtual bool Send(const std::string& phone, const std::string& code) = 0;
};

class LogOtpSender : public OtpSender {
 public:
  bool Send(const std::string& phone, const std::string& code) override;
};

// POSTs to url ("http://host[:port]/path") with Pistache's HTTP client; waits
// at most 5 s for the gateway's answer (2xx = delivered).
class WebhookOtpSender : public OtpSender {
 public:
  explicit WebhookOtpSender(std::string url);
  ~WebhookOtpSender() override;
  bool Send(const std::string& phone, const std::string& code) override;

 private:
  struct Impl;
  std::string url_;
  std::mutex mu_;
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<OtpSender> MakeOtpSender(const std::string& webhook_url);

}  // namespace ankang::server
