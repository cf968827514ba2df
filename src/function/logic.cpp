// and, or (any number of arguments), not, isNull, isNotNull. and/or/not follow three-valued logic:
// and(NULL, 0) = 0, and(NULL, 1) = NULL, or(NULL, 1) = 1, or(NULL, 0) = NULL, not(NULL) = NULL. Any number is
// a condition (non-zero is true). isNull and isNotNull never return NULL.
#include "function/function_registry.h"
#include "function/numeric.h"

namespace aurora::function {

namespace {

// Truth of row i of a condition argument: 0, 1, or 2 for NULL.
struct Truth {
  const Datum& d;
  std::vector<uint8_t> values;
  explicit Truth(const Datum& datum, size_t rows) : d(datum), values(datum.is_const ? 1 : rows) {
    const Column& c = *d.column;
    DispatchFixed(c.layout().value_id, [&](auto t) {
      using T = decltype(t);
      const T* v = c.Data<T>();
      for (size_t i = 0; i < values.size(); ++i) values[i] = v[i] != T{0} ? 1 : 0;
    });
    if (!c.nulls.empty())
      for (size_t i = 0; i < values.size(); ++i)
        if (c.nulls[i]) values[i] = 2;
  }
  uint8_t operator[](size_t i) const { return values[d.is_const ? 0 : i]; }
};

template <bool kAnd>
ColumnPtr AndOr(const std::vector<Datum>& args, size_t rows, const DataTypePtr& result_type) {
  auto out = std::make_shared<Column>(result_type);
  out->data.resize_fill(rows, kAnd ? 1 : 0);
  uint8_t* o = out->data.data();
  std::vector<uint8_t> null(rows, 0);
  bool any_null = false;
  for (const auto& a : args) {
    Truth t(a, rows);
    for (size_t i = 0; i < rows; ++i) {
      uint8_t v = t[i];
      if (v == 2) {
        null[i] = 1;
        any_null = true;
      } else if (kAnd ? v == 0 : v == 1) {
        o[i] = kAnd ? 0 : 1;  // decided, whatever else is NULL
      }
    }
  }
  if (any_null && result_type->IsNullable()) {
    out->nulls.resize_fill(rows, 0);
    for (size_t i = 0; i < rows; ++i)
      if (null[i] && o[i] == (kAnd ? 1 : 0)) out->nulls[i] = 1;
  }
  out->SetSizeUnsafe(rows);
  return out;
}

Result<BoundScalar> BindAndOr(const char* name, bool is_and, const std::vector<DataTypePtr>& args) {
  if (args.size() < 2)
    return AURORA_ERROR(kInvalidArgument, "{} takes at least 2 arguments, got {}", name, args.size());
  for (const auto& a : args)
    if (!(a->Base().IsInteger() || a->Base().id() == TypeId::kBool))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes conditions (UInt8 or other integers)",
                          Signature(name, args), name);
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt8), args);
  if (is_and)
    return BoundScalar{name, result,
                       [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         return AndOr<true>(in, rows, result);
                       }};
  return BoundScalar{name, result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       return AndOr<false>(in, rows, result);
                     }};
}

}  // namespace

void RegisterLogic(FunctionRegistry& r) {
  r.Register("and", [](const std::vector<DataTypePtr>& a) { return BindAndOr("and", true, a); });
  r.Register("or", [](const std::vector<DataTypePtr>& a) { return BindAndOr("or", false, a); });
  r.Register("not", [](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1 || !(args[0]->Base().IsInteger() || args[0]->Base().id() == TypeId::kBool))
      return AURORA_ERROR(kInvalidArgument, "no function {}: not takes one condition",
                          Signature("not", args));
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt8), args);
    return BoundScalar{"not", result,
                       [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         Truth t(in[0], rows);
                         auto out = std::make_shared<Column>(result);
                         out->data.resize(rows);
                         for (size_t i = 0; i < rows; ++i) out->data[i] = t[i] == 0 ? 1 : 0;
                         out->SetSizeUnsafe(rows);
                         MergeNulls(in, rows, out.get());
                         return ColumnPtr(out);
                       }};
  });
  for (bool is_null : {true, false}) {
    const char* name = is_null ? "isNull" : "isNotNull";
    r.Register(name, [name, is_null](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
      if (args.size() != 1)
        return AURORA_ERROR(kInvalidArgument, "{} takes 1 argument, got {}", name, args.size());
      return BoundScalar{name, DataType::Make(TypeId::kUInt8),
                         [is_null](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                           auto out = std::make_shared<Column>(DataType::Make(TypeId::kUInt8));
                           const Column& c = *in[0].column;
                           out->data.resize(rows);
                           for (size_t i = 0; i < rows; ++i) {
                             bool n = c.IsNull(in[0].RowIndex(i));
                             out->data[i] = (n == is_null) ? 1 : 0;
                           }
                           out->SetSizeUnsafe(rows);
                           return ColumnPtr(out);
                         }};
    });
  }
}

}  // namespace aurora::function
