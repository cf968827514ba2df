// IngestQueue: events requests sent with wait=false. The request is answered (202) once its body is
// queued; workers then ingest the batches in the background through the same path as wait=true. The
// queue is bounded by bytes: when it is full, Push refuses (the server answers 503 with Retry-After), so
// a client that outruns the disk gets back-pressure instead of unbounded memory use.
//
// Queued batches are in memory only until applied: wait=false trades the durability of the answer for
// latency, and docs/api.md says so. Close() stops accepting and returns after every queued batch has been
// applied (the server calls it during a graceful shutdown).
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "ingest/ingestor.h"

namespace aurora::server {

class IngestQueue {
 public:
  using Apply =
      std::function<void(const std::string& table, const std::string& body, const ingest::IngestOptions&)>;

  IngestQueue(uint64_t max_bytes, size_t workers, Apply apply);
  ~IngestQueue();

  // kResourceExhausted when the queue holds max_bytes already; kAborted after Close.
  Status Push(std::string table, std::string body, ingest::IngestOptions options);
  void Close();

 private:
  struct Batch {
    std::string table, body;
    ingest::IngestOptions options;
  };
  void Work();

  const uint64_t max_bytes_;
  const Apply apply_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> batches_;
  uint64_t bytes_ = 0;
  bool closed_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace aurora::server
