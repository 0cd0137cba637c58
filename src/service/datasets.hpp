#pragma once
// What a dataset export needs from the configuration, in one place for `faceloop export` and the
// service's POST /v1/exports: the consent default and the store holding the requests' images.
#include <memory>

#include "datasets/selection.hpp"
#include "service/config.hpp"
#include "storage/local_object_store.hpp"
#include "storage/object_store.hpp"

namespace faceloop::service {

/// [datasets] training_use_default: whether a user who never chose is in.
datasets::ConsentPolicy ConsentPolicyFor(const Config& config);

/// The images of the configured data folder: its local objects, then S3 when configured.
class ImageStore {
 public:
  explicit ImageStore(const Config& config);
  storage::IObjectStore& get();

 private:
  std::unique_ptr<storage::LocalObjectStore> local_;
  std::unique_ptr<storage::IObjectStore> remote_;
  std::unique_ptr<storage::IObjectStore> tiered_;
};

}  // namespace faceloop::service
