#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "storage/test_util.h"

namespace aurora {
namespace {

storage::TableOptions Manual() {
  storage::TableOptions o;
  o.background = false;
  return o;
}

TEST(CatalogTest, CreateReopenDropAndSuggest) {
  TestDir dir;
  FileSystem& fs = FileSystem::Posix();
  ManualClock clock(storage::testing::kStartMs);
  {
    auto cat = std::move(Catalog::Open(fs, dir.path(), clock, Manual())).value();
    storage::TableSchema s = storage::testing::SmallSchema();
    s.name = "events";
    auto t = cat->CreateTable(s);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_TRUE((*t)->Append(storage::testing::MakeRows(0, 10)).ok());
    EXPECT_EQ(cat->CreateTable(s).status().code(), ErrorCode::kAlreadyExists);
    EXPECT_TRUE(cat->CreateTable(s, /*if_not_exists=*/true).ok());
    s.name = "other";
    ASSERT_TRUE(cat->CreateTable(s).ok());
    s.name = "bad name";
    EXPECT_EQ(cat->CreateTable(s).status().code(), ErrorCode::kInvalidArgument);
  }
  // A table whose creation was interrupted leaves a hidden directory that the next open removes.
  ASSERT_TRUE(fs.CreateDirs(dir.path() + "/tables/.half.creating/parts").ok());
  auto cat = std::move(Catalog::Open(fs, dir.path(), clock, Manual())).value();
  EXPECT_EQ(cat->TableNames(), (std::vector<std::string>{"events", "other"}));
  EXPECT_FALSE(fs.Exists(dir.path() + "/tables/.half.creating"));
  auto t = cat->GetTable("events");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->Stats().rows, 10u);  // replayed from the WAL
  auto missing = cat->GetTable("event");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("did you mean 'events'"), std::string::npos);
  ASSERT_TRUE(cat->DropTable("other").ok());
  EXPECT_EQ(cat->DropTable("other").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(cat->DropTable("other", /*if_exists=*/true).ok());
  EXPECT_FALSE(fs.Exists(dir.path() + "/tables/other"));
  EXPECT_EQ(cat->TableNames(), std::vector<std::string>{"events"});
}

TEST(CatalogTest, EditDistance) {
  EXPECT_EQ(EditDistance("events", "event"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("price", "pric"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace aurora
