// QuantileSample: the state of quantile / quantiles / median.
//
// Keeps every value while there are at most kCapacity of them (the quantiles are then exact), and beyond
// that a uniform random sample of kCapacity values, as ClickHouse's reservoir of 8192 values does. The
// sample is a bottom-k sample: each value gets a random priority and the kCapacity values with the
// smallest priorities stay. Merging two samples keeps the smallest priorities of both, which is again a
// uniform sample of the union, so parallel aggregation needs no weighting. Priorities come from a
// generator with a fixed seed, so a single-threaded query is deterministic; with several threads the
// sample (past kCapacity values) depends on how rows were dealt to workers.
//
// Quantiles interpolate linearly between the two nearest sample values (position p * (n - 1), as
// ClickHouse's quantile). With a sample of k = 8192 values the rank error of a quantile p has a standard
// deviation of about sqrt(p (1 - p) / k): 0.55% of the rows for the median, 0.33% for p = 0.9.
// NaN values are ignored. Not thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace aurora::exec {

class QuantileSample {
 public:
  static constexpr size_t kCapacity = 8192;

  void Add(double v, uint64_t priority) {
    if (std::isnan(v)) return;
    Offer(priority, v);
  }
  void Merge(const QuantileSample& other) {
    for (const auto& [p, v] : other.items_) Offer(p, v);
  }
  bool empty() const { return items_.empty(); }
  // The kept values in ascending order.
  std::vector<double> Sorted() const {
    std::vector<double> out;
    out.reserve(items_.size());
    for (const auto& item : items_) out.push_back(item.second);
    std::sort(out.begin(), out.end());
    return out;
  }
  // The quantile `level` of sorted values (linear interpolation); `sorted` must not be empty.
  static double Interpolate(const std::vector<double>& sorted, double level) {
    double pos = level * static_cast<double>(sorted.size() - 1);
    size_t lo = static_cast<size_t>(pos);
    if (lo + 1 >= sorted.size()) return sorted.back();
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - static_cast<double>(lo));
  }

 private:
  void Offer(uint64_t priority, double v) {
    if (items_.size() < kCapacity) {
      items_.emplace_back(priority, v);
      if (items_.size() == kCapacity) std::make_heap(items_.begin(), items_.end());
      return;
    }
    if (priority >= items_.front().first) return;
    std::pop_heap(items_.begin(), items_.end());
    items_.back() = {priority, v};
    std::push_heap(items_.begin(), items_.end());
  }

  std::vector<std::pair<uint64_t, double>> items_;  // a max-heap by priority once full
};

// splitmix64: the priorities of a QuantileSample.
inline uint64_t NextPriority(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace aurora::exec
