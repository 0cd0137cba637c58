#pragma once
// The production backends a configuration names, each chosen by its URL (empty: none).
#include <memory>

#include "db/database.hpp"
#include "mail/mailer.hpp"
#include "reports/reporter.hpp"
#include "retention/purge.hpp"
#include "search/search_sink.hpp"
#include "service/config.hpp"
#include "storage/object_store.hpp"

namespace faceloop::service {

/// S3 for s3://...; null without a URL.
std::unique_ptr<storage::IObjectStore> OpenRemoteStore(const Config& config);
/// OpenSearch/Elasticsearch for http(s)://...; null without a URL.
std::unique_ptr<search::ISearchSink> OpenSearch(const Config& config);
/// SMTP for smtp(s)://...; null without a URL.
std::unique_ptr<mail::IMailer> OpenMailer(const Config& config);

/// The reports' options from [reports] and [insights].
reports::ReporterOptions ReporterOptionsFor(const Config& config);

/// The retention purge (config.retention) over `database` and the object store and search index the
/// configuration names, opened for this one call: `faceloop purge` and `faceloop worker`'s daily job.
retention::PurgeReport PurgeConfigured(const Config& config, db::IDatabase& database, bool dry_run);

}  // namespace faceloop::service
