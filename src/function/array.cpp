// Array functions: array(a, b, ...) (what [a, b] parses to), arrayElement(arr, i) (arr[i]), length,
// empty, notEmpty, has, indexOf, splitByChar, arrayStringConcat.
//
// length, empty and notEmpty are registered here for arrays only; the same names may have other binders
// (for strings) registered by another family: the registry tries each binder of a name in turn.
#include <cmath>

#include "common/query_error.h"
#include "function/function_registry.h"
#include "function/numeric.h"
#include "types/supertype.h"
#include "types/text_format.h"

namespace aurora::function {

namespace {

// The type without Nullable and LowCardinality.
DataTypePtr PlainType(const DataTypePtr& t) {
  if (t->id() == TypeId::kNullable || t->id() == TypeId::kLowCardinality) return PlainType(t->nested());
  return t;
}

bool IsNumber(const DataType& t) {
  return t.IsInteger() || t.IsFloat() || t.id() == TypeId::kBool;
}

// The element type of array(types...): the supertype of the plain types, Nullable when any argument is.
DataTypePtr ElementType(const std::vector<DataTypePtr>& types) {
  std::vector<DataTypePtr> plain;
  bool nullable = false;
  for (const auto& t : types) {
    nullable = nullable || t->IsNullable();
    plain.push_back(PlainType(t));
  }
  DataTypePtr r = LeastSupertype(plain);
  return r && nullable ? MakeNullable(r) : r;
}

Result<BoundScalar> BindArray(const std::vector<DataTypePtr>& args) {
  // An empty array has no element type to infer (ClickHouse's Nothing); it is an Array(UInt8) here.
  DataTypePtr elem = args.empty() ? DataType::Make(TypeId::kUInt8) : ElementType(args);
  if (!elem)
    return AURORA_ERROR(kInvalidArgument, "no function {}: the elements of an array need a common type",
                        Signature("array", args));
  DataTypePtr result = DataType::Array(elem);
  std::vector<bool> same;  // argument rows copy as they are (same plain type)
  for (const auto& a : args) same.push_back(PlainType(a)->Equals(*PlainType(elem)));
  return BoundScalar{"array", result,
                     [result, same](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       auto out = std::make_shared<Column>(result);
                       Column& child = out->mutable_child();
                       out->Reserve(rows);
                       for (size_t i = 0; i < rows; ++i) {
                         for (size_t a = 0; a < in.size(); ++a) {
                           const Column& c = *in[a].column;
                           size_t r = in[a].RowIndex(i);
                           if (same[a])
                             child.AppendRange(c, r, 1);
                           else
                             child.AppendValue(c.ValueAt(r));
                         }
                         out->FinishArray();
                       }
                       return ColumnPtr(out);
                     }};
}

// arr[i]: 1-based, negative from the end; out of range (and 0) gives the element type's default.
Result<BoundScalar> BindArrayElement(const std::vector<DataTypePtr>& args) {
  if (args.size() != 2 || !args[0]->IsArray() || !(args[1]->Base().IsInteger()))
    return AURORA_ERROR(kInvalidArgument, "no function {}: arrayElement takes an array and an integer index",
                        Signature("arrayElement", args));
  DataTypePtr result = args[0]->nested();
  if (args[1]->IsNullable() && !result->IsNullable()) {
    if (result->IsArray())
      return AURORA_ERROR(kInvalidArgument, "no function {}: an array of arrays takes a non-Nullable index",
                          Signature("arrayElement", args));
    result = result->IsLowCardinality() ? DataType::LowCardinality(DataType::Nullable(result->nested()))
                                        : DataType::Nullable(result);
  }
  return BoundScalar{"arrayElement", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       const Column& arr = *in[0].column;
                       const Column& index = *in[1].column;
                       auto out = std::make_shared<Column>(result);
                       out->Reserve(rows);
                       for (size_t i = 0; i < rows; ++i) {
                         size_t r = in[0].RowIndex(i);
                         Value k = index.ValueAt(in[1].RowIndex(i));
                         if (IsNull(k)) {
                           out->AppendNull();
                           continue;
                         }
                         const uint64_t n = arr.ArraySize(r);
                         uint64_t pos = UINT64_MAX;
                         if (auto* s = std::get_if<int64_t>(&k)) {
                           if (*s > 0 && static_cast<uint64_t>(*s) <= n)
                             pos = arr.ArrayBegin(r) + static_cast<uint64_t>(*s) - 1;
                           if (*s < 0 && static_cast<uint64_t>(-(*s + 1)) < n)
                             pos = arr.ArrayEnd(r) - static_cast<uint64_t>(-(*s + 1)) - 1;
                         } else if (auto* u = std::get_if<uint64_t>(&k); u && *u > 0 && *u <= n) {
                           pos = arr.ArrayBegin(r) + *u - 1;
                         }
                         if (pos == UINT64_MAX)
                           out->AppendDefault();
                         else
                           out->AppendRange(arr.child(), pos, 1);
                       }
                       return ColumnPtr(out);
                     }};
}

// length / empty / notEmpty of arrays.
FunctionRegistry::Binder BindArraySize(const char* name, TypeId result_id, int kind) {
  return [name, result_id, kind](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1 || !args[0]->IsArray())
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes an array or a string",
                          Signature(name, args), name);
    DataTypePtr result = DataType::Make(result_id);
    return BoundScalar{name, result,
                       [result, kind](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         const Column& arr = *in[0].column;
                         auto out = std::make_shared<Column>(result);
                         out->Reserve(rows);
                         for (size_t i = 0; i < rows; ++i) {
                           uint64_t n = arr.ArraySize(in[0].RowIndex(i));
                           out->AppendUInt(kind == 0 ? n : (kind == 1 ? n == 0 : n != 0));
                         }
                         return ColumnPtr(out);
                       }};
  };
}

// has(arr, x) and indexOf(arr, x): x compares with the elements by value (numbers across types).
FunctionRegistry::Binder BindFind(const char* name, bool index) {
  return [name, index](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    bool ok = args.size() == 2 && args[0]->IsArray();
    if (ok) {
      DataTypePtr e = PlainType(args[0]->nested()), x = PlainType(args[1]);
      ok = (IsNumber(*e) && IsNumber(*x)) || e->Equals(*x) ||
           (e->id() == TypeId::kString && x->id() == TypeId::kString);
    }
    if (!ok)
      return AURORA_ERROR(kInvalidArgument,
                          "no function {}: {} takes an array and a value of its element type",
                          Signature(name, args), name);
    const bool strings = PlainType(args[1])->id() == TypeId::kString;
    DataTypePtr result = DataType::Make(index ? TypeId::kUInt64 : TypeId::kUInt8);
    return BoundScalar{
        name, result,
        [result, index, strings](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          const Column& arr = *in[0].column;
          const Column& child = arr.child();
          const Column& x = *in[1].column;
          auto out = std::make_shared<Column>(result);
          out->Reserve(rows);
          for (size_t i = 0; i < rows; ++i) {
            size_t r = in[0].RowIndex(i), xr = in[1].RowIndex(i);
            uint64_t found = 0;
            const uint64_t begin = arr.ArrayBegin(r), end = arr.ArrayEnd(r);
            if (strings && !x.IsNull(xr)) {
              std::string_view s = x.StringAt(xr);
              for (uint64_t j = begin; j < end && !found; ++j)
                if (!child.IsNull(j) && child.StringAt(j) == s) found = j - begin + 1;
            } else {
              Value v = x.ValueAt(xr);
              for (uint64_t j = begin; j < end && !found; ++j)
                if (CompareValues(child.ValueAt(j), v) == 0) found = j - begin + 1;
            }
            out->AppendUInt(index ? found : found != 0);
          }
          return ColumnPtr(out);
        }};
  };
}

// The constant one-character separator of splitByChar.
char Separator(const Datum& d) {
  if (!d.is_const || d.column->IsNull(0) || d.column->StringAt(0).size() != 1)
    throw QueryError(ErrorCode::kInvalidArgument,
                     "splitByChar takes a constant separator of exactly one character");
  return d.column->StringAt(0)[0];
}

Result<BoundScalar> BindSplitByChar(const std::vector<DataTypePtr>& args) {
  if (args.size() != 2 || args[0]->Base().id() != TypeId::kString ||
      args[1]->Base().id() != TypeId::kString || args[1]->IsNullable())
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: splitByChar takes a separator and a String (not Nullable)",
                        Signature("splitByChar", args));
  DataTypePtr result = DataType::Array(DataType::Make(TypeId::kString));
  return BoundScalar{"splitByChar", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       const char sep = Separator(in[0]);
                       auto out = std::make_shared<Column>(result);
                       Column& child = out->mutable_child();
                       out->Reserve(rows);
                       for (size_t i = 0; i < rows; ++i) {
                         std::string_view s = in[1].column->StringAt(in[1].RowIndex(i));
                         // As ClickHouse: n separators give n + 1 pieces, so '' gives [''].
                         size_t start = 0;
                         for (size_t p = 0; p < s.size(); ++p) {
                           if (s[p] != sep) continue;
                           child.AppendString(s.substr(start, p - start));
                           start = p + 1;
                         }
                         child.AppendString(s.substr(start));
                         out->FinishArray();
                       }
                       return ColumnPtr(out);
                     }};
}

// arrayStringConcat(arr[, sep]): the elements as text, joined by sep; NULL elements are skipped.
Result<BoundScalar> BindArrayStringConcat(const std::vector<DataTypePtr>& args) {
  if (args.empty() || args.size() > 2 || !args[0]->IsArray() ||
      (args.size() == 2 && args[1]->Base().id() != TypeId::kString))
    return AURORA_ERROR(kInvalidArgument, "no function {}: arrayStringConcat takes an array and a separator",
                        Signature("arrayStringConcat", args));
  DataTypePtr result = DataType::Make(TypeId::kString);
  return BoundScalar{"arrayStringConcat", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       std::string sep;
                       if (in.size() == 2) {
                         if (!in[1].is_const || in[1].column->IsNull(0))
                           throw QueryError(ErrorCode::kInvalidArgument,
                                            "arrayStringConcat takes a constant separator");
                         sep = std::string(in[1].column->StringAt(0));
                       }
                       const Column& arr = *in[0].column;
                       const Column& child = arr.child();
                       auto out = std::make_shared<Column>(result);
                       out->Reserve(rows);
                       std::string text;
                       for (size_t i = 0; i < rows; ++i) {
                         size_t r = in[0].RowIndex(i);
                         text.clear();
                         bool first = true;
                         for (uint64_t j = arr.ArrayBegin(r); j < arr.ArrayEnd(r); ++j) {
                           if (child.IsNull(j)) continue;
                           if (!first) text += sep;
                           first = false;
                           FormatText(child, j, &text);
                         }
                         out->AppendString(text);
                       }
                       return ColumnPtr(out);
                     }};
}

}  // namespace

void RegisterArray(FunctionRegistry& r) {
  r.Register("array", BindArray);
  r.Register("arrayElement", BindArrayElement);
  r.Register("length", BindArraySize("length", TypeId::kUInt64, 0));
  r.Register("empty", BindArraySize("empty", TypeId::kUInt8, 1));
  r.Register("notEmpty", BindArraySize("notEmpty", TypeId::kUInt8, 2));
  r.Register("has", BindFind("has", false));
  r.Register("indexOf", BindFind("indexOf", true));
  r.Register("splitByChar", BindSplitByChar);
  r.Register("arrayStringConcat", BindArrayStringConcat);
}

}  // namespace aurora::function
