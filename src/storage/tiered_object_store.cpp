#include "storage/tiered_object_store.hpp"

#include <algorithm>

namespace faceloop::storage {

std::optional<std::vector<std::uint8_t>> TieredObjectStore::Get(const std::string& key) {
  if (auto bytes = local_.Get(key)) return bytes;
  return remote_.Get(key);
}

void TieredObjectStore::Delete(const std::string& key) {
  // Remote first: if it fails, the local copy is still there to be shipped and deleted again.
  remote_.Delete(key);
  local_.Delete(key);
}

std::vector<std::string> TieredObjectStore::List(const std::string& prefix) {
  std::vector<std::string> keys = local_.List(prefix);
  const std::vector<std::string> remote = remote_.List(prefix);
  keys.insert(keys.end(), remote.begin(), remote.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace faceloop::storage
