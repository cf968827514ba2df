#include "function/function_registry.h"

#include <algorithm>

namespace aurora::function {

namespace {
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* r = [] {
    auto* reg = new FunctionRegistry();
    RegisterComparison(*reg);
    RegisterArithmetic(*reg);
    RegisterLogic(*reg);
    RegisterDateTime(*reg);
    return reg;
  }();
  return *r;
}

void FunctionRegistry::Register(std::string name, Binder binder) { scalars_.emplace_back(std::move(name), std::move(binder)); }

bool FunctionRegistry::HasScalar(std::string_view name) const {
  for (const auto& [n, b] : scalars_)
    if (n == name) return true;
  return false;
}

Result<BoundScalar> FunctionRegistry::BindScalar(std::string_view name, const std::vector<DataTypePtr>& args) const {
  for (const auto& [n, binder] : scalars_)
    if (n == name) return binder(args);
  std::string best;
  size_t best_d = 3;
  for (const auto& [n, b] : scalars_) {
    size_t d = Distance(n, name);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  if (!best.empty()) return AURORA_ERROR(kInvalidArgument, "unknown function '{}' (did you mean '{}'?)", name, best);
  return AURORA_ERROR(kInvalidArgument, "unknown function '{}'", name);
}

void MergeNulls(const std::vector<Datum>& args, size_t rows, Column* result) {
  bool any = false;
  for (const auto& a : args)
    if (!a.column->nulls.empty()) any = true;
  if (!any) return;
  result->nulls.resize_fill(rows, 0);
  uint8_t* out = result->nulls.data();
  for (const auto& a : args) {
    if (a.column->nulls.empty()) continue;
    const uint8_t* in = a.column->nulls.data();
    if (a.is_const) {
      if (in[0]) std::fill(out, out + rows, 1);
    } else {
      for (size_t i = 0; i < rows; ++i) out[i] |= in[i];
    }
  }
}

std::string Signature(std::string_view name, const std::vector<DataTypePtr>& args) {
  std::string out = std::string(name) + "(";
  for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i]->Name();
  return out + ")";
}

DataTypePtr StripNullable(const DataTypePtr& t) {
  if (t->id() == TypeId::kNullable) return t->nested();
  if (t->id() == TypeId::kLowCardinality && t->nested()->id() == TypeId::kNullable)
    return DataType::LowCardinality(t->nested()->nested());
  return t;
}

DataTypePtr NullableIfAny(const DataTypePtr& t, const std::vector<DataTypePtr>& args) {
  for (const auto& a : args)
    if (a->IsNullable()) return t->IsNullable() ? t : DataType::Nullable(t);
  return t;
}

}  // namespace aurora::function
