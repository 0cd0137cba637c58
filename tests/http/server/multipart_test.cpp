#include "http/server/multipart.hpp"

#include <gtest/gtest.h>

#include "support/error_code.hpp"

namespace faceloop::http {
namespace {

using faceloop::testing::CodeOf;

const std::string kBoundary = "----faceloopBoundary7MA4YWxk";

std::string Form(const std::string& boundary = kBoundary) {
  return "preamble is ignored\r\n--" + boundary +
         "\r\n"
         "Content-Disposition: form-data; name=\"image\"; filename=\"a \\\"b\\\".jpg\"\r\n"
         "Content-Type: image/jpeg\r\n"
         "\r\n"
         "\xff\xd8 binary \r\n-- not a boundary \r\n\xff\xd9\r\n--" +
         boundary +
         "\r\n"
         "content-disposition: FORM-DATA; name=model\r\n"
         "\r\n"
         "retina\r\n--" +
         boundary + "--\r\nepilogue";
}

TEST(FormDataTest, PartsWithNamesFilenamesTypesAndViewsIntoTheBody) {
  const std::string body = Form();
  const auto parts = ParseFormData(body, kBoundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "image");
  EXPECT_EQ(parts[0].filename, "a \"b\".jpg");
  EXPECT_EQ(parts[0].content_type, "image/jpeg");
  EXPECT_EQ(parts[0].body, "\xff\xd8 binary \r\n-- not a boundary \r\n\xff\xd9");
  EXPECT_GE(parts[0].body.data(), body.data());  // a view, not a copy
  EXPECT_LE(parts[0].body.data() + parts[0].body.size(), body.data() + body.size());
  EXPECT_EQ(parts[1].name, "model");
  EXPECT_EQ(parts[1].filename, "");
  EXPECT_EQ(parts[1].content_type, "");
  EXPECT_EQ(parts[1].body, "retina");
  EXPECT_EQ(FindPart(parts, "model"), &parts[1]);
  EXPECT_EQ(FindPart(parts, "missing"), nullptr);
}

TEST(FormDataTest, BodyMayStartWithTheBoundaryAndPartsMayBeEmpty) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--b  \r\n"
      "Content-Disposition: form-data; name=\"y\"\r\n\r\nY\r\n--b--";
  const auto parts = ParseFormData(body, "b");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].body, "");
  EXPECT_EQ(parts[1].body, "Y");
}

TEST(FormDataTest, BoundaryFromContentType) {
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=" + kBoundary), kBoundary);
  EXPECT_EQ(FormDataBoundary("Multipart/Form-Data;boundary=\"with space\"; charset=utf-8"), "with space");
  EXPECT_EQ(CodeOf([] { FormDataBoundary("application/json"); }), ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data; boundary="); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data; boundary=" + std::string(71, 'a')); }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data; boundary=\"ends in space \""); }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data; boundary=a; boundary=b"); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([] { FormDataBoundary("multipart/form-data; boundary=\"unterminated"); }), ErrorCode::kBadRequest);
}

TEST(FormDataTest, ParseMultipartFormReadsTheRequest) {
  Request request;
  request.headers.Add("Content-Type", "multipart/form-data; boundary=" + kBoundary);
  request.body = Form();
  EXPECT_EQ(ParseFormData(request).size(), 2u);
}

struct BadForm {
  const char* name;
  std::string body;
};

class MalformedFormDataTest : public ::testing::TestWithParam<BadForm> {};

TEST_P(MalformedFormDataTest, IsABadRequest) {
  FormDataLimits limits;
  limits.max_parts = 3;
  limits.max_part_header_bytes = 200;
  EXPECT_EQ(CodeOf([&] { ParseFormData(GetParam().body, "b", limits); }), ErrorCode::kBadRequest);
}

const std::string kPart = "Content-Disposition: form-data; name=\"x\"\r\n\r\nX\r\n";

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedFormDataTest,
    ::testing::Values(
        BadForm{"Empty", ""}, BadForm{"NoBoundary", "just some bytes"}, BadForm{"Unclosed", "--b\r\n" + kPart},
        BadForm{"UnterminatedHeaders", "--b\r\nContent-Disposition: form-data; name=x"},
        BadForm{"NoLineBreakAfterBoundary", "--bX\r\n" + kPart + "--b--"},
        BadForm{"NoName", "--b\r\nContent-Disposition: form-data\r\n\r\nX\r\n--b--"},
        BadForm{"NoHeaders", "--b\r\n\r\nX\r\n--b--"},
        BadForm{"NotFormData", "--b\r\nContent-Disposition: attachment; name=x\r\n\r\nX\r\n--b--"},
        BadForm{"FoldedHeader", "--b\r\nContent-Disposition: form-data;\r\n name=x\r\n\r\nX\r\n--b--"},
        BadForm{"HeaderWithoutColon", "--b\r\nContent-Disposition form-data\r\n\r\nX\r\n--b--"},
        BadForm{"ControlByteInHeader", "--b\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nX\r\n--b--"},
        BadForm{"TwoDispositions", "--b\r\n" + kPart.substr(0, 42) + kPart + "--b--"},
        BadForm{"DuplicateParameter", "--b\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nX\r\n--b--"},
        BadForm{"TooManyParts",
                "--b\r\n" + kPart + "--b\r\n" + kPart + "--b\r\n" + kPart + "--b\r\n" + kPart + "--b--"},
        BadForm{"HeadersOverLimit", "--b\r\nContent-Disposition: form-data; name=x\r\nX-Pad: " + std::string(300, 'p') +
                                        "\r\n\r\nX\r\n--b--"}),
    [](const ::testing::TestParamInfo<BadForm>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace faceloop::http
