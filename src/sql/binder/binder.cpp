#include "sql/binder/binder.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/query_error.h"
#include "common/strings.h"
#include "exec/aggregate.h"
#include "types/text_format.h"

namespace aurora::sql {

namespace {

using exec::BoundExpr;
using exec::BoundExprPtr;

[[noreturn]] void Throw(ErrorCode code, const SourcePos& pos, const std::string& msg) {
  throw QueryError(code, fmt::format("{} (at line {}, column {})", msg, pos.line, pos.column));
}

DataTypePtr LiteralType(const Expr& e) {
  switch (e.literal_type) {
    case Expr::LiteralType::kNull:
      return DataType::Nullable(DataType::Make(TypeId::kUInt8));
    case Expr::LiteralType::kBool:
      return DataType::Make(TypeId::kUInt8);
    case Expr::LiteralType::kString:
      return DataType::Make(TypeId::kString);
    case Expr::LiteralType::kFloat:
      return DataType::Make(TypeId::kFloat64);
    case Expr::LiteralType::kInteger: {
      // The smallest type that holds the value, as ClickHouse types literals.
      if (std::holds_alternative<uint64_t>(e.literal)) return DataType::Make(TypeId::kUInt64);
      int64_t v = std::get<int64_t>(e.literal);
      if (v >= 0) {
        if (v <= UINT8_MAX) return DataType::Make(TypeId::kUInt8);
        if (v <= UINT16_MAX) return DataType::Make(TypeId::kUInt16);
        if (v <= UINT32_MAX) return DataType::Make(TypeId::kUInt32);
        return DataType::Make(TypeId::kUInt64);
      }
      if (v >= INT8_MIN) return DataType::Make(TypeId::kInt8);
      if (v >= INT16_MIN) return DataType::Make(TypeId::kInt16);
      if (v >= INT32_MIN) return DataType::Make(TypeId::kInt32);
      return DataType::Make(TypeId::kInt64);
    }
  }
  return DataType::Make(TypeId::kUInt8);
}

// toDateTime(x), toDate(x), toString(x), toInt32(x) ... as casts.
DataTypePtr ConversionTarget(const std::string& fn, const std::vector<const Expr*>& args) {
  static const std::map<std::string, std::string> kSimple = {
      {"toDate", "Date"},     {"toString", "String"}, {"toInt8", "Int8"},       {"toInt16", "Int16"},
      {"toInt32", "Int32"},   {"toInt64", "Int64"},   {"toUInt8", "UInt8"},     {"toUInt16", "UInt16"},
      {"toUInt32", "UInt32"}, {"toUInt64", "UInt64"}, {"toFloat32", "Float32"}, {"toFloat64", "Float64"},
  };
  if (auto it = kSimple.find(fn); it != kSimple.end()) return *ParseDataType(it->second);
  if (fn == "toDateTime") {
    std::string tz;
    if (args.size() == 2 && args[1]->kind == ExprKind::kLiteral &&
        args[1]->literal_type == Expr::LiteralType::kString)
      tz = std::get<std::string>(args[1]->literal);
    return DataType::DateTime(tz);
  }
  if (fn == "toDateTime64" && args.size() >= 2 && args[1]->kind == ExprKind::kLiteral &&
      args[1]->literal_type == Expr::LiteralType::kInteger) {
    std::string tz;
    if (args.size() == 3 && args[2]->kind == ExprKind::kLiteral &&
        args[2]->literal_type == Expr::LiteralType::kString)
      tz = std::get<std::string>(args[2]->literal);
    return DataType::DateTime64(static_cast<int>(std::get<int64_t>(args[1]->literal)), tz);
  }
  return nullptr;
}

bool IsComparison(std::string_view fn) {
  return fn == "equals" || fn == "notEquals" || fn == "less" || fn == "lessOrEquals" || fn == "greater" ||
         fn == "greaterOrEquals";
}

class Binder {
 public:
  Binder(const Catalog& catalog, const BindOptions& options) : catalog_(catalog), options_(options) {}

  exec::SelectPlan Bind(const SelectQuery& q, exec::ExecOptions* exec_options) {
    if (!q.union_all.empty()) Throw(ErrorCode::kNotSupported, q.pos, "UNION ALL is not supported yet");
    if (!q.ctes.empty())
      Throw(ErrorCode::kNotSupported, q.pos, "WITH name AS (SELECT ...) is not supported yet");
    if (!q.joins.empty()) Throw(ErrorCode::kNotSupported, q.pos, "JOIN is not supported yet");
    if (!q.limit_by.empty()) Throw(ErrorCode::kNotSupported, q.pos, "LIMIT BY is not supported yet");
    exec::SelectPlan plan;
    if (q.from) {
      if (q.from->subquery)
        Throw(ErrorCode::kNotSupported, q.from->pos, "subqueries in FROM are not supported yet");
      if (!q.from->database.empty() && q.from->database != "default" && q.from->database != "system")
        Throw(ErrorCode::kNotFound, q.from->pos,
              fmt::format("database '{}' does not exist", q.from->database));
      auto table = catalog_.GetTable(q.from->table);
      if (!table.ok()) Throw(table.status().code(), q.from->pos, table.status().message());
      plan.snapshot = (*table)->Snapshot();
      table_alias_ = q.from->alias.empty() ? q.from->table : q.from->alias;
    }
    // Aliases: WITH expressions and SELECT items.
    for (const auto& e : q.with_exprs) aliases_[e->alias] = e.get();
    std::vector<ExprPtr> items;
    for (const auto& e : q.columns) {
      if (e->kind == ExprKind::kStar) {
        if (!plan.snapshot) Throw(ErrorCode::kInvalidArgument, e->pos, "SELECT * needs a FROM clause");
        for (const auto& c : plan.snapshot->schema().columns) {
          auto col = std::make_shared<Expr>();
          col->kind = ExprKind::kColumn;
          col->name = {c.name};
          col->pos = e->pos;
          items.push_back(col);
        }
        continue;
      }
      items.push_back(e);
      if (!e->alias.empty()) aliases_[e->alias] = e.get();
    }
    plan_ = &plan;

    // WHERE (no aggregates allowed).
    if (q.where) {
      if (HasAggregate(*q.where))
        Throw(ErrorCode::kInvalidArgument, q.where->pos, "aggregate functions are not allowed in WHERE");
      plan.where = BindScan(*q.where);
      ExtractPushdown(*plan.where, &plan.pushdown);
    }
    bool aggregate = !q.group_by.empty() || q.having;
    for (const auto& e : items) aggregate = aggregate || HasAggregate(*e);
    for (const auto& o : q.order_by) aggregate = aggregate || HasAggregate(*o.expr);
    plan.aggregate = aggregate;
    if (aggregate) {
      for (const auto& g : q.group_by) {
        const Expr* key = Positional(*g, items, "GROUP BY");
        if (HasAggregate(*key))
          Throw(ErrorCode::kInvalidArgument, g->pos, "aggregate functions are not allowed in GROUP BY");
        key_texts_.push_back(Resolve(*key)->ToString());
        plan.group_keys.push_back(BindScan(*key));
      }
      stage2_ = true;
    }
    for (const auto& e : items) {
      plan.outputs.push_back(BindStage2(*e));
      plan.output_names.push_back(e->alias.empty() ? e->ToString() : e->alias);
    }
    if (q.having) plan.having = BindStage2(*q.having);
    for (const auto& o : q.order_by) {
      const Expr* key = Positional(*o.expr, items, "ORDER BY");
      plan.order_by.push_back({BindStage2(*key), o.descending, o.nulls_first.value_or(false)});
    }
    plan.distinct = q.distinct;
    if (q.limit) plan.limit = ConstantCount(*q.limit, "LIMIT");
    if (q.offset) plan.offset = ConstantCount(*q.offset, "OFFSET");
    for (const auto& s : q.settings) {
      if (s.name == "max_threads") {
        exec_options->threads = static_cast<unsigned>(ConstantCount(*s.value, "max_threads"));
      } else {
        Throw(ErrorCode::kNotSupported, s.value->pos,
              fmt::format("setting '{}' is not supported yet", s.name));
      }
    }
    return plan;
  }

 private:
  uint64_t ConstantCount(const Expr& e, const char* what) {
    BoundExprPtr b = BindScan(e);
    if (!b->IsConstant() || !b->type->Base().IsInteger() || IsNull(b->constant))
      Throw(ErrorCode::kInvalidArgument, e.pos,
            fmt::format("{} takes a constant non-negative integer", what));
    if (auto* i = std::get_if<int64_t>(&b->constant)) {
      if (*i < 0)
        Throw(ErrorCode::kInvalidArgument, e.pos,
              fmt::format("{} takes a constant non-negative integer", what));
      return static_cast<uint64_t>(*i);
    }
    return std::get<uint64_t>(b->constant);
  }

  // GROUP BY 2 / ORDER BY 1: the n-th SELECT item.
  const Expr* Positional(const Expr& e, const std::vector<ExprPtr>& items, const char* clause) {
    if (e.kind == ExprKind::kLiteral && e.literal_type == Expr::LiteralType::kInteger) {
      int64_t n = std::holds_alternative<int64_t>(e.literal) ? std::get<int64_t>(e.literal) : 0;
      if (n < 1 || n > static_cast<int64_t>(items.size()))
        Throw(ErrorCode::kInvalidArgument, e.pos,
              fmt::format("{} position {} is out of range: the SELECT list has {} items", clause, n,
                          items.size()));
      return items[n - 1].get();
    }
    return &e;
  }

  // While an alias is being expanded, a reference to the same name inside it means the table's column
  // (SELECT a + 1 AS a): each alias is expanded at most once on any path, so aliases never recurse.
  struct Expansion {
    Binder* binder = nullptr;
    std::string name;
    ~Expansion() {
      if (binder) binder->expanding_.erase(name);
    }
  };

  // Marks the alias of `e` (if any) as being expanded while `guard` lives: binding `id + 1 AS id` must
  // read the column `id` inside, whether the item is reached through its alias or directly.
  void MarkOwnAlias(const Expr& e, Expansion* guard) {
    if (e.alias.empty() || expanding_.count(e.alias) || guard->binder) return;
    expanding_.insert(e.alias);
    guard->binder = this;
    guard->name = e.alias;
  }

  // A column reference that names an alias becomes the aliased expression (marked as being expanded
  // for as long as `guard` lives).
  const Expr* Resolve(const Expr& e, Expansion* guard = nullptr) {
    if (e.kind == ExprKind::kColumn && e.name.size() == 1 && !expanding_.count(e.name[0])) {
      auto it = aliases_.find(e.name[0]);
      if (it != aliases_.end() && it->second != &e &&
          !(it->second->kind == ExprKind::kColumn && it->second->name == e.name)) {
        if (guard) {
          expanding_.insert(e.name[0]);
          guard->binder = this;
          guard->name = e.name[0];
        }
        return it->second;
      }
    }
    return &e;
  }

  bool HasAggregate(const Expr& e) {
    Expansion guard, own;
    const Expr* r = Resolve(e, &guard);
    MarkOwnAlias(*r, &own);
    if (r->kind == ExprKind::kFunction) {
      if (exec::IsAggregateName(r->function) || !r->params.empty()) return true;
      for (const auto& a : r->args)
        if (HasAggregate(*a)) return true;
    }
    if (r->kind == ExprKind::kCast) return HasAggregate(*r->args[0]);
    return false;
  }

  BoundExprPtr Column(const Expr& e) {
    if (!plan_->snapshot)
      Throw(ErrorCode::kNotFound, e.pos,
            fmt::format("unknown column '{}': the query has no FROM", e.ToString()));
    std::string name = e.name.back();
    if (e.name.size() == 2 && e.name[0] != table_alias_)
      Throw(ErrorCode::kNotFound, e.pos, fmt::format("unknown table '{}' in '{}'", e.name[0], e.ToString()));
    const storage::TableSchema& schema = plan_->snapshot->schema();
    const storage::ColumnDef* def = schema.Find(name);
    if (!def) {
      std::vector<std::string> names;
      for (const auto& c : schema.columns) names.push_back(c.name);
      for (const auto& [alias, expr] : aliases_) names.push_back(alias);
      Throw(ErrorCode::kNotFound, e.pos,
            fmt::format("unknown column '{}' in table '{}'{}", name, schema.name, DidYouMean(name, names)));
    }
    auto it = std::find(plan_->scan_columns.begin(), plan_->scan_columns.end(), name);
    size_t index = it - plan_->scan_columns.begin();
    if (it == plan_->scan_columns.end()) plan_->scan_columns.push_back(name);
    // Dictionary-encoded parts return LowCardinality(String) for String columns too; the kernels treat
    // both alike, so the declared type is what the plan promises.
    return BoundExpr::Input(index, def->type, e.ToString());
  }

  BoundExprPtr Fold(std::shared_ptr<BoundExpr> e) {
    for (const auto& a : e->args)
      if (!a->IsConstant()) return e;
    Chunk empty;
    empty.num_rows = 1;
    function::FunctionContext ctx{options_.now_ms};
    function::Datum d = exec::Evaluate(*e, empty, ctx);
    return BoundExpr::Constant(d.column->ValueAt(0), e->type, e->text);
  }

  BoundExprPtr Cast(BoundExprPtr arg, DataTypePtr to, std::string text) {
    if (to->Base().IsTime() || arg->type->IsNullable()) {
      if (arg->type->IsNullable() && !to->IsNullable()) to = DataType::Nullable(to);
    }
    auto e = std::make_shared<BoundExpr>();
    e->kind = BoundExpr::Kind::kCast;
    e->type = std::move(to);
    e->args = {std::move(arg)};
    e->text = std::move(text);
    return Fold(e);
  }

  // A string constant compared with a time becomes a time of the other side's type; a time constant of
  // another unit is converted to the other side's type when that is exact, so the comparison runs on the
  // column's stored values without rescaling them.
  void CoerceComparison(std::vector<BoundExprPtr>& args) {
    for (int side = 0; side < 2; ++side) {
      const BoundExprPtr& c = args[side];
      const BoundExprPtr& other = args[1 - side];
      if (!c->IsConstant() || other->IsConstant() || !other->type->Base().IsTime()) continue;
      DataTypePtr target = other->type->IsNullable() ? other->type->nested() : other->type;
      if (c->type->Base().id() == TypeId::kString) {
        auto v = ConvertValue(*target, c->constant);
        if (!v.ok()) throw QueryError(ErrorCode::kInvalidArgument, v.status().message());
        args[side] = BoundExpr::Constant(*v, target, c->text);
      } else if (c->type->Base().IsTime() && !IsNull(c->constant) && !c->type->Equals(*target)) {
        ColumnPtr one = exec::ConstantColumn(c->type, c->constant);
        ColumnPtr conv = exec::CastColumn(*one, target);
        if (CompareValues(exec::CastColumn(*conv, c->type)->ValueAt(0), c->constant) == 0)
          args[side] = BoundExpr::Constant(conv->ValueAt(0), target, c->text);
      }
    }
  }

  // Binds an expression over the scan chunk (no aggregates).
  BoundExprPtr BindScan(const Expr& in) {
    Expansion guard, own;
    const Expr& e = *Resolve(in, &guard);
    MarkOwnAlias(e, &own);
    switch (e.kind) {
      case ExprKind::kLiteral:
        return BoundExpr::Constant(e.literal, LiteralType(e), e.ToString());
      case ExprKind::kColumn:
        return Column(e);
      case ExprKind::kStar:
        Throw(ErrorCode::kInvalidArgument, e.pos, "* is only allowed in the SELECT list and count(*)");
      case ExprKind::kParameter:
        Throw(ErrorCode::kInvalidArgument, e.pos,
              fmt::format("query parameter {{{}:{}}} has no value", e.name[0], e.name[1]));
      case ExprKind::kSubquery:
        Throw(ErrorCode::kNotSupported, e.pos, "subqueries are not supported yet");
      case ExprKind::kLambda:
        Throw(ErrorCode::kNotSupported, e.pos, "lambda functions are not supported yet");
      case ExprKind::kCast: {
        auto type = ParseDataType(e.type_name);
        if (!type.ok()) Throw(ErrorCode::kInvalidArgument, e.pos, type.status().message());
        return Cast(BindScan(*e.args[0]), *type, e.ToString());
      }
      case ExprKind::kFunction:
        break;
    }
    if (exec::IsAggregateName(e.function))
      Throw(ErrorCode::kInvalidArgument, e.pos,
            fmt::format("aggregate function {} is not allowed here", e.function));
    std::vector<const Expr*> raw;
    for (const auto& a : e.args) raw.push_back(a.get());
    if (DataTypePtr target = ConversionTarget(e.function, raw)) {
      if (e.args.empty())
        Throw(ErrorCode::kInvalidArgument, e.pos, fmt::format("{} takes an argument", e.function));
      return Cast(BindScan(*e.args[0]), target, e.ToString());
    }
    if (e.function == "in" || e.function == "notIn") return BindIn(e);
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) args.push_back(BindScan(*a));
    return Call(e, std::move(args));
  }

  // NULL literals among the elements of array(...) take the type of the other elements, so that
  // [1, NULL] is an Array(Nullable(UInt8)) and ['a', NULL] an Array(Nullable(String)).
  void CoerceNullElements(std::vector<BoundExprPtr>& args) {
    auto is_null = [](const BoundExprPtr& a) { return a->IsConstant() && IsNull(a->constant); };
    const BoundExpr* typed = nullptr;
    for (const auto& a : args)
      if (!is_null(a)) typed = typed ? typed : a.get();
    if (!typed) return;
    DataTypePtr t = typed->type;
    while (t->id() == TypeId::kNullable || t->id() == TypeId::kLowCardinality) t = t->nested();
    if (t->IsArray()) return;
    for (auto& a : args)
      if (is_null(a)) a = BoundExpr::Constant(std::monostate{}, DataType::Nullable(t), a->text);
  }

  BoundExprPtr Call(const Expr& e, std::vector<BoundExprPtr> args) {
    if (IsComparison(e.function) && args.size() == 2) CoerceComparison(args);
    if (e.function == "array") CoerceNullElements(args);
    std::vector<DataTypePtr> types;
    for (const auto& a : args) types.push_back(a->type);
    auto bound = function::FunctionRegistry::Default().BindScalar(e.function, types);
    if (!bound.ok()) Throw(bound.status().code(), e.pos, bound.status().message());
    auto out = std::make_shared<BoundExpr>();
    out->kind = BoundExpr::Kind::kFunction;
    out->type = bound->result_type;
    out->function = std::move(*bound);
    out->args = std::move(args);
    out->text = e.ToString();
    return Fold(out);
  }

  // x IN (a, b, c) -> or(equals(x, a), ...); NOT IN -> and(notEquals(...)).
  BoundExprPtr BindIn(const Expr& e) {
    if (e.args.size() != 2)
      Throw(ErrorCode::kInvalidArgument, e.pos,
            fmt::format("{} takes 2 arguments, got {}", e.function, e.args.size()));
    const Expr& list = *e.args[1];
    if (list.kind == ExprKind::kSubquery)
      Throw(ErrorCode::kNotSupported, list.pos, "IN (subquery) is not supported yet");
    std::vector<const Expr*> items;
    if (list.kind == ExprKind::kFunction && list.function == "tuple") {
      for (const auto& a : list.args) items.push_back(a.get());
    } else {
      items.push_back(&list);
    }
    if (items.empty()) Throw(ErrorCode::kInvalidArgument, list.pos, "IN needs at least one value");
    const bool negated = e.function == "notIn";
    BoundExprPtr lhs = BindScan(*e.args[0]);
    std::vector<BoundExprPtr> terms;
    Expr cmp;
    cmp.kind = ExprKind::kFunction;
    cmp.function = negated ? "notEquals" : "equals";
    cmp.pos = e.pos;
    for (const Expr* item : items) terms.push_back(Call(cmp, {lhs, BindScan(*item)}));
    if (terms.size() == 1) return terms[0];
    Expr combine;
    combine.kind = ExprKind::kFunction;
    combine.function = negated ? "and" : "or";
    combine.pos = e.pos;
    BoundExprPtr out = Call(combine, terms);
    std::const_pointer_cast<BoundExpr>(out)->text = e.ToString();
    in_lists_[out.get()] = {lhs, terms};
    return out;
  }

  // Binds an expression over the stage-2 chunk: group keys and aggregate results are its inputs.
  BoundExprPtr BindStage2(const Expr& in) {
    if (!stage2_) return BindScan(in);
    Expansion guard, own;
    const Expr& e = *Resolve(in, &guard);
    MarkOwnAlias(e, &own);
    std::string text = e.ToString();
    for (size_t k = 0; k < key_texts_.size(); ++k)
      if (key_texts_[k] == text) return BoundExpr::Input(k, plan_->group_keys[k]->type, text);
    switch (e.kind) {
      case ExprKind::kLiteral:
        return BoundExpr::Constant(e.literal, LiteralType(e), text);
      case ExprKind::kColumn:
        Column(e);  // unknown-name errors first
        Throw(ErrorCode::kInvalidArgument, e.pos,
              fmt::format("column '{}' is neither in GROUP BY nor inside an aggregate function", text));
      case ExprKind::kCast: {
        auto type = ParseDataType(e.type_name);
        if (!type.ok()) Throw(ErrorCode::kInvalidArgument, e.pos, type.status().message());
        return Cast(BindStage2(*e.args[0]), *type, text);
      }
      case ExprKind::kFunction:
        break;
      default:
        return BindScan(e);
    }
    if (exec::IsAggregateName(e.function) || !e.params.empty()) {
      for (size_t a = 0; a < agg_texts_.size(); ++a)
        if (agg_texts_[a] == text)
          return BoundExpr::Input(plan_->group_keys.size() + a, plan_->aggregates[a].result_type, text);
      std::vector<BoundExprPtr> args;
      for (const auto& a : e.args) {
        if (HasAggregate(*a))
          Throw(ErrorCode::kInvalidArgument, a->pos, "aggregate functions cannot be nested");
        args.push_back(BindScan(*a));
      }
      std::vector<Value> params;
      for (const auto& p : e.params) {
        BoundExprPtr b = BindScan(*p);
        if (!b->IsConstant())
          Throw(ErrorCode::kInvalidArgument, p->pos,
                fmt::format("the parameters of {} must be constants, got {}", e.function, p->ToString()));
        params.push_back(b->constant);
      }
      auto call = exec::BindAggregate(e.function, std::move(args), e.distinct, params);
      if (!call.ok()) Throw(call.status().code(), e.pos, call.status().message());
      call->text = text;
      plan_->aggregates.push_back(std::move(*call));
      agg_texts_.push_back(text);
      return BoundExpr::Input(plan_->group_keys.size() + plan_->aggregates.size() - 1,
                              plan_->aggregates.back().result_type, text);
    }
    std::vector<const Expr*> raw;
    for (const auto& a : e.args) raw.push_back(a.get());
    if (DataTypePtr target = ConversionTarget(e.function, raw))
      return Cast(BindStage2(*e.args[0]), target, text);
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) args.push_back(BindStage2(*a));
    return Call(e, std::move(args));
  }

  // Conjuncts `column op constant` / `column IN (constants)` become scan ranges.
  void ExtractPushdown(const BoundExpr& where, storage::ScanPredicate* out) {
    if (where.kind == BoundExpr::Kind::kFunction && where.function.name == "and") {
      for (const auto& a : where.args) ExtractPushdown(*a, out);
      return;
    }
    if (auto it = in_lists_.find(&where); it != in_lists_.end() && where.function.name == "or") {
      const auto& [lhs, terms] = it->second;
      if (lhs->kind != BoundExpr::Kind::kInput) return;
      storage::ColumnRange r;
      r.column = plan_->scan_columns[lhs->input];
      for (const auto& t : terms) {
        if (t->kind != BoundExpr::Kind::kFunction || !t->args[1]->IsConstant()) return;
        auto v = StoredConstant(*t->args[1], lhs->type);
        if (!v) return;
        r.in_values.push_back(*v);
      }
      out->ranges.push_back(std::move(r));
      return;
    }
    if (where.kind != BoundExpr::Kind::kFunction || !IsComparison(where.function.name) ||
        where.args.size() != 2)
      return;
    std::string op = where.function.name;
    const BoundExpr* col = where.args[0].get();
    const BoundExpr* k = where.args[1].get();
    if (col->kind != BoundExpr::Kind::kInput) {
      std::swap(col, k);
      // Mirror the operator: 5 < x is x > 5.
      if (op == "less")
        op = "greater";
      else if (op == "greater")
        op = "less";
      else if (op == "lessOrEquals")
        op = "greaterOrEquals";
      else if (op == "greaterOrEquals")
        op = "lessOrEquals";
    }
    if (col->kind != BoundExpr::Kind::kInput || !k->IsConstant() || op == "notEquals") return;
    auto v = StoredConstant(*k, col->type);
    if (!v) return;
    storage::ColumnRange r;
    r.column = plan_->scan_columns[col->input];
    if (op == "equals") {
      r.in_values.push_back(*v);
    } else if (op == "less" || op == "lessOrEquals") {
      r.upper = *v;
      r.upper_inclusive = op == "lessOrEquals";
    } else {
      r.lower = *v;
      r.lower_inclusive = op == "greaterOrEquals";
    }
    out->ranges.push_back(std::move(r));
  }

  // The constant in the column's stored representation, when that conversion is exact.
  std::optional<Value> StoredConstant(const BoundExpr& k, const DataTypePtr& column_type) {
    if (IsNull(k.constant)) return std::nullopt;
    const DataType& cb = column_type->Base();
    const DataType& kb = k.type->Base();
    if (cb.id() == TypeId::kString) {
      if (kb.id() != TypeId::kString) return std::nullopt;
      return k.constant;
    }
    if (cb.IsTime() != kb.IsTime()) return std::nullopt;
    if (cb.IsTime()) {
      // Rescale to the column's unit; only exact conversions prune (a finer constant is not rounded).
      ColumnPtr one = exec::ConstantColumn(k.type, k.constant);
      DataTypePtr target = column_type->IsNullable() ? column_type->nested() : column_type;
      ColumnPtr conv = exec::CastColumn(*one, target);
      ColumnPtr back = exec::CastColumn(*conv, k.type);
      if (CompareValues(back->ValueAt(0), k.constant) != 0) return std::nullopt;
      return conv->ValueAt(0);
    }
    if (cb.IsFloat() || kb.IsFloat()) {
      if (cb.IsFloat()) return k.constant;  // CompareValues compares numbers across kinds exactly enough
      return std::nullopt;
    }
    return k.constant;
  }

  const Catalog& catalog_;
  const BindOptions& options_;
  exec::SelectPlan* plan_ = nullptr;
  std::string table_alias_;
  std::map<std::string, const Expr*> aliases_;
  std::set<std::string> expanding_;
  bool stage2_ = false;
  std::vector<std::string> key_texts_;
  std::vector<std::string> agg_texts_;
  std::map<const BoundExpr*, std::pair<BoundExprPtr, std::vector<BoundExprPtr>>> in_lists_;
};

}  // namespace

Result<exec::SelectPlan> BindSelect(const SelectQuery& query, const Catalog& catalog,
                                    const BindOptions& options, exec::ExecOptions* exec_options) {
  try {
    Binder b(catalog, options);
    return b.Bind(query, exec_options);
  } catch (const QueryError& e) {
    return Status(e.code, e.message);
  }
}

}  // namespace aurora::sql
