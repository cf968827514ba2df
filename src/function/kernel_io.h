// Reading kernel arguments and building kernel results, shared by the function families.
//
// Kernels see their arguments as Datums: a column of `rows` values or a one-row constant. String
// arguments may arrive as plain String columns or as dictionary (LowCardinality) columns whatever their
// declared type, so the helpers look at the column's layout, never at the declared type. Per-string
// work on a dictionary column runs once per dictionary entry and is then mapped to the rows by code.
//
// Thread-safe: everything here is a pure function of its arguments.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "function/function_registry.h"
#include "function/numeric.h"

namespace aurora::function {

// String, LowCardinality(String) and their Nullable forms.
bool IsStringType(const DataType& t);
inline bool IsStringType(const DataTypePtr& t) {
  return IsStringType(*t);
}
// Integers, floats and Bool (not dates, times or intervals).
bool IsNumberType(const DataType& t);

// The values of a fixed-width datum converted to R (one value for a constant; index with RowIndex).
template <typename R>
std::vector<R> ValuesAs(const Datum& d) {
  const Column& c = *d.column;
  std::vector<R> out(c.size());
  DispatchFixed(c.layout().value_id, [&](auto tag) {
    using A = decltype(tag);
    const A* v = c.template Data<A>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<R>(v[i]);
  });
  return out;
}

// A column of `type` holding `rows` fixed-width values, zeroed; the caller fills MutableData<T>().
ColumnPtr NewFixedColumn(const DataTypePtr& type, size_t rows);

// Row i of a numeric datum as Int64 (floats truncated; UInt64 wraps).
int64_t IntAt(const Datum& d, size_t i);

// Appends `s` to a String or LowCardinality(String) result column under construction.
inline void AppendStringValue(Column* out, std::string_view s) {
  out->AppendString(s);
}

// Builds a string column of `result_type` from f(input string, &output): f appends the result of one
// value to the (cleared) output string. A dictionary input calls f once per dictionary entry; a
// LowCardinality result then shares the mapped dictionary. The result's null map is the input's.
template <typename F>
ColumnPtr MapStrings(const Datum& in, size_t rows, const DataTypePtr& result_type, F&& f);

// Builds a fixed-width column of `result_type` (values of C++ type T) from f(input string). A dictionary
// input calls f once per dictionary entry. The result's null map is the input's.
template <typename T, typename F>
ColumnPtr MapStringsTo(const Datum& in, size_t rows, const DataTypePtr& result_type, F&& f);

// The least common supertype of `types` (aurora::LeastSupertype in types/supertype.h), or an error naming
// `fn` and the types. With `maybe_null_literals`, a Nullable(UInt8) that prevents a supertype is taken for
// the NULL literal: it is left out (flagged in *left_out) and the result is Nullable.
Result<DataTypePtr> LeastSupertype(const char* fn, const std::vector<DataTypePtr>& types,
                                   bool maybe_null_literals = false, std::vector<bool>* left_out = nullptr);

// `d` converted to `to` (a supertype of its type from LeastSupertype); String results keep the input as
// it is (kernels read strings with StringAt whatever the layout). A left-out NULL-literal argument
// becomes all NULL, or a QueryError if it holds a value.
Datum ConvertToSupertype(const Datum& d, const DataTypePtr& to, bool left_out = false, const char* fn = "");

// A column of `result_type` whose row i is row i of branches[which[i]] (each already of the result type,
// or any string layout for String results), NULLs included.
ColumnPtr SelectRows(const std::vector<Datum>& branches, const std::vector<uint32_t>& which, size_t rows,
                     const DataTypePtr& result_type);

// ---- implementation

ColumnPtr MapStringsImpl(const Datum& in, size_t rows, const DataTypePtr& result_type,
                         const std::function<void(std::string_view, std::string*)>& f);

template <typename F>
ColumnPtr MapStrings(const Datum& in, size_t rows, const DataTypePtr& result_type, F&& f) {
  return MapStringsImpl(in, rows, result_type, [&](std::string_view s, std::string* out) { f(s, out); });
}

template <typename T, typename F>
ColumnPtr MapStringsTo(const Datum& in, size_t rows, const DataTypePtr& result_type, F&& f) {
  ColumnPtr out = NewFixedColumn(result_type, rows);
  T* o = out->template MutableData<T>();
  const Column& c = *in.column;
  if (in.is_const) {
    T v = f(c.StringAt(0));
    for (size_t i = 0; i < rows; ++i) o[i] = v;
  } else if (c.layout().kind == ColumnLayout::Kind::kDictionary) {
    const Column& dict = *c.dictionary();
    std::vector<T> per_code(dict.size());
    for (size_t k = 0; k < dict.size(); ++k) per_code[k] = f(dict.StringAt(k));
    const uint32_t* codes = c.Codes();
    for (size_t i = 0; i < rows; ++i) o[i] = per_code[codes[i]];
  } else {
    for (size_t i = 0; i < rows; ++i) o[i] = f(c.StringAt(i));
  }
  MergeNulls({in}, rows, out.get());
  return out;
}

}  // namespace aurora::function
