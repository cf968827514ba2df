// TableSchema: what a table is, as stored in its manifest: columns (type, codec, default, comment), the
// ORDER BY key, the PARTITION BY expression, the TTL and the storage settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "storage/codec.h"
#include "types/column.h"
#include "types/data_type.h"
#include "types/value.h"

namespace aurora::storage {

struct ColumnDef {
  std::string name;
  DataTypePtr type;
  std::optional<CodecSpec> codec;  // nullopt: the table's default (LZ4)
  std::string default_expr;        // SQL text, evaluated by the SQL layer; empty: the type's default
  std::string comment;
};

// PARTITION BY: none, or a time function of one column.
struct PartitionSpec {
  enum class Kind : uint8_t { kNone, kToYYYYMM, kToYYYYMMDD, kToDate };
  Kind kind = Kind::kNone;
  std::string column;

  // "toYYYYMM(ts)", "toDate(ts)", "" for none.
  static Result<PartitionSpec> Parse(std::string_view text);
  std::string ToString() const;
};

// TTL column + INTERVAL n unit: rows whose column value is older than now - interval are removed.
struct TtlSpec {
  std::string column;
  int64_t seconds = 0;

  // "ts + INTERVAL 30 DAY" (units SECOND, MINUTE, HOUR, DAY, WEEK, MONTH (30 days), YEAR (365 days)).
  static Result<TtlSpec> Parse(std::string_view text);
  std::string ToString() const;
};

enum class FsyncPolicy : uint8_t { kBatch, kInterval, kNever };

struct TableSettings {
  uint32_t granule_rows = 8192;
  uint64_t flush_rows = 1 << 20;       // flush the buffer to a part at this many rows...
  int64_t flush_interval_ms = 10'000;  // ...or when its oldest row is this old
  FsyncPolicy fsync = FsyncPolicy::kBatch;
  int64_t fsync_interval_ms = 100;      // for kInterval
  uint32_t merge_min_parts = 4;         // parts of one size tier that trigger a merge
  uint32_t merge_max_parts = 10;        // parts merged at once at most
  uint64_t merge_max_rows = 32u << 20;  // no merge produces a larger part
  // Set a String column to dictionary encoding in a part when it has at most this many distinct values
  // and they are at most 1/4 of the rows.
  uint32_t auto_dictionary_max = 4096;

  // Applies "key = value" from CREATE TABLE ... SETTINGS; errors name the setting.
  Status Set(std::string_view key, std::string_view value);
};

struct TableSchema {
  std::string name;
  std::vector<ColumnDef> columns;
  std::vector<std::string> order_by;
  PartitionSpec partition_by;
  std::optional<TtlSpec> ttl;
  TableSettings settings;
  std::string comment;

  int IndexOf(std::string_view column) const;
  const ColumnDef* Find(std::string_view column) const;
  CodecSpec CodecFor(size_t column) const;
  // Checks names, the key, partition and TTL columns and codecs against the column types.
  Status Validate() const;

  nlohmann::json ToJson() const;
  static Result<TableSchema> FromJson(const nlohmann::json& j);
};

// Partition id of a time value of `type` (stored representation) under `spec`, e.g. 202401 for toYYYYMM;
// 0 for kNone. Time zone: the column's, UTC if none.
int64_t PartitionIdOf(const PartitionSpec& spec, const DataType& type, int64_t stored_value);

// Seconds since the epoch of a stored time value (Date, DateTime, DateTime64), rounded down.
int64_t TimeValueToSeconds(const DataType& type, int64_t stored_value);

bool IsValidIdentifier(std::string_view name);

// Whether values stored as `from` can be read as `to` without losing what they mean, so that a column's
// type may change from `from` to `to` (ALTER, schema evolution): the same type; String and
// LowCardinality(String) either way; T to Nullable(T); an integer or Float32 to Float64 (integers beyond
// 2^53 round to the nearest double). Nullable never becomes non-Nullable.
bool CanWiden(const DataType& from, const DataType& to);
// `column` as type `to` (the column itself when its type is `to`). REQUIRES: CanWiden(its type, to).
ColumnPtr WidenColumn(const ColumnPtr& column, const DataTypePtr& to);

}  // namespace aurora::storage
