#pragma once
// Whether a type is a std::optional: the typed-record code (field lists, database rows) treats an
// optional member as "may be absent" and everything else as always present.
#include <optional>
#include <type_traits>

namespace faceloop {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

}  // namespace faceloop
