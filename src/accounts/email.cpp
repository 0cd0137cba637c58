#include "accounts/email.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace faceloop::accounts {
namespace {

constexpr std::size_t kMaxLocalLength = 64;
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::string_view kAtextSymbols = "!#$%&'*+/=?^_`{|}~-";

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }  // after lowercasing
bool IsAtext(char c) { return IsAlnum(c) || kAtextSymbols.find(c) != std::string_view::npos; }

bool IsDotAtom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || IsAtext(c); });
}

bool IsDomainLabel(std::string_view label) {
  return !label.empty() && label.size() <= kMaxLabelLength && label.front() != '-' && label.back() != '-' &&
         std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; });
}

bool IsDomain(std::string_view domain) {
  std::size_t labels = 0;
  for (std::size_t start = 0;; ++labels) {
    const std::size_t dot = domain.find('.', start);
    if (!IsDomainLabel(domain.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return labels + 1 >= 2;
    start = dot + 1;
  }
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string NormalizeEmail(std::string_view email) {
  std::string normalized(Trim(email));
  std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  const std::size_t at = normalized.find('@');
  const bool valid = normalized.size() <= kMaxEmailLength && at != std::string::npos && at <= kMaxLocalLength &&
                     IsDotAtom(std::string_view(normalized).substr(0, at)) &&
                     IsDomain(std::string_view(normalized).substr(at + 1));
  if (!valid) throw Error(ErrorCode::kUnprocessable, "invalid email address");
  return normalized;
}

}  // namespace faceloop::accounts
