#pragma once
// Who runs the schedules. With SQLite there is one process: it is always the leader. With
// PostgreSQL every process asks for one session-level advisory lock on a connection of its own;
// the holder leads. The lock lives as long as that session, so when the leader dies (or its
// connection does) the server releases it and another process takes it on its next tick. TCP
// keepalives on the session bound how long a vanished host keeps it (about 30 s).
#include <cstdint>
#include <memory>
#include <string>

namespace faceloop::scheduler {

class ILeaderLock {
 public:
  ILeaderLock() = default;
  virtual ~ILeaderLock() = default;
  ILeaderLock(const ILeaderLock&) = delete;
  ILeaderLock& operator=(const ILeaderLock&) = delete;

  /// Takes the lock or checks it is still held; whether this process leads now. Never throws: a
  /// database that cannot be reached means "not the leader" until it can.
  virtual bool Hold() = 0;
  /// Gives the lock up (on shutdown, so a follower takes over at once).
  virtual void Release() = 0;
};

/// The single process of an embedded (SQLite) deployment.
std::unique_ptr<ILeaderLock> MakeLocalLeader();

/// The advisory-lock key every faceloop process of one database competes for.
inline constexpr std::int64_t kSchedulerLockKey = 0x66'6c'73'63'68'65'64'31;  // "flsched1"

/// A PostgreSQL session advisory lock on its own connection to `url` (not a pooled one: the lock
/// belongs to the session).
std::unique_ptr<ILeaderLock> MakePostgresLeader(std::string url, std::int64_t key = kSchedulerLockKey);

/// The leader lock for a database URL: "" (SQLite) local, postgresql:// an advisory lock.
std::unique_ptr<ILeaderLock> MakeLeaderLock(const std::string& database_url);

}  // namespace faceloop::scheduler
