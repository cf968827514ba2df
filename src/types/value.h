// Value: one scalar, used where a single value is needed outside a column: min/max statistics, primary
// index keys, literals. Integers, dates and times are Int64 (UInt64 for UInt64), floats Float64.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "types/data_type.h"

namespace aurora {

using Value = std::variant<std::monostate, int64_t, uint64_t, double, std::string>;

inline bool IsNull(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// Total order: NULL first, then numbers compared numerically across kinds, then strings.
int CompareValues(const Value& a, const Value& b);

// A readable rendering for messages and tests (strings are not quoted; NULL is "NULL").
std::string ValueToString(const Value& v);

}  // namespace aurora
