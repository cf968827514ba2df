// Hash tables keyed by the values of one or more columns: the build side of hash joins and the sets of
// `x IN (SELECT ...)`.
//
// Both sides of a lookup must present their keys in the same types (the binder casts them to a common
// type first); keys are then compared by their bytes. A row whose key has a NULL never matches, as in
// ClickHouse. One fixed-width key column is kept in an integer hash map; anything else is encoded into
// bytes. Rows with equal keys are chained, in row order.
//
// Thread-safety: Build once, then Probe and Contains from any number of threads.
#pragma once

#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "function/function_registry.h"

namespace aurora::exec {

class JoinTable {
 public:
  // Indexes rows [0, rows) of `keys`.
  void Build(const std::vector<ColumnPtr>& keys, size_t rows);

  // Where a Probe stopped: the probe row, and the next of its matches.
  struct ProbeCursor {
    size_t row = 0;
    uint32_t build = kUnset;
  };

  // The matches of each row of `keys` (`rows` rows): one pair (probe row, build row) per match, in probe
  // row order. With `keep_unmatched`, a probe row with no match gets one pair (row, `miss`). At most
  // `max_pairs` pairs are produced per call (so that a key with many matches does not explode one chunk);
  // the call continues from *cursor and returns true once every row is done.
  bool Probe(const std::vector<function::Datum>& keys, size_t rows, bool keep_unmatched, uint32_t miss,
             size_t max_pairs, ProbeCursor* cursor, std::vector<uint32_t>* probe_rows,
             std::vector<uint32_t>* build_rows) const;

  // out[i] = 1 when row i of `keys` has a match (0 for NULL keys).
  void Contains(const std::vector<function::Datum>& keys, size_t rows, uint8_t* out) const;

  size_t size() const { return next_.size(); }

 private:
  static constexpr uint32_t kEnd = UINT32_MAX;
  static constexpr uint32_t kUnset = UINT32_MAX - 1;  // ProbeCursor: the row's matches are not looked up
  // The first build row with the key of row `row`, or kEnd.
  uint32_t Find(const std::vector<function::Datum>& keys, size_t row, std::string* buf) const;

  bool fixed_ = false;  // one fixed-width key column
  absl::flat_hash_map<uint64_t, uint32_t> fixed_head_;
  absl::flat_hash_map<std::string, uint32_t> bytes_head_;
  std::vector<uint32_t> next_;  // next build row with the same key
};

// The key of row `row` of `keys` as bytes (fixed-width values as stored, strings length-prefixed);
// false when one of its values is NULL.
bool EncodeKey(const std::vector<function::Datum>& keys, size_t row, std::string* out);

}  // namespace aurora::exec
