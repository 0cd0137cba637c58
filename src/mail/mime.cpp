#include "mail/mime.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

#include "common/error.hpp"
#include "mail/message.hpp"

namespace faceloop::mail {
namespace {

constexpr std::size_t kBase64Line = 76;

std::string NewBoundary(std::string_view tag) {
  std::random_device random;
  std::string boundary = "=_faceloop_" + std::string(tag) + "_";
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t word = random();
    for (int shift = 28; shift >= 0; shift -= 4) boundary += kHex[(word >> shift) & 0x0F];
  }
  return boundary;
}

void CheckPart(const InlinePart& part) {
  // Both end up in headers: nothing that could end a line or a quoted value.
  const bool id_ok = !part.content_id.empty() && part.content_id.size() <= 100 &&
                     std::all_of(part.content_id.begin(), part.content_id.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '_' || c == '-' || c == '@';
                     });
  if (!id_ok) throw Error(ErrorCode::kBadRequest, "mail inline part has an invalid content id");
  if (part.content_type != "image/png" && part.content_type != "image/jpeg") {
    throw Error(ErrorCode::kBadRequest, "mail inline part must be image/png or image/jpeg");
  }
}

std::string TextPart(std::string_view type, std::string_view crlf_text) {
  return "Content-Type: " + std::string(type) +
         "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + EncodeQuotedPrintable(crlf_text);
}

}  // namespace

std::string EncodeBase64Lines(std::string_view bytes) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t column = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
    column += 4;
    if (column >= kBase64Line) {
      out += "\r\n";
      column = 0;
    }
  }
  if (column > 0) out += "\r\n";
  return out;
}

std::string RelatedBody(std::string_view text, std::string_view html, const std::vector<InlinePart>& parts) {
  for (const InlinePart& part : parts) CheckPart(part);
  const std::string related = NewBoundary("rel");
  const std::string alternative = NewBoundary("alt");
  std::string out = R"(Content-Type: multipart/related; type="multipart/alternative"; boundary=")" + related +
                    "\"\r\n\r\n--" + related + "\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
  out += "--" + alternative + "\r\n" + TextPart("text/plain", text);
  out += "--" + alternative + "\r\n" + TextPart("text/html", html);
  out += "--" + alternative + "--\r\n";
  for (const InlinePart& part : parts) {
    out += "--" + related + "\r\nContent-Type: " + part.content_type + "\r\nContent-Transfer-Encoding: base64\r\n" +
           "Content-ID: <" + part.content_id + ">\r\nContent-Disposition: inline; filename=\"" + part.content_id +
           (part.content_type == "image/png" ? ".png" : ".jpg") + "\"\r\n\r\n" + EncodeBase64Lines(part.bytes);
  }
  out += "--" + related + "--\r\n";
  return out;
}

}  // namespace faceloop::mail
