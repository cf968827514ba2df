#include "types/data_type.h"

#include <gtest/gtest.h>

namespace aurora {
namespace {

TEST(DataTypeTest, ParsesAndPrintsEveryType) {
  for (const char* name : {"Bool",
                           "Int8",
                           "Int16",
                           "Int32",
                           "Int64",
                           "UInt8",
                           "UInt16",
                           "UInt32",
                           "UInt64",
                           "Float32",
                           "Float64",
                           "String",
                           "Date",
                           "DateTime",
                           "DateTime('Europe/Paris')",
                           "DateTime64(3)",
                           "DateTime64(3, 'UTC')",
                           "Nullable(Int64)",
                           "LowCardinality(String)",
                           "LowCardinality(Nullable(String))",
                           "Nullable(DateTime64(6, 'Asia/Tokyo'))",
                           "Array(UInt64)",
                           "Array(Nullable(String))",
                           "Array(Array(DateTime('UTC')))",
                           "Array(LowCardinality(String))"}) {
    auto t = ParseDataType(name);
    ASSERT_TRUE(t.ok()) << name << ": " << t.status().ToString();
    EXPECT_EQ((*t)->Name(), name);
  }
}

TEST(DataTypeTest, LayoutsFollowTheBaseType) {
  auto lc = *ParseDataType("LowCardinality(Nullable(String))");
  EXPECT_EQ(lc->Layout().kind, ColumnLayout::Kind::kDictionary);
  EXPECT_TRUE(lc->Layout().nullable);
  auto dt = *ParseDataType("Nullable(DateTime64(3))");
  EXPECT_EQ(dt->Layout().kind, ColumnLayout::Kind::kFixed);
  EXPECT_EQ(dt->Layout().width, 8);
  EXPECT_EQ(dt->TicksPerSecond(), 1000);
  EXPECT_EQ((*ParseDataType("Date"))->Layout().width, 2);
  auto arr = *ParseDataType("Array(Nullable(Int32))");
  EXPECT_EQ(arr->Layout().kind, ColumnLayout::Kind::kArray);
  EXPECT_FALSE(arr->Layout().nullable);  // the elements are; the array is not
  EXPECT_TRUE(arr->IsArray());
  EXPECT_EQ(&arr->Base(), arr.get());
  EXPECT_EQ(arr->nested()->Name(), "Nullable(Int32)");
  EXPECT_FALSE(arr->IsInteger());
  EXPECT_TRUE(arr->ContainsArray());
  EXPECT_FALSE((*ParseDataType("Nullable(Int32)"))->ContainsArray());
}

TEST(DataTypeTest, ErrorsSayWhatAndWhere) {
  auto bad = ParseDataType("Nullable(Strin)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown type 'Strin'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("position 10"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(ParseDataType("LowCardinality(Int64)").ok());
  EXPECT_FALSE(ParseDataType("Nullable(Nullable(Int8))").ok());
  EXPECT_FALSE(ParseDataType("DateTime64(12)").ok());
  EXPECT_FALSE(ParseDataType("DateTime64(99999999999999999999)").ok());  // found by fuzzing: no overflow
  EXPECT_FALSE(ParseDataType("Int64 extra").ok());
  EXPECT_FALSE(ParseDataType("").ok());
  EXPECT_FALSE(ParseDataType("DateTime('UTC'").ok());
  auto nullable_array = ParseDataType("Nullable(Array(UInt8))");
  ASSERT_FALSE(nullable_array.ok());
  EXPECT_NE(nullable_array.status().message().find("Array(Nullable(T))"), std::string::npos);
  EXPECT_FALSE(ParseDataType("LowCardinality(Array(String))").ok());
  EXPECT_FALSE(ParseDataType("Array(UInt8").ok());
  EXPECT_FALSE(ParseDataType("Array()").ok());
}

}  // namespace
}  // namespace aurora
