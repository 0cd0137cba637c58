#include "events/object_sink.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "events/records.hpp"

namespace faceloop::events {

namespace {

std::vector<std::string> ImageKeys(const std::vector<std::string>& records) {
  std::vector<std::string> keys;
  // Unreadable records are counted and reported by the database shipper, not again here.
  for (const Record& record : ParseSpoolBatch(records).records) {
    const auto* request = std::get_if<RequestRecord>(&record);
    if (request != nullptr && request->image_key) keys.push_back(*request->image_key);
  }
  return keys;
}

}  // namespace

std::size_t DeliverImages(storage::IObjectStore& local, storage::IObjectStore& remote,
                          const std::vector<std::string>& records, std::size_t parallelism) {
  const std::vector<std::string> keys = ImageKeys(records);
  std::vector<char> shipped(keys.size(), 0);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  // A few uploads at once: one PUT is mostly waiting on the network and the server.
  auto upload = [&] {
    for (std::size_t i = next++; i < keys.size(); i = next++) {
      try {
        const auto bytes = local.Get(keys[i]);
        if (!bytes) continue;  // shipped before a crash, or its account was deleted
        remote.Put(keys[i], *bytes);
        shipped[i] = 1;
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        next = keys.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(parallelism, keys.size()); ++t) threads.emplace_back(upload);
  upload();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
  // Only after the whole batch is remote: a failure above leaves every local copy for the retry.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (shipped[i] != 0) local.Delete(keys[i]);
  }
  return 0;
}

}  // namespace faceloop::events
