// equals, notEquals, less, lessOrEquals, greater, greaterOrEquals: UInt8 results, NULL when an argument
// is NULL. Numbers of any types compare by value (signed against unsigned exactly); dates and times
// compare as instants (Date, DateTime and DateTime64 of any precision against each other); strings
// compare bytewise, LowCardinality columns once per dictionary entry.
#include <cstring>

#include "function/function_registry.h"
#include "function/numeric.h"

namespace aurora::function {

namespace {

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

template <CmpOp op, typename A, typename B>
inline uint8_t Apply(A a, B b) {
  if constexpr (op == CmpOp::kEq) return NumEqual(a, b);
  if constexpr (op == CmpOp::kNe) return !NumEqual(a, b);
  if constexpr (op == CmpOp::kLt) return NumLess(a, b);
  if constexpr (op == CmpOp::kLe) return !NumLess(b, a);
  if constexpr (op == CmpOp::kGt) return NumLess(b, a);
  if constexpr (op == CmpOp::kGe) return !NumLess(a, b);
}

template <CmpOp op>
inline uint8_t ApplyStr(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  if constexpr (op == CmpOp::kEq) return c == 0;
  if constexpr (op == CmpOp::kNe) return c != 0;
  if constexpr (op == CmpOp::kLt) return c < 0;
  if constexpr (op == CmpOp::kLe) return c <= 0;
  if constexpr (op == CmpOp::kGt) return c > 0;
  if constexpr (op == CmpOp::kGe) return c >= 0;
}

// Scale of a time type relative to the finest one in the comparison: values are multiplied by it.
int64_t TicksPerSecondOfTime(const DataType& t) {
  switch (t.Base().id()) {
    case TypeId::kDate:
      return 0;  // special: days
    case TypeId::kDateTime64:
      return t.TicksPerSecond();
    default:
      return 1;
  }
}

// Converts a time column to Int64 ticks at `target` ticks per second.
ColumnPtr ToTicks(const Datum& d, int64_t target) {
  const Column& c = *d.column;
  auto out = std::make_shared<Column>(DataType::Make(TypeId::kInt64));
  size_t n = c.size();
  out->data.resize(n * 8);
  int64_t* o = out->MutableData<int64_t>();
  const DataType& t = *c.type();
  DispatchFixed(t.Base().id(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.Data<T>();
    int64_t from = TicksPerSecondOfTime(t);
    for (size_t i = 0; i < n; ++i) {
      int64_t x = static_cast<int64_t>(v[i]);
      o[i] = from == 0 ? x * 86400 * target : x * (target / from);
    }
  });
  out->nulls = c.nulls;
  out->SetSizeUnsafe(n);
  return out;
}

template <CmpOp op>
ColumnPtr CompareNumeric(const std::vector<Datum>& args, size_t rows, const DataTypePtr& result_type) {
  auto out = std::make_shared<Column>(result_type);
  out->data.resize(rows);
  uint8_t* o = out->data.data();
  const Datum& da = args[0];
  const Datum& db = args[1];
  DispatchFixed(da.column->layout().value_id, [&](auto ta) {
    using A = decltype(ta);
    DispatchFixed(db.column->layout().value_id, [&](auto tb) {
      using B = decltype(tb);
      const A* a = da.column->template Data<A>();
      const B* b = db.column->template Data<B>();
      if (da.is_const && !db.is_const) {
        A x = a[0];
        for (size_t i = 0; i < rows; ++i) o[i] = Apply<op>(x, b[i]);
      } else if (!da.is_const && db.is_const) {
        B y = b[0];
        for (size_t i = 0; i < rows; ++i) o[i] = Apply<op>(a[i], y);
      } else if (da.is_const && db.is_const) {
        std::memset(o, Apply<op>(a[0], b[0]), rows);
      } else {
        for (size_t i = 0; i < rows; ++i) o[i] = Apply<op>(a[i], b[i]);
      }
    });
  });
  out->SetSizeUnsafe(rows);
  MergeNulls(args, rows, out.get());
  return out;
}

template <CmpOp op>
ColumnPtr CompareStrings(const std::vector<Datum>& args, size_t rows, const DataTypePtr& result_type) {
  auto out = std::make_shared<Column>(result_type);
  out->data.resize(rows);
  uint8_t* o = out->data.data();
  const Datum& a = args[0];
  const Datum& b = args[1];
  auto dict_vs_const = [&](const Column& col, std::string_view k, bool col_left) {
    // Evaluate once per dictionary entry, then look up by code.
    const Column& dict = *col.dictionary();
    std::vector<uint8_t> per_code(dict.size());
    for (size_t c = 0; c < dict.size(); ++c)
      per_code[c] = col_left ? ApplyStr<op>(dict.StringAt(c), k) : ApplyStr<op>(k, dict.StringAt(c));
    const uint32_t* codes = col.Codes();
    for (size_t i = 0; i < rows; ++i) o[i] = per_code[codes[i]];
  };
  const bool a_dict = a.column->layout().kind == ColumnLayout::Kind::kDictionary;
  const bool b_dict = b.column->layout().kind == ColumnLayout::Kind::kDictionary;
  if (!a.is_const && b.is_const && a_dict) {
    dict_vs_const(*a.column, b.column->StringAt(0), true);
  } else if (a.is_const && !b.is_const && b_dict) {
    dict_vs_const(*b.column, a.column->StringAt(0), false);
  } else {
    for (size_t i = 0; i < rows; ++i)
      o[i] = ApplyStr<op>(a.column->StringAt(a.RowIndex(i)), b.column->StringAt(b.RowIndex(i)));
  }
  out->SetSizeUnsafe(rows);
  MergeNulls(args, rows, out.get());
  return out;
}

template <CmpOp op>
FunctionRegistry::Binder MakeBinder(const char* name) {
  return [name](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 2)
      return AURORA_ERROR(kInvalidArgument, "{} takes 2 arguments, got {}", name, args.size());
    const DataType& a = args[0]->Base();
    const DataType& b = args[1]->Base();
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt8), args);
    BoundScalar bound{name, result, nullptr};
    if (a.id() == TypeId::kString && b.id() == TypeId::kString) {
      bound.kernel = [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        return CompareStrings<op>(in, rows, result);
      };
      return bound;
    }
    const bool both_time = a.IsTime() && b.IsTime();
    if (both_time && (a.id() != b.id() || a.TicksPerSecond() != b.TicksPerSecond())) {
      int64_t target = std::max(a.TicksPerSecond(), b.TicksPerSecond());
      bound.kernel = [target, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        std::vector<Datum> ticks = {{ToTicks(in[0], target), in[0].is_const},
                                    {ToTicks(in[1], target), in[1].is_const}};
        return CompareNumeric<op>(ticks, rows, result);
      };
      return bound;
    }
    if (IsNumericOrTime(a) && IsNumericOrTime(b) && a.IsTime() == b.IsTime()) {
      bound.kernel = [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        return CompareNumeric<op>(in, rows, result);
      };
      return bound;
    }
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: {} compares two numbers, two strings or two dates/times",
                        Signature(name, args), name);
  };
}

}  // namespace

void RegisterComparison(FunctionRegistry& r) {
  r.Register("equals", MakeBinder<CmpOp::kEq>("equals"));
  r.Register("notEquals", MakeBinder<CmpOp::kNe>("notEquals"));
  r.Register("less", MakeBinder<CmpOp::kLt>("less"));
  r.Register("lessOrEquals", MakeBinder<CmpOp::kLe>("lessOrEquals"));
  r.Register("greater", MakeBinder<CmpOp::kGt>("greater"));
  r.Register("greaterOrEquals", MakeBinder<CmpOp::kGe>("greaterOrEquals"));
}

}  // namespace aurora::function
