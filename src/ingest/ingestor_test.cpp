#include "ingest/ingestor.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "engine/database.h"
#include "io/test_dir.h"
#include "sources/event_generator.h"
#include "types/text_format.h"

namespace aurora::ingest {
namespace {

std::vector<std::string> Lines(std::string_view data) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) eol = data.size();
    out.emplace_back(data.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return out;
}

class IngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::TableOptions opts;
    opts.background = false;
    auto db = Database::Open(FileSystem::Posix(), dir_.path(), Clock::System(), opts);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  IngestResult MustIngest(std::string_view table, std::string_view data, IngestOptions options = {}) {
    auto r = db_->Ingest(table, data, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : IngestResult{};
  }

  // The rows of a query, cells as text, tab-separated.
  std::vector<std::string> Rows(const std::string& sql) {
    auto r = db_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& c : r->chunks) {
      for (size_t i = 0; i < c.num_rows; ++i) {
        std::string row;
        for (size_t k = 0; k < c.columns.size(); ++k) {
          if (k) row += '\t';
          FormatText(*c.columns[k], i, &row);
        }
        out.push_back(row);
      }
    }
    return out;
  }
  std::string Scalar(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() ? "(no rows)" : rows[0];
  }
  std::string TypeOf(const std::string& table, const std::string& column) {
    auto t = db_->catalog().GetTable(table);
    if (!t.ok()) return "(no table)";
    const storage::TableSchema schema = (*t)->schema();
    const auto* def = schema.Find(column);
    return def ? def->type->Name() : "(no column)";
  }
  void Flush(const std::string& table) {
    auto t = db_->catalog().GetTable(table);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE((*t)->Flush().ok());
  }

  TestDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(IngestorTest, FirstBatchCreatesTheTableAndQueriesSeeWhatWasGenerated) {
  constexpr size_t kRows = 20000;
  sources::EventGenerator gen({.seed = 11, .rows = kRows});
  std::string data;
  gen.NextNdjson(kRows, &data);
  IngestResult r = MustIngest("events", data);
  EXPECT_TRUE(r.created_table);
  EXPECT_EQ(r.rows, kRows);
  EXPECT_EQ(r.quarantined, 0u);
  EXPECT_EQ(r.added_columns.size(), 12u);

  auto t = db_->catalog().GetTable("events");
  ASSERT_TRUE(t.ok());
  const storage::TableSchema s = (*t)->schema();
  EXPECT_EQ(s.order_by, std::vector<std::string>{"timestamp"});
  EXPECT_EQ(s.partition_by.ToString(), "toYYYYMM(timestamp)");
  EXPECT_EQ(TypeOf("events", "timestamp"), "DateTime64(3, 'UTC')");
  EXPECT_EQ(TypeOf("events", "region"), "LowCardinality(String)");
  EXPECT_EQ(TypeOf("events", "price"), "Float64");

  // The same events, generated as typed columns.
  sources::EventGenerator same({.seed = 11, .rows = kRows});
  Chunk expected = same.Next(kRows);
  double price = 0;
  uint64_t quantity = 0, purchases = 0, product_sum = 0;
  size_t latest = 0;
  const Column& ts = *expected.columns[expected.IndexOf("timestamp")];
  for (size_t i = 0; i < kRows; ++i) {
    price += expected.columns[expected.IndexOf("price")]->Data<double>()[i];
    quantity += expected.columns[expected.IndexOf("quantity")]->Data<uint8_t>()[i];
    product_sum += expected.columns[expected.IndexOf("product_id")]->Data<uint32_t>()[i];
    purchases += expected.columns[expected.IndexOf("action_type")]->StringAt(i) == "purchase";
    if (ts.Data<int64_t>()[i] > ts.Data<int64_t>()[latest]) latest = i;
  }
  for (int flushed = 0; flushed < 2; ++flushed) {
    EXPECT_EQ(Scalar("SELECT count() FROM events"), std::to_string(kRows));
    EXPECT_EQ(Scalar("SELECT sum(quantity) FROM events"), std::to_string(quantity));
    EXPECT_EQ(Scalar("SELECT sum(product_id) FROM events"), std::to_string(product_sum));
    EXPECT_EQ(Scalar("SELECT count() FROM events WHERE action_type = 'purchase'"), std::to_string(purchases));
    EXPECT_NEAR(std::stod(Scalar("SELECT sum(price) FROM events")), price, 1e-6 * price);
    std::string max_ts;
    FormatText(ts, latest, &max_ts);
    EXPECT_EQ(Scalar("SELECT max(timestamp) FROM events"), max_ts);
    Flush("events");
  }
}

TEST_F(IngestorTest, NewFieldsAddColumnsAndOldRowsReadDefaults) {
  std::string first;
  for (int i = 0; i < 100; ++i)
    first += fmt::format(R"({{"ts":"2024-02-01 00:00:{:02}","user":{}}})"
                         "\n",
                         i % 60, i);
  MustIngest("clicks", first);
  Flush("clicks");  // old rows in a part
  std::string second;
  for (int i = 0; i < 10; ++i)
    second += fmt::format(R"({{"ts":"2024-02-02 00:00:00","user":{},"coupon":"C{}","score":{}.5}})"
                          "\n",
                          i, i % 2, i);
  IngestResult r = MustIngest("clicks", second);
  EXPECT_FALSE(r.created_table);
  EXPECT_EQ(r.rows, 10u);
  EXPECT_EQ(r.quarantined, 0u);
  EXPECT_EQ(r.added_columns, (std::vector<std::string>{"coupon LowCardinality(String)", "score Float64"}));
  EXPECT_EQ(Scalar("SELECT count() FROM clicks WHERE coupon = ''"), "100");
  EXPECT_EQ(Scalar("SELECT count() FROM clicks WHERE coupon = 'C1'"), "5");
  EXPECT_EQ(Scalar("SELECT sum(score) FROM clicks"), "50");
  // Without evolution, rows that would need it are quarantined.
  r = MustIngest("clicks", "{\"ts\":\"2024-02-03 00:00:00\",\"user\":1,\"fresh\":1}\n",
                 {.evolve_schema = false});
  EXPECT_EQ(r.quarantined, 1u);
  EXPECT_TRUE(r.added_columns.empty());
  ASSERT_EQ(r.first_errors.size(), 1u);
  EXPECT_NE(r.first_errors[0].error.find("unknown field 'fresh'"), std::string::npos)
      << r.first_errors[0].error;
  // A third batch with the old fields only is all fast path.
  r = MustIngest("clicks", first);
  EXPECT_TRUE(r.added_columns.empty());
  EXPECT_EQ(Scalar("SELECT count() FROM clicks"), "210");
}

TEST_F(IngestorTest, IntegerColumnReceivingAFractionBecomesFloat64) {
  std::string ints;
  for (int i = 1; i <= 50; ++i)
    ints += fmt::format(R"({{"ts":"2024-01-01 00:00:00","n":{}}})"
                        "\n",
                        i);
  MustIngest("m", ints);
  EXPECT_EQ(TypeOf("m", "n"), "Int64");
  Flush("m");
  MustIngest("m", ints);  // and some in the buffer
  IngestResult r = MustIngest(
      "m", "{\"ts\":\"2024-01-01 00:00:01\",\"n\":3.5}\n{\"ts\":\"2024-01-01 00:00:01\",\"n\":2}\n");
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.quarantined, 0u);
  EXPECT_EQ(r.widened_columns, std::vector<std::string>{"n Int64 -> Float64"});
  EXPECT_EQ(TypeOf("m", "n"), "Float64");
  EXPECT_EQ(Scalar("SELECT sum(n) FROM m"), "2555.5");
  EXPECT_EQ(Scalar("SELECT count() FROM m WHERE n > 49.5"), "2");
  Flush("m");  // parts of Int64 and Float64 merged by queries; the buffer's Int64 rows written as Float64
  EXPECT_EQ(Scalar("SELECT sum(n) FROM m"), "2555.5");
  auto t = db_->catalog().GetTable("m");
  while (true) {
    auto merged = (*t)->MergeOnce();
    ASSERT_TRUE(merged.ok()) << merged.status().ToString();
    if (!*merged) break;
  }
  EXPECT_EQ(Scalar("SELECT sum(n) FROM m"), "2555.5");
}

TEST_F(IngestorTest, NullForAColumnThatHadNoneMakesItNullable) {
  MustIngest("m",
             "{\"ts\":\"2024-01-01 00:00:00\",\"k\":\"a\",\"v\":1}\n{\"ts\":\"2024-01-01 "
             "00:00:00\",\"k\":\"b\",\"v\":2}\n");
  Flush("m");
  IngestResult r = MustIngest("m", "{\"ts\":\"2024-01-01 00:00:00\",\"k\":null,\"v\":null}\n");
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.quarantined, 0u);
  EXPECT_EQ(r.widened_columns,
            (std::vector<std::string>{"k String -> Nullable(String)", "v Int64 -> Nullable(Int64)"}));
  EXPECT_EQ(Scalar("SELECT count() FROM m WHERE k IS NULL"), "1");
  EXPECT_EQ(Scalar("SELECT count(v), sum(v) FROM m"), "2\t3");
}

TEST_F(IngestorTest, ValuesThatCannotWidenAreQuarantined) {
  MustIngest("m", "{\"ts\":\"2024-01-01 00:00:00\",\"n\":1}\n");
  IngestResult r = MustIngest("m",
                              "{\"ts\":\"2024-01-01 00:00:00\",\"n\":2}\n"
                              "{\"ts\":\"2024-01-01 00:00:00\",\"n\":\"not-a-number\"}\n"
                              "{\"ts\":null,\"n\":null}\n"
                              "{\"n\":4}\n"
                              "{\"ts\":\"yesterday\",\"n\":5}\n");
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.quarantined, 4u);
  EXPECT_TRUE(r.widened_columns.empty());  // the row with a null time widened nothing
  EXPECT_EQ(TypeOf("m", "n"), "Int64");
  ASSERT_EQ(r.first_errors.size(), 4u);
  EXPECT_EQ(r.first_errors[0].line, 2u);
  EXPECT_EQ(r.first_errors[0].error, "line 2, column 33, field 'n': cannot parse 'not-a-number' as Int64");
  EXPECT_EQ(r.first_errors[2].line, 4u);
  EXPECT_NE(r.first_errors[2].error.find("field 'ts'"), std::string::npos) << r.first_errors[2].error;
  auto q = Rows("SELECT line, source, error, raw FROM m_quarantine ORDER BY line");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].substr(0, 7), "2\thttp\t");
  EXPECT_NE(q[0].find("not-a-number"), std::string::npos);
  EXPECT_EQ(q[3].substr(0, 2), "5\t");
  EXPECT_NE(q[3].find("{\"ts\":\"yesterday\",\"n\":5}"), std::string::npos);
}

TEST_F(IngestorTest, WorkloadWithBadRecordsQuarantinesEveryBadOne) {
  constexpr size_t kRows = 20000;
  sources::EventGenerator gen({.seed = 5, .rows = 2 * kRows, .bad_share = 0.05});
  uint64_t rows = 0, quarantined = 0;
  for (int batch = 0; batch < 2; ++batch) {  // the first creates the table, the second appends
    std::string data;
    const uint64_t bad_before = gen.bad_generated(), long_before = gen.long_generated();
    gen.NextNdjson(kRows, &data);
    const uint64_t bad = gen.bad_generated() - bad_before;
    const uint64_t long_rows = gen.long_generated() - long_before;
    ASSERT_GT(bad, 500u);
    const std::string source = fmt::format("batch{}", batch);
    IngestResult r = MustIngest("events", data, {.source = source});
    EXPECT_EQ(r.created_table, batch == 0);
    EXPECT_EQ(r.rows + r.quarantined, kRows);
    EXPECT_EQ(r.quarantined, bad - long_rows);  // the 70 KB record is valid and stored
    EXPECT_TRUE(r.widened_columns.empty());
    EXPECT_EQ(r.first_errors.size(), Ingestor::kMaxErrors);
    rows += r.rows;
    quarantined += r.quarantined;
    // Every quarantined row is the input's line, with an error that names the line.
    const std::vector<std::string> lines = Lines(data);
    auto q = db_->Execute(fmt::format(
        "SELECT line, error, raw FROM events_quarantine WHERE source = '{}' ORDER BY line", source));
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    size_t checked = 0;
    for (const auto& c : q->chunks) {
      for (size_t i = 0; i < c.num_rows; ++i, ++checked) {
        uint64_t line = c.columns[0]->Data<uint64_t>()[i];
        std::string error(c.columns[1]->StringAt(i));
        ASSERT_GE(line, 1u);
        ASSERT_LE(line, lines.size());
        EXPECT_EQ(c.columns[2]->StringAt(i), lines[line - 1]);
        EXPECT_EQ(error.rfind(fmt::format("line {}", line), 0), 0u) << error;
      }
    }
    EXPECT_EQ(checked, r.quarantined);
  }
  EXPECT_EQ(Scalar("SELECT count() FROM events"), std::to_string(rows));
  EXPECT_EQ(Scalar("SELECT count() FROM events_quarantine"), std::to_string(quarantined));
  EXPECT_EQ(Scalar("SELECT count() FROM events WHERE length(region) = 70000"),
            std::to_string(gen.long_generated()));
  EXPECT_EQ(TypeOf("events", "product_id"), "Int64");
  EXPECT_EQ(TypeOf("events", "timestamp"), "DateTime64(3, 'UTC')");
}

TEST_F(IngestorTest, LongLineIsStoredIntact) {
  std::string data = "{\"ts\":\"2024-01-01 00:00:00\",\"blob\":\"" + std::string(70000, 'y') +
                     "\"}\n{\"ts\":\"2024-01-01 00:00:00\",\"blob\":\"short\"}\n";
  IngestResult r = MustIngest("big", data);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(Scalar("SELECT length(blob) FROM big ORDER BY length(blob) DESC LIMIT 1"), "70000");
  EXPECT_EQ(Scalar("SELECT count() FROM big WHERE blob = '" + std::string(70000, 'y') + "'"), "1");
}

TEST_F(IngestorTest, InvalidJsonIsQuarantinedAndTheRestStored) {
  IngestResult r = MustIngest("j",
                              "{\"ts\":\"2024-01-01 00:00:00\",\"a\":1}\n"
                              "this is not json\n"
                              "{\"ts\":\"2024-01-01 00:00:00\",\"a\":\n"
                              "[1,2,3]\n"
                              "{\"ts\":\"2024-01-01 00:00:00\",\"a\":2}\n");
  EXPECT_TRUE(r.created_table);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.quarantined, 3u);
  ASSERT_EQ(r.first_errors.size(), 3u);
  EXPECT_EQ(r.first_errors[0].line, 2u);
  EXPECT_EQ(r.first_errors[0].text, "this is not json");
  EXPECT_EQ(r.first_errors[1].line, 3u);
  EXPECT_EQ(r.first_errors[2].line, 4u);
  EXPECT_EQ(Scalar("SELECT sum(a) FROM j"), "3");
}

TEST_F(IngestorTest, ABatchWithoutGoodRowsCreatesNoTable) {
  IngestResult r = MustIngest("nothing", "this is not json\n[1]\n{\"a\":\n");
  EXPECT_FALSE(r.created_table);
  EXPECT_EQ(r.rows, 0u);
  EXPECT_EQ(r.quarantined, 3u);
  EXPECT_FALSE(db_->catalog().GetTable("nothing").ok());
  EXPECT_EQ(Scalar("SELECT count() FROM nothing_quarantine"), "3");
  r = MustIngest("header_only", "ts,a\n", {.format = "CSVWithNames"});
  EXPECT_FALSE(r.created_table);
  EXPECT_EQ(r.rows + r.quarantined, 0u);
  EXPECT_FALSE(db_->catalog().GetTable("header_only").ok());
  r = MustIngest("empty", "", {});
  EXPECT_EQ(r.rows + r.quarantined, 0u);
}

TEST_F(IngestorTest, TableNamesMustBeIdentifiers) {
  for (const char* name : {"x; DROP TABLE y", "", "1abc", "a.b", "events--", "a b", "t'", "system.tables"}) {
    auto r = db_->Ingest(name, "{\"a\":1}\n", {});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << name;
    EXPECT_NE(r.status().message().find("invalid table name"), std::string::npos);
  }
  auto r = db_->Ingest(std::string(250, 'a'), "{\"a\":1}\n", {});  // NAME_quarantine would be too long
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(db_->catalog().TableNames().empty());
  EXPECT_FALSE(db_->Ingest("t", "{\"a\":1}\n", {.format = "TSV"}).ok());
  EXPECT_FALSE(db_->Ingest("t", "{\"a\":1}\n", {.format = "XML"}).ok());
  EXPECT_FALSE(db_->Ingest("t", "{\"a\":1}\n", {.create_table = false}).ok());
}

TEST_F(IngestorTest, ConcurrentFirstBatchesAllSucceed) {
  constexpr int kThreads = 4;
  constexpr size_t kRows = 5000;
  std::vector<std::string> batches(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    sources::EventGenerator gen({.seed = static_cast<uint64_t>(t + 1), .rows = kRows});
    gen.NextNdjson(kRows, &batches[t]);
    if (t % 2 == 1) {
      // Half of them bring a field of their own.
      std::string extra;
      for (const auto& line : Lines(batches[t]))
        extra += line.substr(0, line.size() - 1) + fmt::format(",\"extra{}\":{}}}\n", t, t);
      batches[t] = std::move(extra);
    }
  }
  for (int round = 0; round < 3; ++round) {
    std::string table = fmt::format("events{}", round);
    std::vector<Result<IngestResult>> results(kThreads, Status::OK());
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < kThreads) {
        }
        results[t] = db_->Ingest(table, batches[t], {});
      });
    }
    for (auto& th : threads) th.join();
    int created = 0;
    for (int t = 0; t < kThreads; ++t) {
      ASSERT_TRUE(results[t].ok()) << results[t].status().ToString();
      EXPECT_EQ(results[t]->rows, kRows);
      EXPECT_EQ(results[t]->quarantined, 0u);
      created += results[t]->created_table;
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(Scalar("SELECT count() FROM " + table), std::to_string(kThreads * kRows));
    EXPECT_EQ(Scalar("SELECT count() FROM " + table + " WHERE extra1 = 1"), std::to_string(kRows));
    EXPECT_EQ(Scalar("SELECT count() FROM " + table + " WHERE extra3 = 3"), std::to_string(kRows));
  }
}

TEST_F(IngestorTest, ConcurrentSchemaChangesAreSerializedAndAppendsKept) {
  MustIngest("w", "{\"ts\":\"2024-01-01 00:00:00\",\"n\":1,\"s\":\"a\"}\n");
  constexpr int kThreads = 4, kBatches = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Every batch: plain rows, and one row that needs Float64, Nullable or a new column.
        std::string data;
        for (int i = 0; i < 50; ++i) data += "{\"ts\":\"2024-01-01 00:00:01\",\"n\":2,\"s\":\"b\"}\n";
        if (b == 5) data += "{\"ts\":\"2024-01-01 00:00:02\",\"n\":0.5}\n";
        if (b == 7) data += "{\"ts\":\"2024-01-01 00:00:04\",\"s\":null}\n";
        data += fmt::format("{{\"ts\":\"2024-01-01 00:00:03\",\"c{}\":{}}}\n", b % 3, t);
        auto r = db_->Ingest("w", data, {});
        if (!r.ok() || r->quarantined != 0) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(TypeOf("w", "n"), "Float64");
  EXPECT_EQ(TypeOf("w", "s"), "Nullable(String)");
  auto t = db_->catalog().GetTable("w");
  EXPECT_EQ((*t)->schema().columns.size(), 6u);  // ts, n, s, c0, c1, c2
  EXPECT_EQ(Scalar("SELECT count() FROM w"), std::to_string(1 + kThreads * (kBatches * 51 + 2)));
  EXPECT_EQ(Scalar("SELECT sum(n) FROM w"), fmt::format("{}", 1 + kThreads * (kBatches * 100 + 0.5)));
  // (Rows without `s` read '' when appended before the widening and NULL after it: a missing field takes
  // the column's default at the time.)
  EXPECT_EQ(Scalar("SELECT count() FROM w WHERE s IS NULL AND ts = '2024-01-01 00:00:04'"),
            std::to_string(kThreads));
}

TEST_F(IngestorTest, CsvWithNamesCreatesEvolvesAndQuarantines) {
  constexpr size_t kRows = 5000;
  sources::EventGenerator gen({.seed = 3, .rows = kRows});
  std::string data = sources::EventGenerator::CsvHeader();
  gen.NextCsv(kRows, &data);
  IngestResult r = MustIngest("events", data, {.format = "CSVWithNames"});
  EXPECT_TRUE(r.created_table);
  EXPECT_EQ(r.rows, kRows);
  EXPECT_EQ(TypeOf("events", "timestamp"), "DateTime64(3, 'UTC')");
  EXPECT_EQ(TypeOf("events", "price"), "Float64");
  EXPECT_EQ(TypeOf("events", "user_id"), "Int64");
  EXPECT_EQ(TypeOf("events", "brand"), "LowCardinality(String)");

  // A new column from the header, a fraction for an integer column, and bad rows.
  r = MustIngest("events",
                 "timestamp,user_id,note\n"
                 "2024-01-05 00:00:00.000,7,hello\n"
                 "2024-01-05 00:00:00.000,7.5,x\n"
                 "2024-01-05 00:00:00.000,abc,x\n"
                 ",8,x\n"
                 "a,b\n",
                 {.format = "CSVWithNames"});
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.quarantined, 3u);
  EXPECT_EQ(r.added_columns, std::vector<std::string>{"note String"});
  EXPECT_EQ(r.widened_columns, std::vector<std::string>{"user_id Int64 -> Float64"});
  ASSERT_EQ(r.first_errors.size(), 3u);
  EXPECT_EQ(r.first_errors[0].line, 4u);
  EXPECT_EQ(r.first_errors[1].line, 5u);
  EXPECT_EQ(r.first_errors[2].line, 6u);
  EXPECT_EQ(Scalar("SELECT count() FROM events WHERE note = 'hello'"), "1");
  EXPECT_EQ(Scalar("SELECT count() FROM events WHERE user_id = 7.5"), "1");

  // The standard workload's malformed CSV records: every input line is a stored row or inside a
  // quarantined one (an unterminated quote may take the lines up to the next quote with it).
  sources::EventGenerator bad_gen({.seed = 4, .rows = kRows, .bad_share = 0.05});
  std::string bad = sources::EventGenerator::CsvHeader();
  bad_gen.NextCsv(kRows, &bad);
  const uint64_t before = std::stoull(Scalar("SELECT count() FROM events_quarantine"));
  r = MustIngest("events", bad, {.format = "CSVWithNames"});
  EXPECT_GT(r.quarantined, 0u);
  uint64_t quarantined_lines = 0;
  for (const auto& row : Rows(fmt::format(
           "SELECT length(raw) - length(replaceAll(raw, '\\n', '')) + 1 FROM events_quarantine ORDER BY "
           "line LIMIT 1000000 OFFSET {}",
           before)))
    quarantined_lines += std::stoull(row);
  EXPECT_EQ(r.rows + quarantined_lines, kRows);

  // CSV without a header: the table's columns in order, only into an existing table.
  auto missing = db_->Ingest("other", "2024-01-01 00:00:00,1\n", {.format = "CSV"});
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(IngestorTest, CsvWithoutHeaderIntoAnExistingTable) {
  MustIngest("p", "ts,n,s\n2024-01-01 00:00:00,1,a\n", {.format = "CSVWithNames"});
  IngestResult r = MustIngest(
      "p", "2024-01-02 00:00:00,2,b\n2024-01-02 00:00:00,x,b\n2024-01-02 00:00:00,2\n", {.format = "CSV"});
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.quarantined, 2u);
  EXPECT_EQ(Scalar("SELECT sum(n) FROM p"), "3");
}

TEST_F(IngestorTest, ASourcePositionCommitsWithTheBatchsRowsInOneAppend) {
  IngestOptions o;
  o.position_source = "kafka:s";
  o.position = "0:3";
  o.locate = [](uint64_t line) { return "message " + std::to_string(line); };
  MustIngest("p", "{\"ts\":\"2024-01-01 00:00:00\",\"a\":1}\n{\"ts\":\"2024-01-01 00:00:01\",\"a\":2}\n", o);
  auto table = db_->catalog().GetTable("p");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->SourcePosition("kafka:s"), "0:3");
  // Rows needing a new column and a wider type, a bad row and good rows: the good and the evolved rows
  // go in together with the position (the fast pass's rows are held for the slow pass's Append).
  const uint64_t buffered_before = (*table)->Stats().buffer_rows;
  o.position = "0:7";
  IngestResult r = MustIngest("p",
                              "{\"ts\":\"2024-01-01 00:00:02\",\"a\":3}\n"
                              "{\"ts\":\"2024-01-01 00:00:03\",\"a\":4.5,\"b\":\"x\"}\n"
                              "{broken\n"
                              "{\"ts\":\"2024-01-01 00:00:04\",\"a\":5}\n",
                              o);
  EXPECT_EQ(r.rows, 3u);
  EXPECT_EQ(r.quarantined, 1u);
  EXPECT_EQ((*table)->SourcePosition("kafka:s"), "0:7");
  EXPECT_EQ((*table)->Stats().buffer_rows, buffered_before + 3);
  EXPECT_EQ(Rows("SELECT a, b FROM p ORDER BY ts"),
            (std::vector<std::string>{"1\t", "2\t", "3\t", "4.5\tx", "5\t"}));
  ASSERT_EQ(Rows("SELECT error FROM p_quarantine").size(), 1u);
  EXPECT_EQ(Rows("SELECT error FROM p_quarantine")[0].rfind("message 3: ", 0), 0u);
  // A batch of bad rows only still moves the position.
  o.position = "0:9";
  r = MustIngest("p", "{bad\n{worse\n", o);
  EXPECT_EQ(r.rows, 0u);
  EXPECT_EQ(r.quarantined, 2u);
  EXPECT_EQ((*table)->SourcePosition("kafka:s"), "0:9");
  // And the position survives a reopen (it is in the WAL record with the rows).
  db_.reset();
  auto db = Database::Open(FileSystem::Posix(), dir_.path(), Clock::System());
  ASSERT_TRUE(db.ok());
  db_ = std::move(*db);
  auto reopened = db_->catalog().GetTable("p");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->SourcePosition("kafka:s"), "0:9");
  EXPECT_EQ(Rows("SELECT count() FROM p"), (std::vector<std::string>{"5"}));
}

}  // namespace
}  // namespace aurora::ingest
