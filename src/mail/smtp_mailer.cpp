#include "mail/smtp_mailer.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "mail/message.hpp"
#include "net/curl.hpp"

namespace faceloop::mail {
namespace {

// The upload source for one transfer: curl pulls the rendered message through ReadPayload.
struct Payload {
  std::string_view remaining;
};

size_t ReadPayload(char* buffer, size_t size, size_t count, void* user) {
  auto* payload = static_cast<Payload*>(user);
  const std::size_t n = std::min(size * count, payload->remaining.size());
  std::memcpy(buffer, payload->remaining.data(), n);
  payload->remaining.remove_prefix(n);
  return n;
}

// What libcurl reads from during one transfer; it must outlive curl_easy_perform.
struct Transfer {
  Payload payload;
  std::string mail_from;  // "<address>"
  net::CurlList recipients;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// Replaces every occurrence of `secret` so that no server echo or curl detail can leak it.
std::string Redact(std::string text, std::string_view secret) {
  constexpr std::string_view kMarker = "[redacted]";
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kMarker.size())) {
    text.replace(at, secret.size(), kMarker);
  }
  return text;
}

// The url without any "user:password@" part, for messages.
std::string WithoutUserInfo(std::string_view url) {
  const std::size_t authority = url.find("://");
  if (authority == std::string_view::npos) return std::string(url);
  const std::size_t host_end = std::min(url.find('/', authority + 3), url.size());
  const std::size_t at = url.rfind('@', host_end);
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority + 3)) + std::string(url.substr(at + 1));
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return a == (b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
         });
}

void CheckConfig(const SmtpConfig& config) {
  if (!StartsWith(config.url, "smtp://") && !StartsWith(config.url, "smtps://")) {
    throw Error(ErrorCode::kBadRequest, "mail url must start with smtp:// or smtps://");
  }
  if (config.url.find_first_of("\r\n") != std::string::npos) {
    throw Error(ErrorCode::kBadRequest, "mail url contains a line break");
  }
  ValidateAddress("mail from", config.from);
  if (config.timeout_s <= 0) throw Error(ErrorCode::kBadRequest, "mail timeout_s must be positive");
  if (config.username.find_first_of("\r\n") != std::string::npos) {
    throw Error(ErrorCode::kBadRequest, "mail username contains a line break");
  }
}

class SmtpMailer final : public IMailer {
 public:
  explicit SmtpMailer(SmtpConfig config) : config_(std::move(config)) {}

  void Send(const Message& message) override {
    const std::string data =
        BuildMessage(message, {config_.from, FormatDate(std::chrono::system_clock::now()), NewMessageId(config_.from)});
    const std::string rcpt = "<" + message.to + ">";
    Transfer transfer{Payload{data}, "<" + config_.from + ">", {}};
    transfer.recipients.Append(rcpt);
    const net::CurlEasy handle = net::MakeCurlEasy();
    CURLcode result = SetOptions(handle.get(), transfer);
    if (result == CURLE_OK) result = curl_easy_perform(handle.get());
    if (result != CURLE_OK) {
      throw Error(net::ErrorCodeForTransfer(result), Describe(handle.get(), result, transfer.error_buffer));
    }
  }

  std::string_view Name() const override { return "smtp"; }

 private:
  CURLcode SetOptions(CURL* curl, Transfer& transfer) const {
    CURLcode result = CURLE_OK;
    // Stops at the first failing option: later ones cannot fix an earlier one.
    const auto set = [&](CURLoption option, auto value) {
      if (result == CURLE_OK) result = curl_easy_setopt(curl, option, value);
    };
    set(CURLOPT_ERRORBUFFER, transfer.error_buffer);
    set(CURLOPT_URL, config_.url.c_str());
    set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set(CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: Send runs on many threads
    set(CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.timeout_s));
    set(CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_s));
    set(CURLOPT_MAIL_FROM, transfer.mail_from.c_str());
    set(CURLOPT_MAIL_RCPT, transfer.recipients.get());
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_READFUNCTION, &ReadPayload);
    set(CURLOPT_READDATA, &transfer.payload);
    set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.payload.remaining.size()));
    set(CURLOPT_USE_SSL, TlsLevel());
    set(CURLOPT_SSL_VERIFYPEER, config_.verify_peer ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, config_.verify_peer ? 2L : 0L);
    if (!config_.ca_file.empty()) set(CURLOPT_CAINFO, config_.ca_file.c_str());
    if (!config_.username.empty()) {
      set(CURLOPT_USERNAME, config_.username.c_str());
      set(CURLOPT_PASSWORD, config_.password.c_str());
    }
    return result;
  }

  long TlsLevel() const {
    if (StartsWith(config_.url, "smtps://")) return CURLUSESSL_ALL;
    switch (config_.starttls) {
      case SmtpConfig::Tls::kNone: return CURLUSESSL_NONE;
      case SmtpConfig::Tls::kTry: return config_.username.empty() ? CURLUSESSL_TRY : CURLUSESSL_ALL;
      case SmtpConfig::Tls::kRequired: return CURLUSESSL_ALL;
    }
    return CURLUSESSL_ALL;
  }

  // Names the server and curl's reason, plus the last SMTP reply code; never the body or password.
  std::string Describe(CURL* curl, CURLcode result, const char* error_buffer) const {
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    std::string text = "SMTP send via " + WithoutUserInfo(config_.url) + " failed: " + curl_easy_strerror(result);
    if (error_buffer[0] != '\0') text += std::string(" (") + error_buffer + ")";
    if (reply != 0) text += "; last SMTP reply " + std::to_string(reply);
    return Redact(std::move(text), config_.password);
  }

  const SmtpConfig config_;
};

}  // namespace

std::unique_ptr<IMailer> MakeSmtpMailer(SmtpConfig config) {
  CheckConfig(config);
  net::EnsureCurlInitialized();
  return std::make_unique<SmtpMailer>(std::move(config));
}

}  // namespace faceloop::mail
