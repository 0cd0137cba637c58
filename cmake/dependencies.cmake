# Every dependency comes from Debian's -dev packages (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 QUIET)
# Boost.Beast + Asio for the HTTP engine (src/http/server); header-only in 1.74.
find_package(Boost 1.74 REQUIRED)
pkg_check_modules(TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
pkg_check_modules(WEBP REQUIRED IMPORTED_TARGET libwebp)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
pkg_check_modules(EXIF REQUIRED IMPORTED_TARGET libexif)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
# Charts and annotated images (src/reports).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)

# Debian ships OpenCV's CMake config only with the full libopencv-dev meta package (which pulls in
# VTK and Qt); we install just the modules we use and describe them here.
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(faceloop_opencv INTERFACE)
foreach(module core imgproc imgcodecs dnn objdetect)
  find_library(OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  target_link_libraries(faceloop_opencv INTERFACE ${OPENCV_${module}_LIBRARY})
endforeach()
target_include_directories(faceloop_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})

# ONNX model files are read with Debian's libonnx (its protobuf classes; libonnx-dev, libprotobuf-dev).
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
# XNNPACK (the CPU engine behind TFLite) runs the detectors' networks. Debian ships neither a CMake
# config nor a pkg-config file for it; its header includes pthreadpool.h.
find_path(XNNPACK_INCLUDE_DIR xnnpack.h REQUIRED)
add_library(faceloop_xnnpack INTERFACE)
foreach(library XNNPACK pthreadpool cpuinfo)
  find_library(XNNPACK_${library}_LIBRARY ${library} REQUIRED)
  target_link_libraries(faceloop_xnnpack INTERFACE ${XNNPACK_${library}_LIBRARY})
endforeach()
target_include_directories(faceloop_xnnpack SYSTEM INTERFACE ${XNNPACK_INCLUDE_DIR})
