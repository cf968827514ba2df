// Time sources, injectable so that tests can control flush ages and TTL.
#pragma once

#include <chrono>
#include <cstdint>

namespace aurora {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch (UTC).
  virtual int64_t NowMillis() const = 0;
  // Monotonic time in nanoseconds; only differences are meaningful.
  virtual int64_t MonotonicNanos() const = 0;

  static Clock& System();
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t MonotonicNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

inline Clock& Clock::System() {
  static SystemClock clock;
  return clock;
}

// A clock that tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_millis) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_; }
  int64_t MonotonicNanos() const override { return now_ * 1000000; }
  void Advance(int64_t millis) { now_ += millis; }

 private:
  int64_t now_;
};

}  // namespace aurora
