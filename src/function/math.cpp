// Mathematical functions, with ClickHouse's result types:
//   abs(x)                         signed integers -> the unsigned type of the same width; others keep
//                                  their type
//   round / floor / ceil / trunc (x[, n])
//                                  the type of x; n decimal places (negative: tens, hundreds, ...);
//                                  round takes half to even for floats (as ClickHouse, which rounds
//                                  floats with the FPU's default mode) and half away from zero for
//                                  integers
//   sqrt, exp, log / ln, log2, log10, pow / power(x, y)
//                                  Float64 (sqrt(-1) is nan, log(0) is -inf)
//   sign(x)                        Int8: -1, 0 or 1
//   greatest / least (a, b, ...)   the least supertype of the arguments; NULL if any argument is
//   e(), pi()                      Float64
#include <cmath>

#include "function/kernel_io.h"

namespace aurora::function {

namespace {

Status TakesNumber(const char* name, const std::vector<DataTypePtr>& args) {
  if (args.empty() || !IsNumberType(*args[0]))
    return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a number", Signature(name, args), name);
  return Status::OK();
}

void RegisterFloatFunction(FunctionRegistry& r, const char* name, double (*f)(double)) {
  r.Register(name, [name, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesNumber(name, args));
    if (args.size() != 1)
      return AURORA_ERROR(kInvalidArgument, "{} takes 1 argument, got {}", name, args.size());
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kFloat64), args);
    return BoundScalar{name, result,
                       [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         ColumnPtr out = NewFixedColumn(result, rows);
                         double* o = out->MutableData<double>();
                         std::vector<double> x = ValuesAs<double>(in[0]);
                         for (size_t i = 0; i < rows; ++i) o[i] = f(x[in[0].RowIndex(i)]);
                         MergeNulls(in, rows, out.get());
                         return out;
                       }};
  });
}

Result<BoundScalar> BindPow(const std::vector<DataTypePtr>& args) {
  if (args.size() != 2 || !IsNumberType(*args[0]) || !IsNumberType(*args[1]))
    return AURORA_ERROR(kInvalidArgument, "no function {}: pow takes two numbers", Signature("pow", args));
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kFloat64), args);
  return BoundScalar{"pow", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       ColumnPtr out = NewFixedColumn(result, rows);
                       double* o = out->MutableData<double>();
                       std::vector<double> x = ValuesAs<double>(in[0]), y = ValuesAs<double>(in[1]);
                       for (size_t i = 0; i < rows; ++i)
                         o[i] = std::pow(x[in[0].RowIndex(i)], y[in[1].RowIndex(i)]);
                       MergeNulls(in, rows, out.get());
                       return out;
                     }};
}

Result<BoundScalar> BindAbs(const std::vector<DataTypePtr>& args) {
  AURORA_RETURN_IF_ERROR(TakesNumber("abs", args));
  if (args.size() != 1) return AURORA_ERROR(kInvalidArgument, "abs takes 1 argument, got {}", args.size());
  TypeId id = args[0]->Base().id();
  switch (id) {
    case TypeId::kInt8:
      id = TypeId::kUInt8;
      break;
    case TypeId::kInt16:
      id = TypeId::kUInt16;
      break;
    case TypeId::kInt32:
      id = TypeId::kUInt32;
      break;
    case TypeId::kInt64:
      id = TypeId::kUInt64;
      break;
    case TypeId::kBool:
      id = TypeId::kUInt8;
      break;
    default:
      break;
  }
  DataTypePtr result = NullableIfAny(DataType::Make(id), args);
  return BoundScalar{"abs", result,
                     [id, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       ColumnPtr out = NewFixedColumn(result, rows);
                       DispatchFixed(in[0].column->layout().value_id, [&](auto tag) {
                         using A = decltype(tag);
                         const A* x = in[0].column->template Data<A>();
                         DispatchFixed(id, [&](auto rtag) {
                           using R = decltype(rtag);
                           if constexpr (sizeof(R) == sizeof(A) &&
                                         std::is_floating_point_v<R> == std::is_floating_point_v<A>) {
                             R* o = out->template MutableData<R>();
                             for (size_t i = 0; i < rows; ++i) {
                               A v = x[in[0].RowIndex(i)];
                               if constexpr (std::is_floating_point_v<A>)
                                 o[i] = static_cast<R>(std::fabs(v));
                               else if constexpr (std::is_signed_v<A>)
                                 o[i] = v < 0 ? static_cast<R>(R{0} - static_cast<R>(v)) : static_cast<R>(v);
                               else
                                 o[i] = static_cast<R>(v);
                             }
                           }
                         });
                       });
                       MergeNulls(in, rows, out.get());
                       return out;
                     }};
}

enum class RoundMode { kRound, kFloor, kCeil, kTrunc };

double RoundFloat(double x, int64_t n, RoundMode mode) {
  auto op = [mode](double v) {
    switch (mode) {
      case RoundMode::kRound:
        return std::nearbyint(v);
      case RoundMode::kFloor:
        return std::floor(v);
      case RoundMode::kCeil:
        return std::ceil(v);
      case RoundMode::kTrunc:
        return std::trunc(v);
    }
    return v;
  };
  if (!std::isfinite(x)) return x;
  if (n == 0) return op(x);
  if (n > 0) {
    if (n > 308) return x;
    double scale = std::pow(10.0, static_cast<double>(n));
    double scaled = x * scale;
    if (!std::isfinite(scaled)) return x;
    return op(scaled) / scale;
  }
  if (n < -308) return 0.0;
  double scale = std::pow(10.0, static_cast<double>(-n));
  return op(x / scale) * scale;
}

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

template <typename T>
T RoundInt(T x, int64_t n, RoundMode mode) {
  if (n >= 0) return x;
  if (n < -19) return T{0};
  // 10^-n in the unsigned 64-bit domain; larger than any T value means everything rounds to 0 (or
  // away from it, which overflows and wraps as in ClickHouse).
  UInt128 scale = 1;
  for (int64_t i = 0; i < -n; ++i) scale *= 10;
  Int128 v = static_cast<Int128>(x);
  Int128 s = static_cast<Int128>(scale);
  Int128 q = v / s;  // toward zero
  Int128 rem = v - q * s;
  switch (mode) {
    case RoundMode::kTrunc:
      break;
    case RoundMode::kFloor:
      if (rem < 0) --q;
      break;
    case RoundMode::kCeil:
      if (rem > 0) ++q;
      break;
    case RoundMode::kRound:
      if (rem * 2 >= s)
        ++q;
      else if (rem * 2 <= -s)
        --q;
      break;
  }
  return static_cast<T>(q * s);
}

void RegisterRound(FunctionRegistry& r, const char* name, RoundMode mode) {
  r.Register(name, [name, mode](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesNumber(name, args));
    if (args.size() > 2 || (args.size() == 2 && !args[1]->IsInteger()))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes (number[, integer places])",
                          Signature(name, args), name);
    TypeId id = args[0]->Base().id() == TypeId::kBool ? TypeId::kUInt8 : args[0]->Base().id();
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{name, result,
                       [mode, id, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         ColumnPtr out = NewFixedColumn(result, rows);
                         DispatchFixed(id, [&](auto tag) {
                           using T = decltype(tag);
                           const T* x = in[0].column->template Data<T>();
                           T* o = out->template MutableData<T>();
                           for (size_t i = 0; i < rows; ++i) {
                             int64_t n = in.size() == 2 ? IntAt(in[1], i) : 0;
                             T v = x[in[0].RowIndex(i)];
                             if constexpr (std::is_floating_point_v<T>)
                               o[i] = static_cast<T>(RoundFloat(v, n, mode));
                             else
                               o[i] = RoundInt<T>(v, n, mode);
                           }
                         });
                         MergeNulls(in, rows, out.get());
                         return out;
                       }};
  });
}

Result<BoundScalar> BindSign(const std::vector<DataTypePtr>& args) {
  AURORA_RETURN_IF_ERROR(TakesNumber("sign", args));
  if (args.size() != 1) return AURORA_ERROR(kInvalidArgument, "sign takes 1 argument, got {}", args.size());
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kInt8), args);
  return BoundScalar{"sign", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       ColumnPtr out = NewFixedColumn(result, rows);
                       int8_t* o = out->MutableData<int8_t>();
                       DispatchFixed(in[0].column->layout().value_id, [&](auto tag) {
                         using T = decltype(tag);
                         const T* x = in[0].column->template Data<T>();
                         for (size_t i = 0; i < rows; ++i) {
                           T v = x[in[0].RowIndex(i)];
                           o[i] = static_cast<int8_t>((T{0} < v) - (v < T{0}));
                         }
                       });
                       MergeNulls(in, rows, out.get());
                       return out;
                     }};
}

void RegisterConstant(FunctionRegistry& r, const char* name, double value) {
  r.Register(name, [name, value](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (!args.empty()) return AURORA_ERROR(kInvalidArgument, "{} takes no arguments", name);
    DataTypePtr result = DataType::Make(TypeId::kFloat64);
    return BoundScalar{name, result,
                       [value, result](const std::vector<Datum>&, size_t rows, const FunctionContext&) {
                         ColumnPtr out = NewFixedColumn(result, rows);
                         for (size_t i = 0; i < rows; ++i) out->MutableData<double>()[i] = value;
                         return out;
                       }};
  });
}

// greatest / least: compare in the supertype.
void RegisterExtreme(FunctionRegistry& r, const char* name, bool greatest) {
  r.Register(name, [name, greatest](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.empty()) return AURORA_ERROR(kInvalidArgument, "{} takes at least 1 argument", name);
    for (const auto& a : args)
      if (!IsNumberType(*a) && !a->IsTime() && !IsStringType(a))
        return AURORA_ERROR(kInvalidArgument,
                            "no function {}: {} compares numbers, dates and times, or strings",
                            Signature(name, args), name);
    AURORA_ASSIGN_OR_RETURN(DataTypePtr type, LeastSupertype(name, args));
    return BoundScalar{
        name, type,
        [name, greatest, type](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          std::vector<Datum> conv;
          for (const auto& d : in) conv.push_back(ConvertToSupertype(d, type));
          std::vector<uint32_t> which(rows, 0);
          if (type->Base().id() == TypeId::kString) {
            for (size_t i = 0; i < rows; ++i)
              for (uint32_t k = 1; k < conv.size(); ++k) {
                int c = conv[k]
                            .column->StringAt(conv[k].RowIndex(i))
                            .compare(conv[which[i]].column->StringAt(conv[which[i]].RowIndex(i)));
                if (greatest ? c > 0 : c < 0) which[i] = k;
              }
          } else {
            DispatchFixed(type->Base().id(), [&](auto tag) {
              using T = decltype(tag);
              for (size_t i = 0; i < rows; ++i)
                for (uint32_t k = 1; k < conv.size(); ++k) {
                  T a = conv[k].column->template Data<T>()[conv[k].RowIndex(i)];
                  T b = conv[which[i]].column->template Data<T>()[conv[which[i]].RowIndex(i)];
                  if (greatest ? b < a : a < b) which[i] = k;
                }
            });
          }
          (void)name;
          ColumnPtr out = SelectRows(conv, which, rows, type);
          MergeNulls(in, rows, out.get());
          return out;
        }};
  });
}

}  // namespace

void RegisterMath(FunctionRegistry& r) {
  r.Register("abs", BindAbs);
  RegisterRound(r, "round", RoundMode::kRound);
  RegisterRound(r, "floor", RoundMode::kFloor);
  RegisterRound(r, "ceil", RoundMode::kCeil);
  RegisterRound(r, "ceiling", RoundMode::kCeil);
  RegisterRound(r, "trunc", RoundMode::kTrunc);
  RegisterRound(r, "truncate", RoundMode::kTrunc);
  RegisterFloatFunction(r, "sqrt", [](double x) { return std::sqrt(x); });
  RegisterFloatFunction(r, "exp", [](double x) { return std::exp(x); });
  RegisterFloatFunction(r, "log", [](double x) { return std::log(x); });
  RegisterFloatFunction(r, "ln", [](double x) { return std::log(x); });
  RegisterFloatFunction(r, "log2", [](double x) { return std::log2(x); });
  RegisterFloatFunction(r, "log10", [](double x) { return std::log10(x); });
  r.Register("pow", BindPow);
  r.Register("power", BindPow);
  r.Register("sign", BindSign);
  RegisterConstant(r, "e", M_E);
  RegisterConstant(r, "pi", M_PI);
  RegisterExtreme(r, "greatest", true);
  RegisterExtreme(r, "least", false);
}

}  // namespace aurora::function
