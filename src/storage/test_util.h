// Helpers for storage tests: a small schema and chunks of it with predictable contents.
#pragma once

#include <string>

#include "storage/table_schema.h"
#include "types/chunk.h"

namespace aurora::storage::testing {

// id UInt64, ts DateTime64(3,'UTC'), name String, v Nullable(Int64), tag LowCardinality(String);
// ORDER BY (ts, id), PARTITION BY toYYYYMMDD(ts) when partitioned.
inline TableSchema SmallSchema(bool partitioned = false) {
  TableSchema s;
  s.name = "t";
  s.columns = {
      {"id", DataType::Make(TypeId::kUInt64), std::nullopt, "", ""},
      {"ts", DataType::DateTime64(3, "UTC"), CodecSpec::Parse("DoubleDelta, ZSTD(1)").value(), "", ""},
      {"name", DataType::Make(TypeId::kString), std::nullopt, "", ""},
      {"v", DataType::Nullable(DataType::Make(TypeId::kInt64)), CodecSpec::Parse("Delta, LZ4").value(), "",
       ""},
      {"tag", DataType::LowCardinality(DataType::Make(TypeId::kString)), std::nullopt, "", ""}};
  s.order_by = {"ts", "id"};
  if (partitioned) s.partition_by = PartitionSpec::Parse("toYYYYMMDD(ts)").value();
  s.settings.granule_rows = 64;
  return s;
}

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kStartMs = 1704067200000;  // 2024-01-01

// Rows [first, first+n): id = i, ts = start + (i * 2654435761 % span) ms (shuffled), name = "n<i%50>",
// v = NULL when i % 10 == 0 else i, tag = one of four.
inline Chunk MakeRows(uint64_t first, size_t n, int64_t span_ms = 3 * kDayMs) {
  TableSchema s = SmallSchema();
  std::vector<ColumnPtr> cols;
  for (const auto& d : s.columns) cols.push_back(std::make_shared<Column>(d.type));
  static const char* tags[] = {"red", "green", "blue", "yellow"};
  for (uint64_t i = first; i < first + n; ++i) {
    cols[0]->AppendUInt(i);
    cols[1]->AppendInt(kStartMs + static_cast<int64_t>((i * 2654435761ull) % static_cast<uint64_t>(span_ms)));
    cols[2]->AppendString("n" + std::to_string(i % 50));
    if (i % 10 == 0) {
      cols[3]->AppendNull();
    } else {
      cols[3]->AppendInt(static_cast<int64_t>(i));
    }
    cols[4]->AppendString(tags[i % 4]);
  }
  Chunk c;
  for (size_t k = 0; k < cols.size(); ++k) c.Add(s.columns[k].name, cols[k]);
  return c;
}

}  // namespace aurora::storage::testing
