#include "function/function_registry.h"

#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include "common/query_error.h"
#include "function/kernel_io.h"

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

TEST(StringTest, DictionaryColumnsMapOncePerEntryAndKeepLowCardinality) {
  auto lc = Col("LowCardinality(String)", {S("View"), S("view"), S("Cart"), S("View")});
  DataTypePtr t;
  EXPECT_EQ(Call("lower", {{lc}}, &t), (V{"view", "view", "cart", "view"}));
  EXPECT_EQ(t->Name(), "LowCardinality(String)");
  // The mapped dictionary folds duplicates: equal values share one code.
  auto bound = FunctionRegistry::Default().BindScalar("lower", {lc->type()});
  ASSERT_TRUE(bound.ok());
  ColumnPtr out = bound->kernel({{lc}}, 4, FunctionContext{});
  ASSERT_EQ(out->layout().kind, ColumnLayout::Kind::kDictionary);
  EXPECT_EQ(out->Codes()[0], out->Codes()[1]);
  EXPECT_EQ(out->Codes()[0], out->Codes()[3]);
  EXPECT_NE(out->Codes()[0], out->Codes()[2]);
  // A column declared String that arrives dictionary-encoded gives a plain String result.
  EXPECT_EQ(Call("length", {{lc}}), (V{"4", "4", "4", "4"}));
  EXPECT_EQ(Call("like", {{lc}, Datum::Const(Col("String", {S("%ie%")}))}), (V{"1", "1", "0", "1"}));
}

TEST(StringTest, SubstringFollowsClickHouseSliceRules) {
  auto s = Datum::Const(Col("String", {S("Hello")}));
  auto sub = [&](int64_t off, std::optional<int64_t> len) {
    std::vector<Datum> args = {s, Datum::Const(Col("Int64", {I(off)}))};
    if (len) args.push_back(Datum::Const(Col("Int64", {I(*len)})));
    return Call("substring", args)[0];
  };
  EXPECT_EQ(sub(1, 2), "He");
  EXPECT_EQ(sub(0, std::nullopt), "");
  EXPECT_EQ(sub(6, std::nullopt), "");
  EXPECT_EQ(sub(-2, std::nullopt), "lo");
  EXPECT_EQ(sub(-9, std::nullopt), "Hello");
  EXPECT_EQ(sub(-7, 3), "H");
  EXPECT_EQ(sub(-7, 1), "");
  EXPECT_EQ(sub(2, -2), "el");
  EXPECT_EQ(sub(-3, -1), "ll");
  EXPECT_EQ(sub(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()), "");
  EXPECT_EQ(sub(std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()), "");
}

TEST(StringTest, LikePatternsAndBadRegexes) {
  auto s = Col("String", {S("abc"), S("a%c"), S(""), S("xabcx"), S("A\nB")});
  auto like = [&](const char* p) { return Call("like", {{s}, Datum::Const(Col("String", {S(p)}))}); };
  EXPECT_EQ(like("abc"), (V{"1", "0", "0", "0", "0"}));
  EXPECT_EQ(like("a%"), (V{"1", "1", "0", "0", "0"}));
  EXPECT_EQ(like("%c"), (V{"1", "1", "0", "0", "0"}));
  EXPECT_EQ(like("%bc%"), (V{"1", "0", "0", "1", "0"}));
  EXPECT_EQ(like("%%"), (V{"1", "1", "1", "1", "1"}));
  EXPECT_EQ(like("a\\%c"), (V{"0", "1", "0", "0", "0"}));
  EXPECT_EQ(like("_b_"), (V{"1", "0", "0", "0", "0"}));
  EXPECT_EQ(like("A_B"), (V{"0", "0", "0", "0", "1"}));
  EXPECT_EQ(like("(["), (V{"0", "0", "0", "0", "0"}));  // regex metacharacters are literal
  EXPECT_EQ(like("\\"), (V{"0", "0", "0", "0", "0"}));  // a lone trailing escape is a literal backslash
  auto bound = FunctionRegistry::Default().BindScalar("match", {s->type(), s->type()});
  ASSERT_TRUE(bound.ok());
  EXPECT_THROW(bound->kernel({{s}, Datum::Const(Col("String", {S("(")}))}, 5, FunctionContext{}), QueryError);
}

TEST(ConditionalTest, SupertypesAndNullLiterals) {
  auto st = [](std::vector<const char*> names) {
    std::vector<DataTypePtr> types;
    for (const char* n : names) types.push_back(*ParseDataType(n));
    auto r = LeastSupertype("f", types, true);
    return r.ok() ? (*r)->Name() : "error: " + r.status().message();
  };
  EXPECT_EQ(st({"UInt8", "UInt16"}), "UInt16");
  EXPECT_EQ(st({"UInt8", "Int8"}), "Int16");
  EXPECT_EQ(st({"UInt32", "Int64"}), "Int64");
  EXPECT_EQ(st({"UInt64", "Int8"}), "error: no common type for the arguments of f: UInt64, Int8");
  EXPECT_EQ(st({"Float32", "Int16"}), "Float32");
  EXPECT_EQ(st({"Float32", "Int32"}), "Float64");
  EXPECT_EQ(st({"Int64", "Float64"}).substr(0, 6), "error:");
  EXPECT_EQ(st({"Date", "DateTime('UTC')"}), "DateTime('UTC')");
  EXPECT_EQ(st({"DateTime", "DateTime64(3)"}), "DateTime64(3)");
  EXPECT_EQ(st({"String", "Nullable(UInt8)"}), "Nullable(String)");
  EXPECT_EQ(st({"LowCardinality(String)", "LowCardinality(String)"}), "LowCardinality(String)");
  EXPECT_EQ(st({"LowCardinality(String)", "String"}), "String");

  auto cond = Col("Nullable(UInt8)", {I(1), I(0), Value{}});
  auto a = Col("Int8", {I(-1), I(-2), I(-3)});
  auto b = Col("UInt16", {I(100), I(200), I(300)});
  DataTypePtr t;
  EXPECT_EQ(Call("if", {{cond}, {a}, {b}}, &t), (V{"-1", "200", "300"}));
  EXPECT_EQ(t->Name(), "Int32");
  auto n = Col("Nullable(Int32)", {Value{}, I(5), Value{}});
  EXPECT_EQ(Call("coalesce", {{n}, {a}}, &t), (V{"-1", "5", "-3"}));
  EXPECT_EQ(t->Name(), "Int32");
  EXPECT_EQ(Call("multiIf", {{cond}, {a}, Datum::Const(Col("UInt8", {I(1)})), {n}, {b}}, &t),
            (V{"-1", "5", "NULL"}));
  EXPECT_EQ(t->Name(), "Nullable(Int32)");
}

TEST(MathTest, RoundingModes) {
  auto f = Col("Float64", {Value{2.5}, Value{-2.5}, Value{1.005}, Value{-0.0}});
  EXPECT_EQ(Call("round", {{f}}), (V{"2", "-2", "1", "-0"}));
  EXPECT_EQ(Call("floor", {{f}}), (V{"2", "-3", "1", "-0"}));
  auto i = Col("Int64", {I(25), I(-25), I(std::numeric_limits<int64_t>::max())});
  // Half away from zero for integers; the overflow at the top wraps around.
  EXPECT_EQ(Call("round", {{i}, Datum::Const(Col("Int8", {I(-1)}))}),
            (V{"30", "-30", "-9223372036854775806"}));
  EXPECT_EQ(Call("trunc", {{i}, Datum::Const(Col("Int8", {I(-100)}))}), (V{"0", "0", "0"}));
  EXPECT_EQ(Call("abs", {{Col("Int64", {I(std::numeric_limits<int64_t>::min())})}}),
            (V{"9223372036854775808"}));
}

TEST(JsonTest, InvalidDocumentsGiveDefaults) {
  auto docs =
      Col("String", {S("{\"a\":[1,2,{\"b\":\"x\"}]}"), S("{"), S(""), S("\xff\xfe"), S("[[[[[[[[[[")});
  auto key = Datum::Const(Col("String", {S("a")}));
  auto idx = Datum::Const(Col("Int8", {I(-1)}));
  auto b = Datum::Const(Col("String", {S("b")}));
  EXPECT_EQ(Call("JSONExtractString", {{docs}, key, idx, b}), (V{"x", "", "", "", ""}));
  EXPECT_EQ(Call("JSONHas", {{docs}, key}), (V{"1", "0", "0", "0", "0"}));
  EXPECT_EQ(Call("JSONLength", {{docs}, key}), (V{"3", "0", "0", "0", "0"}));
  EXPECT_EQ(Call("JSONExtractRaw", {{docs}, key, Datum::Const(Col("UInt8", {I(3)}))}),
            (V{"{\"b\":\"x\"}", "", "", "", ""}));
}

TEST(IntervalTest, ArithmeticClampsMonthsAndSaturatesDates) {
  auto d = Col("Date", {I(19753), I(0)});  // 2024-01-31, 1970-01-01
  auto month = Datum::Const(Col("IntervalMonth", {I(1)}));
  DataTypePtr t;
  EXPECT_EQ(Call("plus", {{d}, month}, &t), (V{"19782", "31"}));  // 2024-02-29, 1970-02-01
  EXPECT_EQ(t->Name(), "Date");
  EXPECT_EQ(Call("minus", {{d}, month}), (V{"19722", "0"}));  // 2023-12-31, clamped to 1970-01-01
  auto huge = Datum::Const(Col("IntervalYear", {I(std::numeric_limits<int64_t>::max())}));
  EXPECT_EQ(Call("plus", {{d}, huge}), (V{"65535", "65535"}));
  auto ts = Col("DateTime64(3, 'UTC')", {I(1706700000123)});
  EXPECT_EQ(Call("plus", {{ts}, Datum::Const(Col("IntervalDay", {I(1)}))}, &t), (V{"1706786400123"}));
  EXPECT_EQ(t->Name(), "DateTime64(3, 'UTC')");
  auto bad = FunctionRegistry::Default().BindScalar("minus",
                                                    {*ParseDataType("IntervalDay"), *ParseDataType("Date")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "no function minus(IntervalDay, Date): minus takes numbers, or a date/time and an interval");
}

}  // namespace
}  // namespace aurora::function
