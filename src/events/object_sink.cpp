#include "events/object_sink.hpp"

#include "events/records.hpp"

namespace faceloop::events {

std::size_t DeliverImages(storage::IObjectStore& local, storage::IObjectStore& remote,
                          const std::vector<std::string>& records) {
  std::vector<std::string> shipped;
  for (const std::string& text : records) {
    const Record record = ParseSpoolRecord(text);
    const auto* request = std::get_if<RequestRecord>(&record);
    if (request == nullptr || !request->doc.contains("image_key") || !request->doc["image_key"].is_string()) continue;
    const std::string key = request->doc["image_key"];
    const auto bytes = local.Get(key);
    if (!bytes) continue;
    remote.Put(key, *bytes);
    shipped.push_back(key);
  }
  // Only after the whole batch is remote: a failure above leaves every local copy for the retry.
  for (const std::string& key : shipped) local.Delete(key);
  return 0;
}

}  // namespace faceloop::events
