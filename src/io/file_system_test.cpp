#include "io/file_system.h"

#include <gtest/gtest.h>

#include "io/fault_injecting_file_system.h"
#include "io/test_dir.h"

namespace aurora {
namespace {

TEST(FileSystemTest, WriteReadListRenameRemove) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  ASSERT_TRUE(fs.CreateDirs(dir.path() + "/a/b").ok());
  ASSERT_TRUE(fs.WriteFileAtomic(dir.path() + "/a/b/f", "hello").ok());
  EXPECT_EQ(*fs.ReadFile(dir.path() + "/a/b/f"), "hello");
  EXPECT_FALSE(fs.Exists(dir.path() + "/a/b/f.tmp"));
  auto names = fs.ListDir(dir.path() + "/a/b");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"f"});
  ASSERT_TRUE(fs.Rename(dir.path() + "/a/b/f", dir.path() + "/a/g").ok());
  auto r = fs.ReadFile(dir.path() + "/a/b/f");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  auto file = fs.NewRandomAccessFile(dir.path() + "/a/g");
  ASSERT_TRUE(file.ok());
  char buf[8];
  EXPECT_EQ((*file)->Read(3, 5, buf).code(), ErrorCode::kCorruption);  // past the end
  ASSERT_TRUE((*file)->Read(1, 4, buf).ok());
  EXPECT_EQ(std::string(buf, 4), "ello");
}

TEST(FaultInjectingFileSystemTest, TornWriteKeepsAPrefixAndFails) {
  TestDir dir;
  FaultInjectingFileSystem fs(FileSystem::Posix());
  auto f = std::move(fs.NewWritableFile(dir.path() + "/x")).value();
  fs.TearNextWrite(3);
  EXPECT_FALSE(f->Append("abcdef").ok());
  ASSERT_TRUE(f->Close().ok());
  EXPECT_EQ(*fs.ReadFile(dir.path() + "/x"), "abc");
}

TEST(FaultInjectingFileSystemTest, DiskFullAndSyncFailure) {
  TestDir dir;
  FaultInjectingFileSystem fs(FileSystem::Posix());
  fs.SetSpaceLimit(4);
  auto f = std::move(fs.NewWritableFile(dir.path() + "/x")).value();
  Status st = f->Append("abcdef");
  EXPECT_EQ(st.code(), ErrorCode::kDiskFull);
  fs.FailSyncs(1);
  EXPECT_FALSE(f->Sync().ok());
  EXPECT_TRUE(f->Sync().ok());
  EXPECT_FALSE(fs.WriteFileAtomic(dir.path() + "/y", "zz").ok());  // no space left
}

TEST(FaultInjectingFileSystemTest, DropUnsyncedDataCutsBackToLastSync) {
  TestDir dir;
  FaultInjectingFileSystem fs(FileSystem::Posix());
  auto f = std::move(fs.NewWritableFile(dir.path() + "/x")).value();
  ASSERT_TRUE(f->Append("durable").ok());
  ASSERT_TRUE(f->Sync().ok());
  ASSERT_TRUE(f->Append("-lost").ok());
  ASSERT_TRUE(f->Close().ok());
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  EXPECT_EQ(*fs.ReadFile(dir.path() + "/x"), "durable");
}

}  // namespace
}  // namespace aurora
