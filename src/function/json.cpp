// JSON functions over String values (simdjson), with ClickHouse's path arguments after the document: a
// string selects an object member by key, an integer the n-th member of an object or element of an
// array (1-based; negative counts from the end; 0 selects nothing).
//   JSONHas(json, path...)            UInt8
//   JSONLength(json, path...)         UInt64: members of an object, elements of an array, else 0
//   JSONExtractString(json, path...)  String: the value if it is a JSON string, else ''
//   JSONExtractInt / UInt / Float     Int64 / UInt64 / Float64 from numbers (floats truncate toward zero
//                                     for integers), booleans and numeric strings; else 0
//   JSONExtractBool                   UInt8 from booleans and numbers; else 0
//   JSONExtractRaw(json, path...)     String: the selected value as minified JSON, else ''
// Invalid JSON, a missing path or a value of another kind gives the default value, never an error.
// With constant paths, a dictionary (LowCardinality) column is parsed once per distinct document.
#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "function/kernel_io.h"

namespace aurora::function {

namespace {

namespace dom = simdjson::dom;

// One step of a path: a key, or a 1-based index.
struct PathStep {
  bool is_key = false;
  std::string_view key;
  int64_t index = 0;
};

std::vector<PathStep> PathAt(const std::vector<Datum>& in, size_t row) {
  std::vector<PathStep> path;
  for (size_t a = 1; a < in.size(); ++a) {
    PathStep s;
    if (in[a].column->layout().value_id == TypeId::kString) {
      s.is_key = true;
      s.key = in[a].column->StringAt(in[a].RowIndex(row));
    } else {
      s.index = IntAt(in[a], row);
    }
    path.push_back(s);
  }
  return path;
}

// The element at `path` in `json`, or false.
bool Find(dom::parser& parser, std::string_view json, const std::vector<PathStep>& path, dom::element* out) {
  dom::element e;
  if (json.empty()) return false;  // not JSON (and simdjson would copy from a null pointer)
  if (parser.parse(json.data(), json.size()).get(e)) return false;
  for (const PathStep& s : path) {
    if (e.is_object()) {
      dom::object obj = e.get_object().value_unsafe();
      if (s.is_key) {
        if (obj.at_key(s.key).get(e)) return false;
        continue;
      }
      const int64_t n = static_cast<int64_t>(obj.size());
      if (s.index == 0 || s.index > n || s.index < -n) return false;
      int64_t want = s.index > 0 ? s.index - 1 : n + s.index, k = 0;
      for (dom::key_value_pair field : obj) {
        if (k++ == want) {
          e = field.value;
          break;
        }
      }
    } else if (e.is_array() && !s.is_key) {
      dom::array arr = e.get_array().value_unsafe();
      const int64_t n = static_cast<int64_t>(arr.size());
      if (s.index == 0 || s.index > n || s.index < -n) return false;
      if (arr.at(static_cast<size_t>(s.index > 0 ? s.index - 1 : n + s.index)).get(e)) return false;
    } else {
      return false;
    }
  }
  *out = e;
  return true;
}

Status CheckArgs(const char* name, const std::vector<DataTypePtr>& args) {
  bool ok = !args.empty() && IsStringType(args[0]);
  for (size_t i = 1; ok && i < args.size(); ++i) ok = IsStringType(args[i]) || args[i]->IsInteger();
  if (!ok)
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: {} takes (json String, keys or 1-based indexes...)",
                        Signature(name, args), name);
  return Status::OK();
}

bool AllPathsConst(const std::vector<Datum>& in) {
  for (size_t a = 1; a < in.size(); ++a)
    if (!in[a].is_const) return false;
  return true;
}

// f(parser, json, path) -> T, once per dictionary entry when the paths are constant.
template <typename T, typename F>
void RegisterJsonFixed(FunctionRegistry& r, const char* name, TypeId id, F f) {
  r.Register(name, [name, id, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(CheckArgs(name, args));
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{
        name, result, [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          dom::parser parser;
          if (AllPathsConst(in)) {
            std::vector<PathStep> path = PathAt(in, 0);
            ColumnPtr out =
                MapStringsTo<T>(in[0], rows, result, [&](std::string_view s) { return f(parser, s, path); });
            MergeNulls(in, rows, out.get());
            return out;
          }
          ColumnPtr out = NewFixedColumn(result, rows);
          T* o = out->template MutableData<T>();
          for (size_t i = 0; i < rows; ++i)
            o[i] = f(parser, in[0].column->StringAt(in[0].RowIndex(i)), PathAt(in, i));
          MergeNulls(in, rows, out.get());
          return out;
        }};
  });
}

// f(parser, json, path, &out) appends the result string.
template <typename F>
void RegisterJsonString(FunctionRegistry& r, const char* name, F f) {
  r.Register(name, [name, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(CheckArgs(name, args));
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kString), args);
    return BoundScalar{
        name, result, [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          dom::parser parser;
          if (AllPathsConst(in)) {
            std::vector<PathStep> path = PathAt(in, 0);
            ColumnPtr out = MapStrings(in[0], rows, result,
                                       [&](std::string_view s, std::string* o) { f(parser, s, path, o); });
            MergeNulls(in, rows, out.get());
            return out;
          }
          auto out = std::make_shared<Column>(result);
          std::string buf;
          for (size_t i = 0; i < rows; ++i) {
            buf.clear();
            f(parser, in[0].column->StringAt(in[0].RowIndex(i)), PathAt(in, i), &buf);
            out->AppendString(buf);
          }
          MergeNulls(in, rows, out.get());
          return ColumnPtr(out);
        }};
  });
}

template <typename T>
T NumberOf(dom::parser& p, std::string_view json, const std::vector<PathStep>& path) {
  dom::element e;
  if (!Find(p, json, path, &e)) return T{0};
  auto from_double = [](double d) -> T {
    if (!std::isfinite(d)) return T{0};
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(d);
    } else {
      d = std::trunc(d);
      if (d < static_cast<double>(std::numeric_limits<T>::min()) ||
          d >= static_cast<double>(std::numeric_limits<T>::max()))
        return T{0};
      return static_cast<T>(d);
    }
  };
  switch (e.type()) {
    case dom::element_type::INT64: {
      int64_t v = e.get_int64().value_unsafe();
      if constexpr (std::is_unsigned_v<T>)
        if (v < 0) return T{0};
      return static_cast<T>(v);
    }
    case dom::element_type::UINT64: {
      uint64_t v = e.get_uint64().value_unsafe();
      if constexpr (std::is_same_v<T, int64_t>)
        if (v > static_cast<uint64_t>(INT64_MAX)) return T{0};
      return static_cast<T>(v);
    }
    case dom::element_type::DOUBLE:
      return from_double(e.get_double().value_unsafe());
    case dom::element_type::BOOL:
      return static_cast<T>(e.get_bool().value_unsafe() ? 1 : 0);
    case dom::element_type::STRING: {
      std::string_view s = e.get_string().value_unsafe();
      double d = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec != std::errc() || ptr != s.data() + s.size()) return T{0};
      return from_double(d);
    }
    default:
      return T{0};
  }
}

}  // namespace

void RegisterJson(FunctionRegistry& r) {
  RegisterJsonFixed<uint8_t>(r, "JSONHas", TypeId::kUInt8,
                             [](dom::parser& p, std::string_view json, const std::vector<PathStep>& path) {
                               dom::element e;
                               return static_cast<uint8_t>(Find(p, json, path, &e));
                             });
  RegisterJsonFixed<uint64_t>(r, "JSONLength", TypeId::kUInt64,
                              [](dom::parser& p, std::string_view json, const std::vector<PathStep>& path) {
                                dom::element e;
                                if (!Find(p, json, path, &e)) return uint64_t{0};
                                if (e.is_object()) return uint64_t{e.get_object().value_unsafe().size()};
                                if (e.is_array()) return uint64_t{e.get_array().value_unsafe().size()};
                                return uint64_t{0};
                              });
  RegisterJsonFixed<int64_t>(r, "JSONExtractInt", TypeId::kInt64, NumberOf<int64_t>);
  RegisterJsonFixed<uint64_t>(r, "JSONExtractUInt", TypeId::kUInt64, NumberOf<uint64_t>);
  RegisterJsonFixed<double>(r, "JSONExtractFloat", TypeId::kFloat64, NumberOf<double>);
  RegisterJsonFixed<uint8_t>(r, "JSONExtractBool", TypeId::kUInt8,
                             [](dom::parser& p, std::string_view json, const std::vector<PathStep>& path) {
                               dom::element e;
                               if (!Find(p, json, path, &e)) return uint8_t{0};
                               switch (e.type()) {
                                 case dom::element_type::BOOL:
                                   return static_cast<uint8_t>(e.get_bool().value_unsafe());
                                 case dom::element_type::INT64:
                                   return static_cast<uint8_t>(e.get_int64().value_unsafe() != 0);
                                 case dom::element_type::UINT64:
                                   return static_cast<uint8_t>(e.get_uint64().value_unsafe() != 0);
                                 case dom::element_type::DOUBLE:
                                   return static_cast<uint8_t>(e.get_double().value_unsafe() != 0);
                                 default:
                                   return uint8_t{0};
                               }
                             });
  RegisterJsonString(
      r, "JSONExtractString",
      [](dom::parser& p, std::string_view json, const std::vector<PathStep>& path, std::string* out) {
        dom::element e;
        if (Find(p, json, path, &e) && e.is_string()) out->append(e.get_string().value_unsafe());
      });
  RegisterJsonString(
      r, "JSONExtractRaw",
      [](dom::parser& p, std::string_view json, const std::vector<PathStep>& path, std::string* out) {
        dom::element e;
        if (Find(p, json, path, &e)) out->append(simdjson::minify(e));
      });
}

}  // namespace aurora::function
