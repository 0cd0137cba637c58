#pragma once
// Picks the object store from the configured URL, so the service names no implementation.
#include <memory>
#include <string_view>

#include "storage/object_store.hpp"
#include "storage/s3/location.hpp"

namespace faceloop::storage {

/// By the URL's scheme: "" gives nullptr (no remote store configured); "s3://..." an S3ObjectStore
/// (ParseS3Url; credentials from `env`, CredentialsFromEnv). Anything else is Error(kBadRequest), as
/// are the errors of those parsers. Contacts nothing.
std::unique_ptr<IObjectStore> OpenObjectStore(std::string_view url, const EnvLookup& env);

}  // namespace faceloop::storage
