#pragma once
// Ships the input images of spooled request records from the local store to the remote one (S3),
// then deletes the local copies: the local folder is a spool for images, bounded by the backlog.
#include <cstddef>
#include <string>
#include <vector>

#include "storage/object_store.hpp"

namespace faceloop::events {

/// Copies each record's image_key from `local` to `remote` (same key), then deletes the local
/// copies. An image already gone locally (shipped before a crash, or its account deleted) is
/// skipped. Put overwrites, so a retried batch is harmless. Throws when the batch must be retried.
/// `parallelism` uploads run at once.
std::size_t DeliverImages(storage::IObjectStore& local, storage::IObjectStore& remote,
                          const std::vector<std::string>& records, std::size_t parallelism = 4);

}  // namespace faceloop::events
