// Bound expressions: the binder's output for every expression of a query, and their vectorized
// evaluation over a chunk.
//
// A BoundExpr is a tree of: an input column (by index into the chunk it is evaluated on), a constant
// (one value of a type), a scalar function (bound to its kernel), or a cast. Evaluation returns a Datum:
// constants stay one-row constants, so `col >= constant` never materializes the constant.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "function/function_registry.h"
#include "types/chunk.h"

namespace aurora::exec {

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

struct BoundExpr {
  enum class Kind : uint8_t { kInput, kConstant, kFunction, kCast } kind;
  DataTypePtr type;
  size_t input = 0;                // kInput: column index
  Value constant;                  // kConstant (stored representation of `type`)
  function::BoundScalar function;  // kFunction
  std::vector<BoundExprPtr> args;  // kFunction, kCast (one)
  std::string text;                // how the user wrote it (for names and messages)

  static BoundExprPtr Input(size_t index, DataTypePtr type, std::string text);
  static BoundExprPtr Constant(Value v, DataTypePtr type, std::string text);
  bool IsConstant() const { return kind == Kind::kConstant; }
};

// Evaluates `e` over `chunk` (rows = chunk.num_rows). Throws QueryError from kernels.
function::Datum Evaluate(const BoundExpr& e, const Chunk& chunk, const function::FunctionContext& ctx);

// A full column of `rows` rows from a datum (repeats a constant).
ColumnPtr Materialize(const function::Datum& d, size_t rows);

// A one-row column holding `v` of `type`.
ColumnPtr ConstantColumn(const DataTypePtr& type, const Value& v);

// CAST: converts `in` to `to`. Numbers convert with ClickHouse's wrapping; strings parse (errors name the
// value); times rescale; String <-> LowCardinality(String). Throws QueryError when a value does not convert.
ColumnPtr CastColumn(const Column& in, const DataTypePtr& to);

}  // namespace aurora::exec
