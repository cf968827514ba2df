#include "function/function_registry.h"

#include <algorithm>
#include <optional>

#include "common/strings.h"

namespace aurora::function {

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* r = [] {
    auto* reg = new FunctionRegistry();
    RegisterComparison(*reg);
    RegisterArithmetic(*reg);
    RegisterLogic(*reg);
    RegisterDateTime(*reg);
    RegisterString(*reg);
    RegisterConditional(*reg);
    RegisterMath(*reg);
    RegisterConversion(*reg);
    RegisterJson(*reg);
    RegisterHash(*reg);
    RegisterInterval(*reg);
    RegisterArray(*reg);
    return reg;
  }();
  return *r;
}

void FunctionRegistry::Register(std::string name, Binder binder) {
  scalars_.emplace_back(std::move(name), std::move(binder));
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, binder] : scalars_) out.push_back(name);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool FunctionRegistry::HasScalar(std::string_view name) const {
  for (const auto& [n, b] : scalars_)
    if (n == name) return true;
  return false;
}

Result<BoundScalar> FunctionRegistry::BindScalar(std::string_view name,
                                                 const std::vector<DataTypePtr>& args) const {
  // Several binders may share a name (overloads registered by different families): the first that
  // accepts the argument types wins; when none does, the first one's error says why.
  std::optional<Status> first_error;
  for (const auto& [n, binder] : scalars_) {
    if (n != name) continue;
    Result<BoundScalar> bound = binder(args);
    if (bound.ok()) return bound;
    if (!first_error) first_error = bound.status();
  }
  if (first_error) return *first_error;
  std::vector<std::string> names;
  for (const auto& [n, b] : scalars_) names.push_back(n);
  return AURORA_ERROR(kInvalidArgument, "unknown function '{}'{}", name, DidYouMean(name, names));
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
