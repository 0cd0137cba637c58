#pragma once
// IObjectStore on an S3-compatible service (AWS S3, SeaweedFS, MinIO, ...) over net::HttpClient, each
// request signed with AWS Signature V4 (sigv4.hpp). Path-style addressing (endpoint/bucket/prefix/
// key), so any host:port endpoint works without DNS for the bucket. A Put is durable when it
// returns: S3 answers 200 only once the object is stored.
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "storage/object_store.hpp"
#include "storage/s3/list_xml.hpp"
#include "storage/s3/location.hpp"

namespace faceloop::storage {

struct S3Options {
  int connect_timeout_ms = 2000;
  int timeout_ms = 30000;     // one attempt of a request, body included
  int list_page_size = 1000;  // ListObjectsV2 max-keys (1..1000); smaller in tests to exercise paging
  /// Every request of the store is idempotent (PUT, GET, HEAD, DELETE), so each is retried on
  /// broken connections, timeouts, 5xx and 429 (net::HttpClient).
  net::RetryPolicy retry;
};

/// Errors: network failures and 5xx (throttling with 503 SlowDown included) are Error(kUnavailable),
/// 429 Error(kTooManyRequests), after the retries of S3Options::retry (the caller may retry later);
/// refused credentials (401, 403), a missing bucket and other unexpected answers are
/// Error(kInternal). Messages name the operation, bucket and key, never the secret. Safe to call
/// from several threads; connections are kept alive between calls.
class S3ObjectStore final : public IObjectStore {
 public:
  /// Throws Error(kBadRequest) on an invalid location or options or empty keys. Contacts nothing.
  S3ObjectStore(S3Location location, S3Credentials credentials, S3Options options = {});
  ~S3ObjectStore() override;
  S3ObjectStore(const S3ObjectStore&) = delete;
  S3ObjectStore& operator=(const S3ObjectStore&) = delete;
  S3ObjectStore(S3ObjectStore&&) = delete;
  S3ObjectStore& operator=(S3ObjectStore&&) = delete;

  void Put(const std::string& key, std::span<const std::uint8_t> bytes) override;
  std::optional<std::vector<std::uint8_t>> Get(const std::string& key) override;
  void Delete(const std::string& key) override;
  bool Exists(const std::string& key) override;
  std::vector<std::string> List(const std::string& prefix) override;
  /// EnsureBucket.
  void EnsureReady() override { EnsureBucket(); }

  /// Creates the bucket if it does not exist yet (tests, first start); an existing bucket of ours
  /// is fine.
  void EnsureBucket();

  const S3Location& location() const { return location_; }

 private:
  struct Request {
    std::string method;  // GET, HEAD, PUT or DELETE
    std::string path;    // canonical (already URI-encoded), starting with '/'
    std::string query;   // canonical: parameters sorted by name, values URI-encoded; "" for none
    std::span<const std::uint8_t> body;
    std::string what;  // "S3 GET /bucket/key", for messages
  };

  net::HttpResponse Perform(const Request& request);
  [[noreturn]] void ThrowForStatus(const std::string& what, const net::HttpResponse& response) const;
  std::vector<std::string> ListPage(const std::string& s3_prefix, std::string& token);
  std::string ObjectPath(const std::string& key) const;
  std::string BucketPath() const;

  const S3Location location_;
  const S3Credentials credentials_;
  const S3Options options_;
  const std::string host_;  // the Host header: the endpoint's authority
  net::HttpClient client_;
};

}  // namespace faceloop::storage
