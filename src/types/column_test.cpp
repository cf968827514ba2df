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

// A column sharing another's dictionary takes rows from a different dictionary by copying the shared one
// first; the rows it already had keep their values.
TEST(ColumnTest, SharedDictionaryIsCopiedBeforeItGrows) {
  const DataTypePtr lc = DataType::LowCardinality(DataType::Make(TypeId::kString));
  auto a = std::make_shared<Column>(lc);
  for (const char* v : {"x", "y", "x"}) a->AppendString(v);
  auto b = std::make_shared<Column>(lc);
  for (const char* v : {"z", "y"}) b->AppendString(v);

  const size_t before = a->dictionary()->size();
  Column shared(lc);
  shared.SetDictionary(a->dictionary());
  shared.AppendRange(*a, 0, 3);
  shared.AppendRange(*b, 0, 2);
  ASSERT_EQ(shared.size(), 5u);
  const char* expected[] = {"x", "y", "x", "z", "y"};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(shared.StringAt(i), expected[i]) << i;
  EXPECT_NE(shared.dictionary(), a->dictionary());
  EXPECT_EQ(a->dictionary()->size(), before);          // the shared dictionary itself is untouched
  EXPECT_EQ(shared.dictionary()->size(), before + 1);  // "z" added to the copy
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

// Builds an Array(elem) column from rows of values.
std::shared_ptr<Column> ArrayColumn(const char* type, std::initializer_list<std::vector<Value>> rows) {
  auto c = std::make_shared<Column>(*ParseDataType(type));
  for (const auto& r : rows) EXPECT_TRUE(c->AppendValue(MakeArray(r)));
  return c;
}

TEST(ColumnTest, ArrayRowsAreOffsetsIntoOneChildColumn) {
  auto c = ArrayColumn("Array(Int32)", {{int64_t{1}, int64_t{2}}, {}, {int64_t{-3}}});
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ(c->layout().kind, ColumnLayout::Kind::kArray);
  EXPECT_FALSE(c->layout().nullable);
  ASSERT_EQ(c->child().size(), 3u);
  EXPECT_EQ(c->ArraySize(0), 2u);
  EXPECT_EQ(c->ArraySize(1), 0u);
  EXPECT_EQ(c->ArrayBegin(2), 2u);
  EXPECT_EQ(std::get<int64_t>(c->child().ValueAt(2)), -3);
  EXPECT_EQ(ValueToString(c->ValueAt(0)), "[1,2]");
  EXPECT_EQ(ValueToString(c->ValueAt(1)), "[]");
  // A value of the wrong kind, or an element that does not fit, is refused.
  EXPECT_FALSE(c->AppendValue(Value{int64_t{1}}));
  EXPECT_FALSE(c->AppendValue(MakeArray({Value{}})));
}

TEST(ColumnTest, ArrayRangeGatherSliceAndDefault) {
  auto c = ArrayColumn("Array(Nullable(String))",
                       {{std::string("a"), Value{}}, {std::string("bb")}, {}, {std::string("c")}});
  auto s = c->Slice(1, 3);
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ(ValueToString(s->ValueAt(0)), "['bb']");
  EXPECT_EQ(ValueToString(s->ValueAt(2)), "['c']");
  EXPECT_EQ(s->child().size(), 2u);  // only the sliced rows' elements

  uint32_t idx[] = {3, 0, 0, 2};
  Column g(c->type());
  g.AppendGather(*c, idx, 4);
  EXPECT_EQ(ValueToString(g.ValueAt(0)), "['c']");
  EXPECT_EQ(ValueToString(g.ValueAt(1)), "['a',NULL]");
  EXPECT_EQ(ValueToString(g.ValueAt(2)), "['a',NULL]");
  EXPECT_EQ(ValueToString(g.ValueAt(3)), "[]");
  EXPECT_TRUE(g.child().IsNull(2));

  g.AppendDefault();
  EXPECT_EQ(g.ArraySize(4), 0u);
  Column n(*ParseDataType("Nullable(Int8)"));
  n.AppendDefault();
  EXPECT_TRUE(n.IsNull(0));
  Column i(*ParseDataType("Int8"));
  i.AppendDefault();
  EXPECT_EQ(std::get<int64_t>(i.ValueAt(0)), 0);
}

TEST(ColumnTest, ArraysCompareElementByElementThenByLength) {
  auto c = ArrayColumn(
      "Array(UInt8)",
      {{int64_t{1}, int64_t{2}}, {int64_t{1}}, {int64_t{1}, int64_t{3}}, {}, {int64_t{1}, int64_t{2}}});
  EXPECT_GT(c->CompareAt(0, *c, 1), 0);  // [1,2] > [1]
  EXPECT_LT(c->CompareAt(0, *c, 2), 0);  // [1,2] < [1,3]
  EXPECT_LT(c->CompareAt(3, *c, 1), 0);  // [] first
  EXPECT_EQ(c->CompareAt(0, *c, 4), 0);
  EXPECT_EQ(CompareValues(c->ValueAt(0), c->ValueAt(4)), 0);
  EXPECT_LT(CompareValues(c->ValueAt(1), c->ValueAt(2)), 0);
  // Arrays order after every scalar.
  EXPECT_GT(CompareValues(c->ValueAt(3), Value{std::string("z")}), 0);
}

TEST(ColumnTest, NestedArrays) {
  auto c = std::make_shared<Column>(*ParseDataType("Array(Array(String))"));
  ASSERT_TRUE(c->AppendValue(MakeArray({MakeArray({std::string("x")}), MakeArray({})})));
  ASSERT_TRUE(c->AppendValue(MakeArray({})));
  EXPECT_EQ(c->child().size(), 2u);
  EXPECT_EQ(c->child().child().size(), 1u);
  EXPECT_EQ(ValueToString(c->ValueAt(0)), "[['x'],[]]");
  auto copy = c->Slice(0, 2);
  EXPECT_EQ(copy->CompareAt(0, *c, 0), 0);
  EXPECT_GT(copy->CompareAt(0, *c, 1), 0);
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
