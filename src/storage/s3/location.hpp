#pragma once
// Where an S3 store lives and with which keys: the s3:// URL of the configuration and the AWS
// credential variables, parsed and checked before anything contacts the network.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace faceloop::storage {

/// Where the objects live: `endpoint`/`bucket`/`prefix`/key (path-style addressing, so any
/// host:port endpoint works without DNS for the bucket).
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

/// Looks up an environment variable (std::getenv in the service, a map in tests).
using EnvLookup = std::function<std::optional<std::string>(const char*)>;

/// Parses "s3://bucket/optional/prefix?endpoint=http://127.0.0.1:8333&region=us-east-1". Without an
/// endpoint, AWS's regional endpoint https://s3.REGION.amazonaws.com. Throws Error(kBadRequest)
/// naming the problem (bad bucket name, unknown parameter, ...).
S3Location ParseS3Url(std::string_view url);

/// From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN via `env`; empty
/// values count as unset. Throws Error(kBadRequest) naming a missing variable.
S3Credentials CredentialsFromEnv(const EnvLookup& env);

/// Throws Error(kBadRequest) unless `location` is one ParseS3Url could have returned (bucket, prefix
/// and region rules; endpoint http(s)://host[:port] without a trailing '/').
void ValidateLocation(const S3Location& location);

}  // namespace faceloop::storage
