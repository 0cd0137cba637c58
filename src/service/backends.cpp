#include "service/backends.hpp"

#include "common/error.hpp"
#include "mail/smtp_mailer.hpp"
#include "search/opensearch_sink.hpp"
#include "storage/s3_object_store.hpp"

namespace faceloop::service {

std::unique_ptr<storage::IObjectStore> OpenRemoteStore(const Config& config) {
  const std::string& url = config.backends.object_store_url;
  if (url.empty()) return nullptr;
  if (url.rfind("s3://", 0) != 0) throw Error(ErrorCode::kBadRequest, "object_store_url must start with s3://");
  return std::make_unique<storage::S3ObjectStore>(storage::ParseS3Url(url), storage::CredentialsFromEnv(ProcessEnv));
}

std::unique_ptr<search::ISearchSink> OpenSearch(const Config& config) {
  if (config.backends.search_url.empty()) return nullptr;
  search::OpenSearchConfig options;
  options.url = config.backends.search_url;
  options.index_prefix = config.backends.search_index_prefix;
  return search::MakeOpenSearchSink(options);
}

std::unique_ptr<mail::IMailer> OpenMailer(const Config& config) {
  if (config.smtp.url.empty()) return nullptr;
  mail::SmtpConfig smtp;
  smtp.url = config.smtp.url;
  smtp.from = config.smtp.from;
  smtp.username = config.smtp.username;
  smtp.password = config.smtp.password;
  smtp.ca_file = config.smtp.ca_file;
  smtp.starttls = config.smtp.starttls == "none"       ? mail::SmtpConfig::Tls::kNone
                  : config.smtp.starttls == "required" ? mail::SmtpConfig::Tls::kRequired
                                                       : mail::SmtpConfig::Tls::kTry;
  return mail::MakeSmtpMailer(smtp);
}

}  // namespace faceloop::service
