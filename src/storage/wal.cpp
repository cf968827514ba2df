#include "storage/wal.h"

#include <charconv>

#include "common/coding.h"
#include "common/hash.h"
#include "common/logging.h"

namespace aurora::storage {

namespace {
constexpr char kWalMagic[8] = {'A', 'U', 'R', 'W', 'A', 'L', '0', '1'};
constexpr size_t kHeaderSize = 16;        // magic + u64 segment
constexpr size_t kRecordHeaderSize = 12;  // u32 length + u64 checksum
constexpr uint32_t kMaxRecord = 1u << 30;
}  // namespace

std::string Wal::SegmentName(uint64_t seq) {
  return fmt::format("{:020}.wal", seq);
}

bool Wal::ParseSegmentName(std::string_view name, uint64_t* seq) {
  if (name.size() != 24 || name.substr(20) != ".wal") return false;
  auto [p, ec] = std::from_chars(name.data(), name.data() + 20, *seq);
  return ec == std::errc() && p == name.data() + 20;
}

Wal::Wal(FileSystem& fs, std::string dir, FsyncPolicy policy, int64_t interval_ms)
    : fs_(fs), dir_(std::move(dir)), policy_(policy), interval_ms_(interval_ms) {}

Result<std::unique_ptr<Wal>> Wal::Create(FileSystem& fs, std::string dir, uint64_t first_segment,
                                         FsyncPolicy policy, int64_t fsync_interval_ms) {
  std::unique_ptr<Wal> wal(new Wal(fs, std::move(dir), policy, fsync_interval_ms));
  AURORA_RETURN_IF_ERROR(fs.CreateDirs(wal->dir_));
  AURORA_RETURN_IF_ERROR(wal->OpenSegment(first_segment));
  if (policy == FsyncPolicy::kInterval) wal->sync_thread_ = std::thread([w = wal.get()] { w->SyncLoop(); });
  return wal;
}

Wal::~Wal() {
  {
    std::lock_guard lock(sync_mu_);
    stop_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  std::lock_guard lock(mu_);
  if (file_) {
    if (policy_ != FsyncPolicy::kNever && dirty_ && poisoned_.ok()) file_->Sync().IgnoreError();
    file_->Close().IgnoreError();
  }
}

Status Wal::OpenSegment(uint64_t seq) {
  std::string path = JoinPath(dir_, SegmentName(seq));
  AURORA_ASSIGN_OR_RETURN(file_, fs_.NewWritableFile(path));
  std::string header(kWalMagic, 8);
  BufferWriter(&header).PutFixed<uint64_t>(seq);
  AURORA_RETURN_IF_ERROR(file_->Append(header));
  AURORA_RETURN_IF_ERROR(file_->Sync());
  AURORA_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  segment_ = seq;
  return Status::OK();
}

Status Wal::Append(std::string_view payload) {
  if (payload.size() > kMaxRecord)
    return AURORA_ERROR(kInvalidArgument, "WAL record of {} bytes is too large", payload.size());
  Writer w;
  w.payload = payload;
  std::unique_lock lock(mu_);
  queue_.push_back(&w);
  while (!w.done && &w != queue_.front()) w.cv.wait(lock);
  if (w.done) return w.status;

  // Leader: take the whole queue.
  std::vector<Writer*> batch(queue_.begin(), queue_.end());
  Status st = poisoned_;
  if (st.ok()) {
    std::string buf;
    size_t total = 0;
    for (Writer* x : batch) total += kRecordHeaderSize + x->payload.size();
    buf.reserve(total);
    BufferWriter bw(&buf);
    for (Writer* x : batch) {
      bw.PutFixed<uint32_t>(static_cast<uint32_t>(x->payload.size()));
      bw.PutFixed<uint64_t>(Hash64(x->payload.data(), x->payload.size()));
      bw.PutBytes(x->payload.data(), x->payload.size());
    }
    // Write and sync without holding the lock, so the next batch can queue up meanwhile. Only the leader
    // touches file_ (Rotate runs under the table's exclusive rotation lock, with no Append in flight).
    lock.unlock();
    st = file_->Append(buf);
    if (st.ok() && policy_ == FsyncPolicy::kBatch) st = file_->Sync();
    lock.lock();
    if (st.ok()) {
      bytes_written_ += buf.size();
      dirty_ = policy_ != FsyncPolicy::kBatch;
    } else {
      poisoned_ = st.WithContext("write-ahead log");
      AURORA_LOG_ERROR("write-ahead log failed, refusing further appends until restart: {}", st.ToString());
    }
  }
  for (Writer* x : batch) {
    queue_.pop_front();
    if (x != &w) {
      x->status = st;
      x->done = true;
      x->cv.notify_one();
    }
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return st;
}

Status Wal::Sync() {
  std::lock_guard lock(mu_);
  if (!poisoned_.ok()) return poisoned_;
  if (!dirty_) return Status::OK();
  Status st = file_->Sync();
  if (!st.ok()) {
    poisoned_ = st.WithContext("write-ahead log");
    return poisoned_;
  }
  dirty_ = false;
  return Status::OK();
}

Result<uint64_t> Wal::Rotate() {
  std::lock_guard lock(mu_);
  if (!poisoned_.ok()) return poisoned_;
  Status st = file_->Sync();
  if (st.ok()) st = file_->Close();
  if (st.ok()) st = OpenSegment(segment_ + 1);
  if (!st.ok()) {
    poisoned_ = st.WithContext("write-ahead log");
    return poisoned_;
  }
  dirty_ = false;
  return segment_;
}

void Wal::SyncLoop() {
  std::unique_lock lock(sync_mu_);
  while (!stop_) {
    sync_cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_));
    if (stop_) break;
    lock.unlock();
    Sync().IgnoreError();  // a failure poisons the log; appends report it
    lock.lock();
  }
}

Result<WalReplayResult> ReplayWal(FileSystem& fs, const std::string& dir, uint64_t from_segment,
                                  const std::function<Status(const WalRecordView&)>& fn) {
  WalReplayResult result;
  if (!fs.Exists(dir)) return result;
  AURORA_ASSIGN_OR_RETURN(auto names, fs.ListDir(dir));
  std::vector<uint64_t> segments;
  for (const auto& n : names) {
    uint64_t seq;
    if (Wal::ParseSegmentName(n, &seq) && seq >= from_segment) segments.push_back(seq);
  }
  std::sort(segments.begin(), segments.end());
  for (size_t si = 0; si < segments.size(); ++si) {
    const uint64_t seq = segments[si];
    const bool last = si + 1 == segments.size();
    const std::string path = JoinPath(dir, Wal::SegmentName(seq));
    result.last_segment = seq;
    AURORA_ASSIGN_OR_RETURN(std::string data, fs.ReadFile(path));
    uint64_t seg_in_header = 0;
    if (data.size() < kHeaderSize || std::memcmp(data.data(), kWalMagic, 8) != 0 ||
        (std::memcpy(&seg_in_header, data.data() + 8, 8), seg_in_header != seq)) {
      // A segment created but never synced with its header: empty after a crash.
      if (last && data.size() < kHeaderSize) continue;
      result.problems.push_back(fmt::format("WAL segment '{}': bad header", path));
      continue;
    }
    size_t pos = kHeaderSize;
    while (pos < data.size()) {
      uint32_t len = 0;
      uint64_t sum = 0;
      bool complete = data.size() - pos >= kRecordHeaderSize;
      if (complete) {
        std::memcpy(&len, data.data() + pos, 4);
        std::memcpy(&sum, data.data() + pos + 4, 8);
        complete = len <= kMaxRecord && data.size() - pos - kRecordHeaderSize >= len;
      }
      bool valid = complete && Hash64(data.data() + pos + kRecordHeaderSize, len) == sum;
      if (!valid) {
        if (last) {
          // The tail of the newest segment: a write that a crash interrupted. It was never acknowledged.
          AURORA_LOG_WARN("WAL '{}': cutting off an incomplete record at offset {} ({} bytes)", path, pos,
                          data.size() - pos);
          AURORA_RETURN_IF_ERROR(fs.Truncate(path, pos));
        } else {
          result.problems.push_back(
              fmt::format("WAL segment '{}': corrupt record at offset {}; {} bytes after it skipped", path,
                          pos, data.size() - pos));
        }
        break;
      }
      WalRecordView view{seq, pos, std::string_view(data.data() + pos + kRecordHeaderSize, len)};
      Status st = fn(view);
      if (!st.ok()) {
        if (st.code() != ErrorCode::kCorruption) return st;
        result.problems.push_back(
            fmt::format("WAL segment '{}': record at offset {}: {}", path, pos, st.message()));
      } else {
        ++result.records;
      }
      pos += kRecordHeaderSize + len;
    }
  }
  return result;
}

}  // namespace aurora::storage
