// The least common supertype of several types, as ClickHouse's getLeastSupertype computes it for the types
// Aurora has. One definition serves if / multiIf / coalesce / greatest, array(...), UNION ALL columns and
// join keys, so the same types always meet the same way.
#pragma once

#include <vector>

#include "types/data_type.h"

namespace aurora {

// The least type every one of `types` converts to without loss, or nullptr when there is none:
//   - integers widen; signed and unsigned mixed need a signed type one size up (UInt64 with a signed type
//     has none); Bool counts as UInt8;
//   - integers of up to 16 bits with Float32 give Float32, up to 32 bits with floats Float64; 64-bit
//     integers with floats have none (no float holds every 64-bit integer);
//   - Date < DateTime < DateTime64 (the finest precision; the first time zone given);
//   - strings stay strings; LowCardinality when all inputs are;
//   - arrays give an array of the elements' supertype.
// The result is Nullable when any input is (arrays are never Nullable).
DataTypePtr LeastSupertype(const std::vector<DataTypePtr>& types);

// Nullable(t); LowCardinality(Nullable(T)) for LowCardinality(T); t itself when already Nullable or an array.
DataTypePtr MakeNullable(const DataTypePtr& t);

}  // namespace aurora
