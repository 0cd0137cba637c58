#include "mail/message.hpp"

#include <time.h>  // NOLINT(modernize-deprecated-headers): POSIX gmtime_r; <ctime> need not declare it

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <random>

#include "common/error.hpp"
#include "mail/mime.hpp"

namespace faceloop::mail {
namespace {

constexpr std::size_t kMaxAddressLength = 254;
constexpr std::size_t kMaxLocalLength = 64;
constexpr std::size_t kMaxHeaderLine = 78;      // RFC 5322 2.1.1 "SHOULD"
constexpr std::size_t kMaxBodyLine = 998;       // RFC 5322 2.1.1 "MUST" (7bit)
constexpr std::size_t kMaxEncodedWordB64 = 60;  // keeps "=?UTF-8?B?...?=" within RFC 2047's 75
constexpr std::size_t kMaxQpLine = 76;          // RFC 2045 6.7 (5)
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr std::string_view kAtextSymbols = "!#$%&'*+/=?^_`{|}~-";
constexpr std::string_view kHex = "0123456789ABCDEF";

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsAtext(char c) { return IsAsciiAlnum(c) || kAtextSymbols.find(c) != std::string_view::npos; }

bool IsDotAtom(std::string_view text, bool (*is_char)(char)) {
  if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [is_char](char c) { return c == '.' || is_char(c); });
}

bool IsDomain(std::string_view domain) {
  // Labels may not start or end with a hyphen; a single label ("localhost") is accepted on purpose:
  // a test or internal relay may use one.
  const bool labels_ok = domain.find(".-") == std::string_view::npos && domain.find("-.") == std::string_view::npos &&
                         domain.front() != '-' && domain.back() != '-';
  return labels_ok && IsDotAtom(domain, [](char c) { return IsAsciiAlnum(c) || c == '-'; });
}

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid, shortest-form one.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  constexpr std::array<std::uint32_t, 5> kMinCode = {0, 0, 0x80, 0x800, 0x10000};
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return code < kMinCode[length] || code > 0x10FFFF || surrogate ? 0 : length;
}

bool IsUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string Base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
    }
  }
  return out;
}

void CheckSubject(std::string_view subject) {
  // CR or LF would end the header and let the caller write headers (or a body) of their choice.
  if (subject.find_first_of("\r\n") != std::string_view::npos) {
    throw Error(ErrorCode::kBadRequest, "mail subject contains a line break");
  }
  const bool has_control = std::any_of(subject.begin(), subject.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
  });
  if (has_control) throw Error(ErrorCode::kBadRequest, "mail subject contains a control character");
  if (!IsUtf8(subject)) throw Error(ErrorCode::kBadRequest, "mail subject is not valid UTF-8");
}

std::string SubjectHeader(std::string_view subject) {
  constexpr std::string_view kName = "Subject";
  // "=?" could be read as the start of an encoded word, so such text is encoded too.
  const bool plain = IsAscii(subject) && subject.find("=?") == std::string_view::npos &&
                     kName.size() + 2 + subject.size() <= kMaxHeaderLine;
  return std::string(kName) + ": " + (plain ? std::string(subject) : EncodeHeaderWords(subject, kName.size()));
}

// Any of CRLF, LF or a lone CR ends a line; the result uses CRLF and ends with one unless empty.
std::string NormalizeLineEndings(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      out += "\r\n";
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

bool FitsSevenBit(std::string_view crlf_text) {
  if (!IsAscii(crlf_text) || crlf_text.find('\0') != std::string_view::npos) return false;
  for (std::size_t start = 0; start < crlf_text.size();) {
    const std::size_t end = crlf_text.find("\r\n", start);
    if (end - start > kMaxBodyLine) return false;
    start = end + 2;
  }
  return true;
}

// One line (no CRLF) in quoted-printable, soft-broken so no output line exceeds kMaxQpLine.
void AppendQpLine(std::string_view line, std::string& out) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    // Trailing white space would be stripped by some relays, so only inner spaces stay literal.
    const bool literal = (byte >= 33 && byte <= 126 && byte != '=') || ((byte == ' ' || byte == '\t') && !last);
    const std::size_t width = literal ? 1 : 3;
    // Room for the soft break's '=' unless this is the line's last token.
    const std::size_t limit = last ? kMaxQpLine : kMaxQpLine - 1;
    if (column + width > limit) {
      out += "=\r\n";
      column = 0;
    }
    if (literal) {
      out += static_cast<char>(byte);
    } else {
      out += '=';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
    column += width;
  }
}

/// "Name: value\r\n" for each extra header; kBadRequest for a name that is not a plain token or one
/// BuildMessage writes, and for a value that could end the header (CR/LF) or needs encoding.
std::string ExtraHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  static constexpr std::string_view kOwn[] = {"date", "from", "to", "subject", "message-id", "mime-version"};
  std::string out;
  for (const auto& [name, value] : headers) {
    std::string lower;
    for (const char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
    });
    const bool own =
        std::find(std::begin(kOwn), std::end(kOwn), lower) != std::end(kOwn) || lower.starts_with("content-");
    if (!token || own) throw Error(ErrorCode::kBadRequest, "mail header name not allowed");
    const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    if (!printable || name.size() + 2 + value.size() > 998) {
      throw Error(ErrorCode::kBadRequest, "mail header " + name + ": value must be printable ASCII on one line");
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  return out;
}

std::string DomainOf(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos || at + 1 == address.size() ? "localhost" : std::string(address.substr(at + 1));
}

}  // namespace

void ValidateAddress(std::string_view field, std::string_view address) {
  const std::size_t at = address.find('@');
  const bool valid = !address.empty() && address.size() <= kMaxAddressLength && at != std::string_view::npos &&
                     at <= kMaxLocalLength && IsDotAtom(address.substr(0, at), IsAtext) && at + 1 < address.size() &&
                     IsDomain(address.substr(at + 1));
  // The address itself is left out: it is caller input and may carry anything (CR/LF included).
  if (!valid) throw Error(ErrorCode::kBadRequest, "invalid " + std::string(field) + " address");
}

std::string BuildMessage(const Message& message, const Envelope& envelope) {
  ValidateAddress("sender", envelope.from);
  ValidateAddress("recipient", message.to);
  CheckSubject(message.subject);
  if (!IsUtf8(message.text_body) || !IsUtf8(message.html_body)) {
    throw Error(ErrorCode::kBadRequest, "mail body is not valid UTF-8");
  }
  const std::string head = "Date: " + envelope.date + "\r\nFrom: " + envelope.from + "\r\nTo: " + message.to + "\r\n" +
                           SubjectHeader(message.subject) + "\r\nMessage-ID: " + envelope.message_id +
                           "\r\nMIME-Version: 1.0\r\n" + ExtraHeaders(message.headers);
  if (!message.html_body.empty()) {
    return head + RelatedBody(NormalizeLineEndings(message.text_body), NormalizeLineEndings(message.html_body),
                              message.inline_parts);
  }

  const std::string body = NormalizeLineEndings(message.text_body);
  const bool seven_bit = FitsSevenBit(body);
  std::string out;
  out.reserve(body.size() * (seven_bit ? 1 : 3) + 512);
  out += head;
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += seven_bit ? "Content-Transfer-Encoding: 7bit\r\n" : "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += seven_bit ? body : EncodeQuotedPrintable(body);
  return out;
}

std::string FormatDate(std::chrono::system_clock::time_point time) {
  // Written out rather than strftime'd: %a and %b follow the process locale, RFC 5322 wants English.
  constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  const auto two = [](int value) {
    return std::string(1, static_cast<char>('0' + value / 10)) + char('0' + value % 10);
  };
  return std::string(kDays[static_cast<std::size_t>(utc.tm_wday)]) + ", " + two(utc.tm_mday) + " " +
         std::string(kMonths[static_cast<std::size_t>(utc.tm_mon)]) + " " + std::to_string(utc.tm_year + 1900) + " " +
         two(utc.tm_hour) + ":" + two(utc.tm_min) + ":" + two(utc.tm_sec) + " +0000";
}

std::string NewMessageId(std::string_view from) {
  std::random_device random;
  std::string id = "<";
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t word = random();
    for (int shift = 28; shift >= 0; shift -= 4) id += kHex[(word >> shift) & 0x0F];
  }
  return id + "@" + DomainOf(from) + ">";
}

std::string EncodeHeaderWords(std::string_view text, std::size_t header_name_length) {
  const std::size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  // The first line holds "Name: " before the word, the following ones a single space.
  const auto raw_budget = [&](std::size_t indent) {
    const std::size_t room = kMaxHeaderLine > indent + overhead ? kMaxHeaderLine - indent - overhead : 0;
    // At least 8 characters (6 bytes) so a 4-byte UTF-8 sequence always fits in one word.
    return std::max<std::size_t>(std::min(room, kMaxEncodedWordB64) / 4, 2) * 3;
  };
  std::string out;
  std::size_t budget = raw_budget(header_name_length + 2);
  for (std::size_t start = 0; start < text.size() || out.empty();) {
    std::size_t end = std::min(text.size(), start + budget);
    // Never end a word inside a UTF-8 sequence: back up over continuation bytes.
    while (end < text.size() && end > start && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += std::string(kWordPrefix) + Base64(text.substr(start, end - start)) + std::string(kWordSuffix);
    start = end;
    budget = raw_budget(1);
    if (text.empty()) break;
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find("\r\n", start);
    const bool has_break = end != std::string_view::npos;
    if (!has_break) end = text.size();
    AppendQpLine(text.substr(start, end - start), out);
    if (has_break) out += "\r\n";
    start = has_break ? end + 2 : end;
  }
  return out;
}

}  // namespace faceloop::mail
