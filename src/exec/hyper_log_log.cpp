#include "exec/hyper_log_log.h"

#include <cmath>
#include <limits>

namespace aurora::exec {

namespace {

// sigma and tau of Ertl's estimator (section 4 of the paper), computed to convergence.
double Sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != previous);
  return z / 3;
}

}  // namespace

void HyperLogLog::Densify() {
  registers_.assign(kRegisters, 0);
  for (uint64_t h : sparse_) InsertDense(h);
  sparse_ = {};
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.registers_.empty()) {
    for (uint64_t h : other.sparse_) Insert(h);
    return;
  }
  if (registers_.empty()) Densify();
  for (size_t i = 0; i < kRegisters; ++i)
    if (registers_[i] < other.registers_[i]) registers_[i] = other.registers_[i];
}

uint64_t HyperLogLog::Estimate() const {
  if (registers_.empty()) return sparse_.size();
  constexpr int q = 64 - kPrecision;
  double counts[q + 2] = {};
  for (uint8_t r : registers_) counts[r] += 1;
  const double m = static_cast<double>(kRegisters);
  double z = m * Tau(1 - counts[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + counts[k]);
  z += m * Sigma(counts[0] / m);
  const double alpha_inf = 0.5 / std::log(2.0);
  return static_cast<uint64_t>(std::llround(alpha_inf * m * m / z));
}

}  // namespace aurora::exec
