// The scan API the query engine reads tables through.
//
// A TableSnapshot is a consistent view: the live parts and the buffered chunks at one moment. Plan()
// prunes with a conjunctive predicate: whole parts by their min/max (which covers partition pruning for
// predicates on the partition column), granule ranges by binary search on the primary index for the
// first key column, and single granules by their min/max for every column. The result is a list of
// granule ranges (the morsels parallel workers take) plus the buffered chunks. ReadGranule decodes only
// the requested columns of one granule; dictionary-encoded columns come back as dictionary columns
// (LowCardinality) whose dictionary is shared by every granule of the part, so callers can work on codes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/part.h"
#include "storage/table_schema.h"
#include "types/chunk.h"

namespace aurora::storage {

// One conjunct: `column` within [lower, upper] (each bound optional, inclusive or not), or, when
// `in_values` is non-empty, equal to one of them. Values are in the column's stored representation
// (DateTime64 as ticks, Date as days).
struct ColumnRange {
  std::string column;
  std::optional<Value> lower;
  bool lower_inclusive = true;
  std::optional<Value> upper;
  bool upper_inclusive = true;
  std::vector<Value> in_values;
};

struct ScanPredicate {
  std::vector<ColumnRange> ranges;  // all must hold
};

struct GranuleRange {
  size_t part;  // index into TableSnapshot::parts()
  uint32_t begin;
  uint32_t end;  // exclusive
};

struct ScanPlan {
  std::vector<GranuleRange> ranges;
  size_t parts_total = 0, parts_pruned = 0;
  size_t granules_total = 0, granules_pruned = 0;
  uint64_t rows_selected = 0;  // in the selected granules
};

class TableSnapshot {
 public:
  TableSnapshot(TableSchema schema, std::vector<std::shared_ptr<const Part>> parts,
                std::vector<std::shared_ptr<const Chunk>> buffer);

  const TableSchema& schema() const { return schema_; }
  const std::vector<std::shared_ptr<const Part>>& parts() const { return parts_; }
  // Buffered rows, in the table's column order (rows appended before an ALTER may lack new columns:
  // use ProjectBuffer).
  const std::vector<std::shared_ptr<const Chunk>>& buffer() const { return buffer_; }
  uint64_t num_rows() const;

  ScanPlan Plan(const ScanPredicate& predicate) const;
  // Columns `names` of granule `g` of part `part`. A column the part lacks (added later) is defaults.
  Result<Chunk> ReadGranule(size_t part, uint32_t g, const std::vector<std::string>& names) const;
  // Whether every row of granule `g` of part `part` satisfies `range` (its min/max prove it, and it has no
  // NULLs): the conjunct need not be evaluated there.
  bool GranuleSatisfies(size_t part, uint32_t g, const ColumnRange& range) const;
  // Columns `names` of buffered chunk `i`.
  // Rows [begin, begin + count) only (count is cut at the chunk's end), when given.
  Chunk ProjectBuffer(size_t i, const std::vector<std::string>& names, size_t begin = 0,
                      size_t count = SIZE_MAX) const;

 private:
  TableSchema schema_;
  std::vector<std::shared_ptr<const Part>> parts_;
  std::vector<std::shared_ptr<const Chunk>> buffer_;
};

// Whether any value in [mn, mx] can satisfy `range`.
bool RangeMayMatch(const ColumnRange& range, const Value& mn, const Value& mx);
// Whether every value in [mn, mx] satisfies `range`.
bool RangeAlwaysMatches(const ColumnRange& range, const Value& mn, const Value& mx);

}  // namespace aurora::storage
