#include "service/datasets.hpp"

#include <filesystem>

#include "service/backends.hpp"
#include "storage/tiered_object_store.hpp"

namespace faceloop::service {

datasets::ConsentPolicy ConsentPolicyFor(const Config& config) {
  return datasets::ConsentPolicy{config.datasets.training_use_default};
}

ImageStore::ImageStore(const Config& config)
    : local_(std::make_unique<storage::LocalObjectStore>(std::filesystem::path(config.data_dir) / "objects")),
      remote_(OpenRemoteStore(config)) {
  if (remote_) tiered_ = std::make_unique<storage::TieredObjectStore>(*local_, *remote_);
}

storage::IObjectStore& ImageStore::get() { return tiered_ ? *tiered_ : static_cast<storage::IObjectStore&>(*local_); }

}  // namespace faceloop::service
