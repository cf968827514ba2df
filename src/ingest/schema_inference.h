// Schema inference: the column types that rows of outside data need, from a sample of their values.
//
// A Sample collects, per field name (in the order the fields are first seen), how many values of each kind
// it saw (FieldStats). InferType turns one field's counts into a column type; InferSchema turns a whole
// sample into the schema of a new table, with its time column, ORDER BY and PARTITION BY.
//
// Rules (docs/architecture.md, "Ingest"):
//   kind      the kind most of the non-null values have wins (numbers count together: Float64 if any has a
//             fraction, Int64 otherwise, UInt64 when a value needs it); values of another kind are the
//             reader's to reject later (they go to quarantine), so one stray "n/a" does not turn a numeric
//             field into String. A tie goes to String, which holds anything.
//   times     strings written YYYY-MM-DD hh:mm:ss[.fraction][Z] (or with 'T') are times: DateTime64 with
//             the precision of the longest fraction seen (at least 3, at most 9), in UTC.
//   strings   LowCardinality(String) when the sample has at most kLowCardinalityMaxDistinct distinct values
//             and they are at most a quarter of the values; String otherwise. JSON objects and arrays are
//             String (their JSON text).
//   nulls     Nullable(T) when the field was null in some row; a field that was only null is
//             Nullable(String).
//   time col  the first time field named like a time (timestamp, time, ts, event_time, ...), else the first
//             time field: non-Nullable, ORDER BY it and PARTITION BY toYYYYMM(it). Without one the table
//             has no ORDER BY key and no partitions.
//
// Not thread-safe (a Sample is filled by one thread); the functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "storage/table_schema.h"
#include "types/data_type.h"

namespace aurora::ingest {

// At most this many distinct values (and at most 1/4 of the values) make a string field LowCardinality.
inline constexpr size_t kLowCardinalityMaxDistinct = 4096;

enum class ValueKind : uint8_t { kNull, kBool, kInt, kUInt, kFloat, kTime, kString, kNested };
inline constexpr size_t kNumValueKinds = 8;

class FieldStats {
 public:
  // One value of `kind`; `text` is the value of strings (for the distinct count) and times.
  void Add(ValueKind kind, std::string_view text = {});
  uint64_t count(ValueKind kind) const { return counts_[static_cast<size_t>(kind)]; }
  uint64_t non_null() const;
  bool only_nulls() const { return non_null() == 0; }
  // The column type for the values seen (the rules above); `nullable` false leaves out Nullable.
  DataTypePtr InferType(bool nullable = true) const;
  bool IsTime() const;

 private:
  std::array<uint64_t, kNumValueKinds> counts_{};
  int time_digits_ = 0;
  bool negative_ = false;
  absl::flat_hash_set<std::string> distinct_;
  bool distinct_overflow_ = false;
};

// Fields by name, in the order they were first seen.
class Sample {
 public:
  FieldStats& Field(std::string_view name);
  const FieldStats* Find(std::string_view name) const;
  const std::vector<std::pair<std::string, FieldStats>>& fields() const { return fields_; }
  uint64_t rows = 0;

 private:
  std::vector<std::pair<std::string, FieldStats>> fields_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// The kind of a text field (CSV): integer (no leading zero), float, time, true/false, or string. Empty
// text is a string.
ValueKind ClassifyText(std::string_view text);
// Whether `text` is YYYY-MM-DD[ T]hh:mm:ss[.fraction][Z]; *fraction_digits gets the fraction's length.
bool LooksLikeTime(std::string_view text, int* fraction_digits = nullptr);

// Adds one JSON object (its text, `object`) to `sample`: false when it is not a JSON object, or when
// `require_time` is not empty and the object's field of that name is not a time (such a row is quarantined,
// so its values must not shape the schema).
bool AddJsonObject(std::string_view object, Sample* sample, std::string_view require_time = {});
// Samples at most `max_rows` objects of JSONEachRow data, one object per line (lines that are not an
// object, or not valid JSON, are left out: the reader reports them later).
Sample SampleJsonEachRow(std::string_view data, size_t max_rows, std::string_view require_time = {});

// The name of the field InferSchema makes the time column, or "" when no field holds times.
std::string ChooseTimeColumn(const Sample& sample);
// The schema of a new table `name` for `sample` (the rules above). Fields that are not valid column names
// are left out (rows that have them are quarantined).
storage::TableSchema InferSchema(std::string name, const Sample& sample);

}  // namespace aurora::ingest
