#pragma once
// IObjectStore on an S3-compatible service (AWS S3, SeaweedFS, MinIO, ...) through libcurl, which
// signs each request with AWS Signature V4. Path-style addressing (endpoint/bucket/prefix/key), so
// any host:port endpoint works without DNS for the bucket. A Put is durable when it returns: S3
// answers 200 only once the object is stored.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.hpp"

namespace faceloop::storage {

/// Where the objects live: `endpoint`/`bucket`/`prefix`/key.
struct S3Location {
  std::string bucket;
  std::string prefix;    // "" or a valid key without trailing '/'; prepended to every key with a '/'
  std::string endpoint;  // scheme://host[:port] with no path, e.g. "http://127.0.0.1:8333"
  std::string region = "us-east-1";
};

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" unless temporary (STS) credentials
};

/// Parses "s3://bucket/optional/prefix?endpoint=http://127.0.0.1:8333&region=us-east-1". Without an
/// endpoint, AWS's regional endpoint https://s3.REGION.amazonaws.com. Throws Error(kBadRequest)
/// naming the problem (bad bucket name, unknown parameter, ...).
S3Location ParseS3Url(std::string_view url);

/// From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN via `env`; empty
/// values count as unset. Throws Error(kBadRequest) naming a missing variable.
S3Credentials CredentialsFromEnv(const std::function<std::optional<std::string>(const char*)>& env);

/// One page of a ListObjectsV2 answer: the full object names (XML-unescaped) and the continuation
/// token, "" on the last page.
struct S3ListPage {
  std::vector<std::string> keys;
  std::string next_token;
};

/// Parses a ListObjectsV2 answer body. Throws Error(kInternal) on malformed XML or a truncated page
/// without a token. Public for tests and fuzzing: its input comes from the network.
S3ListPage ParseListObjectsV2(std::string_view xml);

struct S3Options {
  int connect_timeout_ms = 2000;
  int timeout_ms = 30000;     // a whole request, body included
  int list_page_size = 1000;  // ListObjectsV2 max-keys (1..1000); smaller in tests to exercise paging
};

/// Errors: network failures, 5xx and throttling (429, 503 SlowDown) are Error(kUnavailable) (the
/// caller may retry); refused credentials (403) and other unexpected answers are Error(kInternal).
/// Messages name the operation, bucket and key, never the secret. Safe to call from several threads:
/// each call borrows its own curl handle from a pool, which keeps connections alive between calls.
class S3ObjectStore final : public IObjectStore {
 public:
  /// Throws Error(kBadRequest) on an invalid location or empty keys. Contacts nothing.
  S3ObjectStore(S3Location location, S3Credentials credentials, S3Options options = {});
  ~S3ObjectStore() override;

  void Put(const std::string& key, std::span<const std::uint8_t> bytes) override;
  std::optional<std::vector<std::uint8_t>> Get(const std::string& key) override;
  void Delete(const std::string& key) override;
  bool Exists(const std::string& key) override;
  std::vector<std::string> List(const std::string& prefix) override;

  /// Creates the bucket if it does not exist yet (tests, first start); an existing bucket of ours
  /// is fine.
  void EnsureBucket();

  const S3Location& location() const { return location_; }

 private:
  class HandlePool;
  struct Request;
  struct Response;

  Response Perform(const Request& request);
  std::string ObjectPath(const std::string& key) const;
  std::string BucketPath() const;

  const S3Location location_;
  const S3Credentials credentials_;
  const S3Options options_;
  std::unique_ptr<HandlePool> handles_;
};

}  // namespace faceloop::storage
