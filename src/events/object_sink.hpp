#pragma once
// Where the input images go once they are in the spool (each one is an attachment of its request
// record, durable with it before the answer): the "objects" consumer writes them to the object
// store in batches, off the request path.
#include <cstddef>
#include <string>
#include <vector>

#include "storage/local_object_store.hpp"
#include "storage/object_store.hpp"

namespace faceloop::events {

/// The embedded store: writes each record's attachment under its image_key in `local`, all of the
/// batch with one commit (one syncfs instead of three syncs per image). Put overwrites, so a
/// retried batch is harmless. Throws when the batch must be retried.
std::size_t StoreImages(storage::LocalObjectStore& local, const std::vector<std::string>& records,
                        const std::vector<std::string>& attachments);

/// A remote store (S3): PUTs each record's attachment under its image_key, `parallelism` at once.
/// A record spooled without one (by a version that wrote images to the local store first) has its
/// local copy uploaded, then deleted; one already gone locally (shipped before a crash, or its
/// account deleted) is skipped. Throws when the batch must be retried.
std::size_t DeliverImages(storage::IObjectStore& local, storage::IObjectStore& remote,
                          const std::vector<std::string>& records, const std::vector<std::string>& attachments,
                          std::size_t parallelism = 4);

}  // namespace faceloop::events
