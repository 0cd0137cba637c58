#pragma once
// SQL expressions of a record's numeric fields over table `requests`, for the read-only aggregate
// queries of src/insights (correlations, outliers): a numeric column ("total_ms", "face_count")
// or a numeric field of the image metadata ("image.brightness", stored in metadata_json, read with
// the dialect's JSON functions; booleans as 0/1). Derived from the field lists of record.hpp, so a
// name the record does not have is refused rather than guessed.
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace faceloop::requests {

/// The expression, as DOUBLE PRECISION, NULL where the record lacks the value; throws
/// Error(kInternal) for a name that is not a numeric field of the record.
std::string NumericSql(std::string_view field, db::Dialect dialect);
/// The column NumericSql reads for a numeric top-level field; empty for the image metadata's
/// fields (column metadata_json) and for names the record does not have.
std::string NumericColumnOf(std::string_view field);

}  // namespace faceloop::requests
