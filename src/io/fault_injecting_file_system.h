// FaultInjectingFileSystem: wraps a real FileSystem and injects the failures that crash-safety must
// survive. Tests arm a fault, run the code under test, and check that it reported an error and that
// what was acknowledged before is intact.
//
//   - FailSyncs(n):        the next n Sync()/SyncDir() calls fail with IoError (data may or may not be
//                          on disk, as after a real fsync error);
//   - TearNextWrite(k):    the next Append() writes only its first k bytes, then fails;
//   - SetSpaceLimit(b):    appends past b bytes in total fail with DiskFull after writing what fits;
//   - FailRenames(n):      the next n renames fail before doing anything;
//   - DropUnsyncedData():  simulates power loss: every file written through this object is cut back to
//                          the length it had at its last successful Sync().
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "io/file_system.h"

namespace aurora {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  void FailSyncs(int n) { fail_syncs_ = n; }
  void TearNextWrite(size_t keep_bytes) {
    tear_armed_ = true;
    tear_keep_ = keep_bytes;
  }
  void SetSpaceLimit(uint64_t bytes) { space_limit_ = bytes; }
  void FailRenames(int n) { fail_renames_ = n; }
  Status DropUnsyncedData();
  uint64_t bytes_written() const { return bytes_written_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    return base_.NewRandomAccessFile(path);
  }
  bool Exists(const std::string& path) override { return base_.Exists(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override { return base_.ListDir(path); }
  Status CreateDirs(const std::string& path) override { return base_.CreateDirs(path); }
  Status RemoveFile(const std::string& path) override;
  Status RemoveDirRecursive(const std::string& path) override { return base_.RemoveDirRecursive(path); }
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;
  Status Truncate(const std::string& path, uint64_t size) override { return base_.Truncate(path, size); }
  Result<uint64_t> FileSize(const std::string& path) override { return base_.FileSize(path); }

  // Used by the file objects.
  bool TakeSyncFailure();
  // How many of `n` bytes may be written; sets *status when the write must fail after that.
  size_t AdmitWrite(size_t n, Status* status);
  void RecordSynced(const std::string& path, uint64_t size);

 private:
  FileSystem& base_;
  std::atomic<int> fail_syncs_{0};
  std::atomic<int> fail_renames_{0};
  std::mutex mu_;
  bool tear_armed_ = false;
  size_t tear_keep_ = 0;
  uint64_t space_limit_ = UINT64_MAX;
  uint64_t bytes_written_ = 0;
  std::map<std::string, uint64_t> synced_size_;  // files written through us -> durable length
};

}  // namespace aurora
