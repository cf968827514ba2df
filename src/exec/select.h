// SelectPlan: a bound SELECT, and its parallel execution. QueryPlan: a UNION ALL of SelectPlans.
//
// Stages:
//   1. source  the table snapshot's granule ranges (pruned by `pushdown`) and buffered chunks, or the
//              chunks of a FROM subquery (`from`, run first), are dealt out to worker threads as
//              morsels; each reads only the columns the query uses;
//   2. filter  `where` is evaluated per chunk and the chunk compacted to the passing rows (for a table,
//              the other columns are read only for granules where some row passed);
//   3. join    each of `joins` in turn: its right side (the build side, with its own filter and
//              pruning) was run first and hashed on its keys; every chunk is probed and widened by the
//              right side's columns; then `join_filter`;
//   4a. aggregate (when `aggregate`): each worker maps rows to groups in its own GroupTable and folds
//              them into its own aggregate states; the workers' tables are merged at the end, giving the
//              "stage-2" chunk: group keys, then aggregate results;
//   4b. otherwise the stage-2 chunk is the joined, filtered chunk itself;
//   5. `having`, then `outputs`, `order_by` and `limit_by` keys are evaluated over stage-2 chunks; rows
//      are sorted (per-worker top-N when a LIMIT bounds the result), then DISTINCT, LIMIT BY and
//      OFFSET/LIMIT apply.
//
// Columns of the chunk seen by `where` are the source columns in `scan_columns` order (or
// `from_columns`); after the joins, each join's right-side payload columns follow, in join order.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/aggregate.h"
#include "exec/expression.h"
#include "exec/query_context.h"
#include "storage/scan.h"

namespace aurora::exec {

struct SortKey {
  BoundExprPtr expr;  // over the stage-2 chunk
  bool descending = false;
  bool nulls_first = false;
};

struct QueryPlan;
using QueryPlanPtr = std::shared_ptr<const QueryPlan>;

// A hash join. The chunk joined so far probes; `right`, the build side, was run first and hashed. For an
// INNER JOIN the binder may have swapped the sides of the query (`reordered`: the FROM table builds and
// the joined table is scanned), which changes only where columns are, not the result.
struct JoinPlan {
  bool left = false;  // LEFT JOIN: a left row without a match is kept once, with the right side's
                      // defaults (or NULLs when `use_nulls`)
  bool use_nulls = false;
  bool reordered = false;
  QueryPlanPtr right;                   // outputs: the key columns, then the payload columns
  size_t num_keys = 0;                  // key columns (equal in number and types to left_keys)
  std::vector<BoundExprPtr> left_keys;  // the probe keys, over the chunk joined so far
};

struct SelectPlan {
  // The source: a table, a FROM subquery, rows computed beforehand (a system table: `values`, read like
  // a FROM subquery's result), or none of them (SELECT without FROM: one row).
  std::shared_ptr<const storage::TableSnapshot> snapshot;
  std::string table;  // the table's name, for EXPLAIN
  QueryPlanPtr from;
  std::shared_ptr<const std::vector<Chunk>> values;
  std::vector<std::string> scan_columns;  // table columns read
  std::vector<size_t> from_columns;       // FROM subquery or values: the columns read
  storage::ScanPredicate pushdown;
  BoundExprPtr where;  // over the source columns
  // `where` as its AND-ed conjuncts (a table source only), each with the index of the pushdown range it
  // is exactly equivalent to, or -1. A granule whose min/max prove a range skips its conjunct, and reads
  // the conjunct's columns only when another conjunct or the output needs them.
  std::vector<BoundExprPtr> where_conjuncts;
  std::vector<int> conjunct_range;

  std::vector<JoinPlan> joins;
  BoundExprPtr join_filter;  // WHERE conjuncts that need joined columns

  bool aggregate = false;
  std::vector<BoundExprPtr> group_keys;  // over the scan chunk
  std::vector<AggregateCall> aggregates;

  BoundExprPtr having;                // over the stage-2 chunk
  std::vector<BoundExprPtr> outputs;  // over the stage-2 chunk
  std::vector<std::string> output_names;
  std::vector<SortKey> order_by;
  bool distinct = false;
  std::vector<BoundExprPtr> limit_by;  // LIMIT n [OFFSET m] BY exprs: over the stage-2 chunk
  uint64_t limit_by_limit = 0, limit_by_offset = 0;
  std::optional<uint64_t> limit;
  uint64_t offset = 0;
};

struct QueryPlan {
  std::vector<SelectPlan> selects;  // UNION ALL, in order; outputs agree in number and types
  const std::vector<std::string>& names() const { return selects.front().output_names; }
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
  QueryContext* query = nullptr;  // limits, memory and cancellation; none when null
  // When set, the result's rows are handed here instead of collected in ResultSet::chunks. A SELECT whose
  // rows need no final stage (no aggregation, ORDER BY, DISTINCT, LIMIT BY, LIMIT or OFFSET) hands each
  // chunk over as soon as a worker has projected it, so a result of any size streams through in bounded
  // memory; the others hand over their final rows at the end. Calls come one at a time, from the
  // workers' threads; an error returned ends the query with that error. Subqueries never use it.
  std::function<Status(const Chunk&)> sink;
};

// Runs the plan. Errors from kernels (QueryError) and storage come back as a Status.
Result<ResultSet> ExecuteSelect(const SelectPlan& plan, const ExecOptions& options);
Result<ResultSet> ExecuteQuery(const QueryPlan& plan, const ExecOptions& options);

// The plan as indented lines, source last, as EXPLAIN shows it; a table scan says how many parts and
// granules pruning removed (planned on the snapshot the query would read).
std::vector<std::string> ExplainQuery(const QueryPlan& plan);

// Keeps the rows of `chunk` where `mask` (a UInt8 condition, NULL = false) is true.
Chunk FilterChunk(const Chunk& chunk, const function::Datum& mask);

}  // namespace aurora::exec
