#include "storage/part.h"

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "storage/test_util.h"

namespace aurora::storage {
namespace {

using testing::MakeRows;
using testing::SmallSchema;

Chunk Sorted(const Chunk& c, const TableSchema& s) {
  std::vector<uint32_t> perm(c.num_rows);
  for (uint32_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::vector<int> keys;
  for (const auto& k : s.order_by) keys.push_back(c.IndexOf(k));
  std::stable_sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) {
    for (int k : keys) {
      int r = c.columns[k]->CompareAt(a, *c.columns[k], b);
      if (r) return r < 0;
    }
    return false;
  });
  Chunk out;
  for (size_t k = 0; k < c.columns.size(); ++k) {
    auto col = std::make_shared<Column>(c.columns[k]->type());
    col->AppendGather(*c.columns[k], perm.data(), perm.size());
    out.Add(c.names[k], col);
  }
  return out;
}

TEST(PartTest, WritesAndReadsBackEveryColumnAndStatistic) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  TableSchema schema = SmallSchema();
  Chunk rows = Sorted(MakeRows(0, 1000), schema);
  auto res = WritePart(fs, dir.path() + "/p.part", schema, rows, PartMeta{7, 0, 0});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  auto part = Part::Open(fs, dir.path() + "/p.part");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  const Part& p = **part;
  EXPECT_EQ(p.id(), 7u);
  EXPECT_EQ(p.num_rows(), 1000u);
  ASSERT_EQ(p.num_granules(), 16u);  // 64 rows per granule
  EXPECT_EQ(p.granule_rows(15), 1000u - 15 * 64);
  // name has 50 distinct values in 1000 rows: dictionary-encoded automatically.
  EXPECT_TRUE(p.columns()[p.ColumnIndex("name")].dictionary);
  EXPECT_TRUE(p.columns()[p.ColumnIndex("tag")].dictionary);
  EXPECT_FALSE(p.columns()[p.ColumnIndex("id")].dictionary);

  for (size_t g = 0; g < p.num_granules(); ++g) {
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      auto col = p.ReadColumn(c, g);
      ASSERT_TRUE(col.ok()) << col.status().ToString();
      const PartColumn& pc = p.columns()[c];
      Value mn, mx;
      bool any = false;
      for (size_t i = 0; i < (*col)->size(); ++i) {
        size_t row = p.granule_start(g) + i;
        EXPECT_EQ(CompareValues((*col)->ValueAt(i), rows.columns[c]->ValueAt(row)), 0)
            << pc.name << " row " << row;
        Value v = (*col)->ValueAt(i);
        if (IsNull(v)) continue;
        if (!any || CompareValues(v, mn) < 0) mn = v;
        if (!any || CompareValues(v, mx) > 0) mx = v;
        any = true;
      }
      EXPECT_EQ(CompareValues(pc.mins[g], mn), 0) << pc.name;
      EXPECT_EQ(CompareValues(pc.maxs[g], mx), 0) << pc.name;
    }
    // Primary index: the key of each granule's first row.
    EXPECT_EQ(CompareValues(p.primary_index()[g][0], rows.columns[1]->ValueAt(p.granule_start(g))), 0);
  }
  // Granules of one part share the dictionary, and it is sorted: code order is value order.
  auto a = *p.ReadColumn(p.ColumnIndex("tag"), 0);
  auto b = *p.ReadColumn(p.ColumnIndex("tag"), 5);
  EXPECT_EQ(a->dictionary(), b->dictionary());
  const Column& dict = *a->dictionary();
  for (size_t i = 1; i < dict.size(); ++i) EXPECT_LT(dict.StringAt(i - 1), dict.StringAt(i));
}

TEST(PartTest, EmptyAndAllNullColumns) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  TableSchema schema = SmallSchema();
  Chunk rows = MakeRows(0, 1);
  rows.columns[3] = std::make_shared<Column>(rows.columns[3]->type());
  rows.columns[3]->AppendNull();
  ASSERT_TRUE(WritePart(fs, dir.path() + "/one.part", schema, rows, PartMeta{1, 0, 0}).ok());
  auto part = Part::Open(fs, dir.path() + "/one.part");
  ASSERT_TRUE(part.ok());
  auto v = (*part)->ReadColumn(3, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE((*v)->IsNull(0));
  EXPECT_TRUE(IsNull((*part)->columns()[3].mins[0]));

  Chunk empty = MakeRows(0, 0);
  ASSERT_TRUE(WritePart(fs, dir.path() + "/empty.part", schema, empty, PartMeta{2, 0, 0}).ok());
  auto e = Part::Open(fs, dir.path() + "/empty.part");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)->num_rows(), 0u);
}

TEST(PartTest, CorruptBlockIsReportedWithFileAndOffsetAndOthersStayReadable) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  TableSchema schema = SmallSchema();
  const std::string path = dir.path() + "/p.part";
  ASSERT_TRUE(WritePart(fs, path, schema, Sorted(MakeRows(0, 500), schema), PartMeta{1, 0, 0}).ok());
  auto part = *Part::Open(fs, path);
  const BlockRef victim = part->columns()[0].blocks[2];
  part.reset();
  {
    std::string bytes = *fs.ReadFile(path);
    bytes[victim.offset + victim.size / 2] ^= 0x5a;
    ASSERT_TRUE(fs.WriteFileAtomic(path, bytes).ok());
  }
  auto reopened = Part::Open(fs, path);
  ASSERT_TRUE(reopened.ok());
  auto bad = (*reopened)->ReadColumn(0, 2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(bad.status().message().find(path), std::string::npos);
  EXPECT_NE(bad.status().message().find("offset " + std::to_string(victim.offset)), std::string::npos)
      << bad.status().message();
  EXPECT_TRUE((*reopened)->ReadColumn(0, 1).ok());
  EXPECT_TRUE((*reopened)->ReadColumn(1, 2).ok());
}

TEST(PartTest, DamagedFooterOrTruncatedFileFailsToOpen) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  TableSchema schema = SmallSchema();
  const std::string path = dir.path() + "/p.part";
  ASSERT_TRUE(WritePart(fs, path, schema, Sorted(MakeRows(0, 300), schema), PartMeta{1, 0, 0}).ok());
  std::string bytes = *fs.ReadFile(path);
  for (size_t cut : {size_t{0}, size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    ASSERT_TRUE(fs.WriteFileAtomic(path, bytes.substr(0, cut)).ok());
    auto p = Part::Open(fs, path);
    ASSERT_FALSE(p.ok()) << cut;
    EXPECT_EQ(p.status().code(), ErrorCode::kCorruption);
  }
  std::string flipped = bytes;
  flipped[bytes.size() - 40] ^= 1;  // inside the footer
  ASSERT_TRUE(fs.WriteFileAtomic(path, flipped).ok());
  EXPECT_EQ(Part::Open(fs, path).status().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace aurora::storage
