#pragma once
// The search-sink seam: where request records and user events go so analysts can query them
// (OpenSearch / Elasticsearch today, MakeOpenSearchSink). The shipper feeds it from the spool in
// batches; everything here is idempotent so a batch can be retried whole.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faceloop::search {

/// One document to index.
struct Document {
  std::string family;  ///< "requests", "events" or "feedback": picks the index (and so the mapping template)
  std::string id;      ///< the document _id; re-sending the same id replaces, never duplicates
  std::chrono::system_clock::time_point time;  ///< picks the daily index (UTC date)
  nlohmann::json body;                         ///< a JSON object: the document source
};

/// What a bulk call did not index for good.
struct BulkResult {
  /// Documents permanently refused (a 4xx per item, e.g. a mapping error, or a document that could
  /// not be sent at all: unknown family, empty id, body not an object). The caller counts and logs
  /// them; retrying cannot help.
  std::vector<std::string> rejected_ids;
  /// Why, one line per entry of rejected_ids (same order): the node's error type and reason.
  std::vector<std::string> rejected_reasons;
};

/// A search backend. Implementations are safe to call from several threads at once.
class ISearchSink {
 public:
  ISearchSink() = default;
  ISearchSink(const ISearchSink&) = delete;
  ISearchSink& operator=(const ISearchSink&) = delete;
  ISearchSink(ISearchSink&&) = delete;
  ISearchSink& operator=(ISearchSink&&) = delete;
  virtual ~ISearchSink() = default;

  /// Installs the index templates (idempotent: safe on every start). Throws Error(kUnavailable)
  /// when the node cannot be reached or is overloaded (kTooManyRequests when it throttles us),
  /// Error(kInternal) when it refuses a template.
  virtual void EnsureSetup() = 0;
  /// Indexes `docs` in one bulk call, each with its own _id into its family's daily index.
  /// Throws Error(kUnavailable) on network errors, 5xx, or any per-item 429/5xx, and
  /// Error(kTooManyRequests) when the node throttles the whole request (429): either way the caller
  /// retries the WHOLE batch later (documents already indexed are simply replaced). Throws
  /// Error(kPayloadTooLarge) when the node refuses the request size (split the batch) and otherwise
  /// what net/http_status.hpp maps the status to (kInternal for most).
  virtual BulkResult Index(const std::vector<Document>& docs) = 0;
  /// Deletes every request document of `user_id` and every feedback document by or about them
  /// (account deletion). Idempotent; throws
  /// Error(kUnavailable) when it must be retried.
  virtual void DeleteUserRequests(const std::string& user_id) = 0;
  /// Deletes every document of `family` whose date field `time_field` is before `cutoff` (the
  /// retention purge, src/retention). Idempotent; throws Error(kUnavailable) when it must be retried.
  virtual void DeleteBefore(std::string_view family, std::string_view time_field,
                            std::chrono::system_clock::time_point cutoff) = 0;
  /// A short name for logs and metrics ("opensearch").
  virtual std::string_view Name() const = 0;
};

}  // namespace faceloop::search
