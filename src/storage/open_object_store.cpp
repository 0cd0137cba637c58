#include "storage/open_object_store.hpp"

#include "common/error.hpp"
#include "storage/s3/s3_object_store.hpp"

namespace faceloop::storage {

std::unique_ptr<IObjectStore> OpenObjectStore(std::string_view url, const EnvLookup& env) {
  if (url.empty()) return nullptr;
  if (url.starts_with("s3://")) return std::make_unique<S3ObjectStore>(ParseS3Url(url), CredentialsFromEnv(env));
  throw Error(ErrorCode::kBadRequest, "object_store_url must be empty or start with s3://");
}

}  // namespace faceloop::storage
