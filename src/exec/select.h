// SelectPlan: a bound single-table SELECT, and its parallel execution.
//
// Stages:
//   1. scan    the table snapshot's granule ranges (pruned by `pushdown`) and buffered chunks are dealt
//              out to worker threads as morsels; each reads only `scan_columns`;
//   2. filter  `where` is evaluated per chunk and the chunk compacted to the passing rows;
//   3a. aggregate (when `aggregate`): each worker maps rows to groups in its own GroupTable and folds
//              them into its own aggregate states; the workers' tables are merged at the end, giving the
//              "stage-2" chunk: group keys, then aggregate results;
//   3b. otherwise the stage-2 chunk is the filtered scan chunk itself;
//   4. `having`, then `outputs` and `order_by` keys are evaluated over stage-2 chunks; rows are sorted
//      (per-worker top-N when a LIMIT bounds the result), then OFFSET/LIMIT and DISTINCT apply.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/aggregate.h"
#include "exec/expression.h"
#include "storage/scan.h"

namespace aurora::exec {

struct SortKey {
  BoundExprPtr expr;  // over the stage-2 chunk
  bool descending = false;
  bool nulls_first = false;
};

struct SelectPlan {
  std::shared_ptr<const storage::TableSnapshot> snapshot;  // null: SELECT without FROM (one row)
  std::vector<std::string> scan_columns;
  storage::ScanPredicate pushdown;
  BoundExprPtr where;

  bool aggregate = false;
  std::vector<BoundExprPtr> group_keys;  // over the scan chunk
  std::vector<AggregateCall> aggregates;

  BoundExprPtr having;                // over the stage-2 chunk
  std::vector<BoundExprPtr> outputs;  // over the stage-2 chunk
  std::vector<std::string> output_names;
  std::vector<SortKey> order_by;
  bool distinct = false;
  std::optional<uint64_t> limit;
  uint64_t offset = 0;
};

struct ExecStats {
  uint64_t rows_read = 0;
  uint64_t bytes_read = 0;
  storage::ScanPlan scan;
};

struct ResultSet {
  std::vector<std::string> names;
  std::vector<DataTypePtr> types;
  std::vector<Chunk> chunks;
  ExecStats stats;
};

struct ExecOptions {
  unsigned threads = 0;  // 0: one per hardware thread
  function::FunctionContext ctx;
};

// Runs the plan. Errors from kernels (QueryError) and storage come back as a Status.
Result<ResultSet> ExecuteSelect(const SelectPlan& plan, const ExecOptions& options);

// Keeps the rows of `chunk` where `mask` (a UInt8 condition, NULL = false) is true.
Chunk FilterChunk(const Chunk& chunk, const function::Datum& mask);

}  // namespace aurora::exec
