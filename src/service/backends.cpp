#include "service/backends.hpp"

#include "mail/open_mailer.hpp"
#include "search/open_search_sink.hpp"
#include "storage/open_object_store.hpp"

namespace faceloop::service {

std::unique_ptr<storage::IObjectStore> OpenRemoteStore(const Config& config) {
  return storage::OpenObjectStore(config.backends.object_store_url, ProcessEnv);
}

std::unique_ptr<search::ISearchSink> OpenSearch(const Config& config) {
  search::OpenSearchConfig options;
  options.url = config.backends.search_url;
  options.index_prefix = config.backends.search_index_prefix;
  return search::OpenSearchSink(options);
}

std::unique_ptr<mail::IMailer> OpenMailer(const Config& config) {
  mail::SmtpConfig smtp;
  smtp.url = config.smtp.url;
  smtp.from = config.smtp.from;
  smtp.username = config.smtp.username;
  smtp.password = config.smtp.password;
  smtp.ca_file = config.smtp.ca_file;
  smtp.starttls = config.smtp.starttls == "none"       ? mail::SmtpConfig::Tls::kNone
                  : config.smtp.starttls == "required" ? mail::SmtpConfig::Tls::kRequired
                                                       : mail::SmtpConfig::Tls::kTry;
  return mail::OpenMailer(smtp);
}

}  // namespace faceloop::service
