// Conditional functions:
//   if(cond, then, else)          a NULL condition takes the else branch
//   multiIf(c1, r1, ..., else)    the first true condition's result (CASE becomes multiIf)
//   coalesce(a, b, ...)           the first non-NULL argument; Nullable only if every argument up to the
//                                 first non-Nullable one is (later arguments are never reached)
//   ifNull(x, alt)                coalesce(x, alt)
//   nullIf(x, y)                  NULL where x = y, else x (Nullable(x's type))
// Results take the least supertype of the branches (LeastSupertype: numbers widen as in ClickHouse, a
// NULL literal branch makes the result Nullable). Every branch is evaluated for every row; the result
// takes each row from the chosen one.
#include "function/kernel_io.h"

namespace aurora::function {

namespace {

// Truth of each row of a condition (NULL is false); a constant condition gives one value per row too.
std::vector<uint8_t> Conditions(const Datum& d, size_t rows) {
  std::vector<uint8_t> out(rows);
  const Column& c = *d.column;
  DispatchFixed(c.layout().value_id, [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.template Data<T>();
    for (size_t i = 0; i < rows; ++i) {
      size_t r = d.RowIndex(i);
      out[i] = v[r] != T{0} && !c.IsNull(r);
    }
  });
  return out;
}

bool IsCondition(const DataTypePtr& t) {
  return t->Base().IsInteger() || t->Base().id() == TypeId::kBool;
}

struct Branches {
  DataTypePtr type;
  std::vector<bool> left_out;
};

Result<Branches> BindBranches(const char* fn, const std::vector<DataTypePtr>& branch_types) {
  Branches b;
  AURORA_ASSIGN_OR_RETURN(b.type, LeastSupertype(fn, branch_types, true, &b.left_out));
  return b;
}

std::vector<Datum> ConvertBranches(const char* fn, const std::vector<Datum>& in,
                                   const std::vector<size_t>& index, const Branches& b) {
  std::vector<Datum> out;
  for (size_t k = 0; k < index.size(); ++k)
    out.push_back(ConvertToSupertype(in[index[k]], b.type, b.left_out[k], fn));
  return out;
}

Result<BoundScalar> BindIf(const std::vector<DataTypePtr>& args) {
  if (args.size() != 3 || !IsCondition(args[0]))
    return AURORA_ERROR(kInvalidArgument, "no function {}: if takes (condition, then, else)",
                        Signature("if", args));
  AURORA_ASSIGN_OR_RETURN(Branches b, BindBranches("if", {args[1], args[2]}));
  return BoundScalar{"if", b.type, [b](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       std::vector<uint8_t> cond = Conditions(in[0], rows);
                       std::vector<uint32_t> which(rows);
                       for (size_t i = 0; i < rows; ++i) which[i] = cond[i] ? 0 : 1;
                       return SelectRows(ConvertBranches("if", in, {1, 2}, b), which, rows, b.type);
                     }};
}

Result<BoundScalar> BindMultiIf(const std::vector<DataTypePtr>& args) {
  bool ok = args.size() >= 3 && args.size() % 2 == 1;
  for (size_t i = 0; ok && i + 1 < args.size(); i += 2) ok = IsCondition(args[i]);
  if (!ok)
    return AURORA_ERROR(kInvalidArgument, "no function {}: multiIf takes (cond1, then1, ..., else)",
                        Signature("multiIf", args));
  std::vector<DataTypePtr> branch_types;
  std::vector<size_t> index;
  for (size_t i = 1; i < args.size(); i += 2) {
    branch_types.push_back(args[i]);
    index.push_back(i);
  }
  branch_types.push_back(args.back());
  index.push_back(args.size() - 1);
  AURORA_ASSIGN_OR_RETURN(Branches b, BindBranches("multiIf", branch_types));
  return BoundScalar{"multiIf", b.type,
                     [b, index](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       const uint32_t n_conds = static_cast<uint32_t>(index.size() - 1);
                       std::vector<uint32_t> which(rows, n_conds);
                       std::vector<uint8_t> open(rows, 1);
                       for (uint32_t k = 0; k < n_conds; ++k) {
                         std::vector<uint8_t> cond = Conditions(in[2 * k], rows);
                         for (size_t i = 0; i < rows; ++i)
                           if (open[i] && cond[i]) {
                             which[i] = k;
                             open[i] = 0;
                           }
                       }
                       return SelectRows(ConvertBranches("multiIf", in, index, b), which, rows, b.type);
                     }};
}

Result<BoundScalar> BindCoalesce(const char* fn, const std::vector<DataTypePtr>& args) {
  if (args.empty()) return AURORA_ERROR(kInvalidArgument, "{} takes at least 1 argument", fn);
  std::vector<DataTypePtr> used;
  for (const auto& a : args) {
    used.push_back(a);
    if (!a->IsNullable()) break;
  }
  AURORA_ASSIGN_OR_RETURN(Branches b, BindBranches(fn, used));
  if (!used.back()->IsNullable()) b.type = StripNullable(b.type);
  std::vector<size_t> index;
  for (size_t i = 0; i < used.size(); ++i) index.push_back(i);
  return BoundScalar{
      fn, b.type, [fn, b, index](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        // The first argument whose row is not NULL; the last one otherwise.
        std::vector<uint32_t> which(rows, static_cast<uint32_t>(index.size() - 1));
        for (size_t i = 0; i < rows; ++i)
          for (uint32_t k = 0; k < index.size(); ++k)
            if (!in[k].column->IsNull(in[k].RowIndex(i))) {
              which[i] = k;
              break;
            }
        Branches nullable_b = b;
        if (!nullable_b.type->IsNullable()) {
          // Converted branches keep their NULL rows, which are never selected.
          nullable_b.type = b.type->IsLowCardinality()
                                ? DataType::LowCardinality(DataType::Nullable(b.type->nested()))
                                : DataType::Nullable(b.type);
        }
        std::vector<Datum> branches = ConvertBranches(fn, in, index, nullable_b);
        return SelectRows(branches, which, rows, b.type);
      }};
}

Result<BoundScalar> BindNullIf(const std::vector<DataTypePtr>& args) {
  if (args.size() != 2)
    return AURORA_ERROR(kInvalidArgument, "no function {}: nullIf takes 2 arguments",
                        Signature("nullIf", args));
  AURORA_ASSIGN_OR_RETURN(BoundScalar eq, FunctionRegistry::Default().BindScalar("equals", args));
  DataTypePtr base = StripNullable(args[0]);
  DataTypePtr result = base->IsLowCardinality() ? DataType::LowCardinality(DataType::Nullable(base->nested()))
                                                : DataType::Nullable(base);
  return BoundScalar{"nullIf", result,
                     [eq, result](const std::vector<Datum>& in, size_t rows, const FunctionContext& ctx) {
                       ColumnPtr equal = eq.kernel(in, rows, ctx);
                       std::vector<uint32_t> which(rows, 0);
                       Datum null_branch{std::make_shared<Column>(result), true};
                       null_branch.column->AppendNull();
                       for (size_t i = 0; i < rows; ++i)
                         if (equal->Data<uint8_t>()[i] && !equal->IsNull(i)) which[i] = 1;
                       Datum x = ConvertToSupertype(in[0], result);
                       return SelectRows({x, null_branch}, which, rows, result);
                     }};
}

}  // namespace

void RegisterConditional(FunctionRegistry& r) {
  r.Register("if", BindIf);
  r.Register("multiIf", BindMultiIf);
  r.Register("coalesce", [](const std::vector<DataTypePtr>& a) { return BindCoalesce("coalesce", a); });
  r.Register("ifNull", [](const std::vector<DataTypePtr>& a) -> Result<BoundScalar> {
    if (a.size() != 2)
      return AURORA_ERROR(kInvalidArgument, "no function {}: ifNull takes 2 arguments",
                          Signature("ifNull", a));
    return BindCoalesce("ifNull", a);
  });
  r.Register("nullIf", BindNullIf);
}

}  // namespace aurora::function
