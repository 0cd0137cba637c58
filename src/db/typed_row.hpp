#pragma once
// A record with one field list (common/field_list.hpp) as a table row: one column per field, in
// field-list order, an absent optional stored as NULL. The column list, the `?` marks, the
// parameters of an insert and the record read back from a row are derived the same way for every
// record; the value encodings are the record's codec:
//
//   struct MyRowCodec : db::RowCodec {
//     using RowCodec::FromValue;
//     using RowCodec::ToValue;
//     static void NullInRequired(std::string_view column);  // NULL for a non-optional member
//     // ToValue / FromValue overloads for the record's own member types
//   };
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/is_optional.hpp"
#include "common/time.hpp"
#include "db/database.hpp"

namespace faceloop::db {

/// The encodings of the member types every record may have. Booleans are 0 / 1 integers and
/// times FormatTimestamp text, so both dialects store and compare them alike.
struct RowCodec {
  using Time = std::chrono::system_clock::time_point;

  static Value ToValue(const std::string& value) { return value; }
  static Value ToValue(std::int64_t value) { return value; }
  static Value ToValue(double value) { return value; }
  static Value ToValue(bool value) { return static_cast<std::int64_t>(value ? 1 : 0); }
  static Value ToValue(const Time& value) { return FormatTimestamp(value); }

  static void FromValue(const Row& row, std::size_t at, std::string_view, std::string& out) {
    out = row.Get<std::string>(at);
  }
  static void FromValue(const Row& row, std::size_t at, std::string_view, std::int64_t& out) {
    out = row.Get<std::int64_t>(at);
  }
  static void FromValue(const Row& row, std::size_t at, std::string_view, double& out) { out = row.Get<double>(at); }
  static void FromValue(const Row& row, std::size_t at, std::string_view, bool& out) {
    out = row.Get<std::int64_t>(at) != 0;
  }
  static void FromValue(const Row& row, std::size_t at, std::string_view, Time& out) {
    out = ParseTimestamp(row.Get<std::string>(at));
  }
};

/// "a, b, c": the record's columns in field-list order (for INSERT and SELECT lists).
template <typename Record>
std::string ColumnList(const Record& shape) {
  std::string columns;
  ForEachField(shape, [&columns](const auto& field, const auto&) {
    columns += (columns.empty() ? "" : ", ") + std::string(field.column);
  });
  return columns;
}

/// "?, ?, ?": one mark per column of ColumnList.
template <typename Record>
std::string Placeholders(const Record& shape) {
  std::string marks;
  ForEachField(shape, [&marks](const auto&, const auto&) { marks += marks.empty() ? "?" : ", ?"; });
  return marks;
}

/// The record's values in ColumnList order.
template <typename Codec, typename Record>
Params ToParams(const Record& record) {
  Params params;
  ForEachField(record, [&params](const auto&, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (IsOptional<T>::value) {
      params.push_back(value ? Codec::ToValue(*value) : Value(nullptr));
    } else {
      params.push_back(Codec::ToValue(value));
    }
  });
  return params;
}

/// The record of a row SELECTed with ColumnList. NULL makes an optional member absent; for any
/// other member the codec's NullInRequired decides.
template <typename Codec, typename Record>
Record FromRow(const Row& row) {
  Record record;
  std::size_t column = 0;
  ForEachField(record, [&row, &column](const auto& field, auto& value) {
    using T = std::decay_t<decltype(value)>;
    const std::size_t at = column++;
    if (row.IsNull(at)) {
      if constexpr (!IsOptional<T>::value) Codec::NullInRequired(field.column);
      return;
    }
    if constexpr (IsOptional<T>::value) {
      typename T::value_type read{};
      Codec::FromValue(row, at, field.column, read);
      value = std::move(read);
    } else {
      Codec::FromValue(row, at, field.column, value);
    }
  });
  return record;
}

}  // namespace faceloop::db
