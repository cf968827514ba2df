// Scalar functions: name + argument types -> result type + a vectorized kernel.
//
// A kernel takes its arguments as Datums (a full column of `rows` values, or a constant: one row that
// stands for every row) and returns a full column of `rows` values. Functions follow ClickHouse's
// semantics: result types (UInt8 + UInt8 is UInt16, a / b is Float64, comparisons and logic are UInt8),
// and NULLs: unless a function says otherwise, a NULL argument makes the result NULL, and the kernel
// computes on the default values that NULL rows hold (the result's null map is the union of the
// arguments'). Dictionary-encoded (LowCardinality) string columns are compared on their dictionary once,
// then per row by code.
//
// Thread-safe: the registry is immutable after construction; kernels are pure.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/column.h"

namespace aurora::function {

struct Datum {
  ColumnPtr column;
  bool is_const = false;  // column has one row, standing for every row

  static Datum Const(ColumnPtr c) { return {std::move(c), true}; }
  size_t RowIndex(size_t i) const { return is_const ? 0 : i; }
};

struct FunctionContext {
  int64_t now_ms = 0;  // now() and today() for the whole query
};

using ScalarKernel =
    std::function<ColumnPtr(const std::vector<Datum>& args, size_t rows, const FunctionContext& ctx)>;

struct BoundScalar {
  std::string name;
  DataTypePtr result_type;
  ScalarKernel kernel;
};

class FunctionRegistry {
 public:
  // A binder: given the argument types, the result type and kernel, or an error naming the function and
  // the types it was given.
  using Binder = std::function<Result<BoundScalar>(const std::vector<DataTypePtr>& args)>;

  static const FunctionRegistry& Default();

  // InvalidArgument for unknown names (with a did-you-mean) and for argument types the function does not
  // take: "no function plus(String, UInt8): plus takes numbers, dates and intervals".
  Result<BoundScalar> BindScalar(std::string_view name, const std::vector<DataTypePtr>& args) const;
  bool HasScalar(std::string_view name) const;
  // Every scalar function's name, sorted, each once (system.functions).
  std::vector<std::string> Names() const;

  // A name may be registered more than once (e.g. length for strings and for arrays): binding tries
  // each binder of the name in registration order.
  void Register(std::string name, Binder binder);

 private:
  std::vector<std::pair<std::string, Binder>> scalars_;
};

// Registration of each family of functions (one .cpp each).
void RegisterComparison(FunctionRegistry& r);
void RegisterArithmetic(FunctionRegistry& r);
void RegisterLogic(FunctionRegistry& r);
void RegisterDateTime(FunctionRegistry& r);
void RegisterString(FunctionRegistry& r);
void RegisterConditional(FunctionRegistry& r);
void RegisterMath(FunctionRegistry& r);
void RegisterConversion(FunctionRegistry& r);
void RegisterJson(FunctionRegistry& r);
void RegisterHash(FunctionRegistry& r);
void RegisterInterval(FunctionRegistry& r);
void RegisterArray(FunctionRegistry& r);

// plus / minus with a date or time and an interval or integer (interval.cpp), for the arithmetic binders.
Result<BoundScalar> BindTimeArithmetic(const char* name, bool minus, const std::vector<DataTypePtr>& args);

// Helpers shared by kernels.
// The null map of the result: union of the arguments' (empty when none is nullable or has NULLs).
void MergeNulls(const std::vector<Datum>& args, size_t rows, Column* result);
// "plus(String, UInt8)" for error messages.
std::string Signature(std::string_view name, const std::vector<DataTypePtr>& args);
// The type without Nullable (LowCardinality kept).
DataTypePtr StripNullable(const DataTypePtr& t);
// Nullable(t) when any argument is Nullable, else t.
DataTypePtr NullableIfAny(const DataTypePtr& t, const std::vector<DataTypePtr>& args);

}  // namespace aurora::function
