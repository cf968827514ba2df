#include "sources/demo_feed.h"

#include <chrono>
#include <cmath>
#include <string>

#include "common/clock.h"
#include "common/logging.h"
#include "sources/event_generator.h"

namespace aurora::sources {

DemoFeed::DemoFeed(double events_per_second, Sink sink, uint64_t seed)
    : rate_(std::max(events_per_second, 0.1)), sink_(std::move(sink)), seed_(seed) {}

DemoFeed::~DemoFeed() {
  Stop();
}

void DemoFeed::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void DemoFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoFeed::Loop() {
  // One year of events at this rate: the generator's time step is then 1 / rate seconds, so event
  // times advance with the wall clock while the feed keeps pace.
  EventGeneratorOptions options;
  options.seed = seed_ ^ static_cast<uint64_t>(Clock::System().NowMillis());
  options.start_ms = Clock::System().NowMillis();
  options.days = 365;
  options.rows = static_cast<uint64_t>(rate_ * 86400 * 365);
  EventGenerator generator(options);
  const auto start = std::chrono::steady_clock::now();
  std::string batch;
  uint64_t due_total = 0;
  std::unique_lock lock(mu_);
  for (uint64_t tick = 1; !stop_; ++tick) {
    cv_.wait_until(lock, start + std::chrono::milliseconds(100 * tick), [this] { return stop_; });
    if (stop_) break;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto due = static_cast<uint64_t>(std::floor(elapsed * rate_));
    if (due <= due_total) continue;
    // The first batch holds a whole second of events, so that the table inferred from it sees enough
    // values to tell the repetitive strings (LowCardinality) from the rest.
    if (due_total == 0 && elapsed < 1.0) continue;
    // After a stall, catch up by at most ten seconds of events rather than flooding.
    const uint64_t n = std::min<uint64_t>(due - due_total, static_cast<uint64_t>(rate_ * 10) + 1);
    due_total = due;
    batch.clear();
    generator.NextNdjson(n, &batch);
    lock.unlock();
    Status st = sink_(batch, n);
    lock.lock();
    if (st.ok()) {
      sent_ += n;
    } else {
      AURORA_LOG_WARN("demo feed: {} events not written: {}", n, st.ToString());
    }
  }
}

}  // namespace aurora::sources
