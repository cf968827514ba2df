#include "formats/format_writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "formats/test_util.h"

namespace aurora::formats {
namespace {

using ::testing::HasSubstr;

// A small result: UInt64, Nullable(String), Float64, Date, Bool, Int32.
struct Result3 {
  std::vector<std::string> names{"n", "s", "f", "d", "b", "i"};
  std::vector<DataTypePtr> types;
  Chunk chunk;
};

Result3 MakeResult() {
  Result3 r;
  auto in = Schema({{"n", "UInt64"},
                    {"s", "Nullable(String)"},
                    {"f", "Float64"},
                    {"d", "Date"},
                    {"b", "Bool"},
                    {"i", "Int32"}});
  for (const auto& c : in) r.types.push_back(c.type);
  auto rows = ReadRows("TSV",
                       "18446744073709551615\ttab\\there \"q\" 'a' /x\\\\\t0.5\t2024-01-31\ttrue\t-3\n"
                       "0\t\\N\tnan\t1970-01-01\tfalse\t7\n",
                       in);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  r.chunk = std::move(rows->chunk);
  return r;
}

std::string Write(std::string_view format, const Result3& r, OutputStatistics stats = {}) {
  auto out = WriteRows(format, r.names, r.types, {r.chunk}, stats);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

TEST(FormatWriterTest, TabSeparated) {
  Result3 r = MakeResult();
  const std::string rows =
      "18446744073709551615\ttab\\there \"q\" \\'a\\' /x\\\\\t0.5\t2024-01-31\ttrue\t-3\n"
      "0\t\\N\tnan\t1970-01-01\tfalse\t7\n";
  EXPECT_EQ(Write("TSV", r), rows);
  EXPECT_EQ(Write("TabSeparatedWithNames", r), "n\ts\tf\td\tb\ti\n" + rows);
  EXPECT_EQ(Write("TSVWithNamesAndTypes", r),
            "n\ts\tf\td\tb\ti\nUInt64\tNullable(String)\tFloat64\tDate\tBool\tInt32\n" + rows);
}

TEST(FormatWriterTest, Csv) {
  Result3 r = MakeResult();
  const std::string rows =
      "18446744073709551615,\"tab\there \"\"q\"\" 'a' /x\\\",0.5,\"2024-01-31\",true,-3\n"
      "0,\\N,nan,\"1970-01-01\",false,7\n";
  EXPECT_EQ(Write("CSV", r), rows);
  EXPECT_EQ(Write("CSVWithNames", r), "\"n\",\"s\",\"f\",\"d\",\"b\",\"i\"\n" + rows);
}

TEST(FormatWriterTest, JsonEachRow) {
  Result3 r = MakeResult();
  EXPECT_EQ(
      Write("JSONEachRow", r),
      "{\"n\":\"18446744073709551615\",\"s\":\"tab\\there \\\"q\\\" 'a' \\/x\\\\\",\"f\":0.5,\"d\":\"2024-01-"
      "31\",\"b\":true,\"i\":-3}\n"
      "{\"n\":\"0\",\"s\":null,\"f\":null,\"d\":\"1970-01-01\",\"b\":false,\"i\":7}\n");
}

TEST(FormatWriterTest, JsonHasClickHousesShape) {
  Result3 r = MakeResult();
  OutputStatistics stats{0.25, 2, 64};
  EXPECT_EQ(Write("JSON", r, stats),
            "{\n"
            "\t\"meta\":\n"
            "\t[\n"
            "\t\t{\n\t\t\t\"name\": \"n\",\n\t\t\t\"type\": \"UInt64\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"s\",\n\t\t\t\"type\": \"Nullable(String)\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"f\",\n\t\t\t\"type\": \"Float64\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"d\",\n\t\t\t\"type\": \"Date\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"b\",\n\t\t\t\"type\": \"Bool\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"i\",\n\t\t\t\"type\": \"Int32\"\n\t\t}\n"
            "\t],\n"
            "\n"
            "\t\"data\":\n"
            "\t[\n"
            "\t\t{\n"
            "\t\t\t\"n\": \"18446744073709551615\",\n"
            "\t\t\t\"s\": \"tab\\there \\\"q\\\" 'a' \\/x\\\\\",\n"
            "\t\t\t\"f\": 0.5,\n"
            "\t\t\t\"d\": \"2024-01-31\",\n"
            "\t\t\t\"b\": true,\n"
            "\t\t\t\"i\": -3\n"
            "\t\t},\n"
            "\t\t{\n"
            "\t\t\t\"n\": \"0\",\n"
            "\t\t\t\"s\": null,\n"
            "\t\t\t\"f\": null,\n"
            "\t\t\t\"d\": \"1970-01-01\",\n"
            "\t\t\t\"b\": false,\n"
            "\t\t\t\"i\": 7\n"
            "\t\t}\n"
            "\t],\n"
            "\n"
            "\t\"rows\": 2,\n"
            "\n"
            "\t\"statistics\":\n"
            "\t{\n"
            "\t\t\"elapsed\": 0.25,\n"
            "\t\t\"rows_read\": 2,\n"
            "\t\t\"bytes_read\": 64\n"
            "\t}\n"
            "}\n");
}

TEST(FormatWriterTest, JsonCompactAndEmptyResults) {
  Result3 r = MakeResult();
  std::string out = Write("JSONCompact", r);
  EXPECT_THAT(out, HasSubstr("\t\"data\":\n\t[\n"
                             "\t\t[\"18446744073709551615\", \"tab\\there \\\"q\\\" 'a' \\/x\\\\\", 0.5, "
                             "\"2024-01-31\", true, -3],\n"
                             "\t\t[\"0\", null, null, \"1970-01-01\", false, 7]\n"
                             "\t],\n\n\t\"rows\": 2,"));
  // No rows: ClickHouse leaves an empty line between the brackets.
  auto empty = WriteRows("JSON", {"x"}, {DataType::Make(TypeId::kInt8)}, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(*empty, HasSubstr("\t\"data\":\n\t[\n\n\t],\n\n\t\"rows\": 0,"));
  EXPECT_EQ(*WriteRows("TSVWithNames", {"x"}, {DataType::Make(TypeId::kInt8)}, {}, {}), "x\n");
  EXPECT_EQ(*WriteRows("JSONEachRow", {"x"}, {DataType::Make(TypeId::kInt8)}, {}, {}), "");
}

TEST(FormatWriterTest, JsonEscapingIsAlwaysValid) {
  std::string out;
  AppendJsonString(std::string("a\0b\x01\x1f\b\f\n\r\t\"\\/", 13), &out);
  EXPECT_EQ(out, "\"a\\u0000b\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\\\/\"");
  out.clear();
  AppendJsonString("h\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA8", &out);  // é, an emoji, U+2028
  EXPECT_EQ(out, "\"h\xC3\xA9 \xF0\x9F\x98\x80 \\u2028\"");
  out.clear();
  // Not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  AppendJsonString("\x80|\xE2\x82|\xC0\xAF|\xED\xA0\x80", &out);
  EXPECT_EQ(out,
            "\"\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(FormatWriterTest, TsvAndCsvEscaping) {
  std::string out;
  AppendTsvEscaped(std::string("\t\n\r\\'\b\f\0x\"", 10), &out);
  EXPECT_EQ(out, "\\t\\n\\r\\\\\\'\\b\\f\\0x\"");
  out.clear();
  AppendCsvQuoted("a\"b\"\"", &out);
  EXPECT_EQ(out, "\"a\"\"b\"\"\"\"\"");
}

TEST(FormatWriterTest, WritesChunksAsTheyCome) {
  Result3 r = MakeResult();
  auto w = FormatWriter::Make(Format::kJSONCompact, r.names, r.types);
  ASSERT_TRUE(w.ok());
  std::string out;
  (*w)->WritePrefix(&out);
  (*w)->WriteChunk(r.chunk, &out);
  (*w)->WriteChunk(r.chunk, &out);
  (*w)->WriteSuffix({}, &out);
  EXPECT_THAT(out, HasSubstr("7],\n\t\t[\"18446744073709551615\""));
  EXPECT_THAT(out, HasSubstr("\"rows\": 4,"));
  EXPECT_EQ(ContentType(Format::kCSVWithNames), "text/csv; charset=UTF-8; header=present");
  EXPECT_FALSE(FormatWriter::Make(Format::kCSV, {"a"}, {}).ok());
}

}  // namespace
}  // namespace aurora::formats
