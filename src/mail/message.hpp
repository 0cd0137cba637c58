#pragma once
// RFC 5322 / MIME rendering of a Message, apart from the transport so it can be tested on its own.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "mail/mailer.hpp"

namespace faceloop::mail {

/// The header values a transport supplies per message.
struct Envelope {
  std::string from;        ///< addr-spec of the sender
  std::string date;        ///< RFC 5322 date-time, see FormatDate
  std::string message_id;  ///< "<unique@domain>", see NewMessageId
};

/// Throws kBadRequest ("invalid <field> address") unless `address` is a plain ASCII addr-spec: a
/// dot-atom local part, '@', and a domain of letters, digits, hyphens and dots. Rejects CR/LF and
/// everything else that could smuggle a header or an SMTP command.
void ValidateAddress(std::string_view field, std::string_view address);

/// The whole message, headers and body, with CRLF line endings and a final CRLF. The subject is
/// RFC 2047-encoded when it is not short printable ASCII; the body is sent as 7bit when it is short-lined
/// ASCII and as quoted-printable otherwise. Throws kBadRequest for an invalid address, a subject with
/// control characters (CR/LF included), or a subject or body that is not UTF-8. Dot-stuffing is the
/// transport's job (libcurl does it), so lines starting with '.' are left as they are.
std::string BuildMessage(const Message& message, const Envelope& envelope);

/// "Tue, 01 Jul 2025 12:34:56 +0000".
std::string FormatDate(std::chrono::system_clock::time_point time);
/// "<32 random hex digits@domain of from>".
std::string NewMessageId(std::string_view from);
/// RFC 2047 "B" encoded words for UTF-8 `text`, folded (CRLF SP) so each line stays within 78 columns
/// after a header name of `header_name_length` characters. Never splits a UTF-8 sequence.
std::string EncodeHeaderWords(std::string_view text, std::size_t header_name_length);
/// RFC 2045 quoted-printable of `text` whose lines are separated by CRLF; output lines <= 76 characters.
std::string EncodeQuotedPrintable(std::string_view text);

}  // namespace faceloop::mail
