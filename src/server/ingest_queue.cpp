#include "server/ingest_queue.h"

namespace aurora::server {

IngestQueue::IngestQueue(uint64_t max_bytes, size_t workers, Apply apply)
    : max_bytes_(max_bytes), apply_(std::move(apply)) {
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

IngestQueue::~IngestQueue() {
  Close();
}

Status IngestQueue::Push(std::string table, std::string body, ingest::IngestOptions options) {
  std::lock_guard lock(mu_);
  if (closed_)
    return AURORA_ERROR(kAborted, "the server is shutting down; send the events again to another server");
  if (bytes_ > 0 && bytes_ + body.size() > max_bytes_)
    return AURORA_ERROR(
        kResourceExhausted,
        "the background ingest queue is full ({} bytes waiting); retry shortly or send with wait=true",
        bytes_);
  bytes_ += body.size();
  batches_.push_back({std::move(table), std::move(body), std::move(options)});
  cv_.notify_one();
  return Status::OK();
}

void IngestQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

void IngestQueue::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return;  // closed and drained
    Batch b = std::move(batches_.front());
    batches_.pop_front();
    lock.unlock();
    apply_(b.table, b.body, b.options);
    lock.lock();
    bytes_ -= b.body.size();
  }
}

}  // namespace aurora::server
