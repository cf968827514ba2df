// Conversions from strings that do not fail (the plain toInt32(x), toString(x), toDate(x), ... are casts,
// bound by the binder):
//   toInt8..64OrNull, toUInt8..64OrNull, toFloat32/64OrNull, toDateOrNull, toDateTimeOrNull (UTC)
//       Nullable(T): NULL where the whole string is not a value of T (out-of-range numbers included)
//   the same names with OrZero: T, with 0 (1970-01-01 for dates) where the string does not parse
//   toTypeName(x): the argument's type name, a String
// Integers are an optional sign and digits; floats also take a fraction, an exponent, inf and nan; dates
// and times are YYYY-MM-DD[ hh:mm:ss[.fff]] (also with T and a trailing Z).
#include <charconv>
#include <limits>

#include "function/kernel_io.h"
#include "types/text_format.h"

namespace aurora::function {

namespace {

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return false;
  if constexpr (std::is_unsigned_v<T>) {
    if (s[0] == '-') return s == "-0" ? (*out = 0, true) : false;
  }
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  *out = v;
  return true;
}

template <typename T>
bool ParseFloat(std::string_view s, T* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s[0] == '+') return false;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    v = s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    // A tiny value underflows to zero rather than infinity.
    if (s.find_first_of("eE") != std::string_view::npos && s.find("e-") != std::string_view::npos) v = 0;
  } else if (ec != std::errc() || p != s.data() + s.size()) {
    return false;
  }
  *out = static_cast<T>(v);
  return true;
}

// Parses each string (once per dictionary entry for dictionary columns) with parse(s, &value) -> ok.
template <typename T, typename Parse>
ColumnPtr ParseStrings(const Datum& in, size_t rows, const DataTypePtr& result_type, bool or_null,
                       Parse&& parse) {
  ColumnPtr out = NewFixedColumn(result_type, rows);
  T* o = out->MutableData<T>();
  std::vector<uint8_t> bad(rows, 0);
  bool any_bad = false;
  auto one = [&](std::string_view s, T* v, uint8_t* b) {
    T x{};
    bool ok = parse(s, &x);
    *v = ok ? x : T{};
    *b = !ok;
  };
  const Column& c = *in.column;
  if (in.is_const) {
    T v;
    uint8_t b;
    one(c.StringAt(0), &v, &b);
    for (size_t i = 0; i < rows; ++i) o[i] = v, bad[i] = b;
  } else if (c.layout().kind == ColumnLayout::Kind::kDictionary) {
    const Column& dict = *c.dictionary();
    std::vector<T> values(dict.size());
    std::vector<uint8_t> bads(dict.size());
    for (size_t k = 0; k < dict.size(); ++k) one(dict.StringAt(k), &values[k], &bads[k]);
    const uint32_t* codes = c.Codes();
    for (size_t i = 0; i < rows; ++i) o[i] = values[codes[i]], bad[i] = bads[codes[i]];
  } else {
    for (size_t i = 0; i < rows; ++i) one(c.StringAt(i), &o[i], &bad[i]);
  }
  for (size_t i = 0; i < rows; ++i) any_bad = any_bad || bad[i];
  MergeNulls({in}, rows, out.get());
  if (or_null && any_bad) {
    if (out->nulls.empty()) out->nulls.resize_fill(rows, 0);
    for (size_t i = 0; i < rows; ++i) out->nulls[i] |= bad[i];
  }
  return out;
}

template <typename T>
void RegisterNumberParse(FunctionRegistry& r, const std::string& type_name, TypeId id) {
  for (bool or_null : {true, false}) {
    std::string name = "to" + type_name + (or_null ? "OrNull" : "OrZero");
    r.Register(name, [name, id, or_null](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
      if (args.size() != 1 || !IsStringType(args[0]))
        return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a string", Signature(name, args),
                            name);
      DataTypePtr result =
          or_null ? DataType::Nullable(DataType::Make(id)) : NullableIfAny(DataType::Make(id), args);
      return BoundScalar{
          name, result, [or_null, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
            return ParseStrings<T>(in[0], rows, result, or_null, [](std::string_view s, T* v) {
              if constexpr (std::is_floating_point_v<T>)
                return ParseFloat(s, v);
              else
                return ParseInt(s, v);
            });
          }};
    });
  }
}

bool ParseDays(std::string_view s, uint16_t* out) {
  int64_t secs = 0, nanos = 0;
  if (!ParseDateTimeText(s, "", &secs, &nanos)) return false;
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  if (days < 0 || days > 65535) return false;
  *out = static_cast<uint16_t>(days);
  return true;
}

bool ParseSeconds(std::string_view s, uint32_t* out) {
  int64_t secs = 0, nanos = 0;
  if (!ParseDateTimeText(s, "", &secs, &nanos) || secs < 0 || secs > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(secs);
  return true;
}

void RegisterTimeParse(FunctionRegistry& r, bool date) {
  for (bool or_null : {true, false}) {
    std::string name = std::string(date ? "toDate" : "toDateTime") + (or_null ? "OrNull" : "OrZero");
    r.Register(name, [name, date, or_null](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
      if (args.size() != 1 || !IsStringType(args[0]))
        return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a string", Signature(name, args),
                            name);
      DataTypePtr t = date ? DataType::Make(TypeId::kDate) : DataType::DateTime();
      DataTypePtr result = or_null ? DataType::Nullable(t) : NullableIfAny(t, args);
      return BoundScalar{
          name, result,
          [date, or_null, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
            if (date) return ParseStrings<uint16_t>(in[0], rows, result, or_null, ParseDays);
            return ParseStrings<uint32_t>(in[0], rows, result, or_null, ParseSeconds);
          }};
    });
  }
}

}  // namespace

void RegisterConversion(FunctionRegistry& r) {
  RegisterNumberParse<int8_t>(r, "Int8", TypeId::kInt8);
  RegisterNumberParse<int16_t>(r, "Int16", TypeId::kInt16);
  RegisterNumberParse<int32_t>(r, "Int32", TypeId::kInt32);
  RegisterNumberParse<int64_t>(r, "Int64", TypeId::kInt64);
  RegisterNumberParse<uint8_t>(r, "UInt8", TypeId::kUInt8);
  RegisterNumberParse<uint16_t>(r, "UInt16", TypeId::kUInt16);
  RegisterNumberParse<uint32_t>(r, "UInt32", TypeId::kUInt32);
  RegisterNumberParse<uint64_t>(r, "UInt64", TypeId::kUInt64);
  RegisterNumberParse<float>(r, "Float32", TypeId::kFloat32);
  RegisterNumberParse<double>(r, "Float64", TypeId::kFloat64);
  RegisterTimeParse(r, true);
  RegisterTimeParse(r, false);
  r.Register("toTypeName", [](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1)
      return AURORA_ERROR(kInvalidArgument, "toTypeName takes 1 argument, got {}", args.size());
    std::string name = args[0]->Name();
    DataTypePtr result = DataType::Make(TypeId::kString);
    return BoundScalar{"toTypeName", result,
                       [name, result](const std::vector<Datum>&, size_t rows, const FunctionContext&) {
                         auto out = std::make_shared<Column>(result);
                         for (size_t i = 0; i < rows; ++i) out->AppendString(name);
                         return ColumnPtr(out);
                       }};
  });
}

}  // namespace aurora::function
