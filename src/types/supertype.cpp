#include "types/supertype.h"

#include <algorithm>
#include <string>

namespace aurora {

namespace {

bool IsNumber(const DataType& t) {
  return t.IsInteger() || t.IsFloat() || t.id() == TypeId::kBool;
}

int IntWidth(TypeId id) {
  return id == TypeId::kBool ? 1 : FixedWidthOf(id);
}

DataTypePtr IntOf(int width, bool is_signed) {
  switch (width) {
    case 1:
      return DataType::Make(is_signed ? TypeId::kInt8 : TypeId::kUInt8);
    case 2:
      return DataType::Make(is_signed ? TypeId::kInt16 : TypeId::kUInt16);
    case 4:
      return DataType::Make(is_signed ? TypeId::kInt32 : TypeId::kUInt32);
    default:
      return DataType::Make(is_signed ? TypeId::kInt64 : TypeId::kUInt64);
  }
}

// The supertype of the types' bases (without Nullable), or nullptr.
DataTypePtr SupertypeOfBases(const std::vector<DataTypePtr>& types) {
  const DataType& first = types[0]->Base();
  bool all_same = true, all_string = true, all_lc = true, all_time = true, all_number = true,
       all_array = true;
  for (const auto& t : types) {
    const DataType& b = t->Base();
    all_same = all_same && b.Equals(first);
    all_string = all_string && b.id() == TypeId::kString;
    all_lc = all_lc && t->IsLowCardinality();
    all_time = all_time && b.IsTime();
    all_number = all_number && IsNumber(b);
    all_array = all_array && b.IsArray();
  }
  if (all_string) {
    DataTypePtr s = DataType::Make(TypeId::kString);
    return all_lc ? DataType::LowCardinality(s) : s;
  }
  if (all_same) {
    DataTypePtr t = types[0];
    while (t->id() == TypeId::kNullable || t->id() == TypeId::kLowCardinality) t = t->nested();
    return t;  // LowCardinality exists for strings only, handled above
  }
  if (all_array) {
    std::vector<DataTypePtr> elements;
    for (const auto& t : types) elements.push_back(t->Base().nested());
    DataTypePtr e = LeastSupertype(elements);
    return e ? DataType::Array(e) : nullptr;
  }
  if (all_time) {
    int precision = -1;
    std::string tz;
    bool any_datetime = false;
    for (const auto& t : types) {
      const DataType& b = t->Base();
      if (b.id() == TypeId::kDateTime64) precision = std::max(precision, b.precision());
      if (b.id() != TypeId::kDate) {
        any_datetime = true;
        if (tz.empty()) tz = b.timezone();
      }
    }
    if (precision >= 0) return DataType::DateTime64(precision, tz);
    return any_datetime ? DataType::DateTime(tz) : DataType::Make(TypeId::kDate);
  }
  if (!all_number) return nullptr;
  int max_signed = 0, max_unsigned = 0, max_float = 0;
  for (const auto& t : types) {
    const DataType& b = t->Base();
    int w = IntWidth(b.id());
    if (b.IsFloat())
      max_float = std::max(max_float, w);
    else if (b.IsSignedInteger())
      max_signed = std::max(max_signed, w);
    else
      max_unsigned = std::max(max_unsigned, w);
  }
  if (max_float) {
    int max_int = std::max(max_signed, max_unsigned);
    if (max_int == 0) return DataType::Make(max_float == 4 ? TypeId::kFloat32 : TypeId::kFloat64);
    if (max_int <= 2 && max_float == 4) return DataType::Make(TypeId::kFloat32);
    if (max_int <= 4) return DataType::Make(TypeId::kFloat64);
    return nullptr;
  }
  if (max_signed == 0) return IntOf(max_unsigned, false);
  if (max_unsigned == 0) return IntOf(max_signed, true);
  if (max_unsigned >= max_signed) return max_unsigned == 8 ? nullptr : IntOf(max_unsigned * 2, true);
  return IntOf(max_signed, true);
}

}  // namespace

DataTypePtr LeastSupertype(const std::vector<DataTypePtr>& types) {
  if (types.empty()) return nullptr;
  DataTypePtr r = SupertypeOfBases(types);
  if (!r) return nullptr;
  for (const auto& t : types)
    if (t->IsNullable()) return MakeNullable(r);
  return r;
}

DataTypePtr MakeNullable(const DataTypePtr& t) {
  if (t->IsNullable() || t->IsArray()) return t;
  if (t->id() == TypeId::kLowCardinality) return DataType::LowCardinality(DataType::Nullable(t->nested()));
  return DataType::Nullable(t);
}

}  // namespace aurora
