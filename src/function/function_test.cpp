#include "function/function_registry.h"

#include <limits>

#include <gtest/gtest.h>

#include "common/query_error.h"

namespace aurora::function {
namespace {

ColumnPtr Col(const char* type, std::initializer_list<Value> values) {
  auto c = std::make_shared<Column>(*ParseDataType(type));
  for (const auto& v : values) EXPECT_TRUE(c->AppendValue(v)) << type;
  return c;
}

// Calls `name` on the datums and returns the result as strings ("NULL" for NULL).
std::vector<std::string> Call(const char* name, std::vector<Datum> args, DataTypePtr* type = nullptr) {
  std::vector<DataTypePtr> types;
  size_t rows = 1;
  for (const auto& a : args) {
    types.push_back(a.column->type());
    if (!a.is_const) rows = a.column->size();
  }
  auto bound = FunctionRegistry::Default().BindScalar(name, types);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  if (!bound.ok()) return {};
  if (type) *type = bound->result_type;
  ColumnPtr out = bound->kernel(args, rows, FunctionContext{});
  EXPECT_EQ(out->size(), rows);
  EXPECT_TRUE(out->type()->Equals(*bound->result_type))
      << out->type()->Name() << " vs " << bound->result_type->Name();
  std::vector<std::string> s;
  for (size_t i = 0; i < rows; ++i) s.push_back(ValueToString(out->ValueAt(i)));
  return s;
}

using V = std::vector<std::string>;
Value I(int64_t x) {
  return Value{x};
}
Value U(uint64_t x) {
  return Value{x};
}
Value S(const char* x) {
  return Value{std::string(x)};
}

TEST(ComparisonTest, NumbersOfAnyTypesCompareByValue) {
  auto a = Col("Int8", {I(-1), I(0), I(5)});
  auto big = Col("UInt64", {U(std::numeric_limits<uint64_t>::max())});
  EXPECT_EQ(Call("less", {{a}, Datum::Const(big)}), (V{"1", "1", "1"}));
  EXPECT_EQ(Call("equals", {{a}, Datum::Const(Col("Float64", {Value{5.0}}))}), (V{"0", "0", "1"}));
  EXPECT_EQ(Call("greaterOrEquals", {Datum::Const(Col("UInt8", {I(0)})), {a}}), (V{"1", "1", "0"}));
  auto b = Col("Int64", {I(-1), I(1), I(5)});
  EXPECT_EQ(Call("notEquals", {{a}, {b}}), (V{"0", "1", "0"}));
  // -1 is not equal to UInt64 max, though the bits are the same.
  EXPECT_EQ(Call("equals", {Datum::Const(Col("Int64", {I(-1)})), Datum::Const(big)}), (V{"0"}));
}

TEST(ComparisonTest, StringsAndDictionaryColumns) {
  auto lc = Col("LowCardinality(String)", {S("view"), S("purchase"), S("view"), S("cart")});
  EXPECT_EQ(Call("equals", {{lc}, Datum::Const(Col("String", {S("view")}))}), (V{"1", "0", "1", "0"}));
  EXPECT_EQ(Call("less", {Datum::Const(Col("String", {S("d")})), {lc}}), (V{"1", "1", "1", "0"}));
  auto s = Col("String", {S("a"), S("b"), S(""), S("cart")});
  EXPECT_EQ(Call("greater", {{s}, {lc}}), (V{"0", "0", "0", "0"}));
  EXPECT_EQ(Call("equals", {{s}, {lc}}), (V{"0", "0", "0", "1"}));
}

TEST(ComparisonTest, TimesCompareAsInstantsAcrossUnits) {
  auto ms = Col("DateTime64(3)", {I(1704067200000), I(1704067200500), I(1704067199999)});
  auto sec = Col("DateTime", {I(1704067200)});
  EXPECT_EQ(Call("greaterOrEquals", {{ms}, Datum::Const(sec)}), (V{"1", "1", "0"}));
  EXPECT_EQ(Call("equals", {{ms}, Datum::Const(sec)}), (V{"1", "0", "0"}));
  auto day = Col("Date", {I(19723)});  // 2024-01-01
  EXPECT_EQ(Call("equals", {Datum::Const(day), Datum::Const(sec)}), (V{"1"}));
  auto bad =
      FunctionRegistry::Default().BindScalar("less", {*ParseDataType("DateTime"), *ParseDataType("String")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no function less(DateTime, String)"), std::string::npos);
}

TEST(ComparisonTest, NullsPropagate) {
  auto n = Col("Nullable(Int32)", {I(1), Value{}, I(3)});
  DataTypePtr t;
  EXPECT_EQ(Call("less", {{n}, Datum::Const(Col("Int32", {I(2)}))}, &t), (V{"1", "NULL", "0"}));
  EXPECT_EQ(t->Name(), "Nullable(UInt8)");
  EXPECT_EQ(Call("isNull", {{n}}), (V{"0", "1", "0"}));
  EXPECT_EQ(Call("isNotNull", {{n}}), (V{"1", "0", "1"}));
}

TEST(ArithmeticTest, ResultTypesFollowClickHouse) {
  auto type_of = [](const char* f, const char* a, const char* b) {
    auto r = FunctionRegistry::Default().BindScalar(f, {*ParseDataType(a), *ParseDataType(b)});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->result_type->Name() : "";
  };
  EXPECT_EQ(type_of("plus", "UInt8", "UInt8"), "UInt16");
  EXPECT_EQ(type_of("plus", "UInt32", "Int8"), "Int64");
  EXPECT_EQ(type_of("multiply", "Int64", "Int64"), "Int64");
  EXPECT_EQ(type_of("minus", "UInt8", "UInt8"), "Int16");
  EXPECT_EQ(type_of("plus", "Float32", "UInt8"), "Float64");
  EXPECT_EQ(type_of("divide", "UInt8", "UInt8"), "Float64");
  EXPECT_EQ(type_of("intDiv", "Int32", "Int64"), "Int32");
  EXPECT_EQ(type_of("plus", "Nullable(UInt8)", "UInt8"), "Nullable(UInt16)");
}

TEST(ArithmeticTest, ValuesOverflowAndDivisionByZero) {
  auto a = Col("UInt8", {I(200), I(255)});
  EXPECT_EQ(Call("plus", {{a}, {a}}), (V{"400", "510"}));  // UInt16: no overflow
  EXPECT_EQ(Call("minus", {Datum::Const(Col("UInt8", {I(0)})), {a}}), (V{"-200", "-255"}));
  auto m = Col("Int64", {I(std::numeric_limits<int64_t>::max())});
  EXPECT_EQ(Call("plus", {{m}, Datum::Const(Col("Int64", {I(1)}))}), (V{"-9223372036854775808"}));  // wraps
  EXPECT_EQ(Call("divide", {Datum::Const(Col("Int32", {I(1)})), Datum::Const(Col("Int32", {I(0)}))}),
            (V{"inf"}));
  EXPECT_EQ(Call("divide", {{Col("Int32", {I(7)})}, Datum::Const(Col("Int32", {I(2)}))}), (V{"3.5"}));
  EXPECT_EQ(Call("intDiv", {{Col("Int32", {I(-7)})}, Datum::Const(Col("Int32", {I(2)}))}), (V{"-3"}));
  EXPECT_EQ(Call("modulo", {{Col("Int32", {I(-7)})}, Datum::Const(Col("Int32", {I(3)}))}), (V{"-1"}));
  EXPECT_EQ(Call("intDiv", {{Col("Int64", {I(std::numeric_limits<int64_t>::min())})},
                            Datum::Const(Col("Int64", {I(-1)}))}),
            (V{"-9223372036854775808"}));
  EXPECT_EQ(Call("negate", {{Col("UInt8", {I(255)})}}), (V{"-255"}));
  auto bound =
      FunctionRegistry::Default().BindScalar("intDiv", {*ParseDataType("Int32"), *ParseDataType("Int32")});
  ASSERT_TRUE(bound.ok());
  try {
    bound->kernel({{Col("Int32", {I(1)})}, {Col("Int32", {I(0)})}}, 1, FunctionContext{});
    FAIL() << "expected an error";
  } catch (const QueryError& e) {
    EXPECT_EQ(std::string(e.what()), "division by zero in intDiv");
  }
  // A NULL divisor is not an error: the row is NULL.
  EXPECT_EQ(Call("intDiv", {{Col("Int32", {I(1)})}, {Col("Nullable(Int32)", {Value{}})}}), (V{"NULL"}));
}

TEST(LogicTest, ThreeValuedAndOrNot) {
  auto x = Col("Nullable(UInt8)", {I(1), I(0), Value{}, Value{}, Value{}});
  auto y = Col("UInt8", {I(1), I(1), I(0), I(1), I(1)});
  auto z = Col("Nullable(UInt8)", {I(1), I(1), I(1), I(1), Value{}});
  EXPECT_EQ(Call("and", {{x}, {y}, {z}}), (V{"1", "0", "0", "NULL", "NULL"}));
  EXPECT_EQ(Call("or", {{x}, {Col("UInt8", {I(0), I(0), I(0), I(1), I(0)})}}),
            (V{"1", "0", "NULL", "1", "NULL"}));
  EXPECT_EQ(Call("not", {{x}}), (V{"0", "1", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(Call("and", {{Col("Int32", {I(5), I(0)})}, Datum::Const(Col("UInt8", {I(1)}))}), (V{"1", "0"}));
}

TEST(RegistryTest, ErrorsNameTheFunctionAndTypes) {
  auto unknown = FunctionRegistry::Default().BindScalar("plsu", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "unknown function 'plsu' (did you mean 'plus'?)");
  auto bad =
      FunctionRegistry::Default().BindScalar("plus", {*ParseDataType("String"), *ParseDataType("UInt8")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "no function plus(String, UInt8): plus takes numbers");
  auto arity = FunctionRegistry::Default().BindScalar("equals", {*ParseDataType("UInt8")});
  EXPECT_EQ(arity.status().message(), "equals takes 2 arguments, got 1");
}

}  // namespace
}  // namespace aurora::function
