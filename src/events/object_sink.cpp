#include "events/object_sink.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>

#include "common/error.hpp"
#include "events/records.hpp"

namespace faceloop::events {

namespace {

struct Image {
  std::string key;
  const std::string* attachment = nullptr;  ///< null: in the local store (spooled without one)
};

std::span<const std::uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// The images of a batch's request records. Records without an attachment are parsed only when
/// `with_local` (their image may wait in the local store).
std::vector<Image> ImagesOf(const std::vector<std::string>& records, const std::vector<std::string>& attachments,
                            bool with_local) {
  std::vector<Image> images;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const bool attached = i < attachments.size() && !attachments[i].empty();
    if (!attached && !with_local) continue;
    try {
      const Record record = ParseSpoolRecord(records[i]);
      const auto* request = std::get_if<RequestRecord>(&record);
      if (request == nullptr || !request->image_key) continue;
      images.push_back({*request->image_key, attached ? &attachments[i] : nullptr});
    } catch (const Error&) {
      // Unreadable records are counted and reported by the database shipper, not again here.
    }
  }
  return images;
}

}  // namespace

std::size_t StoreImages(storage::LocalObjectStore& local, const std::vector<std::string>& records,
                        const std::vector<std::string>& attachments) {
  std::vector<std::pair<std::string, std::span<const std::uint8_t>>> objects;
  for (const Image& image : ImagesOf(records, attachments, false)) {
    if (image.attachment != nullptr) objects.emplace_back(image.key, Bytes(*image.attachment));
  }
  local.PutBatch(objects);
  return 0;
}

std::size_t DeliverImages(storage::IObjectStore& local, storage::IObjectStore& remote,
                          const std::vector<std::string>& records, const std::vector<std::string>& attachments,
                          std::size_t parallelism) {
  const std::vector<Image> images = ImagesOf(records, attachments, true);
  std::vector<char> from_local(images.size(), 0);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  // A few uploads at once: one PUT is mostly waiting on the network and the server.
  auto upload = [&] {
    for (std::size_t i = next++; i < images.size(); i = next++) {
      try {
        if (images[i].attachment != nullptr) {
          remote.Put(images[i].key, Bytes(*images[i].attachment));
          continue;
        }
        const auto bytes = local.Get(images[i].key);
        if (!bytes) continue;  // shipped before a crash, or its account was deleted
        remote.Put(images[i].key, *bytes);
        from_local[i] = 1;
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        next = images.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(parallelism, images.size()); ++t) threads.emplace_back(upload);
  upload();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
  // Only after the whole batch is remote: a failure above leaves every local copy for the retry.
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (from_local[i] != 0) local.Delete(images[i].key);
  }
  return 0;
}

}  // namespace faceloop::events
