// plus, minus, multiply, divide, intDiv, modulo, negate, with ClickHouse's result types:
//   plus/multiply  integers: the next wider integer of the wider argument (UInt8 + UInt8 -> UInt16,
//                  at most 64 bits), signed if either is; any float -> Float64
//   minus          as plus, but always signed for integers (UInt8 - UInt8 -> Int16)
//   divide         Float64 (x / 0 is inf or nan)
//   intDiv, modulo the left argument's type for integers; division by zero is an error
//   negate         the signed type one size up for unsigned (UInt8 -> Int16), the same type otherwise
// Integer overflow wraps around, as in ClickHouse. plus / minus with a date or time go to
// BindTimeArithmetic (interval.cpp).
#include <cmath>

#include "common/query_error.h"
#include "function/function_registry.h"
#include "function/kernel_io.h"
#include "function/numeric.h"

namespace aurora::function {

namespace {

enum class ArOp { kPlus, kMinus, kMultiply, kDivide, kIntDiv, kModulo };

TypeId IntType(int width, bool is_signed) {
  switch (width) {
    case 1:
      return is_signed ? TypeId::kInt8 : TypeId::kUInt8;
    case 2:
      return is_signed ? TypeId::kInt16 : TypeId::kUInt16;
    case 4:
      return is_signed ? TypeId::kInt32 : TypeId::kUInt32;
    default:
      return is_signed ? TypeId::kInt64 : TypeId::kUInt64;
  }
}

Result<TypeId> ResultType(ArOp op, const DataType& a, const DataType& b) {
  if (op == ArOp::kDivide) return TypeId::kFloat64;
  if (a.IsFloat() || b.IsFloat()) {
    if (op == ArOp::kIntDiv) return a.IsFloat() ? IntType(8, true) : a.id();
    return TypeId::kFloat64;
  }
  const int wa = FixedWidthOf(a.id()), wb = FixedWidthOf(b.id());
  const bool sa = a.IsSignedInteger(), sb = b.IsSignedInteger();
  switch (op) {
    case ArOp::kPlus:
    case ArOp::kMultiply:
      return IntType(std::min(8, 2 * std::max(wa, wb)), sa || sb);
    case ArOp::kMinus:
      return IntType(std::min(8, 2 * std::max(wa, wb)), true);
    case ArOp::kIntDiv:
      return a.id() == TypeId::kBool ? TypeId::kUInt8 : a.id();
    case ArOp::kModulo:
      return IntType(std::max(wa, wb) == 8 && !sa ? 8 : std::max(wa, wb), sa);
    default:
      return TypeId::kFloat64;
  }
}

// The unsigned type integer arithmetic on R is done in.
template <typename R>
using Wrap = std::conditional_t<(sizeof(R) < sizeof(unsigned)), unsigned, std::make_unsigned_t<R>>;

template <ArOp op, typename R>
inline R Compute(R x, R y) {
  // Integers wrap around as ClickHouse's do: computed unsigned, and at least as wide as unsigned int, so
  // that narrow types are not promoted to int (where overflow is undefined).
  if constexpr (op == ArOp::kPlus) {
    if constexpr (std::is_integral_v<R>)
      return static_cast<R>(static_cast<Wrap<R>>(x) + static_cast<Wrap<R>>(y));
    else
      return x + y;
  } else if constexpr (op == ArOp::kMinus) {
    if constexpr (std::is_integral_v<R>)
      return static_cast<R>(static_cast<Wrap<R>>(x) - static_cast<Wrap<R>>(y));
    else
      return x - y;
  } else if constexpr (op == ArOp::kMultiply) {
    if constexpr (std::is_integral_v<R>)
      return static_cast<R>(static_cast<Wrap<R>>(x) * static_cast<Wrap<R>>(y));
    else
      return x * y;
  } else if constexpr (op == ArOp::kDivide) {
    return x / y;
  } else if constexpr (op == ArOp::kIntDiv) {
    if constexpr (std::is_integral_v<R> && std::is_signed_v<R>) {
      if (y == -1) return static_cast<R>(-static_cast<std::make_unsigned_t<R>>(x));  // no overflow trap
    }
    return x / y;
  } else {
    if constexpr (std::is_floating_point_v<R>) {
      return std::fmod(x, y);
    } else {
      if constexpr (std::is_signed_v<R>) {
        if (y == -1) return 0;
      }
      return x % y;
    }
  }
}

template <ArOp op>
ColumnPtr Arithmetic(const std::vector<Datum>& args, size_t rows, TypeId result_id,
                     const DataTypePtr& result_type) {
  auto out = std::make_shared<Column>(result_type);
  out->data.resize(rows * FixedWidthOf(result_id));
  const Datum& da = args[0];
  const Datum& db = args[1];
  const Column* nulls_a = da.column->nulls.empty() ? nullptr : da.column.get();
  const Column* nulls_b = db.column->nulls.empty() ? nullptr : db.column.get();
  DispatchFixed(result_id, [&](auto tr) {
    using R = decltype(tr);
    R* o = out->template MutableData<R>();
    // Converted first: one kernel instantiation per result type, not per pair of argument types.
    const std::vector<R> a = ValuesAs<R>(da);
    const std::vector<R> b = ValuesAs<R>(db);
    if constexpr ((op == ArOp::kIntDiv || op == ArOp::kModulo) && std::is_integral_v<R>) {
      // Division by zero is an error unless that row is NULL.
      for (size_t i = 0; i < rows; ++i) {
        size_t ib = db.RowIndex(i);
        if (b[ib] == 0 && !(nulls_b && nulls_b->nulls[ib]) && !(nulls_a && nulls_a->nulls[da.RowIndex(i)]))
          throw QueryError(ErrorCode::kInvalidArgument,
                           op == ArOp::kIntDiv ? "division by zero in intDiv" : "division by zero in modulo");
      }
      for (size_t i = 0; i < rows; ++i) {
        R y = b[db.RowIndex(i)];
        o[i] = y == 0 ? R{0} : Compute<op, R>(a[da.RowIndex(i)], y);
      }
      return;
    }
    if (!da.is_const && !db.is_const) {
      for (size_t i = 0; i < rows; ++i) o[i] = Compute<op, R>(a[i], b[i]);
    } else if (db.is_const) {
      const R y = b[0];
      for (size_t i = 0; i < rows; ++i) o[i] = Compute<op, R>(a[da.RowIndex(i)], y);
    } else {
      const R x = a[0];
      for (size_t i = 0; i < rows; ++i) o[i] = Compute<op, R>(x, b[i]);
    }
  });
  out->SetSizeUnsafe(rows);
  MergeNulls(args, rows, out.get());
  return out;
}

template <ArOp op>
FunctionRegistry::Binder MakeBinder(const char* name) {
  return [name](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 2)
      return AURORA_ERROR(kInvalidArgument, "{} takes 2 arguments, got {}", name, args.size());
    const DataType& a = args[0]->Base();
    const DataType& b = args[1]->Base();
    if constexpr (op == ArOp::kPlus || op == ArOp::kMinus) {
      if (a.IsTime() || b.IsTime() || a.IsInterval() || b.IsInterval())
        return BindTimeArithmetic(name, op == ArOp::kMinus, args);
    }
    auto numeric = [](const DataType& t) { return t.IsInteger() || t.IsFloat() || t.id() == TypeId::kBool; };
    if (!numeric(a) || !numeric(b))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes numbers", Signature(name, args), name);
    AURORA_ASSIGN_OR_RETURN(TypeId rid, ResultType(op, a, b));
    DataTypePtr result = NullableIfAny(DataType::Make(rid), args);
    return BoundScalar{name, result,
                       [rid, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         return Arithmetic<op>(in, rows, rid, result);
                       }};
  };
}

Result<BoundScalar> BindNegate(const std::vector<DataTypePtr>& args) {
  if (args.size() != 1) return AURORA_ERROR(kInvalidArgument, "negate takes 1 argument, got {}", args.size());
  const DataType& a = args[0]->Base();
  if (!(a.IsInteger() || a.IsFloat()))
    return AURORA_ERROR(kInvalidArgument, "no function {}: negate takes a number", Signature("negate", args));
  TypeId rid =
      a.IsFloat()
          ? a.id()
          : IntType(a.IsSignedInteger() ? FixedWidthOf(a.id()) : std::min(8, 2 * FixedWidthOf(a.id())), true);
  DataTypePtr result = NullableIfAny(DataType::Make(rid), args);
  return BoundScalar{"negate", result,
                     [rid, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       auto out = std::make_shared<Column>(result);
                       out->data.resize(rows * FixedWidthOf(rid));
                       DispatchFixed(rid, [&](auto tr) {
                         using R = decltype(tr);
                         R* o = out->template MutableData<R>();
                         DispatchFixed(in[0].column->layout().value_id, [&](auto ta) {
                           using A = decltype(ta);
                           const A* src = in[0].column->template Data<A>();
                           for (size_t i = 0; i < rows; ++i)
                             o[i] = Compute<ArOp::kMinus, R>(R{0}, static_cast<R>(src[in[0].RowIndex(i)]));
                         });
                       });
                       out->SetSizeUnsafe(rows);
                       MergeNulls(in, rows, out.get());
                       return ColumnPtr(out);
                     }};
}

}  // namespace

void RegisterArithmetic(FunctionRegistry& r) {
  r.Register("plus", MakeBinder<ArOp::kPlus>("plus"));
  r.Register("minus", MakeBinder<ArOp::kMinus>("minus"));
  r.Register("multiply", MakeBinder<ArOp::kMultiply>("multiply"));
  r.Register("divide", MakeBinder<ArOp::kDivide>("divide"));
  r.Register("intDiv", MakeBinder<ArOp::kIntDiv>("intDiv"));
  r.Register("modulo", MakeBinder<ArOp::kModulo>("modulo"));
  r.Register("negate", BindNegate);
}

}  // namespace aurora::function
