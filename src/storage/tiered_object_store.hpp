#pragma once
// The object store the service reads through when a remote store (S3) is configured: new objects
// land in the local folder (durable before the request is answered, no network on the request
// path) and the shipper moves them to the remote store later (events/object_sink.hpp). Reads look
// locally first, then remotely; deletes go to both.
#include "storage/object_store.hpp"

namespace faceloop::storage {

class TieredObjectStore final : public IObjectStore {
 public:
  /// Both must outlive this store.
  TieredObjectStore(IObjectStore& local, IObjectStore& remote) : local_(local), remote_(remote) {}

  void Put(const std::string& key, std::span<const std::uint8_t> bytes) override { local_.Put(key, bytes); }
  std::optional<std::vector<std::uint8_t>> Get(const std::string& key) override;
  void Delete(const std::string& key) override;
  bool Exists(const std::string& key) override { return local_.Exists(key) || remote_.Exists(key); }
  std::vector<std::string> List(const std::string& prefix) override;
  std::int64_t RemoveInterruptedWrites(const std::string& prefix, bool dry_run) override {
    return local_.RemoveInterruptedWrites(prefix, dry_run);
  }
  void EnsureReady() override {
    local_.EnsureReady();
    remote_.EnsureReady();
  }

 private:
  IObjectStore& local_;
  IObjectStore& remote_;
};

}  // namespace faceloop::storage
