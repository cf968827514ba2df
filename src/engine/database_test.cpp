#include "engine/database.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "sources/event_generator.h"

namespace aurora {
namespace {

QueryOptions WithId(std::string id) {
  QueryOptions o;
  o.query_id = std::move(id);
  return o;
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::TableOptions opts;
    opts.background = false;
    auto db = Database::Open(FileSystem::Posix(), dir_.path(), Clock::System(), opts);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  void LoadEvents(uint64_t n) {
    auto t = db_->catalog().CreateTable(sources::EventsSchema(), false);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    sources::EventGenerator gen({.seed = 42, .rows = n});
    ASSERT_TRUE((*t)->Append(gen.Next(n)).ok());
    ASSERT_TRUE((*t)->Flush().ok());
  }

  // Starts `sql` as query `id` on another thread and waits until it is running.
  std::future<Result<QueryResult>> StartQuery(const std::string& sql, const std::string& id) {
    auto f = std::async(std::launch::async, [this, sql, id] { return db_->Execute(sql, WithId(id)); });
    for (;;) {
      auto running = db_->RunningQueries();
      if (std::find(running.begin(), running.end(), id) != running.end()) break;
      EXPECT_NE(f.wait_for(std::chrono::milliseconds(1)), std::future_status::ready) << "finished too soon";
    }
    return f;
  }

  TestDir dir_;
  std::unique_ptr<Database> db_;
};

// A self join on region of 100000 events: 1.44 billion rows, seconds of work.
constexpr const char* kLongQuery = "SELECT count() FROM events AS a JOIN events AS b ON a.region = b.region";

TEST_F(DatabaseTest, CancelStopsARunningQuery) {
  LoadEvents(100000);
  const auto start = std::chrono::steady_clock::now();
  auto f = StartQuery(kLongQuery, "long-1");
  EXPECT_TRUE(db_->Cancel("long-1"));
  Result<QueryResult> r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kAborted);
  EXPECT_EQ(r.status().message(), "query was cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(db_->Cancel("long-1"));  // no longer running
}

TEST_F(DatabaseTest, QueryIdsOfRunningStatementsAreUnique) {
  LoadEvents(100000);
  auto f = StartQuery(kLongQuery, "long-2");
  auto dup = db_->Execute("SELECT 1", WithId("long-2"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "a query with id 'long-2' is already running");
  EXPECT_TRUE(db_->Cancel("long-2"));
  EXPECT_EQ(f.get().status().code(), ErrorCode::kAborted);
  // Once it ended, the id is free again.
  auto again = db_->Execute("SELECT 1", WithId("long-2"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->query_id, "long-2");
}

TEST_F(DatabaseTest, CallerSettingsApplyAndTheStatementOverridesThem) {
  LoadEvents(1000);
  QueryOptions options;
  options.settings = {{"max_result_rows", "5"}};
  auto r = db_->Execute("SELECT user_id FROM events LIMIT 10", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceExhausted);
  r = db_->Execute("SELECT user_id FROM events LIMIT 10 SETTINGS max_result_rows = 10", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows(), 10u);

  options.settings = {{"max_memory_usage", "lots"}};
  r = db_->Execute("SELECT 1", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "setting 'max_memory_usage' takes a number, not 'lots'");
}

TEST_F(DatabaseTest, ReportsIdTimeAndPeakMemory) {
  LoadEvents(100000);
  auto r = db_->Execute("SELECT session_id FROM events ORDER BY session_id");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->query_id.size(), 36u);  // a UUID
  EXPECT_NE(db_->Execute("SELECT 1")->query_id, r->query_id);
  EXPECT_GT(r->elapsed_seconds, 0);
  if (MemoryTracker::Enabled()) {
    EXPECT_GT(r->memory_peak, 100000 * 8);  // at least the sorted strings
  }
}

}  // namespace
}  // namespace aurora
