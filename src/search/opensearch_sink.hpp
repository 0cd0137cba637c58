#pragma once
// OpenSearch 2.x / Elasticsearch 8 behind ISearchSink, over HTTP(S) with libcurl: composable index
// templates (index_templates.hpp) and the _bulk API into daily indices <prefix>-<family>-YYYY.MM.DD.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/search_sink.hpp"

namespace faceloop::search {

struct OpenSearchConfig {
  /// http(s)://host:port[/path], optionally with user:pass@ (sent as basic auth, never logged).
  std::string url;
  /// Lower-case [a-z0-9._-], starting with a letter or digit: indices are <prefix>-<family>-<date>.
  std::string index_prefix = "faceloop";
  int timeout_ms = 10000;   ///< per HTTP call, connecting included
  bool verify_peer = true;  ///< TLS certificate and host-name checks (https only)
  /// Written into the templates, so it applies to indices created afterwards. 0 suits a single
  /// node (a replica could never be placed and the cluster would stay yellow); use 1+ on a cluster.
  int number_of_replicas = 0;
};

/// Checks the config (throws Error(kBadRequest) naming the bad field) and returns the sink. No
/// network call happens here: EnsureSetup is the first.
std::unique_ptr<ISearchSink> MakeOpenSearchSink(OpenSearchConfig config);

// The pure parts of the sink, exposed for tests.

/// "<prefix>-<family>-YYYY.MM.DD" with the UTC date of `time`.
std::string IndexName(std::string_view prefix, std::string_view family, std::chrono::system_clock::time_point time);

/// The _bulk request for `docs`: per document an `index` action line with _index and _id, then the
/// source on one line, each line ending in '\n'. Documents that cannot be sent (see BulkResult) are
/// left out and reported in `result`; `sent` receives the ids that went in, in order.
std::string BuildBulkBody(std::string_view prefix, const std::vector<Document>& docs, std::vector<std::string>& sent,
                          BulkResult& result);

/// Reads a _bulk response for the documents `sent` (in request order): appends permanent refusals
/// to `result`; throws Error(kUnavailable) when any item failed transiently (429 or 5xx) or the
/// response does not describe every item.
void ReadBulkResponse(std::string_view response, const std::vector<std::string>& sent, BulkResult& result);

}  // namespace faceloop::search
