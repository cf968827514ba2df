#include "engine/database.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "sources/event_generator.h"
#include "types/text_format.h"

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

// Collects what a ResultSink receives.
struct CollectingSink {
  ResultSink sink;
  int begins = 0;
  std::string format;
  std::vector<std::string> names;
  uint64_t rows = 0;
  std::function<Status()> on_rows = [] { return Status::OK(); };
  CollectingSink() {
    sink.begin = [this](const std::vector<std::string>& n, const std::vector<DataTypePtr>& t,
                        const std::string& f) {
      ++begins;
      names = n;
      format = f;
      EXPECT_EQ(t.size(), n.size());
      return Status::OK();
    };
    sink.rows = [this](const Chunk& c) {
      EXPECT_EQ(c.columns.size(), names.size());
      rows += c.num_rows;
      return on_rows();
    };
  }
};

TEST_F(DatabaseTest, ASinkReceivesTheRowsOfAScanAsTheyAreProduced) {
  LoadEvents(100000);
  CollectingSink c;
  QueryOptions o;
  o.sink = &c.sink;
  // A 100,000-row result under a 4 MB memory limit: it passes only because no one holds it whole.
  o.settings = {{"max_memory_usage", std::to_string(4 << 20)}};
  auto r = db_->Execute("SELECT * FROM events FORMAT CSV", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(c.begins, 1);
  EXPECT_EQ(c.format, "CSV");
  EXPECT_EQ(c.names.front(), "timestamp");
  EXPECT_EQ(c.rows, 100000u);
  EXPECT_EQ(r->streamed_rows, 100000u);
  EXPECT_TRUE(r->chunks.empty());
  EXPECT_EQ(r->rows_read, 100000u);
  // Without a sink the same result is held whole, and the limit ends it.
  QueryOptions held;
  held.settings = o.settings;
  auto whole = db_->Execute("SELECT * FROM events", held);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().code(), ErrorCode::kResourceExhausted);
}

TEST_F(DatabaseTest, ASinkReceivesSortedAndUnionRowsToo) {
  LoadEvents(10000);
  CollectingSink c;
  QueryOptions o;
  o.sink = &c.sink;
  auto r = db_->Execute(
      "SELECT user_id FROM events ORDER BY user_id LIMIT 10 UNION ALL SELECT count() FROM events", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(c.begins, 1);
  EXPECT_EQ(c.rows, 11u);
  EXPECT_TRUE(r->chunks.empty());
  // Statements other than SELECT still answer in chunks.
  CollectingSink d;
  o.sink = &d.sink;
  auto show = db_->Execute("SHOW TABLES", o);
  ASSERT_TRUE(show.ok());
  EXPECT_EQ(d.begins, 0);
  EXPECT_EQ(show->num_rows(), 1u);
}

TEST_F(DatabaseTest, ASinkErrorEndsTheQueryWithIt) {
  LoadEvents(100000);
  CollectingSink c;
  c.on_rows = [&] {
    return c.rows > 20000 ? AURORA_ERROR(kAborted, "the client closed the connection") : Status::OK();
  };
  QueryOptions o;
  o.sink = &c.sink;
  auto r = db_->Execute("SELECT * FROM events", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "the client closed the connection");
  EXPECT_LT(c.rows, 100000u);
  // max_result_rows counts streamed rows.
  CollectingSink d;
  o.sink = &d.sink;
  o.settings = {{"max_result_rows", "50000"}};
  auto limited = db_->Execute("SELECT user_id FROM events", o);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.status().message().find("max_result_rows"), std::string::npos);
  EXPECT_LE(d.rows, 50000u);
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

// The first row of a result as text, values separated by tabs.
std::string FirstRow(const QueryResult& r) {
  std::string out;
  const Chunk& c = r.chunks.at(0);
  for (size_t i = 0; i < c.columns.size(); ++i) {
    if (i) out += '\t';
    FormatText(*c.columns[i], 0, &out);
  }
  return out;
}

TEST_F(DatabaseTest, QueryParametersAreTypedConstants) {
  LoadEvents(1000);
  QueryOptions o;
  o.params = {{"id", "41"}, {"s", "it's \\N"}, {"d", "2024-02-29"}, {"n", "\\N"}, {"region", "uk"}};
  auto r = db_->Execute(
      "SELECT {id:UInt32} + 1, {s:String}, {d:Date} + 1, {n:Nullable(Int8)}, toTypeName({id:UInt32})", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(FirstRow(*r), "42\tit's \\N\t2024-03-01\tNULL\tUInt32");

  // In WHERE, as any constant: the same rows as the literal.
  auto with_param = db_->Execute("SELECT count() FROM events WHERE region = {region:String}", o);
  auto with_literal = db_->Execute("SELECT count() FROM events WHERE region = 'uk'");
  ASSERT_TRUE(with_param.ok() && with_literal.ok());
  EXPECT_EQ(FirstRow(*with_param), FirstRow(*with_literal));
  EXPECT_NE(FirstRow(*with_param), "0");

  // In INSERT ... VALUES.
  ASSERT_TRUE(db_->Execute("CREATE TABLE p (id UInt32, s String) ORDER BY id").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO p VALUES ({id:UInt32}, {s:String})", o).ok());
  EXPECT_EQ(FirstRow(*db_->Execute("SELECT id, s FROM p")), "41\tit's \\N");
}

TEST_F(DatabaseTest, QueryParameterErrorsNameTheParameter) {
  QueryOptions o;
  o.params = {{"id", "forty"}};
  auto r = db_->Execute("SELECT {missing:UInt8}", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "query parameter {missing:UInt8} has no value (at line 1, column 8)");
  r = db_->Execute("SELECT {id:UInt32}", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message(),
      "query parameter {id:UInt32}: cannot convert 'forty' of type String to UInt32 (at line 1, column 8)");
  r = db_->Execute("SELECT {id:Int33}", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("query parameter {id:Int33}: "), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace aurora
