#include "security/sqlite.h"

#include <gtest/gtest.h>

#include "io/test_dir.h"

namespace aurora {
namespace {

TEST(SqliteTest, BindStepAndReadBack) {
  TestDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/m.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER, b BLOB)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, "a").Bind(2, int64_t{7}).BindBlob(3, std::string("\0x", 2));
  ASSERT_TRUE(ins->Run().ok());
  ins->Reset();
  ins->Bind(1, "b").Bind(2, std::optional<int64_t>()).BindNull(3);
  ASSERT_TRUE(ins->Run().ok());
  auto q = (*db)->Prepare("SELECT k, v, b FROM t ORDER BY k");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "a");
  EXPECT_EQ(q->ColumnOptionalInt64(1), 7);
  EXPECT_EQ(q->ColumnText(2), std::string("\0x", 2));
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnOptionalInt64(1), std::nullopt);
  EXPECT_FALSE(*q->Step());
}

TEST(SqliteTest, AFailedTransactionLeavesNothing) {
  TestDir dir;
  auto db = SqliteDatabase::Open(dir.path() + "/m.db");
  ASSERT_TRUE(db.ok());
  SqliteDatabase& d = **db;
  ASSERT_TRUE(d.Exec("CREATE TABLE t(k TEXT PRIMARY KEY)").ok());
  Status st = d.Transaction([&]() -> Status {
    AURORA_RETURN_IF_ERROR(d.Exec("INSERT INTO t VALUES ('x')"));
    return d.Exec("INSERT INTO t VALUES ('x')");  // duplicate key
  });
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists) << st.ToString();
  auto q = d.Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(q.ok() && *q->Step());
  EXPECT_EQ(q->ColumnInt64(0), 0);
  auto mode = d.Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && *mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
}

TEST(SqliteTest, ErrorsNameTheFile) {
  auto db = SqliteDatabase::Open("/nonexistent-dir/x/m.db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("/nonexistent-dir/x/m.db"), std::string::npos)
      << db.status().ToString();
}

}  // namespace
}  // namespace aurora
