// Value: one scalar, used where a single value is needed outside a column: min/max statistics, primary
// index keys, literals, constants and aggregate states. Integers, dates and times are Int64 (UInt64 for
// UInt64), floats Float64; an array is a shared, immutable list of Values (so copying a Value stays cheap).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "types/data_type.h"

namespace aurora {

struct ArrayValue;
using ArrayValuePtr = std::shared_ptr<const ArrayValue>;

using Value = std::variant<std::monostate, int64_t, uint64_t, double, std::string, ArrayValuePtr>;

struct ArrayValue {
  std::vector<Value> items;
};

inline Value MakeArray(std::vector<Value> items) {
  return std::make_shared<const ArrayValue>(ArrayValue{std::move(items)});
}

inline bool IsNull(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// Total order: NULL first, then numbers compared numerically across kinds, then strings, then arrays
// (element by element, a prefix before the longer array).
int CompareValues(const Value& a, const Value& b);

// A readable rendering for messages and tests (strings are not quoted; NULL is "NULL"; arrays as ClickHouse
// writes them, with quoted strings: ['a','b']).
std::string ValueToString(const Value& v);

}  // namespace aurora
