#include "io/fault_injecting_file_system.h"

namespace aurora {

namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectingFileSystem& fs, std::string path, std::unique_ptr<WritableFile> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    Status fault;
    size_t n = fs_.AdmitWrite(data.size(), &fault);
    if (n > 0) AURORA_RETURN_IF_ERROR(base_->Append(data.substr(0, n)));
    return fault;
  }
  Status Sync() override {
    if (fs_.TakeSyncFailure())
      return Status(ErrorCode::kIoError, fmt::format("injected fsync failure on '{}'", path_));
    AURORA_RETURN_IF_ERROR(base_->Sync());
    fs_.RecordSynced(path_, base_->Size());
    return Status::OK();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectingFileSystem& fs_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::NewWritableFile(const std::string& path) {
  AURORA_ASSIGN_OR_RETURN(auto base, base_.NewWritableFile(path));
  {
    std::lock_guard lock(mu_);
    synced_size_[path] = 0;
  }
  return std::unique_ptr<WritableFile>(new FaultyWritableFile(*this, path, std::move(base)));
}

bool FaultInjectingFileSystem::TakeSyncFailure() {
  int n = fail_syncs_.load();
  while (n > 0) {
    if (fail_syncs_.compare_exchange_weak(n, n - 1)) return true;
  }
  return false;
}

size_t FaultInjectingFileSystem::AdmitWrite(size_t n, Status* status) {
  std::lock_guard lock(mu_);
  size_t allowed = n;
  if (tear_armed_) {
    tear_armed_ = false;
    allowed = std::min(allowed, tear_keep_);
    *status = Status(ErrorCode::kIoError, "injected torn write");
  }
  if (bytes_written_ + allowed > space_limit_) {
    allowed = space_limit_ > bytes_written_ ? static_cast<size_t>(space_limit_ - bytes_written_) : 0;
    *status = Status(ErrorCode::kDiskFull, "injected: no space left on device");
  }
  bytes_written_ += allowed;
  return allowed;
}

void FaultInjectingFileSystem::RecordSynced(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  synced_size_[path] = size;
}

Status FaultInjectingFileSystem::RemoveFile(const std::string& path) {
  {
    std::lock_guard lock(mu_);
    synced_size_.erase(path);
  }
  return base_.RemoveFile(path);
}

Status FaultInjectingFileSystem::Rename(const std::string& from, const std::string& to) {
  int n = fail_renames_.load();
  if (n > 0 && fail_renames_.compare_exchange_strong(n, n - 1))
    return Status(ErrorCode::kIoError, fmt::format("injected rename failure '{}'", from));
  AURORA_RETURN_IF_ERROR(base_.Rename(from, to));
  std::lock_guard lock(mu_);
  auto it = synced_size_.find(from);
  if (it != synced_size_.end()) {
    synced_size_[to] = it->second;
    synced_size_.erase(it);
  }
  return Status::OK();
}

Status FaultInjectingFileSystem::SyncDir(const std::string& path) {
  if (TakeSyncFailure())
    return Status(ErrorCode::kIoError, fmt::format("injected fsync failure on '{}'", path));
  return base_.SyncDir(path);
}

Status FaultInjectingFileSystem::DropUnsyncedData() {
  std::lock_guard lock(mu_);
  for (const auto& [path, size] : synced_size_) {
    if (!base_.Exists(path)) continue;
    AURORA_ASSIGN_OR_RETURN(uint64_t actual, base_.FileSize(path));
    if (actual > size) AURORA_RETURN_IF_ERROR(base_.Truncate(path, size));
  }
  return Status::OK();
}

}  // namespace aurora
