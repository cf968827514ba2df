// QueryContext: one running query's limits, clock, memory and cancellation. The engine makes one per
// statement (or takes the caller's, so that a server can cancel a query whose client went away); the
// executor calls Check() between morsels and phases, so a limit or a cancellation ends the query within
// one morsel's work.
//
// Settings are ClickHouse's of the same names; they come from the statement's SETTINGS clause or from the
// caller (a server's request parameters), the statement's winning:
//   max_threads         worker threads (0: one per hardware thread)
//   join_use_nulls      LEFT JOIN misses are NULL (1) or the type's default (0)
//   join_reorder        an INNER JOIN of two tables hashes the smaller one (1), or always the joined
//                       table (0); Aurora's own, for comparing the two plans
//   max_execution_time  seconds of wall time from the start of the statement (0: none)
//   max_memory_usage    bytes the query may hold, as counted by its MemoryTracker (0: none)
//   max_result_rows     rows of the final result (0: none); checked by the engine on the result
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/memory_tracker.h"
#include "common/status.h"
#include "types/value.h"

namespace aurora::exec {

struct QuerySettings {
  uint64_t max_threads = 0;
  bool join_use_nulls = false;
  bool join_reorder = true;
  double max_execution_time = 0;
  uint64_t max_memory_usage = 0;
  uint64_t max_result_rows = 0;

  // Sets `name` to `value` (a number, or text holding one). Errors say which setting and what it takes;
  // an unknown name is kNotSupported and lists the supported ones.
  Status Set(std::string_view name, const Value& value);
};

class QueryContext {
 public:
  explicit QueryContext(std::string query_id = "") : query_id_(std::move(query_id)) {}

  const std::string& query_id() const { return query_id_; }
  QuerySettings settings;
  std::map<std::string, std::string> params;  // values of the statement's {name:Type} placeholders
  std::string output_format;                  // the statement's FORMAT clause, if it has one

  // Asks the query to stop; it ends with kAborted at its next check. Safe from any thread.
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  MemoryTracker& memory() { return memory_; }
  const MemoryTracker& memory() const { return memory_; }
  double elapsed_seconds() const;

  // Throws QueryError: kAborted when cancelled, kResourceExhausted past max_execution_time or
  // max_memory_usage.
  void Check() const;

 private:
  std::string query_id_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<bool> cancelled_{false};
  MemoryTracker memory_;
};

}  // namespace aurora::exec
