#include "http/multipart.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

const std::string kBody =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
    "hello\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"image\"; filename=\"a b.jpg\"\r\n"
    "Content-Type: image/jpeg\r\n\r\n"
    "\xff\xd8 binary \r\n with CRLF\r\n"
    "--XyZ--\r\n";

TEST(MultipartTest, BoundaryFromContentType) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a=b\""), "a=b");
  EXPECT_EQ(MultipartBoundary("image/jpeg"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data"), "");
}

TEST(MultipartTest, PartsWithNamesFilenamesTypesAndBinaryBodies) {
  const auto parts = ParseMultipart(kBody, "XyZ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "note");
  EXPECT_EQ(parts[0].body, "hello");
  EXPECT_EQ(parts[1].name, "image");
  EXPECT_EQ(parts[1].filename, "a b.jpg");
  EXPECT_EQ(parts[1].content_type, "image/jpeg");
  EXPECT_EQ(parts[1].body, "\xff\xd8 binary \r\n with CRLF");
}

TEST(MultipartTest, MalformedBodiesAreBadRequests) {
  const std::string cases[] = {
      "no boundary at all",
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
      "--XyZ\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n",
      "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",
      "--XyZjunk",
  };
  for (const std::string& body : cases) {
    try {
      ParseMultipart(body, "XyZ");
      FAIL() << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadRequest) << body;
    }
  }
}

TEST(MultipartTest, PartCountIsLimited) {
  std::string body;
  for (int i = 0; i < 5; ++i) body += "--b\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n";
  body += "--b--";
  EXPECT_EQ(ParseMultipart(body, "b").size(), 5u);
  EXPECT_THROW(ParseMultipart(body, "b", MultipartLimits{4, 8192}), Error);
}

}  // namespace
}  // namespace faceloop::http
