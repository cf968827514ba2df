// FileSystem: every byte Aurora reads or writes goes through this interface, so that tests can swap in
// FaultInjectingFileSystem (torn writes, failed fsync, full disk, lost unsynced data).
//
// Durability contract (what the storage engine relies on):
//   - WritableFile::Sync() returns OK only when the appended bytes are on stable storage (fdatasync);
//   - Rename() is atomic; it is durable once SyncDir() of the parent directory returned OK;
//   - a file created or removed is durable once SyncDir() of its directory returned OK.
// All methods are thread-safe; a file object is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace aurora {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  virtual uint64_t Size() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly n bytes at offset into scratch; reading past the end is Corruption.
  virtual Status Read(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates (or truncates) a file for appending.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path);
  virtual bool Exists(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates a directory and its missing parents; OK if it exists.
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  virtual Status RemoveDirRecursive(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status SyncDir(const std::string& path) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;

  // Writes `data` to `path` atomically and durably: temp file, fsync, rename, fsync directory.
  Status WriteFileAtomic(const std::string& path, std::string_view data);

  static FileSystem& Posix();
};

// Path helpers.
std::string JoinPath(std::string_view a, std::string_view b);
std::string DirName(std::string_view path);

}  // namespace aurora
