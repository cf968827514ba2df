#include "types/column.h"

#include <gtest/gtest.h>

namespace aurora {
namespace {

TEST(ColumnTest, NullableStringsAppendSliceAndGather) {
  Column c(*ParseDataType("Nullable(String)"));
  c.AppendString("a");
  c.AppendNull();
  c.AppendString("ccc");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.StringAt(2), "ccc");
  EXPECT_EQ(ValueToString(c.ValueAt(1)), "NULL");

  auto s = c.Slice(1, 2);
  EXPECT_TRUE(s->IsNull(0));
  EXPECT_EQ(s->StringAt(1), "ccc");

  uint32_t idx[] = {2, 0, 1};
  Column g(c.type());
  g.AppendGather(c, idx, 3);
  EXPECT_EQ(g.StringAt(0), "ccc");
  EXPECT_EQ(g.StringAt(1), "a");
  EXPECT_TRUE(g.IsNull(2));
}

TEST(ColumnTest, DictionaryColumnsShareCodesForEqualValues) {
  Column c(*ParseDataType("LowCardinality(String)"));
  for (auto v : {"view", "purchase", "view", "view"}) c.AppendString(v);
  EXPECT_EQ(c.Codes()[0], c.Codes()[2]);
  EXPECT_NE(c.Codes()[0], c.Codes()[1]);
  EXPECT_EQ(c.dictionary()->size(), 3u);  // "", "view", "purchase"
  EXPECT_EQ(c.StringAt(1), "purchase");
  EXPECT_EQ(c.CompareAt(0, c, 2), 0);
  EXPECT_LT(c.CompareAt(1, c, 0), 0);
}

TEST(ColumnTest, FixedWidthValuesAndComparison) {
  Column c(DataType::Make(TypeId::kInt16));
  c.AppendInt(-5);
  c.AppendInt(300);
  EXPECT_EQ(std::get<int64_t>(c.ValueAt(0)), -5);
  EXPECT_LT(c.CompareAt(0, c, 1), 0);
  Column f(DataType::Make(TypeId::kFloat64));
  f.AppendFloat(1.5);
  f.AppendInt(2);
  EXPECT_DOUBLE_EQ(std::get<double>(f.ValueAt(1)), 2.0);
  EXPECT_FALSE(c.AppendValue(Value{std::string("x")}));
  EXPECT_FALSE(c.AppendValue(Value{}));  // not Nullable
}

TEST(ValueTest, ComparesAcrossNumericKinds) {
  EXPECT_LT(CompareValues(Value{int64_t{-1}}, Value{uint64_t{0}}), 0);
  EXPECT_GT(CompareValues(Value{uint64_t{~0ull}}, Value{int64_t{5}}), 0);
  EXPECT_EQ(CompareValues(Value{int64_t{2}}, Value{2.0}), 0);
  EXPECT_LT(CompareValues(Value{}, Value{int64_t{0}}), 0);
  EXPECT_LT(CompareValues(Value{std::string("a")}, Value{std::string("b")}), 0);
}

}  // namespace
}  // namespace aurora
