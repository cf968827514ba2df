// DemoFeed: the live demo stream. A background thread generates the standard e-commerce workload
// (EventGenerator) at a steady rate, with event times following the wall clock, and hands it as NDJSON
// batches (one every 100 ms, the first after a second) to a sink, which in the server is the same ingestion
// path as the HTTP events API. A failing sink is logged and retried with the next batch; the feed never stops
// on its own.
//
// Lifecycle: construct, Start, Stop (or destroy). Thread-safe: sent() may be read from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "common/status.h"

namespace aurora::sources {

class DemoFeed {
 public:
  using Sink = std::function<Status(std::string_view ndjson, uint64_t events)>;

  DemoFeed(double events_per_second, Sink sink, uint64_t seed = 42);
  ~DemoFeed();

  void Start();
  void Stop();
  uint64_t sent() const { return sent_.load(); }

 private:
  void Loop();

  const double rate_;
  const Sink sink_;
  const uint64_t seed_;
  std::atomic<uint64_t> sent_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aurora::sources
