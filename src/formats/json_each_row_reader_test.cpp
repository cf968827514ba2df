#include <gtest/gtest.h>

#include "formats/test_util.h"

namespace aurora::formats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<InputColumn> Events() {
  return Schema({{"id", "UInt32"},
                 {"price", "Float64"},
                 {"name", "String"},
                 {"ts", "DateTime64(3, 'UTC')"},
                 {"n", "Nullable(Int64)"},
                 {"b", "Bool"}});
}

TEST(JsonEachRowReaderTest, ReadsTypedValues) {
  EXPECT_THAT(
      ReadOk("JSONEachRow",
             R"({"id":1,"price":2.5,"name":"a","ts":"2024-01-01 00:00:00.123","n":null,"b":true})"
             "\n"
             R"({"b":false,"n":-7,"ts":"2024-02-29T12:30:00Z","name":"","price":-1e3,"id":4294967295})",
             Events()),
      ElementsAre("1|2.5|a|2024-01-01 00:00:00.123|NULL|true",
                  "4294967295|-1000||2024-02-29 12:30:00.000|-7|false"));
}

TEST(JsonEachRowReaderTest, EmptyInputAndLineEndings) {
  EXPECT_TRUE(ReadOk("JSONEachRow", "", Events()).empty());
  EXPECT_TRUE(ReadOk("JSONEachRow", " \n\r\n\t\n", Events()).empty());
  auto s = Schema({{"a", "Int32"}});
  EXPECT_THAT(ReadOk("JSONEachRow", R"({"a":1})", s), ElementsAre("1"));  // no trailing newline
  EXPECT_THAT(ReadOk("JSONEachRow", "{\"a\":1}\r\n{\"a\":2}\r\n", s), ElementsAre("1", "2"));
  EXPECT_THAT(ReadOk("JSONEachRow", "\n\n{\"a\":1}\n\n\n{\"a\":2}\n\n", s), ElementsAre("1", "2"));
  EXPECT_THAT(ReadOk("JSONEachRow", "\xEF\xBB\xBF{\"a\":1}\n", s), ElementsAre("1"));  // byte order mark
}

TEST(JsonEachRowReaderTest, ObjectsAcrossLinesArraysAndCommas) {
  auto s = Schema({{"a", "Int32"}, {"s", "String"}});
  EXPECT_THAT(ReadOk("JSONEachRow", "{\n  \"a\": 1,\n  \"s\": \"x\"\n}\n{\"a\":2}", s),
              ElementsAre("1|x", "2|"));
  EXPECT_THAT(ReadOk("JSONEachRow", R"({"a":1} {"a":2}, {"a":3})", s), ElementsAre("1|", "2|", "3|"));
  EXPECT_THAT(ReadOk("JSONEachRow", "[\n{\"a\":1},\n{\"a\":2}\n]\n", s), ElementsAre("1|", "2|"));
  EXPECT_THAT(ReadOk("JSONEachRow", R"({"s":"}{"} {"s":"a\"}"})", s), ElementsAre("0|}{", "0|a\"}"));
}

TEST(JsonEachRowReaderTest, MissingFieldsTakeDefaults) {
  auto s = Schema({{"a", "Int32"}, {"s", "String"}, {"n", "Nullable(Float64)"}, {"d", "Date"}});
  s[1].default_value = std::string("none");
  s[0].default_value = int64_t{42};
  EXPECT_THAT(ReadOk("JSONEachRow", "{}\n{\"a\":1}\n", s),
              ElementsAre("42|none|NULL|1970-01-01", "1|none|NULL|1970-01-01"));
}

TEST(JsonEachRowReaderTest, ErrorsSayLineColumnAndField) {
  std::string data = R"({"id":1,"price":1})"
                     "\n"
                     R"({"id":2,"price":2})"
                     "\n"
                     R"({"id":3,"price":"abc"})"
                     "\n";
  EXPECT_EQ(ReadError("JSONEachRow", data, Events()),
            "line 3, column 17, field 'price': cannot parse 'abc' as Float64");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"id":1,"pric":2})", Events()),
            "line 1, column 9: unknown field 'pric' (did you mean 'price'?)");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"id":1, "id":2})", Events()),
            "line 1, column 10, field 'id': the field appears twice in the object");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"id":null})", Events()),
            "line 1, column 7, field 'id': NULL does not fit UInt32 (not Nullable)");
  EXPECT_EQ(ReadError("JSONEachRow", "\n  {\"ts\": \"2024-13-01\"}", Events()),
            "line 2, column 10, field 'ts': cannot parse '2024-13-01' as DateTime64(3, 'UTC') (expected "
            "YYYY-MM-DD hh:mm:ss)");
  EXPECT_EQ(ReadError("JSONEachRow", "{\n\"id\": 1,\n\"name\": [1, 2],\n\"price\": [1]\n}", Events()),
            "line 4, column 10, field 'price': cannot parse '[1]' as Float64");
  EXPECT_THAT(ReadError("JSONEachRow", R"({"id":1} x)", Events()),
              HasSubstr("line 1, column 10: expected '{' (one JSON object per row), found 'x'"));
  EXPECT_THAT(ReadError("JSONEachRow", "{\"id\":1,}\n", Events()),
              HasSubstr("line 1, column 1: invalid JSON"));
  EXPECT_EQ(ReadError("JSONEachRow", "{\"id\":1\n{\"id\":2}\n", Events()),
            "line 1, column 1: the JSON object does not end");
  EXPECT_THAT(ReadError("JSONEachRow", "[1]\n", Events()), HasSubstr("found '1'"));
  EXPECT_THAT(ReadError("JSONEachRow", "{\"name\":\"\xff\"}\n", Events()), HasSubstr("invalid JSON"));
}

TEST(JsonEachRowReaderTest, NumbersAreRangeChecked) {
  auto s = Schema({{"u8", "UInt8"}, {"i64", "Int64"}, {"u64", "UInt64"}, {"f32", "Float32"}});
  EXPECT_THAT(ReadOk("JSONEachRow",
                     R"({"u8":255,"i64":-9223372036854775808,"u64":18446744073709551615,"f32":0.1})"
                     "\n"
                     R"({"u8":"7","i64":"9223372036854775807","u64":"18446744073709551615","f32":"-inf"})",
                     s),
              ElementsAre("255|-9223372036854775808|18446744073709551615|0.1",
                          "7|9223372036854775807|18446744073709551615|-inf"));
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u8":256})", s),
            "line 1, column 7, field 'u8': value 256 is out of range for UInt8");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u8":-1})", s),
            "line 1, column 7, field 'u8': value -1 is out of range for UInt8");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u8":1.5})", s),
            "line 1, column 7, field 'u8': cannot parse '1.5' as UInt8");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"i64":9223372036854775808})", s),
            "line 1, column 8, field 'i64': value 9223372036854775808 is out of range for Int64");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u64": 18446744073709551616})", s),
            "line 1, column 9, field 'u64': value 18446744073709551616 is out of range for UInt64");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"f32":1e300})", s),
            "line 1, column 8, field 'f32': value 1e+300 is out of range for Float32");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u64":"12x"})", s),
            "line 1, column 8, field 'u64': cannot parse '12x' as UInt64");
}

TEST(JsonEachRowReaderTest, BoolsNullsNestedAndUnicode) {
  auto s = Schema(
      {{"b", "Bool"}, {"u", "UInt8"}, {"s", "String"}, {"lc", "LowCardinality(String)"}, {"t", "DateTime"}});
  EXPECT_THAT(ReadOk("JSONEachRow",
                     R"({"b":1,"u":true,"s":{"a": [1, {"b": null}]},"lc":"h\u00e9llo \ud83d\ude00","t":0})"
                     "\n"
                     R"({"b":"false","u":false,"s":[true, 2.50],"lc":"ünï","t":"2024-01-01 10:00:00"})"
                     "\n"
                     R"({"b":true,"s":12.50,"t":1704103200})",
                     s),
              ElementsAre("true|1|{\"a\":[1,{\"b\":null}]}|héllo 😀|1970-01-01 00:00:00",
                          "false|0|[true,2.5]|ünï|2024-01-01 10:00:00", "true|0|12.5||2024-01-01 10:00:00"));
  EXPECT_EQ(ReadError("JSONEachRow", R"({"u":{"a":1}})", s),
            "line 1, column 6, field 'u': cannot parse '{\"a\":1}' as UInt8");
  EXPECT_EQ(ReadError("JSONEachRow", R"({"t":true})", s),
            "line 1, column 6, field 't': cannot parse 'true' as DateTime");
}

TEST(JsonEachRowReaderTest, SkipUnknownFields) {
  auto s = Schema({{"a", "Int32"}});
  ReadOptions o;
  o.skip_unknown_fields = true;
  EXPECT_THAT(ReadOk("JSONEachRow", R"({"x":{"deep":[1,2,{"y":"}"}]},"a":5,"z":null})", s, o),
              ElementsAre("5"));
}

TEST(JsonEachRowReaderTest, CollectModeKeepsGoodRowsAndReportsBadOnes) {
  auto s = Schema({{"a", "Int32"}, {"s", "String"}});
  ReadOptions o;
  o.errors = ErrorMode::kCollect;
  std::string data =
      "{\"a\":1,\"s\":\"ok\"}\n"
      "{\"a\":\"x\",\"s\":\"partly written\"}\n"
      "not json\n"
      "{\"a\":3,\n"
      "\"s\":\"spans lines\"}\n"
      "{\"a\":4, \"s\": \"unterminated\n"
      "{\"a\":5}\n";
  auto r = ReadRows("JSONEachRow", data, s, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(Rows(r->chunk), ElementsAre("1|ok", "3|spans lines", "5|"));
  ASSERT_EQ(r->bad_rows.size(), 3u);
  EXPECT_EQ(r->bad_rows[0].line, 2u);
  EXPECT_EQ(r->bad_rows[0].text, "{\"a\":\"x\",\"s\":\"partly written\"}");
  EXPECT_EQ(r->bad_rows[0].error, "line 2, column 6, field 'a': cannot parse 'x' as Int32");
  EXPECT_EQ(r->bad_rows[1].line, 3u);
  EXPECT_EQ(r->bad_rows[1].text, "not json");
  EXPECT_EQ(r->bad_rows[2].line, 6u);
  EXPECT_EQ(r->bad_rows[2].text, "{\"a\":4, \"s\": \"unterminated");
}

TEST(JsonEachRowReaderTest, ManyUnclosedObjectsStayLinear) {
  // Each "{" would otherwise be scanned to the end of the input.
  std::string data;
  for (int i = 0; i < 20000; ++i) data += "{\n";
  data += "{\"a\":1}\n";
  ReadOptions o;
  o.errors = ErrorMode::kCollect;
  auto r = ReadRows("JSONEachRow", data, Schema({{"a", "Int32"}}), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->chunk.num_rows, 1u);
  EXPECT_EQ(r->bad_rows.size(), 20000u);
}

TEST(JsonEachRowReaderTest, ManyObjectsOnOneLineStayLinear) {
  // A JSON array dumped on one line: the line is not one object, and must not be rescanned per object.
  std::string data = "[";
  for (int i = 0; i < 200000; ++i) data += "{\"a\":" + std::to_string(i) + "},";
  data += "{\"a\":-1}]";
  auto r = ReadRows("JSONEachRow", data, Schema({{"a", "Int32"}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->chunk.num_rows, 200001u);
  // In collect mode, an object that never closes takes the rest of its line (the '[' swallows what
  // follows), and reading goes on at the next line.
  std::string bad = "{\"a\":0} {\"a\":[ ";
  for (int i = 0; i < 20000; ++i) bad += "{\"a\":1} ";
  bad += "\n{\"a\":2}";
  ReadOptions o;
  o.errors = ErrorMode::kCollect;
  r = ReadRows("JSONEachRow", bad, Schema({{"a", "Int32"}}), o);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Rows(r->chunk), ElementsAre("0", "2"));
  ASSERT_EQ(r->bad_rows.size(), 1u);
  EXPECT_EQ(r->bad_rows[0].error, "line 1, column 9: the JSON object does not end");
}

TEST(JsonEachRowReaderTest, LongValuesAndObjectsNearTheEndOfTheBuffer) {
  auto s = Schema({{"s", "String"}});
  std::string big(100000, 'x');
  // The last object has fewer than SIMDJSON_PADDING bytes after it, the first one more.
  EXPECT_THAT(ReadOk("JSONEachRow", "{\"s\":\"" + big + "\"}\n{\"s\":\"y\"}", s), ElementsAre(big, "y"));
  std::string msg = ReadError("JSONEachRow", "{\"s\":1, \"t\":\"" + big + "\"}", s);
  EXPECT_EQ(msg, "line 1, column 9: unknown field 't' (did you mean 's'?)");
}

}  // namespace
}  // namespace aurora::formats
