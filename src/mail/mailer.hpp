#pragma once
// The mailer seam: one interface for every way faceloop sends mail (SMTP today). The service picks the
// implementation once at start-up from its configuration and passes it down.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faceloop::mail {

/// An image the HTML body shows by `<img src="cid:CONTENT_ID">` (multipart/related).
struct InlinePart {
  std::string content_id;    ///< letters, digits and . _ - @ only
  std::string content_type;  ///< image/png or image/jpeg
  std::string bytes;
};

/// One mail to one recipient. The sender is the mailer's (configured once). Plain text, or with
/// `html_body` an HTML alternative and its inline images (mime.hpp).
struct Message {
  std::string to;         ///< addr-spec only ("user@example.com"), no display name
  std::string subject;    ///< UTF-8; encoded for the header by the mailer
  std::string text_body;  ///< UTF-8; any line ending; may carry secrets, so it never appears in errors
  std::string html_body;  ///< UTF-8 HTML, escaped by whoever wrote it; empty = plain text only
  std::vector<InlinePart> inline_parts;
  /// Extra header fields (List-Unsubscribe, RFC 8058): a name of letters, digits and '-' that is not
  /// one the mailer writes itself, and a value of printable ASCII on one line.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Sends mail. Implementations are thread-safe: Send may be called from several threads at once.
class IMailer {
 public:
  IMailer() = default;
  IMailer(const IMailer&) = delete;
  IMailer& operator=(const IMailer&) = delete;
  virtual ~IMailer() = default;

  /// Delivers `message` to the mail server (not necessarily to the mailbox). Throws faceloop::Error:
  /// kBadRequest for an invalid recipient or header text (CR/LF: header injection), kUnavailable when
  /// the server cannot be reached, times out or refuses the mail or the credentials.
  virtual void Send(const Message& message) = 0;
  /// Short name of the implementation for logs and metrics ("smtp").
  virtual std::string_view Name() const = 0;
};

}  // namespace faceloop::mail
