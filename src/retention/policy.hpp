#pragma once
// How long each class of data is kept ([retention] in the configuration, docs/operations.md#retention).
// One field list (ForEachPeriod) gives the TOML keys, the FACELOOP_RETENTION_* variables and the
// `faceloop purge` flags, so a new class is one member and one line.
#include <chrono>
#include <string_view>

namespace faceloop::retention {

struct Policy {
  int input_images_days = 0;  ///< stored input images (the record stays, without its image); 0 = forever
  int records_days = 0;       ///< request records, with their images; 0 = forever
  int events_days = 0;        ///< user events (signup, login, detect, ...); 0 = forever
  int feedback_days = 0;      ///< feedback, by when it was last given; 0 = forever
  /// How long a deleted account's id is remembered, so that its documents shipped late to the search
  /// index (from another process's spool) are removed by the purge. At least 1.
  int tombstone_days = 30;

  /// Calls visit(name, member) for each period, in a fixed order.
  template <typename Self, typename Visit>
  static void ForEachPeriod(Self& policy, Visit&& visit) {
    visit(std::string_view("input_images_days"), policy.input_images_days);
    visit(std::string_view("records_days"), policy.records_days);
    visit(std::string_view("events_days"), policy.events_days);
    visit(std::string_view("feedback_days"), policy.feedback_days);
    visit(std::string_view("tombstone_days"), policy.tombstone_days);
  }
};

/// The longest period accepted (about 100 years: beyond, a cut-off leaves system_clock's range).
inline constexpr int kMaxDays = 36600;

}  // namespace faceloop::retention
