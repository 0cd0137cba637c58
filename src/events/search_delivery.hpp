#pragma once
// Ships spooled records to the search index (OpenSearch/Elasticsearch): requests to the
// <prefix>-requests-* indices, user events (and the detect event each request implies) to
// <prefix>-events-*, feedback to <prefix>-feedback-* (_id "<request id>:<user id>"), with the record
// ids as document ids so that retries overwrite, not duplicate. An account_deleted event deletes
// the account's request and feedback documents.
#include <cstddef>
#include <string>
#include <vector>

#include "search/search_sink.hpp"

namespace faceloop::events {

std::size_t DeliverToSearch(search::ISearchSink& sink, const std::vector<std::string>& records);

}  // namespace faceloop::events
