#include "http/server/message.hpp"

#include <algorithm>
#include <cctype>

namespace faceloop::http {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void Headers::Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

void Headers::Set(std::string name, std::string value) {
  Remove(name);
  Add(std::move(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [name](const auto& field) { return SameName(field.first, name); });
}

bool Headers::Has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(), [name](const auto& field) { return SameName(field.first, name); });
}

std::string_view Headers::Get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (SameName(key, name)) return value;
  }
  return {};
}

bool Request::HasParam(std::string_view name) const {
  return std::any_of(query.begin(), query.end(), [name](const auto& pair) { return pair.first == name; });
}

std::string Request::Param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return {};
}

void Response::SetContent(std::string content, std::string_view content_type) {
  body = std::move(content);
  headers.Set("Content-Type", std::string(content_type));
}

void Response::SetStream(std::uint64_t length, BodySource source, std::string_view content_type) {
  body.clear();
  body_length = length;
  body_source = std::move(source);
  headers.Set("Content-Type", std::string(content_type));
}

}  // namespace faceloop::http
