#pragma once
// The API's view of a user and of an API key's metadata (never its hash), shared by the account
// routes and the data export.
#include <nlohmann/json.hpp>

#include "accounts/types.hpp"

namespace faceloop::http {

inline nlohmann::json UserJson(const accounts::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", accounts::RoleName(user.role)},
          {"created_at", user.created_at}};
}

inline nlohmann::json KeyInfoJson(const accounts::KeyInfo& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"created_at", key.created_at},
          {"last_used_at", key.last_used_at ? nlohmann::json(*key.last_used_at) : nlohmann::json()},
          {"revoked_at", key.revoked_at ? nlohmann::json(*key.revoked_at) : nlohmann::json()}};
}

}  // namespace faceloop::http
