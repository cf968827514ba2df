#include "function/kernel_io.h"

#include "common/query_error.h"
#include "types/supertype.h"

namespace aurora::function {

bool IsStringType(const DataType& t) {
  return t.Base().id() == TypeId::kString;
}

bool IsNumberType(const DataType& t) {
  const DataType& b = t.Base();
  return b.IsInteger() || b.IsFloat() || b.id() == TypeId::kBool;
}

ColumnPtr NewFixedColumn(const DataTypePtr& type, size_t rows) {
  auto out = std::make_shared<Column>(type);
  out->data.resize_fill(rows * out->layout().width, 0);
  out->SetSizeUnsafe(rows);
  return out;
}

int64_t IntAt(const Datum& d, size_t i) {
  const Column& c = *d.column;
  size_t r = d.RowIndex(i);
  return DispatchFixed(c.layout().value_id, [&](auto tag) -> int64_t {
    using T = decltype(tag);
    T v = c.template Data<T>()[r];
    if constexpr (std::is_floating_point_v<T>) {
      if (!(v > -9.2e18 && v < 9.2e18)) return 0;  // NaN and out-of-range values
    }
    return static_cast<int64_t>(v);
  });
}

ColumnPtr MapStringsImpl(const Datum& in, size_t rows, const DataTypePtr& result_type,
                         const std::function<void(std::string_view, std::string*)>& f) {
  auto out = std::make_shared<Column>(result_type);
  const Column& c = *in.column;
  std::string buf;
  auto apply = [&](std::string_view s) -> const std::string& {
    buf.clear();
    f(s, &buf);
    return buf;
  };
  if (in.is_const) {
    apply(c.StringAt(0));
    for (size_t i = 0; i < rows; ++i) out->AppendString(buf);
  } else if (c.layout().kind == ColumnLayout::Kind::kDictionary) {
    const Column& dict = *c.dictionary();
    const uint32_t* codes = c.Codes();
    if (out->layout().kind == ColumnLayout::Kind::kDictionary) {
      // Map the dictionary once (duplicates fold into one code), then translate the codes.
      auto mapped = std::make_shared<Column>(DataType::LowCardinality(DataType::Make(TypeId::kString)));
      for (size_t k = 0; k < dict.size(); ++k) mapped->AppendString(apply(dict.StringAt(k)));
      const uint32_t* new_codes = mapped->Codes();
      out->SetDictionary(mapped->dictionary());
      out->data.resize(rows * 4);
      uint32_t* o = out->MutableData<uint32_t>();
      for (size_t i = 0; i < rows; ++i) o[i] = new_codes[codes[i]];
      out->SetSizeUnsafe(rows);
    } else {
      std::vector<std::string> per_code(dict.size());
      for (size_t k = 0; k < dict.size(); ++k) per_code[k] = apply(dict.StringAt(k));
      out->Reserve(rows);
      for (size_t i = 0; i < rows; ++i) out->AppendString(per_code[codes[i]]);
    }
  } else {
    out->Reserve(rows);
    for (size_t i = 0; i < rows; ++i) out->AppendString(apply(c.StringAt(i)));
  }
  MergeNulls({in}, rows, out.get());
  return out;
}

}  // namespace aurora::function

namespace aurora::function {

Result<DataTypePtr> LeastSupertype(const char* fn, const std::vector<DataTypePtr>& types,
                                   bool maybe_null_literals, std::vector<bool>* left_out) {
  if (left_out) left_out->assign(types.size(), false);
  auto none = [&]() -> Status {
    std::string names;
    for (size_t i = 0; i < types.size(); ++i) names += (i ? ", " : "") + types[i]->Base().Name();
    return AURORA_ERROR(kInvalidArgument, "no common type for the arguments of {}: {}", fn, names);
  };
  DataTypePtr r = aurora::LeastSupertype(types);
  if (!r && maybe_null_literals) {
    std::vector<DataTypePtr> kept;
    for (size_t i = 0; i < types.size(); ++i) {
      bool literal = types[i]->Name() == "Nullable(UInt8)";
      if (!literal) kept.push_back(types[i]);
      if (left_out) (*left_out)[i] = literal;
    }
    if (kept.empty() || kept.size() == types.size()) return none();
    DataTypePtr again = aurora::LeastSupertype(kept);
    if (!again) return none();
    return MakeNullable(again);
  }
  if (!r) return none();
  return r;
}

Datum ConvertToSupertype(const Datum& d, const DataTypePtr& to, bool left_out, const char* fn) {
  const Column& c = *d.column;
  const size_t n = c.size();
  if (left_out) {
    for (size_t i = 0; i < n; ++i)
      if (!c.IsNull(i))
        throw QueryError(ErrorCode::kInvalidArgument,
                         fmt::format("no common type for the arguments of {}: {} and {}", fn,
                                     c.type()->Base().Name(), to->Base().Name()));
    auto out = std::make_shared<Column>(to);
    for (size_t i = 0; i < n; ++i) out->AppendNull();
    return {out, d.is_const};
  }
  const DataType& tb = to->Base();
  if (tb.id() == TypeId::kString || c.type()->Base().Equals(tb)) return d;
  auto out = std::make_shared<Column>(to);
  out->data.resize(n * out->layout().width);
  const DataType& fb = c.type()->Base();
  if (tb.IsTime()) {
    // Scale to the target's ticks: days -> seconds -> 10^-p seconds.
    const int64_t from_per_day = fb.id() == TypeId::kDate ? 86400 : 0;
    const int64_t to_ticks = to->TicksPerSecond(), from_ticks = c.type()->TicksPerSecond();
    std::vector<int64_t> v = ValuesAs<int64_t>(d);
    for (size_t i = 0; i < n; ++i)
      v[i] = from_per_day ? v[i] * 86400 * to_ticks : v[i] * (to_ticks / from_ticks);
    if (tb.id() == TypeId::kDateTime64) {
      std::memcpy(out->data.data(), v.data(), n * 8);
    } else {
      uint32_t* o = out->MutableData<uint32_t>();
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<uint32_t>(v[i]);
    }
  } else {
    DispatchFixed(tb.id(), [&](auto tag) {
      using R = decltype(tag);
      R* o = out->template MutableData<R>();
      if constexpr (std::is_floating_point_v<R>) {
        std::vector<double> v = ValuesAs<double>(d);
        for (size_t i = 0; i < n; ++i) o[i] = static_cast<R>(v[i]);
      } else if constexpr (std::is_signed_v<R>) {
        std::vector<int64_t> v = ValuesAs<int64_t>(d);
        for (size_t i = 0; i < n; ++i) o[i] = static_cast<R>(v[i]);
      } else {
        std::vector<uint64_t> v = ValuesAs<uint64_t>(d);
        for (size_t i = 0; i < n; ++i) o[i] = static_cast<R>(v[i]);
      }
    });
  }
  out->SetSizeUnsafe(n);
  if (!c.nulls.empty() && to->IsNullable()) out->nulls = c.nulls;
  return {out, d.is_const};
}

ColumnPtr SelectRows(const std::vector<Datum>& branches, const std::vector<uint32_t>& which, size_t rows,
                     const DataTypePtr& result_type) {
  auto out = std::make_shared<Column>(result_type);
  const bool nullable = result_type->IsNullable();
  bool any_null = false;
  for (const auto& b : branches) any_null = any_null || !b.column->nulls.empty();
  if (result_type->Base().id() == TypeId::kString) {
    out->Reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
      const Datum& b = branches[which[i]];
      size_t r = b.RowIndex(i);
      if (nullable && b.column->IsNull(r))
        out->AppendNull();
      else
        out->AppendString(b.column->StringAt(r));
    }
    return out;
  }
  const size_t w = out->layout().width;
  out->data.resize(rows * w);
  uint8_t* o = out->data.data();
  for (size_t i = 0; i < rows; ++i) {
    const Datum& b = branches[which[i]];
    std::memcpy(o + i * w, b.column->data.data() + b.RowIndex(i) * w, w);
  }
  if (nullable && any_null) {
    out->nulls.resize_fill(rows, 0);
    for (size_t i = 0; i < rows; ++i) {
      const Datum& b = branches[which[i]];
      out->nulls[i] = b.column->IsNull(b.RowIndex(i));
    }
  }
  out->SetSizeUnsafe(rows);
  return out;
}

}  // namespace aurora::function
