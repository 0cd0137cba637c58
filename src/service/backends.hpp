#pragma once
// The production backends a configuration names, each chosen by its URL (empty: none).
#include <memory>

#include "mail/mailer.hpp"
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

}  // namespace faceloop::service
