#include "detect/models/letterbox.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace faceloop::detect {
namespace {

int RoundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

cv::Mat ResizeInto(const cv::Mat& rgb, const Letterbox& box) {
  CV_Assert(rgb.type() == CV_8UC3);
  cv::Mat resized;
  const bool shrinking = box.resized.area() < rgb.size().area();
  cv::resize(rgb, resized, box.resized, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

// 0..255 to -1..1; the padding is 0 (mid-gray), as MediaPipe's letterbox is.
constexpr double kScale = 1.0 / 127.5;
constexpr double kShift = -1.0;

}  // namespace

Letterbox Letterbox::Fit(cv::Size image, int long_side, int align, bool square) {
  Letterbox box;
  const int longest = std::max({image.width, image.height, 1});
  box.scale = static_cast<double>(long_side) / longest;
  box.resized = cv::Size(std::clamp(static_cast<int>(std::lround(image.width * box.scale)), 1, long_side),
                         std::clamp(static_cast<int>(std::lround(image.height * box.scale)), 1, long_side));
  box.input = square ? cv::Size(long_side, long_side)
                     : cv::Size(RoundUp(box.resized.width, align), RoundUp(box.resized.height, align));
  return box;
}

cv::Point2f Letterbox::ToImage(cv::Point2f net) const {
  return {static_cast<float>(net.x / scale), static_cast<float>(net.y / scale)};
}

Box Letterbox::ToImage(const Box& net) const {
  const auto s = static_cast<float>(scale);
  return Box{net.x / s, net.y / s, net.width / s, net.height / s};
}

void FillInputBlob(const cv::Mat& rgb, const Letterbox& box, cv::Mat& blob) {
  const cv::Mat resized = ResizeInto(rgb, box);
  const int sizes[] = {1, 3, box.input.height, box.input.width};
  blob.create(4, sizes, CV_32F);
  blob.setTo(0);
  // Split straight into the NCHW planes (views of the blob) while converting to -1..1.
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(box.input.height, box.input.width, CV_32F, blob.ptr<float>(0, c));
    cv::Mat channel;
    cv::extractChannel(resized, channel, c);
    channel.convertTo(plane(cv::Rect(cv::Point(0, 0), box.resized)), CV_32F, kScale, kShift);
  }
}

void FillInputNhwc(const cv::Mat& rgb, const Letterbox& box, std::vector<float>& input) {
  const cv::Mat resized = ResizeInto(rgb, box);
  input.resize(static_cast<std::size_t>(box.input.area()) * 3);
  cv::Mat tensor(box.input, CV_32FC3, input.data());  // a view: NHWC is OpenCV's interleaved layout
  // Only the padding strips need zeroing; the image part is overwritten.
  tensor(cv::Rect(box.resized.width, 0, box.input.width - box.resized.width, box.input.height)).setTo(0);
  tensor(cv::Rect(0, box.resized.height, box.resized.width, box.input.height - box.resized.height)).setTo(0);
  resized.convertTo(tensor(cv::Rect(cv::Point(0, 0), box.resized)), CV_32F, kScale, kShift);
}

}  // namespace faceloop::detect
