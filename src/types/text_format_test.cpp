#include "types/text_format.h"

#include <gtest/gtest.h>

namespace aurora {
namespace {

std::string Text(const char* type, const Value& v) {
  auto t = *ParseDataType(type);
  Column c(t);
  auto conv = ConvertValue(*t, v);
  EXPECT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_TRUE(c.AppendValue(*conv));
  std::string out;
  FormatText(c, 0, &out);
  return out;
}

TEST(TextFormatTest, TimesRoundTripThroughText) {
  EXPECT_EQ(Text("Date", Value{std::string("2024-02-29")}), "2024-02-29");
  EXPECT_EQ(Text("DateTime", Value{std::string("2024-01-31 23:59:59")}), "2024-01-31 23:59:59");
  EXPECT_EQ(Text("DateTime64(3)", Value{std::string("2024-01-31 23:59:59.123")}), "2024-01-31 23:59:59.123");
  EXPECT_EQ(Text("DateTime64(3, 'UTC')", Value{std::string("1969-12-31 23:59:59.999")}),
            "1969-12-31 23:59:59.999");
  // A time zone applies to both parsing and printing: the stored instant is the same.
  EXPECT_EQ(Text("DateTime('Asia/Tokyo')", Value{std::string("2024-01-01 09:00:00")}), "2024-01-01 09:00:00");
  auto tokyo =
      ConvertValue(**ParseDataType("DateTime('Asia/Tokyo')"), Value{std::string("2024-01-01 09:00:00")});
  EXPECT_EQ(std::get<int64_t>(*tokyo), 1704067200);
  EXPECT_EQ(Text("DateTime", Value{int64_t{0}}), "1970-01-01 00:00:00");
}

TEST(TextFormatTest, NumbersAndStrings) {
  EXPECT_EQ(Text("Float64", Value{0.1}), "0.1");
  EXPECT_EQ(Text("Float64", Value{int64_t{3}}), "3");
  EXPECT_EQ(Text("Bool", Value{int64_t{1}}), "true");
  EXPECT_EQ(Text("Int8", Value{int64_t{-128}}), "-128");
  EXPECT_EQ(Text("UInt64", Value{uint64_t{18446744073709551615ull}}), "18446744073709551615");
  EXPECT_EQ(Text("LowCardinality(String)", Value{std::string("x")}), "x");
  EXPECT_EQ(Text("Int32", Value{std::string("42")}), "42");
}

TEST(TextFormatTest, ConversionErrorsSayWhatDidNotFit) {
  auto check = [](const char* type, const Value& v, const char* msg) {
    auto r = ConvertValue(**ParseDataType(type), v);
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_NE(r.status().message().find(msg), std::string::npos) << r.status().message();
  };
  check("UInt8", Value{int64_t{256}}, "value 256 is out of range for UInt8");
  check("UInt32", Value{int64_t{-1}}, "out of range");
  check("Int64", Value{std::string("abc")}, "value 'abc' does not fit Int64");
  check("Date", Value{std::string("2024-02-30")}, "'2024-02-30' is not a Date");
  check("DateTime", Value{std::string("yesterday")}, "is not a DateTime");
  check("String", Value{}, "NULL does not fit String");
  EXPECT_TRUE(ConvertValue(**ParseDataType("Nullable(String)"), Value{}).ok());
}

TEST(TextFormatTest, ArraysAsClickHouseWritesThem) {
  auto text = [](const char* type, const Value& v) {
    Column c(*ParseDataType(type));
    EXPECT_TRUE(c.AppendValue(v));
    std::string out;
    FormatText(c, 0, &out);
    return out;
  };
  EXPECT_EQ(text("Array(UInt64)", MakeArray({uint64_t{1}, uint64_t{2}, uint64_t{3}})), "[1,2,3]");
  EXPECT_EQ(text("Array(UInt64)", MakeArray({})), "[]");
  EXPECT_EQ(text("Array(String)", MakeArray({std::string("a"), std::string("b")})), "['a','b']");
  // Quotes, backslashes and control characters are escaped inside the quotes.
  EXPECT_EQ(
      text("Array(String)", MakeArray({std::string("it's"), std::string("a\\b"), std::string("t\tn\n")})),
      R"(['it\'s','a\\b','t\tn\n'])");
  EXPECT_EQ(text("Array(Nullable(Int8))", MakeArray({int64_t{-1}, Value{}})), "[-1,NULL]");
  EXPECT_EQ(text("Array(Float64)", MakeArray({0.5, 2.0})), "[0.5,2]");
  EXPECT_EQ(text("Array(Date)", MakeArray({int64_t{19723}})), "['2024-01-01']");
  EXPECT_EQ(text("Array(DateTime('UTC'))", MakeArray({int64_t{0}})), "['1970-01-01 00:00:00']");
  EXPECT_EQ(text("Array(Bool)", MakeArray({int64_t{1}, int64_t{0}})), "[true,false]");
  EXPECT_EQ(text("Array(Array(String))", MakeArray({MakeArray({std::string("x")}), MakeArray({})})),
            "[['x'],[]]");
  // Literal conversion does not take arrays (tables cannot store them yet).
  EXPECT_FALSE(ConvertValue(**ParseDataType("Array(UInt8)"), MakeArray({})).ok());
}

}  // namespace
}  // namespace aurora
