#include "formats/format_reader.h"

#include <gtest/gtest.h>

#include "formats/test_util.h"

namespace aurora::formats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FormatTest, NamesAndAliases) {
  EXPECT_EQ(*InputFormat("JSONEachRow"), Format::kJSONEachRow);
  EXPECT_EQ(*InputFormat("TSV"), Format::kTabSeparated);
  EXPECT_EQ(*InputFormat("TabSeparated"), Format::kTabSeparated);
  EXPECT_EQ(*InputFormat("TSVWithNames"), Format::kTabSeparatedWithNames);
  EXPECT_EQ(*InputFormat("csvwithnames"), Format::kCSVWithNames);  // case-insensitive, as ClickHouse
  EXPECT_EQ(*OutputFormat("TSVWithNamesAndTypes"), Format::kTabSeparatedWithNamesAndTypes);
  EXPECT_EQ(*OutputFormat("JSONCompact"), Format::kJSONCompact);
  EXPECT_EQ(FormatName(Format::kTabSeparatedWithNames), "TabSeparatedWithNames");

  auto bad = InputFormat("JSONEachRows");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown input format 'JSONEachRows' (did you mean 'JSONEachRow'?); supported: JSONEachRow, CSV, "
            "CSVWithNames, TSV, TabSeparated, TSVWithNames, TabSeparatedWithNames");
  // JSON can be written, not read.
  EXPECT_THAT(InputFormat("JSON").status().message(), HasSubstr("unknown input format 'JSON'"));
  EXPECT_THAT(OutputFormat("Parquet").status().message(), HasSubstr("JSONCompact"));
  EXPECT_THAT(FormatReader::Make(Format::kJSON, Schema({{"a", "Int32"}})).status().message(),
              HasSubstr("can be written but not read"));
}

TEST(FormatReaderTest, RejectsDuplicateColumns) {
  EXPECT_THAT(FormatReader::Make(Format::kCSV, Schema({{"a", "Int32"}, {"a", "String"}})).status().message(),
              HasSubstr("column 'a' is listed twice"));
}

TEST(FormatReaderTest, StrictErrorTakesBackTheCallsRows) {
  auto reader = FormatReader::Make(Format::kCSV, Schema({{"a", "Int32"}, {"s", "LowCardinality(String)"}}));
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Read("1,x\n2,y\n").ok());
  Status st = (*reader)->Read("3,z\n4,w\nbad,v\n5,u\n");
  EXPECT_EQ(st.message(), "line 3, column 1, field 'a': cannot parse 'bad' as Int32");
  EXPECT_EQ((*reader)->num_rows(), 2u);
  ASSERT_TRUE((*reader)->Read("6,t").ok());
  Chunk c = (*reader)->TakeChunk();
  EXPECT_THAT(Rows(c), ElementsAre("1|x", "2|y", "6|t"));
  EXPECT_EQ(c.names, (std::vector<std::string>{"a", "s"}));
  // The reader starts again with empty columns.
  EXPECT_EQ((*reader)->num_rows(), 0u);
  ASSERT_TRUE((*reader)->Read("7,s").ok());
  EXPECT_THAT(Rows((*reader)->TakeChunk()), ElementsAre("7|s"));
}

TEST(FormatReaderTest, CollectModeTakesBackPartialRowsInEveryColumnKind) {
  // A bad value in the last column: the values already appended to the others (fixed-width, string,
  // dictionary, nullable) must be taken back.
  auto s = Schema({{"i", "Nullable(Int16)"},
                   {"s", "String"},
                   {"lc", "LowCardinality(Nullable(String))"},
                   {"d", "DateTime('UTC')"},
                   {"x", "UInt8"}});
  ReadOptions o;
  o.errors = ErrorMode::kCollect;
  auto reader = FormatReader::Make(Format::kTabSeparated, s, o);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)
                  ->Read("1\ta\tp\t2024-01-01 00:00:00\t1\n"
                         "\\N\tlong string\t\\N\t2024-01-01 00:00:01\t300\n"
                         "3\tc\tq\t2024-01-01 00:00:02\t3\n")
                  .ok());
  ASSERT_EQ((*reader)->bad_rows().size(), 1u);
  EXPECT_EQ((*reader)->bad_rows()[0].error,
            "line 2, column 39, field 'x': value 300 is out of range for UInt8");
  Chunk c = (*reader)->TakeChunk();
  for (const auto& col : c.columns) EXPECT_EQ(col->size(), 2u);
  EXPECT_THAT(Rows(c), ElementsAre("1|a|p|2024-01-01 00:00:00|1", "3|c|q|2024-01-01 00:00:02|3"));
  EXPECT_FALSE(c.columns[0]->IsNull(1));
  EXPECT_EQ((*reader)->TakeBadRows().size(), 1u);
  EXPECT_TRUE((*reader)->bad_rows().empty());
}

TEST(FormatReaderTest, TimesInTimeZonesAndNumbers) {
  auto s = Schema({{"d", "Date"}, {"t", "DateTime('Asia/Tokyo')"}, {"t64", "DateTime64(6)"}});
  EXPECT_THAT(ReadOk("CSV",
                     "2024-01-31,2024-01-31 09:00:00,2024-01-31 23:59:59.123456\n"
                     "0,0,1704067200.5\n"
                     "2024-01-31 10:00:00,1704067200,1704067200\n",
                     s),
              ElementsAre("2024-01-31|2024-01-31 09:00:00|2024-01-31 23:59:59.123456",
                          "1970-01-01|1970-01-01 09:00:00|2024-01-01 00:00:00.500000",
                          "2024-01-31|2024-01-01 09:00:00|2024-01-01 00:00:00.000000"));
  EXPECT_EQ(ReadError("CSV", "2024-01-01,2024-01-01 00:00:00,9999-12-31 23:59:59\n",
                      Schema({{"d", "Date"}, {"t", "DateTime"}, {"t64", "DateTime64(9)"}})),
            "line 1, column 32, field 't64': value 9999-12-31 23:59:59 is out of range for DateTime64(9)");
  EXPECT_EQ(ReadError("CSV", "70000", Schema({{"d", "Date"}})),
            "line 1, column 1, field 'd': value 70000 is out of range for Date");
}

TEST(FormatReaderTest, RequiredColumnsMustBeInEveryRow) {
  auto s = Schema({{"ts", "DateTime64(3, 'UTC')"}, {"a", "Int32"}});
  s[0].required = true;
  EXPECT_THAT(ReadOk("JSONEachRow", R"({"ts":"2024-01-01 00:00:00","a":1})", s),
              ElementsAre("2024-01-01 00:00:00.000|1"));
  EXPECT_EQ(ReadError("JSONEachRow", "{\"a\":1}\n{\"a\":2}", s),
            "line 1, column 1, field 'ts': the field is missing (a row must have it)");
  EXPECT_EQ(ReadError("CSVWithNames", "ts,a\n,1\n", s),
            "line 2, column 1, field 'ts': the field is empty (a row must have a value)");
  EXPECT_EQ(ReadError("CSVWithNames", "a\n1\n", s),
            "line 2, field 'ts': the header does not name this field (a row must have it)");
  // Collect mode keeps the good rows.
  auto r = ReadRows("JSONEachRow", "{\"a\":1}\n{\"ts\":\"2024-01-01 00:00:00\",\"a\":2}\n", s,
                    {ErrorMode::kCollect, false});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->chunk.num_rows, 1u);
  ASSERT_EQ(r->bad_rows.size(), 1u);
  EXPECT_EQ(r->bad_rows[0].line, 1u);
}

}  // namespace
}  // namespace aurora::formats
