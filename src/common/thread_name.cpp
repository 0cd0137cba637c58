#include "common/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace faceloop {

void NameThisThread(std::string_view name) {
  constexpr std::size_t kLinuxCommBytes = 15;  // TASK_COMM_LEN - 1; longer names make the call fail
  const std::string truncated(name.substr(0, std::min(name.size(), kLinuxCommBytes)));
  (void)pthread_setname_np(pthread_self(), truncated.c_str());  // a name is a nicety, never worth an error
}

}  // namespace faceloop
