#include <gtest/gtest.h>

#include "formats/test_util.h"

namespace aurora::formats {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<InputColumn> CsvSchema() {
  return Schema({{"id", "UInt32"}, {"s", "String"}, {"f", "Nullable(Float64)"}, {"d", "Date"}});
}

TEST(CsvReaderTest, QuotingEscapesAndNulls) {
  std::string data =
      "1,abc,1.5,2024-01-01\n"
      "2,\"x,y\",\\N,2024-01-02\n"
      "3,\"a \"\"q\"\" b\nline2\",,2024-01-03\n"
      " 4 , spaced ,NULL, \"2024-01-04\"\n"
      "5,\"\",-0.25e1,19725\n"
      "6,NULL,+7,2024-01-06";
  EXPECT_THAT(
      ReadOk("CSV", data, CsvSchema()),
      ElementsAre("1|abc|1.5|2024-01-01", "2|x,y|NULL|2024-01-02", "3|a \"q\" b\nline2|NULL|2024-01-03",
                  "4|spaced|NULL|2024-01-04", "5||-2.5|2024-01-03", "6|NULL|7|2024-01-06"));
}

TEST(CsvReaderTest, LineEndingsAndEmptyInput) {
  auto s = Schema({{"a", "Int32"}, {"b", "String"}});
  EXPECT_TRUE(ReadOk("CSV", "", s).empty());
  EXPECT_TRUE(ReadOk("CSV", "\n\r\n", s).empty());
  EXPECT_THAT(ReadOk("CSV", "1,x\r\n2,\"y\"\r\n", s), ElementsAre("1|x", "2|y"));
  EXPECT_THAT(ReadOk("CSV", "1,x\n2,y\n\n\n", s), ElementsAre("1|x", "2|y"));
  EXPECT_THAT(ReadOk("CSV", "1,\"multi\r\nline\"\r\n", s), ElementsAre("1|multi\r\nline"));
  EXPECT_EQ(ReadError("CSV", "1,x\n\n2,y\n", s), "line 2: expected 2 fields, found 1");
}

TEST(CsvReaderTest, EmptyFieldsTakeDefaults) {
  auto s = Schema({{"a", "Int32"}, {"b", "String"}, {"c", "Nullable(String)"}});
  s[0].default_value = int64_t{9};
  s[1].default_value = std::string("dflt");
  EXPECT_THAT(ReadOk("CSV", ",,\n\"\",\"\",\"\"\n", s), ElementsAre("9|dflt|NULL", "9||"));
}

TEST(CsvReaderTest, ErrorsSayWhere) {
  EXPECT_EQ(ReadError("CSV", "1,a,2.5,2024-01-01\n2,b,abc,2024-01-01\n", CsvSchema()),
            "line 2, column 5, field 'f': cannot parse 'abc' as Nullable(Float64)");
  EXPECT_EQ(ReadError("CSV", "1,\"multi\nline\",2.5,2024-01-01\n2,b,1,2024-01-01,extra\n", CsvSchema()),
            "line 3, column 18: expected 4 fields, found 5");
  EXPECT_EQ(ReadError("CSV", "1,a,2.5\n", CsvSchema()), "line 1: expected 4 fields, found 3");
  EXPECT_EQ(ReadError("CSV", "1,\"abc,2.5,2024-01-01\n", CsvSchema()),
            "line 1, column 3: the quoted field does not end (no closing '\"')");
  EXPECT_EQ(ReadError("CSV", "1,\"a\"b,2.5,2024-01-01\n", CsvSchema()),
            "line 1, column 6: expected ',' or a line break after the quoted field, found 'b'");
  EXPECT_EQ(ReadError("CSV", "-1,a,1,2024-01-01", CsvSchema()),
            "line 1, column 1, field 'id': value -1 is out of range for UInt32");
  EXPECT_EQ(ReadError("CSV", "1,a,1,2024-02-30", CsvSchema()),
            "line 1, column 7, field 'd': cannot parse '2024-02-30' as Date (expected YYYY-MM-DD)");
  EXPECT_EQ(ReadError("CSV", "99999999999999999999,a,1,2024-01-01", CsvSchema()),
            "line 1, column 1, field 'id': value 99999999999999999999 is out of range for UInt32");
  EXPECT_EQ(ReadError("CSV", "1,\\N,1,2024-01-01", CsvSchema()),
            "line 1, column 3, field 's': NULL does not fit String (not Nullable)");
}

TEST(CsvReaderTest, WithNamesMapsByName) {
  auto s = CsvSchema();
  s[1].default_value = std::string("dflt");
  EXPECT_THAT(ReadOk("CSVWithNames", "d,\"id\"\n2024-01-01,7\n2024-01-02,8", s),
              ElementsAre("7|dflt|NULL|2024-01-01", "8|dflt|NULL|2024-01-02"));
  EXPECT_TRUE(ReadOk("CSVWithNames", "id,s\n", s).empty());
  EXPECT_TRUE(ReadOk("CSVWithNames", "", s).empty());
  EXPECT_EQ(ReadError("CSVWithNames", "id,sx\n1,a\n", s),
            "header: line 1, column 4: unknown column 'sx' (did you mean 's'?)");
  EXPECT_EQ(ReadError("CSVWithNames", "id,id\n1,2\n", s),
            "header: line 1, column 4: column 'id' is named twice");
  EXPECT_EQ(ReadError("CSVWithNames", "id,s\n1\n", s), "line 2: expected 2 fields, found 1");
  ReadOptions o;
  o.skip_unknown_fields = true;
  EXPECT_THAT(ReadOk("CSVWithNames", "x,id,y\n\"a,b\",5,zz\n", s, o), ElementsAre("5|dflt|NULL|1970-01-01"));
  // Collect mode does not help with a bad header: nothing can be read.
  o = {};
  o.errors = ErrorMode::kCollect;
  EXPECT_THAT(ReadError("CSVWithNames", "nope\n1\n", s, o), HasSubstr("unknown column 'nope'"));
}

TEST(CsvReaderTest, CollectMode) {
  ReadOptions o;
  o.errors = ErrorMode::kCollect;
  std::string data =
      "1,a,1,2024-01-01\n"
      "2,b,x,2024-01-01\n"
      "3,\"c\"junk,1,2024-01-01\n"
      "4,\"multi\nline\",1,2024-01-01\n"
      "5,e\n"
      "6,\"never closed,1,2024-01-01\n"
      "7,f,1,2024-01-01\n";
  auto r = ReadRows("CSV", data, CsvSchema(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Rows(r->chunk),
              ElementsAre("1|a|1|2024-01-01", "4|multi\nline|1|2024-01-01", "7|f|1|2024-01-01"));
  ASSERT_EQ(r->bad_rows.size(), 4u);
  EXPECT_EQ(r->bad_rows[0].line, 2u);
  EXPECT_EQ(r->bad_rows[0].text, "2,b,x,2024-01-01");
  EXPECT_EQ(r->bad_rows[1].line, 3u);
  EXPECT_EQ(r->bad_rows[1].text, "3,\"c\"junk,1,2024-01-01");
  EXPECT_EQ(r->bad_rows[2].line, 6u);
  EXPECT_EQ(r->bad_rows[2].error, "line 6: expected 4 fields, found 2");
  EXPECT_EQ(r->bad_rows[3].line, 7u);
  EXPECT_EQ(r->bad_rows[3].text, "6,\"never closed,1,2024-01-01");
  // After a quote that never closes, reading goes on at the next line.
}

std::vector<InputColumn> TsvSchema() {
  return Schema({{"id", "Int64"}, {"s", "String"}, {"n", "Nullable(String)"}});
}

TEST(TsvReaderTest, EscapesAndNulls) {
  std::string data =
      "1\ta\\tb\\nc\t\\N\n"
      "2\tback\\\\slash \\'q\\' \\\"dq\\\" \\x41\\0z\tx\n"
      "3\tescaped\\\nbreak\t\n"
      "-4\tünïcödé 😀\t\\\\N\n";
  EXPECT_THAT(ReadOk("TSV", data, TsvSchema()),
              ElementsAre("1|a\tb\nc|NULL", std::string("2|back\\slash 'q' \"dq\" A") + '\0' + "z|x",
                          "3|escaped\nbreak|", "-4|ünïcödé 😀|\\N"));
  EXPECT_THAT(ReadOk("TabSeparated", "1\tx\ty\r\n2\t\t\r\n", TsvSchema()), ElementsAre("1|x|y", "2||"));
  EXPECT_TRUE(ReadOk("TSV", "", TsvSchema()).empty());
}

TEST(TsvReaderTest, ErrorsSayWhere) {
  EXPECT_EQ(ReadError("TSV", "1\ta\tb\n\tc\td\n", TsvSchema()),
            "line 2, column 1, field 'id': cannot parse '' as Int64");
  EXPECT_EQ(ReadError("TSV", "1\ta\tb\tc\n", TsvSchema()), "line 1, column 7: expected 3 fields, found 4");
  EXPECT_EQ(ReadError("TSV", "1\ta\n", TsvSchema()), "line 1: expected 3 fields, found 2");
  EXPECT_EQ(ReadError("TSV", "1\tab\\Ncd\tx\n", TsvSchema()),
            "line 1, column 3, field 's': \\N (NULL) must be the whole field, found 'ab\\Ncd'");
  EXPECT_EQ(ReadError("TSV", "1\t\\xZZ\tx\n", TsvSchema()),
            "line 1, column 3, field 's': bad escape sequence in '\\xZZ' (\\x needs two hexadecimal digits)");
  EXPECT_EQ(ReadError("TSV", "1\ta\tb\\", TsvSchema()),
            "line 1, column 6: backslash at the end of the input");
  EXPECT_EQ(ReadError("TSV", "99999999999999999999\ta\tb\n", TsvSchema()),
            "line 1, column 1, field 'id': value 99999999999999999999 is out of range for Int64");
  EXPECT_EQ(ReadError("TSV", "1\t\\N\tb\n", TsvSchema()),
            "line 1, column 3, field 's': NULL does not fit String (not Nullable)");
}

TEST(TsvReaderTest, WithNames) {
  EXPECT_THAT(ReadOk("TSVWithNames", "n\tid\nx\t1\n\\N\t2\n", TsvSchema()), ElementsAre("1||x", "2||NULL"));
  EXPECT_THAT(ReadOk("TabSeparatedWithNames", "id\n5", TsvSchema()), ElementsAre("5||NULL"));
  EXPECT_EQ(ReadError("TSVWithNames", "id\tname\n", TsvSchema()),
            "header: line 1, column 4: unknown column 'name'");
}

}  // namespace
}  // namespace aurora::formats
