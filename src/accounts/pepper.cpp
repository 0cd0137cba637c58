#include "accounts/pepper.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "accounts/secrets.hpp"
#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

void WritePepper(const std::filesystem::path& path, const std::vector<std::uint8_t>& pepper) {
  // O_EXCL: two processes starting at once must not both write (and one silently lose) a pepper.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::kInternal, "cannot create pepper file " + path.string());
  const bool ok = ::write(fd, pepper.data(), pepper.size()) == static_cast<ssize_t>(pepper.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorCode::kInternal, "cannot write pepper file " + path.string());
}

}  // namespace

std::vector<std::uint8_t> LoadOrCreatePepper(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
    WritePepper(path, Crypto::GeneratePepper());
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> pepper((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (pepper.size() != kPepperBytes) {
    throw Error(ErrorCode::kInternal, "pepper file " + path.string() + " must hold exactly 32 bytes");
  }
  return pepper;
}

}  // namespace faceloop::accounts
