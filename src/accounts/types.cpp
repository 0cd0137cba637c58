#include "accounts/types.hpp"

#include "common/error.hpp"

namespace faceloop::accounts {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUser: return "user";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
  }
  return "user";  // unreachable; keeps -Wreturn-type quiet
}

Role ParseRole(std::string_view name) {
  for (const Role role : {Role::kUser, Role::kAnalyst, Role::kAdmin}) {
    if (RoleName(role) == name) return role;
  }
  throw Error(ErrorCode::kUnprocessable, "unknown role '" + std::string(name) + "' (user, analyst or admin)");
}

}  // namespace faceloop::accounts
