#pragma once
// Picks the search sink from the configured URL, so the service names no implementation.
#include <memory>

#include "search/opensearch_sink.hpp"
#include "search/search_sink.hpp"

namespace faceloop::search {

/// nullptr when config.url is empty (no search backend configured); the OpenSearch / Elasticsearch
/// sink for http:// and https:// URLs (MakeOpenSearchSink); Error(kBadRequest) for anything else.
std::unique_ptr<ISearchSink> OpenSearchSink(OpenSearchConfig config);

}  // namespace faceloop::search
