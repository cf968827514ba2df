// System tables: what Aurora knows about itself, as tables that queries read like any other
// (SELECT ... FROM system.parts WHERE table = 'events'). Each is computed when a query reads it:
//
//   system.tables     one row per table: engine, keys, rows, bytes, comment
//   system.columns    one row per column of every table: type, position, default, codec, sizes, keys
//   system.parts      one row per live part of every table: partition, rows, granules (marks), bytes
//   system.query_log  the last QueryLog::kCapacity statements, oldest first (kept in memory: a restart
//                     empties it)
//   system.sources    one row per source (CREATE SOURCE): its table, topic, group, state, totals, lag
//                     (summed over its partitions), rate and last error
//   system.source_partitions  one row per partition a source has been assigned: current_offset (the next
//                     to read), high_watermark, lag
//   system.functions  one row per function SQL can call: name, is_aggregate
//   system.metrics    gauges of now (running queries, tables, parts, unflushed rows, bytes) and counters
//                     since the tables were opened (flushes, merges)
//
// Column names and types follow ClickHouse's tables of the same names where both have the column.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "exec/select.h"
#include "kafka/source_manager.h"

namespace aurora {

struct QueryLogEntry {
  std::string query_id;
  std::string query;
  bool failed = false;  // type ExceptionWhileProcessing (else QueryFinish)
  std::string exception;
  std::string exception_code;  // ErrorCode name, empty on success
  int64_t start_time_ms = 0;   // wall clock, milliseconds since the epoch
  uint64_t duration_ms = 0;
  uint64_t read_rows = 0, read_bytes = 0, written_rows = 0, result_rows = 0;
  int64_t memory_usage = 0;  // peak bytes
};

// The most recent statements, for system.query_log. Thread-safe.
class QueryLog {
 public:
  static constexpr size_t kCapacity = 10000;
  static constexpr size_t kMaxQueryText = 64 * 1024;  // longer statements are cut

  void Add(QueryLogEntry entry);
  std::vector<QueryLogEntry> Entries() const;

 private:
  mutable std::mutex mu_;
  std::deque<QueryLogEntry> entries_;
};

struct SystemState {
  const Catalog& catalog;
  const QueryLog& query_log;
  size_t running_queries = 0;
  int64_t running_memory = 0;  // bytes held by running statements
  std::vector<kafka::SourceInfo> sources;
};

// The rows of system.`name`; NotFound (listing the system tables) for any other name.
Result<exec::ResultSet> SystemTable(const std::string& name, const SystemState& state);

}  // namespace aurora
