// DataType: Aurora's SQL types, in ClickHouse's names.
//
//   Bool, Int8..Int64, UInt8..UInt64, Float32, Float64, String, Date, DateTime[('tz')],
//   DateTime64(p[, 'tz']), Nullable(T), LowCardinality(T), Array(T)
//   IntervalSecond..IntervalYear: the result of INTERVAL n UNIT (an Int64 count of units); they exist in
//   expressions only and cannot be stored in a table.
//
// A type is immutable and shared (DataTypePtr). Wrappers (Nullable, LowCardinality) hold a nested type.
// Array(T) holds its element type in nested() too, but is a base type of its own: Base() stops at it, and
// as in ClickHouse an array is never NULL (Nullable(Array(T)) is not a type; Array(Nullable(T)) is).
// Arrays exist in query results and functions; tables cannot store them yet. Decimal(P,S) and Map(K,V)
// fit the same shape later: one more fixed-width base type, and one more type with child columns.
//
// How a type is laid out in memory and on disk is its ColumnLayout: fixed-width values, variable-length
// strings, dictionary codes (each with an optional null map), or arrays (offsets into a child column).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace aurora {

enum class TypeId : uint8_t {
  kBool = 1,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kString,
  kDate,        // UInt16 days since 1970-01-01
  kDateTime,    // UInt32 seconds since the epoch; time zone for display and calendar functions
  kDateTime64,  // Int64 ticks of 10^-precision seconds since the epoch; time zone as DateTime
  kNullable,
  kLowCardinality,
  kArray,           // elements of nested() type, one variable-length list per row
  kIntervalSecond,  // Int64 count of units; expressions only, never stored
  kIntervalMinute,
  kIntervalHour,
  kIntervalDay,
  kIntervalWeek,
  kIntervalMonth,
  kIntervalQuarter,
  kIntervalYear,
};

class DataType;
using DataTypePtr = std::shared_ptr<const DataType>;

// How values of a type are stored.
struct ColumnLayout {
  enum class Kind : uint8_t { kFixed, kString, kDictionary, kArray };
  Kind kind;
  uint8_t width;    // bytes per value for kFixed (codes are always uint32 in memory)
  bool nullable;    // has a null map
  TypeId value_id;  // the base type of the values (after Nullable / LowCardinality)
};

class DataType {
 public:
  static DataTypePtr Make(TypeId id);
  static DataTypePtr DateTime(std::string timezone = "");
  static DataTypePtr DateTime64(int precision, std::string timezone = "");
  static DataTypePtr Nullable(DataTypePtr nested);
  static DataTypePtr LowCardinality(DataTypePtr nested);
  static DataTypePtr Array(DataTypePtr element);

  TypeId id() const { return id_; }
  const DataTypePtr& nested() const { return nested_; }
  int precision() const { return precision_; }
  // The time zone of DateTime / DateTime64; empty means the server's default (UTC).
  const std::string& timezone() const { return timezone_; }

  // The ClickHouse spelling, e.g. "Nullable(DateTime64(3, 'UTC'))".
  std::string Name() const;
  bool IsNullable() const;
  bool IsLowCardinality() const;
  bool IsArray() const { return id_ == TypeId::kArray; }
  // True if this type or any type inside it is an Array.
  bool ContainsArray() const;
  // The type with Nullable and LowCardinality wrappers removed (an Array type is its own base).
  const DataType& Base() const;
  ColumnLayout Layout() const;
  bool Equals(const DataType& other) const { return Name() == other.Name(); }

  bool IsInteger() const;
  bool IsSignedInteger() const;
  bool IsFloat() const;
  bool IsTime() const;      // Date, DateTime, DateTime64
  bool IsInterval() const;  // IntervalSecond .. IntervalYear
  // Ticks per second of a DateTime64 (10^precision); 1 for DateTime.
  int64_t TicksPerSecond() const;

  DataType(TypeId id, DataTypePtr nested, int precision, std::string timezone)
      : id_(id), nested_(std::move(nested)), precision_(precision), timezone_(std::move(timezone)) {}

 private:
  TypeId id_;
  DataTypePtr nested_;
  int precision_ = 0;
  std::string timezone_;
};

// Parses a type name as ClickHouse writes it; errors say what was wrong and where in the text.
Result<DataTypePtr> ParseDataType(std::string_view text);

// Width in bytes of a fixed-width base type; 0 for String.
int FixedWidthOf(TypeId id);

}  // namespace aurora
