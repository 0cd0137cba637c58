#pragma once
// Names the calling thread so that `top -H`, `perf report --sort comm`, gdb and /proc/PID/task/*/comm
// tell the service's threads apart (io, handler, detect, commit, ship-*, ...). Linux keeps the first
// 15 bytes.
#include <string_view>

namespace faceloop {

void NameThisThread(std::string_view name);

}  // namespace faceloop
