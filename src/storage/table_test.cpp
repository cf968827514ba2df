#include "storage/table.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "io/fault_injecting_file_system.h"
#include "io/test_dir.h"
#include "storage/test_util.h"

namespace aurora::storage {
namespace {

using testing::kDayMs;
using testing::kStartMs;
using testing::MakeRows;
using testing::SmallSchema;

TableOptions Manual() {
  TableOptions o;
  o.background = false;
  return o;
}

// Every id in the snapshot (parts and buffer), in scan order.
std::vector<uint64_t> AllIds(const TableSnapshot& snap) {
  std::vector<uint64_t> ids;
  for (size_t p = 0; p < snap.parts().size(); ++p) {
    for (uint32_t g = 0; g < snap.parts()[p]->num_granules(); ++g) {
      auto chunk = snap.ReadGranule(p, g, {"id"});
      EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
      if (!chunk.ok()) continue;
      for (size_t i = 0; i < chunk->num_rows; ++i)
        ids.push_back(std::get<uint64_t>(chunk->columns[0]->ValueAt(i)));
    }
  }
  for (size_t b = 0; b < snap.buffer().size(); ++b) {
    Chunk c = snap.ProjectBuffer(b, {"id"});
    for (size_t i = 0; i < c.num_rows; ++i) ids.push_back(std::get<uint64_t>(c.columns[0]->ValueAt(i)));
  }
  return ids;
}

void ExpectExactly(std::vector<uint64_t> ids, uint64_t first, uint64_t n) {
  std::sort(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), n);
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(ids[i], first + i);
}

// Every part is sorted by (ts, id).
void ExpectPartsSorted(const TableSnapshot& snap) {
  for (size_t p = 0; p < snap.parts().size(); ++p) {
    Value prev_ts;
    uint64_t prev_id = 0;
    bool first = true;
    for (uint32_t g = 0; g < snap.parts()[p]->num_granules(); ++g) {
      auto c = *snap.ReadGranule(p, g, {"ts", "id"});
      for (size_t i = 0; i < c.num_rows; ++i) {
        Value ts = c.columns[0]->ValueAt(i);
        uint64_t id = std::get<uint64_t>(c.columns[1]->ValueAt(i));
        if (!first) {
          int cmp = CompareValues(prev_ts, ts);
          ASSERT_TRUE(cmp < 0 || (cmp == 0 && prev_id < id))
              << "part " << p << " out of order at granule " << g;
        }
        prev_ts = ts;
        prev_id = id;
        first = false;
      }
    }
  }
}

TEST(TableTest, AppendedRowsAreVisibleAtOnceAndAfterFlush) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 500)).ok());
  ExpectExactly(AllIds(*t->Snapshot()), 0, 500);
  ASSERT_TRUE(t->Flush().ok());
  auto snap = t->Snapshot();
  EXPECT_TRUE(snap->buffer().empty());
  EXPECT_EQ(snap->parts().size(), 1u);
  ExpectExactly(AllIds(*snap), 0, 500);
  ExpectPartsSorted(*snap);
}

TEST(TableTest, FlushSplitsByPartition) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t =
      std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(true), clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 3000, 3 * kDayMs)).ok());
  ASSERT_TRUE(t->Flush().ok());
  auto snap = t->Snapshot();
  ASSERT_EQ(snap->parts().size(), 3u);
  std::set<int64_t> partitions;
  for (const auto& p : snap->parts()) partitions.insert(p->meta().partition);
  EXPECT_EQ(partitions, (std::set<int64_t>{20240101, 20240102, 20240103}));
  ExpectExactly(AllIds(*snap), 0, 3000);
  ExpectPartsSorted(*snap);
}

TEST(TableTest, RestartReplaysTheWalAndSourcePositions) {
  TestDir dir;
  ManualClock clock(kStartMs);
  {
    auto t =
        std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 100), "kafka", "offset=99").ok());
    ASSERT_TRUE(t->Flush().ok());
    ASSERT_TRUE(t->Append(MakeRows(100, 50), "kafka", "offset=149").ok());
    ASSERT_TRUE(t->Append(MakeRows(150, 0), "other", "x").ok());  // a position with no rows
  }
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 150);
  EXPECT_EQ(t->SourcePosition("kafka"), "offset=149");
  EXPECT_EQ(t->SourcePosition("other"), "x");
  EXPECT_EQ(t->SourcePosition("nobody"), std::nullopt);
  // Flushing the replayed rows and reopening neither loses nor doubles them.
  ASSERT_TRUE(t->Flush().ok());
  t.reset();
  t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 150);
  EXPECT_EQ(t->SourcePosition("kafka"), "offset=149");
}

TEST(TableTest, MergesPreserveEveryRowAndTheSortOrder) {
  TestDir dir;
  ManualClock clock(kStartMs);
  TableSchema schema = SmallSchema();
  schema.settings.merge_min_parts = 3;
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), schema, clock, Manual())).value();
  for (int batch = 0; batch < 9; ++batch) {
    ASSERT_TRUE(t->Append(MakeRows(batch * 200, 200)).ok());
    ASSERT_TRUE(t->Flush().ok());
  }
  EXPECT_EQ(t->Snapshot()->parts().size(), 9u);
  int merges = 0;
  while (true) {
    auto merged = t->MergeOnce();
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    if (!*merged) break;
    ++merges;
  }
  EXPECT_GE(merges, 1);
  auto snap = t->Snapshot();
  EXPECT_LT(snap->parts().size(), 9u);
  uint32_t max_level = 0;
  for (const auto& p : snap->parts()) max_level = std::max(max_level, p->meta().level);
  EXPECT_GE(max_level, 1u);
  ExpectExactly(AllIds(*snap), 0, 1800);
  ExpectPartsSorted(*snap);
  EXPECT_EQ(t->Stats().merges, static_cast<uint64_t>(merges));
  // Merged-away files are gone from disk; the survivors are exactly the live parts.
  auto files = *FileSystem::Posix().ListDir(dir.path() + "/parts");
  EXPECT_EQ(files.size(), snap->parts().size());
  // And the result survives a restart.
  t.reset();
  t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 1800);
}

TEST(TableTest, SnapshotsAreNotDisturbedByMergesAndFlushes) {
  TestDir dir;
  ManualClock clock(kStartMs);
  TableSchema schema = SmallSchema();
  schema.settings.merge_min_parts = 2;
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), schema, clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 300)).ok());
  ASSERT_TRUE(t->Flush().ok());
  ASSERT_TRUE(t->Append(MakeRows(300, 300)).ok());
  ASSERT_TRUE(t->Flush().ok());
  ASSERT_TRUE(t->Append(MakeRows(600, 10)).ok());
  auto old = t->Snapshot();
  ASSERT_TRUE(*t->MergeOnce());
  ASSERT_TRUE(t->Flush().ok());
  ASSERT_TRUE(t->Append(MakeRows(610, 5)).ok());
  // The old snapshot reads its (now unlinked) parts and its buffer as they were.
  ExpectExactly(AllIds(*old), 0, 610);
  ExpectExactly(AllIds(*t->Snapshot()), 0, 615);
}

TEST(TableTest, TtlDropsWholePartsAndRewritesPartlyExpiredOnes) {
  for (bool partitioned : {true, false}) {
    TestDir dir;
    ManualClock clock(kStartMs);
    TableSchema schema = SmallSchema(partitioned);
    schema.ttl = TtlSpec::Parse("ts + INTERVAL 1 DAY").value();
    auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), schema, clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 3000, 3 * kDayMs)).ok());
    ASSERT_TRUE(t->Flush().ok());
    // Now = start of day 3 + 12h: rows older than day 2 + 12h expire.
    clock.Advance(2 * kDayMs + kDayMs / 2);
    ASSERT_TRUE(t->ApplyTtl().ok());
    const int64_t cutoff_ms = kStartMs + kDayMs + kDayMs / 2;
    auto snap = t->Snapshot();
    std::vector<uint64_t> ids = AllIds(*snap);
    std::set<uint64_t> got(ids.begin(), ids.end());
    size_t expected = 0;
    for (uint64_t i = 0; i < 3000; ++i) {
      int64_t ts = kStartMs + static_cast<int64_t>((i * 2654435761ull) % (3 * kDayMs));
      bool keep = ts / 1000 >= cutoff_ms / 1000;
      EXPECT_EQ(got.count(i), keep ? 1u : 0u) << "id " << i << (partitioned ? " partitioned" : "");
      expected += keep;
    }
    EXPECT_EQ(ids.size(), expected);
    EXPECT_GT(t->Stats().ttl_rows_removed, 0u);
    if (partitioned) {  // day 1 dropped whole, day 2 rewritten
      EXPECT_EQ(snap->parts().size(), 2u);
    }
  }
}

TEST(TableTest, ScanPlanPrunesPartsAndGranulesWithoutLosingMatches) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t =
      std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(true), clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 6000, 3 * kDayMs)).ok());
  ASSERT_TRUE(t->Flush().ok());
  auto snap = t->Snapshot();
  // ts in [day 2 06:00, day 2 07:00)
  const int64_t lo = kStartMs + kDayMs + 6 * 3600000, hi = lo + 3600000;
  ScanPredicate pred;
  pred.ranges.push_back({"ts", Value{lo}, true, Value{hi}, false, {}});
  ScanPlan plan = snap->Plan(pred);
  EXPECT_EQ(plan.parts_total, 3u);
  EXPECT_EQ(plan.parts_pruned, 2u);
  EXPECT_GT(plan.granules_pruned, plan.granules_total * 9 / 10);
  std::set<uint64_t> selected;
  for (const auto& r : plan.ranges)
    for (uint32_t g = r.begin; g < r.end; ++g) {
      auto c = *snap->ReadGranule(r.part, g, {"id", "ts"});
      for (size_t i = 0; i < c.num_rows; ++i) selected.insert(std::get<uint64_t>(c.columns[0]->ValueAt(i)));
    }
  for (uint64_t i = 0; i < 6000; ++i) {
    int64_t ts = kStartMs + static_cast<int64_t>((i * 2654435761ull) % (3 * kDayMs));
    if (ts >= lo && ts < hi) {
      EXPECT_TRUE(selected.count(i)) << "matching row " << i << " was pruned";
    }
  }
  // IN on a dictionary column and an impossible range.
  ScanPredicate in_pred;
  in_pred.ranges.push_back({"tag", std::nullopt, true, std::nullopt, true, {Value{std::string("zzz")}}});
  EXPECT_TRUE(snap->Plan(in_pred).ranges.empty());
  ScanPredicate none;
  none.ranges.push_back({"id", Value{uint64_t{100000}}, true, std::nullopt, true, {}});
  EXPECT_EQ(snap->Plan(none).parts_pruned, 3u);
}

TEST(TableTest, AppendRejectsUnknownColumnsAndWrongTypesAndFillsMissingOnes) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
  Chunk c = MakeRows(0, 3);
  c.names[2] = "nmae";
  Status st = t->Append(c);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("no column 'nmae'"), std::string::npos) << st.message();
  Chunk wrong = MakeRows(0, 3);
  wrong.columns[0] = std::make_shared<Column>(DataType::Make(TypeId::kString));
  for (int i = 0; i < 3; ++i) wrong.columns[0]->AppendString("x");
  st = t->Append(wrong);
  EXPECT_NE(st.message().find("column 'id' of table 't' is UInt64, not String"), std::string::npos)
      << st.message();
  Chunk partial;
  partial.Add("id", MakeRows(7, 2).columns[0]);
  ASSERT_TRUE(t->Append(partial).ok());
  auto snap = t->Snapshot();
  Chunk got = snap->ProjectBuffer(0, {"id", "v", "name"});
  EXPECT_TRUE(got.columns[1]->IsNull(0));
  EXPECT_EQ(got.columns[2]->StringAt(1), "");
  EXPECT_EQ(t->Stats().rows, 2u);
}

TEST(TableTest, AlterAddAndDropColumns) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 100)).ok());
  ASSERT_TRUE(t->Flush().ok());
  ASSERT_TRUE(t->Append(MakeRows(100, 10)).ok());
  TableSchema s = t->schema();
  s.columns.push_back({"extra", DataType::Make(TypeId::kInt32), std::nullopt, "", "added later"});
  s.columns.erase(s.columns.begin() + 2);  // drop "name"
  ASSERT_TRUE(t->AlterSchema(s).ok());
  auto snap = t->Snapshot();
  auto g = snap->ReadGranule(0, 0, {"extra"});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(std::get<int64_t>(g->columns[0]->ValueAt(0)), 0);
  EXPECT_FALSE(snap->ReadGranule(0, 0, {"name"}).ok());
  ASSERT_TRUE(t->Flush().ok());
  t.reset();
  t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  EXPECT_EQ(t->schema().columns.back().name, "extra");
  ExpectExactly(AllIds(*t->Snapshot()), 0, 110);
  TableSchema bad = t->schema();
  bad.order_by = {"id"};
  EXPECT_EQ(t->AlterSchema(bad).code(), ErrorCode::kNotSupported);
}

TEST(TableTest, AlterWidensColumnTypesAndOldRowsReadConverted) {
  TestDir dir;
  ManualClock clock(kStartMs);
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
  ASSERT_TRUE(t->Append(MakeRows(0, 100)).ok());
  ASSERT_TRUE(t->Flush().ok());                    // a part with the old types
  ASSERT_TRUE(t->Append(MakeRows(100, 10)).ok());  // buffered rows with the old types
  TableSchema s = t->schema();
  s.columns[3].type = DataType::Nullable(DataType::Make(TypeId::kFloat64));  // v: Nullable(Int64)
  s.columns[2].type = DataType::Nullable(DataType::Make(TypeId::kString));   // name: String
  s.columns[4].type = DataType::LowCardinality(DataType::Nullable(DataType::Make(TypeId::kString)));  // tag
  ASSERT_TRUE(t->AlterSchema(s).ok());
  auto check = [&](const TableSnapshot& snap) {
    double sum = 0;
    size_t nulls = 0, rows = 0;
    auto add = [&](const Chunk& c) {
      EXPECT_EQ(c.columns[0]->type()->Name(), "Nullable(Float64)");
      EXPECT_TRUE(c.columns[1]->type()->IsNullable());
      for (size_t i = 0; i < c.num_rows; ++i, ++rows) {
        if (c.columns[0]->IsNull(i)) {
          ++nulls;
        } else {
          sum += c.columns[0]->Data<double>()[i];
        }
        EXPECT_FALSE(c.columns[1]->IsNull(i));
      }
    };
    for (size_t p = 0; p < snap.parts().size(); ++p)
      for (uint32_t g = 0; g < snap.parts()[p]->num_granules(); ++g) {
        auto c = snap.ReadGranule(p, g, {"v", "name"});
        ASSERT_TRUE(c.ok()) << c.status().ToString();
        add(*c);
      }
    for (size_t b = 0; b < snap.buffer().size(); ++b) add(snap.ProjectBuffer(b, {"v", "name"}));
    EXPECT_EQ(rows, 110u);
    EXPECT_EQ(nulls, 11u);                  // i % 10 == 0
    EXPECT_EQ(sum, 110.0 * 109 / 2 - 550);  // 0..109 without the multiples of 10
  };
  check(*t->Snapshot());
  ASSERT_TRUE(t->Append(MakeRows(110, 0)).ok());
  ASSERT_TRUE(t->Flush().ok());  // the buffered rows written with the new types
  check(*t->Snapshot());
  t.reset();
  t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  check(*t->Snapshot());
  // Narrowing, other conversions and key columns are refused.
  TableSchema bad = t->schema();
  bad.columns[3].type = DataType::Make(TypeId::kInt64);
  EXPECT_EQ(t->AlterSchema(bad).code(), ErrorCode::kNotSupported);
  bad = t->schema();
  bad.columns[2].type = DataType::Make(TypeId::kInt64);
  EXPECT_EQ(t->AlterSchema(bad).code(), ErrorCode::kNotSupported);
  bad = t->schema();
  bad.columns[0].type = DataType::Make(TypeId::kFloat64);  // id is in ORDER BY
  EXPECT_EQ(t->AlterSchema(bad).code(), ErrorCode::kNotSupported);
}

TEST(TableTest, CanWiden) {
  auto T = [](const char* name) { return ParseDataType(name).value(); };
  EXPECT_TRUE(CanWiden(*T("Int64"), *T("Float64")));
  EXPECT_TRUE(CanWiden(*T("UInt32"), *T("Nullable(Float64)")));
  EXPECT_TRUE(CanWiden(*T("Nullable(Int8)"), *T("Nullable(Float64)")));
  EXPECT_TRUE(CanWiden(*T("String"), *T("LowCardinality(Nullable(String))")));
  EXPECT_TRUE(CanWiden(*T("DateTime64(3, 'UTC')"), *T("Nullable(DateTime64(3, 'UTC'))")));
  EXPECT_FALSE(CanWiden(*T("Nullable(Int64)"), *T("Float64")));
  EXPECT_FALSE(CanWiden(*T("Float64"), *T("Int64")));
  EXPECT_FALSE(CanWiden(*T("Bool"), *T("Float64")));
  EXPECT_FALSE(CanWiden(*T("Int64"), *T("String")));
  EXPECT_FALSE(CanWiden(*T("DateTime64(3, 'UTC')"), *T("DateTime64(6, 'UTC')")));
}

TEST(TableTest, TruncateRemovesEveryRowDurably) {
  TestDir dir;
  ManualClock clock(kStartMs);
  {
    auto t =
        std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 100), "src", "1").ok());
    ASSERT_TRUE(t->Flush().ok());
    ASSERT_TRUE(t->Append(MakeRows(100, 50), "src", "2").ok());
    ASSERT_TRUE(t->Truncate().ok());
    EXPECT_TRUE(AllIds(*t->Snapshot()).empty());
    ASSERT_TRUE(t->Append(MakeRows(500, 5)).ok());
  }
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 500, 5);  // nothing from before the truncate comes back
  EXPECT_EQ(t->SourcePosition("src"), "2");
  EXPECT_EQ(FileSystem::Posix().ListDir(dir.path() + "/parts")->size(), 0u);
}

TEST(TableTest, FailedManifestCommitLosesNothingAndRetries) {
  TestDir dir;
  ManualClock clock(kStartMs);
  FaultInjectingFileSystem fs(FileSystem::Posix());
  {
    auto t = std::move(Table::Create(fs, dir.path(), SmallSchema(), clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 200)).ok());
    ASSERT_TRUE(t->Flush().ok());
    ASSERT_TRUE(t->Append(MakeRows(200, 100)).ok());
    // Fail the fsyncs of the flush at several points: rotation, part file, part dir, manifest.
    for (int attempt = 0; attempt < 4; ++attempt) {
      fs.FailRenames(attempt == 3 ? 1 : 0);
      if (attempt < 3) fs.FailSyncs(1 + attempt);
      Status st = t->Flush();
      fs.FailSyncs(0);
      if (st.ok()) break;
      // Nothing acknowledged disappears from view after a failed flush.
      ExpectExactly(AllIds(*t->Snapshot()), 0, 300);
    }
  }
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 300);
  ASSERT_TRUE(t->Flush().ok());
  ExpectExactly(AllIds(*t->Snapshot()), 0, 300);
}

TEST(TableTest, DiskFullFailsTheAppendAndKeepsWhatWasAcknowledged) {
  TestDir dir;
  ManualClock clock(kStartMs);
  FaultInjectingFileSystem fs(FileSystem::Posix());
  {
    auto t = std::move(Table::Create(fs, dir.path(), SmallSchema(), clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 100)).ok());
    fs.SetSpaceLimit(fs.bytes_written() + 500);
    Status st = t->Append(MakeRows(100, 1000));
    EXPECT_EQ(st.code(), ErrorCode::kDiskFull) << st.ToString();
  }
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 100);
}

TEST(TableTest, PowerLossKeepsEverySyncedAppend) {
  TestDir dir;
  ManualClock clock(kStartMs);
  FaultInjectingFileSystem fs(FileSystem::Posix());
  {
    auto t = std::move(Table::Create(fs, dir.path(), SmallSchema(), clock, Manual())).value();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(t->Append(MakeRows(i * 10, 10)).ok());
    ASSERT_TRUE(t->Flush().ok());
    for (int i = 5; i < 8; ++i) ASSERT_TRUE(t->Append(MakeRows(i * 10, 10)).ok());
    ASSERT_TRUE(fs.DropUnsyncedData().ok());
  }
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 0, 80);
}

TEST(TableTest, CorruptPartIsReportedAndTheRestStaysReadable) {
  TestDir dir;
  ManualClock clock(kStartMs);
  std::string victim;
  {
    auto t =
        std::move(Table::Create(FileSystem::Posix(), dir.path(), SmallSchema(), clock, Manual())).value();
    ASSERT_TRUE(t->Append(MakeRows(0, 100)).ok());
    ASSERT_TRUE(t->Flush().ok());
    victim = t->Snapshot()->parts()[0]->path();
    ASSERT_TRUE(t->Append(MakeRows(100, 100)).ok());
    ASSERT_TRUE(t->Flush().ok());
  }
  std::string bytes = *FileSystem::Posix().ReadFile(victim);
  bytes[bytes.size() - 30] ^= 0xff;
  ASSERT_TRUE(FileSystem::Posix().WriteFileAtomic(victim, bytes).ok());
  auto t = std::move(Table::Open(FileSystem::Posix(), dir.path(), clock, Manual())).value();
  ExpectExactly(AllIds(*t->Snapshot()), 100, 100);
  auto stats = t->Stats();
  ASSERT_EQ(stats.problems.size(), 1u);
  EXPECT_NE(stats.problems[0].find(victim), std::string::npos);
}

TEST(TableTest, BackgroundThreadFlushesByRowsAndAgeAndMerges) {
  TestDir dir;
  TableSchema schema = SmallSchema();
  schema.settings.flush_rows = 100;
  schema.settings.flush_interval_ms = 50;
  schema.settings.merge_min_parts = 3;
  TableOptions opts;
  opts.background_tick_ms = 5;
  auto t = std::move(Table::Create(FileSystem::Posix(), dir.path(), schema, Clock::System(), opts)).value();
  // Each batch is flushed by age before the next one comes, so parts pile up and get merged.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(t->Append(MakeRows(i * 60, 60)).ok());
    for (int w = 0; w < 400 && t->Stats().buffer_rows > 0; ++w)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int i = 0; i < 400 && t->Stats().merges == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  TableStats s = t->Stats();
  EXPECT_EQ(s.buffer_rows, 0u);
  EXPECT_GT(s.flushes, 0u);
  EXPECT_GT(s.merges, 0u);
  ExpectExactly(AllIds(*t->Snapshot()), 0, 1200);
}

}  // namespace
}  // namespace aurora::storage
