#include "feedback/feedback.hpp"

#include <array>
#include <utility>

namespace faceloop::feedback {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 3> kVerdicts{{
    {Verdict::kCorrect, "correct"},
    {Verdict::kPartlyCorrect, "partly_correct"},
    {Verdict::kIncorrect, "incorrect"},
}};
constexpr std::array<std::pair<Channel, std::string_view>, 2> kChannels{{
    {Channel::kApi, "api"},
    {Channel::kToken, "token"},
}};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [known, name] : names) {
    if (known == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view name) {
  for (const auto& [value, known] : names) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Verdict verdict) { return NameOf(kVerdicts, verdict); }
std::optional<Verdict> ParseVerdict(std::string_view name) { return ValueOf(kVerdicts, name); }
std::string_view ToString(Channel channel) { return NameOf(kChannels, channel); }
std::optional<Channel> ParseChannel(std::string_view name) { return ValueOf(kChannels, name); }

}  // namespace faceloop::feedback
