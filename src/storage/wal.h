// Write-ahead log: every appended chunk is a WAL record before it is acknowledged. Byte layout:
// docs/formats/wal.md.
//
// The log is a sequence of segment files wal/<seq>.wal. A new segment starts at every buffer flush, so a
// segment can be deleted as soon as a committed manifest names a later segment as the replay start.
//
// Group commit: concurrent Append() calls queue; one caller (the leader) writes every queued record
// with one write() and, under FsyncPolicy::kBatch, one fdatasync, then wakes the others. Under kInterval
// a background thread syncs every fsync_interval_ms; under kNever the OS decides.
//
// After a failed write or fsync the log is poisoned: every later Append fails until the table is
// reopened and recovery decides what is on disk.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/file_system.h"
#include "storage/table_schema.h"

namespace aurora::storage {

class Wal {
 public:
  // Opens the log in `dir` for appending, starting a new segment `first_segment`.
  static Result<std::unique_ptr<Wal>> Create(FileSystem& fs, std::string dir, uint64_t first_segment,
                                             FsyncPolicy policy, int64_t fsync_interval_ms);
  ~Wal();

  // Appends one record; returns when it is durable per the policy. Thread-safe.
  Status Append(std::string_view payload);
  // Closes the current segment (syncing it) and starts segment `current+1`; returns the new segment's
  // sequence number. REQUIRES: no concurrent Append (the table holds its rotation lock exclusively).
  Result<uint64_t> Rotate();
  // Syncs what has been written. Thread-safe.
  Status Sync();
  uint64_t current_segment() const { return segment_; }
  uint64_t bytes_written() const { return bytes_written_; }

  static std::string SegmentName(uint64_t seq);
  // Parses "<seq>.wal"; false for other names.
  static bool ParseSegmentName(std::string_view name, uint64_t* seq);

 private:
  Wal(FileSystem& fs, std::string dir, FsyncPolicy policy, int64_t interval_ms);
  Status OpenSegment(uint64_t seq);
  void SyncLoop();

  struct Writer {
    std::string_view payload;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  FileSystem& fs_;
  const std::string dir_;
  const FsyncPolicy policy_;
  const int64_t interval_ms_;

  std::mutex mu_;
  std::deque<Writer*> queue_;
  std::unique_ptr<WritableFile> file_;
  uint64_t segment_ = 0;
  Status poisoned_;
  uint64_t bytes_written_ = 0;
  bool dirty_ = false;

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool stop_ = false;
  std::thread sync_thread_;
};

// One record found while replaying.
struct WalRecordView {
  uint64_t segment;
  uint64_t offset;
  std::string_view payload;
};

struct WalReplayResult {
  uint64_t records = 0;
  uint64_t last_segment = 0;
  std::vector<std::string> problems;  // corruption found (file, offset, what), for the log and status
};

// Replays the segments in `dir` numbered >= `from_segment`, calling `fn` for each valid record in order.
// A torn record at the end of the last segment (a crash mid-write) is cut off. A bad record elsewhere is
// reported in `problems` and the rest of that segment is skipped.
Result<WalReplayResult> ReplayWal(FileSystem& fs, const std::string& dir, uint64_t from_segment,
                                  const std::function<Status(const WalRecordView&)>& fn);

}  // namespace aurora::storage
