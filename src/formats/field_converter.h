// FieldConverter: turns one field of input (text, or a JSON number / bool) into the stored value of a target
// column and appends it, with the conversions and range checks of ConvertValue, but without building a
// Value or allocating for numbers, strings and times. One per target column, made once per reader.
//
// Text rules (CSV and TSV fields after unquoting / unescaping, JSON strings):
//   integers   decimal, optional sign, range-checked for the type ("value 300 is out of range for UInt8")
//   floats     decimal or exponent form, inf, -inf, nan (as ClickHouse writes them)
//   Bool       true / false (any case), 1 / 0
//   Date       YYYY-MM-DD, or a day number
//   DateTime   YYYY-MM-DD hh:mm:ss[.fff][Z] (also with 'T') in the column's time zone, or Unix seconds
//              (with a fraction for DateTime64)
//   String     as is
#pragma once

#include <string>
#include <string_view>

#include "formats/format_reader.h"
#include "types/column.h"

namespace aurora::formats {

class FieldConverter {
 public:
  enum class Kind : uint8_t { kBool, kSigned, kUnsigned, kFloat, kString, kDate, kDateTime, kDateTime64 };

  FieldConverter(const InputColumn& input, Column* column);

  Kind kind() const { return kind_; }
  bool nullable() const { return nullable_; }
  const std::string& name() const { return name_; }
  void set_column(Column* column) { column_ = column; }

  // Each Append* appends exactly one value, or nothing and returns false with the reason in *error.
  bool AppendText(std::string_view text, std::string* error);
  bool AppendNull(std::string* error);
  void AppendDefault();
  // JSON numbers and booleans; `raw` is the number as written, for messages (empty: print `v`).
  bool AppendInt64(int64_t v, std::string_view raw, std::string* error);
  bool AppendUInt64(uint64_t v, std::string_view raw, std::string* error);
  bool AppendDouble(double v, std::string_view raw, std::string* error);
  bool AppendBool(bool v, std::string* error);

  // "cannot parse '<text>' as <Type>" with long text shortened.
  std::string CannotParse(std::string_view text) const;

 private:
  bool OutOfRange(std::string_view text, std::string* error) const;
  bool AppendTime(std::string_view text, std::string* error);

  Column* column_;
  DataTypePtr type_;
  std::string name_;
  Value default_value_;
  Kind kind_;
  bool nullable_;
  int64_t lo_ = 0;   // kSigned: smallest value
  uint64_t hi_ = 0;  // kSigned / kUnsigned: largest value
  std::string timezone_;
  int64_t ticks_per_second_ = 1;
};

// Shortens `text` for an error message: at most 60 bytes, "..." when cut.
std::string Excerpt(std::string_view text);

}  // namespace aurora::formats
