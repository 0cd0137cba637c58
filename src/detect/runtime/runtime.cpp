#include "detect/runtime/runtime.hpp"

#include "common/error.hpp"

namespace faceloop::detect {

Runtime ParseRuntime(const std::string& name) {
  if (name == "xnnpack") return Runtime::kXnnpack;
  if (name == "opencv") return Runtime::kOpenCv;
  throw Error(ErrorCode::kUnprocessable, "unknown runtime '" + name + "' (xnnpack or opencv)");
}

std::string RuntimeName(Runtime runtime) { return runtime == Runtime::kXnnpack ? "xnnpack" : "opencv"; }

std::vector<std::string> RuntimeNames() { return {"xnnpack", "opencv"}; }

}  // namespace faceloop::detect
