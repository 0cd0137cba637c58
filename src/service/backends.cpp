#include "service/backends.hpp"

#include "mail/open_mailer.hpp"
#include "search/open_search_sink.hpp"
#include "storage/local_object_store.hpp"
#include "storage/open_object_store.hpp"
#include "storage/tiered_object_store.hpp"

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

reports::ReporterOptions ReporterOptionsFor(const Config& config) {
  return {config.reports.time_zone, config.reports.recipients, config.reports.base_url, config.insights};
}

retention::PurgeReport PurgeConfigured(const Config& config, db::IDatabase& database, bool dry_run) {
  storage::LocalObjectStore local(std::filesystem::path(config.data_dir) / "objects");
  const auto remote = OpenRemoteStore(config);
  const auto tiered = remote ? std::make_unique<storage::TieredObjectStore>(local, *remote) : nullptr;
  const auto search = OpenSearch(config);
  storage::IObjectStore& objects = tiered ? static_cast<storage::IObjectStore&>(*tiered) : local;
  return retention::Purge({database, objects, search.get()}, config.retention, std::chrono::system_clock::now(),
                          dry_run);
}

}  // namespace faceloop::service
