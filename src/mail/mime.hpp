#pragma once
// The MIME structure of a mail with an HTML body and inline images (RFC 2046, RFC 2387):
//
//   multipart/related
//     multipart/alternative
//       text/plain  (quoted-printable)
//       text/html   (quoted-printable)
//     image/png     (base64, Content-ID: <id>, inline)   ...one per InlinePart
//
// Boundaries start with "=_", which neither quoted-printable nor base64 output can contain.
#include <string>
#include <string_view>
#include <vector>

#include "mail/mailer.hpp"

namespace faceloop::mail {

/// The Content-Type header and the body after the message's common headers. `text` and `html` have
/// CRLF line endings. Throws kBadRequest for a content id or type outside the documented sets.
std::string RelatedBody(std::string_view text, std::string_view html, const std::vector<InlinePart>& parts);

/// Base64 of `bytes` in lines of 76 characters, each ending in CRLF.
std::string EncodeBase64Lines(std::string_view bytes);

}  // namespace faceloop::mail
