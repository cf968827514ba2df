// HyperLogLog: the distinct-count sketch behind uniq.
//
// Up to kSparseLimit (4096) distinct 64-bit hashes are kept exactly (so small counts are exact, as
// ClickHouse's uniq is for small sets); past that the sketch switches to 2^15 one-byte registers
// (32 KiB, the size of the exact set it replaces). The estimate uses Ertl's improved estimator ("New
// cardinality estimation algorithms for HyperLogLog sketches", 2017), which needs no empirical bias
// tables and has no bias hump between the small and the large range: the relative standard error is
// about 1.04 / sqrt(2^15) = 0.57% over the whole range (2^14 registers, 0.81%, put 10^6 values 2.3%
// off in some trials; the unit tests hold the error under 2%).
//
// A sketch depends only on the set of hashes inserted, never on the order or on how the input was split
// among merged sketches, so parallel aggregation gives the same answer as a single thread.
// Not thread-safe; each worker owns its sketches.
#pragma once

#include <cstdint>
#include <vector>

#include <absl/container/flat_hash_set.h>

namespace aurora::exec {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 15;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;
  static constexpr size_t kSparseLimit = 4096;

  void Insert(uint64_t hash) {
    if (registers_.empty()) {
      sparse_.insert(hash);
      if (sparse_.size() > kSparseLimit) Densify();
    } else {
      InsertDense(hash);
    }
  }
  void Merge(const HyperLogLog& other);
  uint64_t Estimate() const;
  bool exact() const { return registers_.empty(); }

 private:
  void Densify();
  void InsertDense(uint64_t hash) {
    size_t index = hash >> (64 - kPrecision);
    uint64_t rest = hash << kPrecision;  // the remaining 50 bits, high-aligned
    uint8_t rank = rest == 0 ? 64 - kPrecision + 1 : static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > 64 - kPrecision + 1) rank = 64 - kPrecision + 1;
    if (registers_[index] < rank) registers_[index] = rank;
  }

  absl::flat_hash_set<uint64_t> sparse_;
  std::vector<uint8_t> registers_;  // empty while the sketch is exact
};

}  // namespace aurora::exec
