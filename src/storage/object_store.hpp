#pragma once
// The object-store seam: where input images (and later other blobs) live: a local folder
// (LocalObjectStore), an S3-compatible service (S3ObjectStore) or both (TieredObjectStore).
// OpenObjectStore (open_object_store.hpp) picks one from a URL.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faceloop::storage {

/// A flat key -> bytes store. Keys are relative, '/'-separated paths of [A-Za-z0-9/_.-] (see
/// ValidateKey). Implementations are safe to call from several threads at once.
class IObjectStore {
 public:
  IObjectStore() = default;
  IObjectStore(const IObjectStore&) = delete;
  IObjectStore& operator=(const IObjectStore&) = delete;
  IObjectStore(IObjectStore&&) = delete;
  IObjectStore& operator=(IObjectStore&&) = delete;
  virtual ~IObjectStore() = default;

  /// Stores `bytes` under `key`, replacing any previous object. Durable when it returns: a crash
  /// afterwards finds the whole object; a crash before finds the old object or none, never a torn one.
  virtual void Put(const std::string& key, std::span<const std::uint8_t> bytes) = 0;
  /// The object's bytes, or nullopt when there is none.
  virtual std::optional<std::vector<std::uint8_t>> Get(const std::string& key) = 0;
  /// Removes the object; removing a missing object is not an error.
  virtual void Delete(const std::string& key) = 0;
  virtual bool Exists(const std::string& key) = 0;
  /// Keys that start with `prefix` (a plain string prefix, "" for all), sorted.
  virtual std::vector<std::string> List(const std::string& prefix) = 0;
  /// Removes what interrupted writes left under `prefix` (a local store's temp files, older than an
  /// hour, so never a write in progress; remote stores write whole objects and leave none) and
  /// returns how many; with dry_run only counts them.
  virtual std::int64_t RemoveInterruptedWrites(const std::string& /*prefix*/, bool /*dry_run*/) { return 0; }
  /// Prepares the backend for use (S3: creates the bucket when missing). Idempotent; called on first
  /// contact rather than at start-up, since a remote backend may be down then. Throws like the rest.
  virtual void EnsureReady() {}
};

}  // namespace faceloop::storage
