#include "storage/wal.h"

#include <thread>

#include <gtest/gtest.h>

#include "io/fault_injecting_file_system.h"
#include "io/test_dir.h"

namespace aurora::storage {
namespace {

std::vector<std::string> ReplayAll(FileSystem& fs, const std::string& dir, uint64_t from,
                                   WalReplayResult* out = nullptr) {
  std::vector<std::string> got;
  auto r = ReplayWal(fs, dir, from, [&](const WalRecordView& rec) {
    got.emplace_back(rec.payload);
    return Status::OK();
  });
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (out && r.ok()) *out = *r;
  return got;
}

TEST(WalTest, RecordsReplayInOrderAcrossSegments) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  {
    auto wal = std::move(Wal::Create(fs, dir.path(), 5, FsyncPolicy::kBatch, 100)).value();
    ASSERT_TRUE(wal->Append("one").ok());
    ASSERT_TRUE(wal->Append(std::string(100000, 'x')).ok());
    EXPECT_EQ(*wal->Rotate(), 6u);
    ASSERT_TRUE(wal->Append("three").ok());
  }
  auto got = ReplayAll(fs, dir.path(), 0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "one");
  EXPECT_EQ(got[1].size(), 100000u);
  EXPECT_EQ(got[2], "three");
  EXPECT_EQ(ReplayAll(fs, dir.path(), 6).size(), 1u);  // segments below the start are skipped
}

TEST(WalTest, TornTailIsCutOffAndLaterAppendsSurvive) {
  TestDir dir;
  FaultInjectingFileSystem fs(FileSystem::Posix());
  {
    auto wal = std::move(Wal::Create(fs, dir.path(), 1, FsyncPolicy::kBatch, 100)).value();
    ASSERT_TRUE(wal->Append("acknowledged").ok());
    fs.TearNextWrite(7);  // the next record is cut inside its header
    EXPECT_FALSE(wal->Append("torn record").ok());
    EXPECT_FALSE(wal->Append("after poison").ok());  // the log refuses until reopened
  }
  WalReplayResult res;
  auto got = ReplayAll(fs, dir.path(), 0, &res);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "acknowledged");
  EXPECT_TRUE(res.problems.empty());
  // The torn bytes are gone: a second replay sees a clean file.
  EXPECT_EQ(*fs.FileSize(dir.path() + "/" + Wal::SegmentName(1)), 16u + 12u + 12u);
}

TEST(WalTest, TornPayloadAtEveryLengthIsNeverReplayed) {
  for (size_t keep : {size_t{1}, size_t{11}, size_t{12}, size_t{13}, size_t{20}}) {
    TestDir dir;
    FaultInjectingFileSystem fs(FileSystem::Posix());
    {
      auto wal = std::move(Wal::Create(fs, dir.path(), 1, FsyncPolicy::kBatch, 100)).value();
      ASSERT_TRUE(wal->Append("a").ok());
      fs.TearNextWrite(keep);
      EXPECT_FALSE(wal->Append("bbbbbbbbbbbbbbbb").ok());
    }
    auto got = ReplayAll(fs, dir.path(), 0);
    EXPECT_EQ(got, std::vector<std::string>{"a"}) << keep;
  }
}

TEST(WalTest, CorruptionBeforeTheLastSegmentIsReportedWithFileAndOffset) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  {
    auto wal = std::move(Wal::Create(fs, dir.path(), 1, FsyncPolicy::kBatch, 100)).value();
    ASSERT_TRUE(wal->Append("first").ok());
    ASSERT_TRUE(wal->Append("second").ok());
    ASSERT_TRUE(wal->Rotate().ok());
    ASSERT_TRUE(wal->Append("third").ok());
  }
  const std::string seg1 = dir.path() + "/" + Wal::SegmentName(1);
  std::string bytes = *fs.ReadFile(seg1);
  size_t second_offset = 16 + 12 + 5;
  bytes[second_offset + 12 + 2] ^= 1;  // flip a payload bit of "second"
  ASSERT_TRUE(fs.WriteFileAtomic(seg1, bytes).ok());
  WalReplayResult res;
  auto got = ReplayAll(fs, dir.path(), 0, &res);
  EXPECT_EQ(got, (std::vector<std::string>{"first", "third"}));
  ASSERT_EQ(res.problems.size(), 1u);
  EXPECT_NE(res.problems[0].find(seg1), std::string::npos);
  EXPECT_NE(res.problems[0].find("offset " + std::to_string(second_offset)), std::string::npos)
      << res.problems[0];
}

TEST(WalTest, ConcurrentAppendsAllLandOnce) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  {
    auto wal = std::move(Wal::Create(fs, dir.path(), 1, FsyncPolicy::kBatch, 100)).value();
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) ASSERT_TRUE(wal->Append(std::to_string(t * 1000 + i)).ok());
      });
    for (auto& th : threads) th.join();
  }
  auto got = ReplayAll(fs, dir.path(), 0);
  std::sort(got.begin(), got.end());
  ASSERT_EQ(got.size(), 400u);
  EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
}

TEST(WalTest, FailedFsyncFailsTheAppendAndPoisonsTheLog) {
  TestDir dir;
  FaultInjectingFileSystem fs(FileSystem::Posix());
  auto wal = std::move(Wal::Create(fs, dir.path(), 1, FsyncPolicy::kBatch, 100)).value();
  ASSERT_TRUE(wal->Append("ok").ok());
  fs.FailSyncs(1);
  EXPECT_FALSE(wal->Append("not durable").ok());
  EXPECT_FALSE(wal->Append("refused").ok());
}

TEST(WalTest, IntervalAndNeverPoliciesStillReplay) {
  for (FsyncPolicy policy : {FsyncPolicy::kInterval, FsyncPolicy::kNever}) {
    TestDir dir;
    FileSystem& fs = FileSystem::Posix();
    {
      auto wal = std::move(Wal::Create(fs, dir.path(), 1, policy, 5)).value();
      for (int i = 0; i < 10; ++i) ASSERT_TRUE(wal->Append("r" + std::to_string(i)).ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(ReplayAll(fs, dir.path(), 0).size(), 10u);
  }
}

}  // namespace
}  // namespace aurora::storage
