#include "sql/binder/binder.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/check.h"
#include "common/query_error.h"
#include "common/strings.h"
#include "exec/aggregate.h"
#include "exec/join.h"
#include "types/supertype.h"
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

// The type without its Nullable and LowCardinality wrappers.
DataTypePtr BaseType(DataTypePtr t) {
  while (t->id() == TypeId::kNullable || t->id() == TypeId::kLowCardinality) t = t->nested();
  return t;
}

bool IsComparison(std::string_view fn) {
  return fn == "equals" || fn == "notEquals" || fn == "less" || fn == "lessOrEquals" || fn == "greater" ||
         fn == "greaterOrEquals";
}

using CteMap = std::map<std::string, SelectPtr>;

// The type that can hold values of both `a` and `b`, or null when there is none.
DataTypePtr CommonType(const DataTypePtr& a, const DataTypePtr& b) {
  return LeastSupertype({a, b});
}

// Where a SELECT reads from: a table, a subquery or a CTE, with its columns.
struct Source {
  std::string name;   // table or CTE name; empty for a subquery
  std::string alias;  // AS alias
  std::vector<std::string> columns;
  std::vector<DataTypePtr> types;
  std::shared_ptr<const storage::TableSnapshot> snapshot;  // a table, or
  exec::QueryPlanPtr query;                                // a subquery / CTE, or
  std::shared_ptr<const std::vector<Chunk>> values;        // a system table's rows
  bool nullable = false;         // the right side of a LEFT JOIN with join_use_nulls
  std::set<std::string> hidden;  // USING columns of a right side: SELECT * shows the left one only
  bool Matches(const std::string& q) const { return q == alias || (!name.empty() && q == name); }
  std::string Display() const { return !alias.empty() ? alias : !name.empty() ? name : "(subquery)"; }
  int IndexOf(const std::string& column) const {
    for (size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == column) return static_cast<int>(i);
    return -1;
  }
};

exec::QueryPlan BindQueryPlan(const SelectQuery& q, const Catalog& catalog, const BindOptions& options,
                              exec::ExecOptions* exec_options, const CteMap& outer);

class Binder {
 public:
  Binder(const Catalog& catalog, const BindOptions& options, exec::ExecOptions* exec_options, CteMap ctes)
      : catalog_(catalog),
        options_(options),
        exec_options_(exec_options),
        ctes_(std::move(ctes)),
        join_use_nulls_(exec_options->query->settings.join_use_nulls) {}

  exec::SelectPlan Bind(const SelectQuery& q) {
    exec::SelectPlan plan;
    plan_ = &plan;
    for (const auto& s : q.settings) ApplySetting(s);
    // Sources: FROM, then each joined table.
    if (q.from) sources_.push_back(MakeSource(*q.from));
    for (const auto& j : q.joins) {
      Source s = MakeSource(j.right);
      s.nullable = j.kind == Join::Kind::kLeft && join_use_nulls_;
      for (const auto& u : j.using_columns) s.hidden.insert(u);
      sources_.push_back(std::move(s));
    }
    visible_ = sources_.size();
    // Aliases: WITH expressions and SELECT items.
    for (const auto& e : q.with_exprs) aliases_[e->alias] = e.get();
    std::vector<ExprPtr> items;
    for (const auto& e : q.columns) {
      if (e->kind == ExprKind::kStar) {
        ExpandStar(*e, &items);
        continue;
      }
      items.push_back(e);
      if (!e->alias.empty()) aliases_[e->alias] = e.get();
    }

    // Conjuncts over one source alone run on that source's rows before the joins: in the scan of the
    // FROM source, or in the build side of a joined one. The rest run on the joined rows.
    source_filters_.assign(std::max<size_t>(1, sources_.size()), {});
    query_pos_ = q.pos;

    // JOIN ... ON / USING: equality keys between the two sides; the other ON conditions (see BindJoin).
    std::vector<BoundExprPtr> post_filters;
    for (size_t j = 0; j < q.joins.size(); ++j) BindJoin(q.joins[j], j + 1, &post_filters);

    // WHERE (no aggregates allowed). A conjunct over the FROM source alone (or none) runs before the
    // joins; one over the right side of an INNER JOIN alone runs in that side's plan (for a LEFT JOIN it
    // must see the rows the join extends with defaults, so it stays after the join).
    if (q.where) {
      if (HasAggregate(*q.where))
        Throw(ErrorCode::kInvalidArgument, q.where->pos, "aggregate functions are not allowed in WHERE");
      BoundExprPtr where = Condition(BindScan(*q.where), "WHERE", q.where->pos);
      std::vector<BoundExprPtr> conjuncts;
      Conjuncts(where, &conjuncts);
      for (const auto& c : conjuncts) {
        std::set<size_t> refs = SourcesOf(*c);
        const size_t s = refs.empty() ? 0 : *refs.begin();
        if (refs.size() <= 1 && (s == 0 || q.joins[s - 1].kind == Join::Kind::kInner))
          source_filters_[s].push_back(c);
        else
          post_filters.push_back(c);
      }
    }
    if (!post_filters.empty()) plan.join_filter = And(post_filters, q.pos);

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
    if (q.having) plan.having = Condition(BindStage2(*q.having), "HAVING", q.having->pos);
    for (const auto& o : q.order_by) {
      const Expr* key = Positional(*o.expr, items, "ORDER BY");
      plan.order_by.push_back({BindStage2(*key), o.descending, o.nulls_first.value_or(false)});
    }
    plan.distinct = q.distinct;
    if (!q.limit_by.empty()) {
      for (const auto& e : q.limit_by) plan.limit_by.push_back(BindStage2(*e));
      plan.limit_by_limit = ConstantCount(*q.limit_by_limit, "LIMIT BY");
      if (q.limit_by_offset) plan.limit_by_offset = ConstantCount(*q.limit_by_offset, "LIMIT BY OFFSET");
    }
    if (q.limit) plan.limit = ConstantCount(*q.limit, "LIMIT");
    if (q.offset) plan.offset = ConstantCount(*q.offset, "OFFSET");
    Finalize();
    return plan;
  }

 private:
  // SETTINGS name = constant: into the query's settings, which subqueries bound after it see too.
  void ApplySetting(const Setting& s) {
    BoundExprPtr b = BindScan(*s.value);
    if (!b->IsConstant())
      Throw(ErrorCode::kInvalidArgument, s.value->pos, fmt::format("setting '{}' takes a constant", s.name));
    exec::QuerySettings& settings = exec_options_->query->settings;
    Status st = settings.Set(s.name, b->constant);
    if (!st.ok()) Throw(st.code(), s.value->pos, st.message());
    exec_options_->threads = static_cast<unsigned>(settings.max_threads);
    join_use_nulls_ = settings.join_use_nulls;
  }

  Source MakeSource(const TableRef& ref) {
    Source s;
    s.alias = ref.alias;
    const SelectQuery* sub = ref.subquery.get();
    CteMap child_ctes = ctes_;
    if (!sub && ref.database.empty()) {
      if (auto it = ctes_.find(ref.table); it != ctes_.end()) {
        sub = it->second.get();
        s.name = ref.table;
        child_ctes.erase(ref.table);  // inside its own definition, the name means the table
      }
    }
    if (sub) {
      auto plan = std::make_shared<exec::QueryPlan>(
          BindQueryPlan(*sub, catalog_, options_, exec_options_, child_ctes));
      s.columns = plan->names();
      for (const auto& o : plan->selects.front().outputs) s.types.push_back(o->type);
      s.query = std::move(plan);
      return s;
    }
    if (ref.database == "system") {
      if (!options_.system_table)
        Throw(ErrorCode::kNotFound, ref.pos, fmt::format("table 'system.{}' does not exist", ref.table));
      auto rs = options_.system_table(ref.table);
      if (!rs.ok()) Throw(rs.status().code(), ref.pos, rs.status().message());
      s.name = ref.table;
      s.columns = rs->names;
      s.types = rs->types;
      s.values = std::make_shared<const std::vector<Chunk>>(std::move(rs->chunks));
      return s;
    }
    if (!ref.database.empty() && ref.database != "default")
      Throw(ErrorCode::kNotFound, ref.pos, fmt::format("database '{}' does not exist", ref.database));
    auto table = catalog_.GetTable(ref.table);
    if (!table.ok()) Throw(table.status().code(), ref.pos, table.status().message());
    s.name = ref.table;
    s.snapshot = (*table)->Snapshot();
    for (const auto& c : s.snapshot->schema().columns) {
      s.columns.push_back(c.name);
      s.types.push_back(c.type);
    }
    return s;
  }

  // * is every column of every source (a USING column once); t.* is the columns of t. A column whose
  // name an earlier source already has is shown qualified (t.x), as ClickHouse names it.
  void ExpandStar(const Expr& e, std::vector<ExprPtr>* items) {
    if (sources_.empty()) Throw(ErrorCode::kInvalidArgument, e.pos, "SELECT * needs a FROM clause");
    std::set<std::string> seen;
    bool matched = false;
    for (size_t s = 0; s < sources_.size(); ++s) {
      const Source& src = sources_[s];
      if (!e.name.empty() && !src.Matches(e.name[0])) continue;
      const bool qualify = s > 0 && (!src.alias.empty() || !src.name.empty());
      for (const auto& c : src.columns) {
        if (e.name.empty() && src.hidden.count(c)) continue;
        auto col = std::make_shared<Expr>();
        col->kind = ExprKind::kColumn;
        col->pos = e.pos;
        col->name = {c};
        if (qualify) {
          col->name = {src.Display(), c};
          if (!seen.count(c)) col->alias = c;
        }
        seen.insert(c);
        items->push_back(col);
        matched = true;
      }
    }
    if (!matched && !e.name.empty())
      Throw(ErrorCode::kNotFound, e.pos, fmt::format("unknown table '{}' in '{}.*'", e.name[0], e.name[0]));
  }

  // The sources an expression over the scan chunk reads.
  std::set<size_t> SourcesOf(const BoundExpr& e) const {
    std::set<size_t> out;
    std::function<void(const BoundExpr&)> walk = [&](const BoundExpr& x) {
      if (x.kind == BoundExpr::Kind::kInput) out.insert(slots_[x.input].first);
      for (const auto& a : x.args) walk(*a);
    };
    walk(e);
    return out;
  }

  BoundExprPtr And(const std::vector<BoundExprPtr>& terms, const SourcePos& pos) {
    if (terms.size() == 1) return terms[0];
    Expr e;
    e.kind = ExprKind::kFunction;
    e.function = "and";
    e.pos = pos;
    BoundExprPtr out = Call(e, terms);  // a new node
    std::string& text = std::const_pointer_cast<BoundExpr>(out)->text;
    text = "and(";
    for (size_t i = 0; i < terms.size(); ++i) text += (i ? ", " : "") + terms[i]->text;
    text += ")";
    return out;
  }

  void BindJoin(const Join& j, size_t source, std::vector<BoundExprPtr>* filters) {
    visible_ = source + 1;
    std::vector<BoundExprPtr> left_keys, right_keys;
    auto add_key = [&](BoundExprPtr l, BoundExprPtr r, const SourcePos& pos) {
      DataTypePtr lt = BaseType(l->type), rt = BaseType(r->type);
      if (!lt->Equals(*rt)) {
        DataTypePtr common = CommonType(lt, rt);
        if (!common)
          Throw(ErrorCode::kInvalidArgument, pos,
                fmt::format("JOIN keys {} ({}) and {} ({}) have no common type", l->text, l->type->Name(),
                            r->text, r->type->Name()));
        l = Cast(l, common, l->text);
        r = Cast(r, common, r->text);
      }
      left_keys.push_back(std::move(l));
      right_keys.push_back(std::move(r));
    };
    // Keys of the right side are evaluated on its own rows, before any join_use_nulls wrapping.
    const bool nullable = sources_[source].nullable;
    sources_[source].nullable = false;
    if (!j.using_columns.empty()) {
      for (const auto& name : j.using_columns) {
        Expr col;
        col.kind = ExprKind::kColumn;
        col.name = {name};
        col.pos = j.right.pos;
        visible_ = source;
        BoundExprPtr l = Column(col);
        col.name = {sources_[source].Display(), name};
        visible_ = source + 1;
        if (sources_[source].IndexOf(name) < 0)
          Throw(ErrorCode::kNotFound, j.right.pos,
                fmt::format("USING column '{}' is not in {}", name, sources_[source].Display()));
        add_key(l, Column(col), j.right.pos);
      }
    } else {
      std::vector<const Expr*> conjuncts;
      std::function<void(const Expr&)> split = [&](const Expr& e) {
        if (e.kind == ExprKind::kFunction && e.function == "and") {
          for (const auto& a : e.args) split(*a);
        } else {
          conjuncts.push_back(&e);
        }
      };
      split(*j.on);
      for (const Expr* c : conjuncts) {
        if (c->kind == ExprKind::kFunction && c->function == "equals" && c->args.size() == 2) {
          BoundExprPtr a = BindScan(*c->args[0]);
          BoundExprPtr b = BindScan(*c->args[1]);
          std::set<size_t> ra = SourcesOf(*a), rb = SourcesOf(*b);
          auto only_right = [&](const std::set<size_t>& r) { return r.size() == 1 && *r.begin() == source; };
          auto only_left = [&](const std::set<size_t>& r) { return !r.empty() && *r.rbegin() < source; };
          if (only_right(ra) && only_left(rb)) {
            std::swap(a, b);
            std::swap(ra, rb);
          }
          if (only_left(ra) && only_right(rb)) {
            add_key(a, b, c->pos);
            continue;
          }
        }
        // A condition on the joined table alone (or on none) selects the rows it joins with: it filters
        // the build side, for LEFT JOIN too. For INNER JOIN, one on the FROM source alone filters that
        // source before the joins, and any other the joined rows; for LEFT JOIN, conditions on the
        // left side would have to keep the left rows they fail, which a filter cannot.
        BoundExprPtr cond = Condition(BindScan(*c), "ON", c->pos);
        std::set<size_t> refs = SourcesOf(*cond);
        if (refs.empty() || (refs.size() == 1 && *refs.begin() == source)) {
          source_filters_[source].push_back(cond);
          continue;
        }
        if (j.kind == Join::Kind::kLeft)
          Throw(ErrorCode::kNotSupported, c->pos,
                fmt::format("LEFT JOIN ... ON takes equalities between the two sides and conditions on "
                            "the joined table, joined by AND; '{}' is not one",
                            c->ToString()));
        if (refs.size() == 1 && *refs.begin() == 0) {
          source_filters_[0].push_back(cond);
          continue;
        }
        filters->push_back(cond);
      }
      if (left_keys.empty())
        Throw(ErrorCode::kNotSupported, j.on->pos,
              "JOIN ... ON needs an equality between the two sides, such as a.id = b.id");
    }
    sources_[source].nullable = nullable;
    visible_ = sources_.size();
    pending_joins_.push_back({j.kind == Join::Kind::kLeft, std::move(left_keys), std::move(right_keys)});
  }

  // The filter a source's rows get before the joins: its conjuncts over slots, and for a table the scan
  // ranges they imply.
  struct SourceFilter {
    BoundExprPtr where;
    storage::ScanPredicate pushdown;
    std::vector<BoundExprPtr> conjuncts;  // `where` flattened, each with its pushdown range or -1
    std::vector<int> conjunct_range;
  };

  SourceFilter FilterOf(size_t s) {
    SourceFilter f;
    if (source_filters_[s].empty()) return f;
    f.where = And(source_filters_[s], query_pos_);
    if (s >= sources_.size() || !sources_[s].snapshot) return f;
    FlattenAnd(f.where, &f.conjuncts);
    for (const auto& c : f.conjuncts) {
      const size_t before = f.pushdown.ranges.size();
      ExtractPushdown(*c, s, &f.pushdown);
      f.conjunct_range.push_back(f.pushdown.ranges.size() == before + 1 ? static_cast<int>(before) : -1);
    }
    return f;
  }

  // Whether the FROM source becomes the build side of the join and the joined one is scanned instead:
  // for a single INNER JOIN of two tables whose FROM table reads fewer rows (those of the granules its
  // filter's ranges keep, and the buffered ones), so that the hash table holds the smaller side. Sides
  // whose size is not known before they run (subqueries, system tables) keep their places.
  bool Reorder(const std::vector<SourceFilter>& filters) const {
    if (!exec_options_->query->settings.join_reorder) return false;
    if (pending_joins_.size() != 1 || pending_joins_[0].left) return false;
    if (!sources_[0].snapshot || !sources_[1].snapshot) return false;
    auto rows = [&](size_t s) {
      const storage::TableSnapshot& snap = *sources_[s].snapshot;
      uint64_t n = snap.Plan(filters[s].pushdown).rows_selected;
      for (const auto& c : snap.buffer()) n += c->num_rows;
      return n;
    };
    return rows(0) < rows(1);
  }

  // Lays out the columns the query reads and rewrites every expression over the scan chunk from slots to
  // those positions. The scan chunk holds the scanned source's columns (the FROM source's, or the joined
  // table's when Reorder swaps the sides); each join adds the columns of its build side that something
  // after the join reads. A build side is a plan of its own: its keys, then those columns, filtered by
  // its source's conjuncts.
  void Finalize() {
    exec::SelectPlan& plan = *plan_;
    std::vector<SourceFilter> filters;
    for (size_t s = 0; s < source_filters_.size(); ++s) filters.push_back(FilterOf(s));
    const bool reorder = Reorder(filters);
    const size_t scanned = reorder ? 1 : 0;
    auto build_source = [&](size_t j) { return reorder ? 0 : j + 1; };
    auto build_keys = [&](size_t j) -> const std::vector<BoundExprPtr>& {
      return reorder ? pending_joins_[j].left_keys : pending_joins_[j].right_keys;
    };
    auto probe_keys = [&](size_t j) -> const std::vector<BoundExprPtr>& {
      return reorder ? pending_joins_[j].right_keys : pending_joins_[j].left_keys;
    };

    // Slots read after the scan (and its filter): by the joins' probe keys and everything after them.
    std::vector<bool> used(slots_.size(), false);
    std::function<void(const BoundExprPtr&)> mark = [&](const BoundExprPtr& e) {
      if (!e) return;
      if (e->kind == BoundExpr::Kind::kInput) used[e->input] = true;
      for (const auto& a : e->args) mark(a);
    };
    for (size_t j = 0; j < pending_joins_.size(); ++j)
      for (const auto& k : probe_keys(j)) mark(k);
    mark(plan.join_filter);
    for (const auto& k : plan.group_keys) mark(k);
    for (const auto& a : plan.aggregates)
      for (const auto& e : a.args) mark(e);
    if (!plan.aggregate) {
      for (const auto& e : plan.outputs) mark(e);
      for (const auto& k : plan.order_by) mark(k.expr);
      for (const auto& e : plan.limit_by) mark(e);
    }

    constexpr size_t kAbsent = SIZE_MAX;
    std::vector<size_t> final_pos(slots_.size(), kAbsent), local_pos(slots_.size());
    std::vector<std::vector<size_t>> by_source(sources_.size());
    for (size_t i = 0; i < slots_.size(); ++i) by_source[slots_[i].first].push_back(i);
    for (const auto& slots : by_source)
      for (size_t k = 0; k < slots.size(); ++k) local_pos[slots[k]] = k;
    size_t pos = 0;
    if (!sources_.empty())
      for (size_t slot : by_source[scanned]) final_pos[slot] = pos++;
    for (size_t j = 0; j < pending_joins_.size(); ++j)
      for (size_t slot : by_source[build_source(j)])
        if (used[slot]) final_pos[slot] = pos++;

    auto source_reads = [&](const Source& src, size_t s, exec::SelectPlan* p) {
      p->snapshot = src.snapshot;
      p->from = src.query;
      p->values = src.values;
      p->table = (src.values ? "system." : "") + src.name;
      for (size_t slot : by_source[s]) {
        size_t col = slots_[slot].second;
        if (src.snapshot)
          p->scan_columns.push_back(src.columns[col]);
        else
          p->from_columns.push_back(col);
      }
    };
    auto apply_filter = [&](size_t s, const std::vector<size_t>& map, exec::SelectPlan* p) {
      const SourceFilter& f = filters[s];
      if (!f.where) return;
      p->where = Remap(f.where, map);
      p->pushdown = f.pushdown;
      for (const auto& c : f.conjuncts) p->where_conjuncts.push_back(Remap(c, map));
      p->conjunct_range = f.conjunct_range;
    };
    if (!sources_.empty()) source_reads(sources_[scanned], scanned, &plan);
    apply_filter(scanned, final_pos, &plan);
    for (size_t j = 0; j < pending_joins_.size(); ++j) {
      const size_t s = build_source(j);
      const Source& src = sources_[s];
      exec::SelectPlan right;
      source_reads(src, s, &right);
      apply_filter(s, local_pos, &right);
      for (const auto& k : build_keys(j)) {
        right.outputs.push_back(Remap(k, local_pos));
        right.output_names.push_back(k->text);
      }
      for (size_t slot : by_source[s]) {
        if (!used[slot]) continue;
        size_t col = slots_[slot].second;
        BoundExprPtr in = BoundExpr::Input(local_pos[slot], src.types[col], src.columns[col]);
        if (src.nullable && !in->type->IsNullable()) in = Cast(in, MakeNullable(in->type), src.columns[col]);
        right.outputs.push_back(in);
        right.output_names.push_back(src.columns[col]);
      }
      exec::JoinPlan jp;
      jp.left = pending_joins_[j].left;
      jp.use_nulls = src.nullable;
      jp.reordered = reorder;
      jp.num_keys = build_keys(j).size();
      for (const auto& k : probe_keys(j)) jp.left_keys.push_back(Remap(k, final_pos));
      auto qp = std::make_shared<exec::QueryPlan>();
      qp->selects.push_back(std::move(right));
      jp.right = std::move(qp);
      plan.joins.push_back(std::move(jp));
    }
    auto remap = [&](BoundExprPtr& e) {
      if (e) e = Remap(e, final_pos);
    };
    remap(plan.join_filter);
    for (auto& k : plan.group_keys) remap(k);
    for (auto& a : plan.aggregates)
      for (auto& e : a.args) remap(e);
    if (!plan.aggregate) {
      for (auto& e : plan.outputs) remap(e);
      for (auto& k : plan.order_by) remap(k.expr);
      for (auto& e : plan.limit_by) remap(e);
    }
  }

  // `e` with each input slot s replaced by map[s].
  static BoundExprPtr Remap(const BoundExprPtr& e, const std::vector<size_t>& map) {
    if (e->kind == BoundExpr::Kind::kInput) {
      AURORA_CHECK(map[e->input] != SIZE_MAX);  // the slot is laid out where `e` is evaluated
      if (map[e->input] == e->input) return e;
      auto c = std::make_shared<BoundExpr>(*e);
      c->input = map[e->input];
      return c;
    }
    if (e->args.empty()) return e;
    std::vector<BoundExprPtr> args;
    bool changed = false;
    for (const auto& a : e->args) {
      args.push_back(Remap(a, map));
      changed = changed || args.back() != a;
    }
    if (!changed) return e;
    auto c = std::make_shared<BoundExpr>(*e);
    c->args = std::move(args);
    return c;
  }

  // The result of a scalar subquery: one column, at most one row (none gives NULL).
  BoundExprPtr ScalarSubquery(const Expr& e) {
    exec::QueryPlan child = BindQueryPlan(*e.subquery, catalog_, options_, exec_options_, ctes_);
    if (child.names().size() != 1)
      Throw(
          ErrorCode::kInvalidArgument, e.pos,
          fmt::format("a scalar subquery must return one column, this one returns {}", child.names().size()));
    auto rs = exec::ExecuteQuery(child, *exec_options_);
    if (!rs.ok()) Throw(rs.status().code(), e.pos, rs.status().message());
    size_t rows = 0;
    Value v;
    for (const auto& c : rs->chunks) {
      if (c.num_rows > 0 && rows == 0) v = c.columns[0]->ValueAt(0);
      rows += c.num_rows;
    }
    if (rows > 1)
      Throw(ErrorCode::kInvalidArgument, e.pos,
            fmt::format("a scalar subquery must return at most one row, this one returns {}", rows));
    DataTypePtr type = rs->types[0];
    if (rows == 0) {
      type = MakeNullable(type);
      v = Value{};
    }
    return BoundExpr::Constant(v, type, e.ToString());
  }

  // x IN (SELECT ...) / x IN (a long list of constants): a hash set of the values, converted to x's type.
  BoundExprPtr InSet(const Expr& e, BoundExprPtr lhs, ColumnPtr values, bool negated) {
    DataTypePtr key_type = MakeNullable(BaseType(lhs->type));
    ColumnPtr keys;
    try {
      keys = exec::CastColumn(*values, key_type);
    } catch (const QueryError& err) {
      Throw(err.code, e.pos, err.message);
    }
    auto table = std::make_shared<exec::JoinTable>();
    table->Build({keys}, keys->size());
    auto out = std::make_shared<BoundExpr>();
    out->kind = BoundExpr::Kind::kFunction;
    out->type = function::NullableIfAny(DataType::Make(TypeId::kUInt8), {lhs->type});
    out->function.name = negated ? "notIn" : "in";
    out->function.result_type = out->type;
    DataTypePtr lhs_base = BaseType(lhs->type);
    out->function.kernel = [table, negated, lhs_base, type = out->type](
                               const std::vector<function::Datum>& args, size_t rows,
                               const function::FunctionContext&) -> ColumnPtr {
      auto result = std::make_shared<aurora::Column>(type);
      result->data.resize(rows);
      function::Datum probe = args[0];
      // Keys are compared by their bytes, so the probe side must be in the set's type.
      if (!BaseType(probe.column->type())->Equals(*lhs_base))
        probe.column = exec::CastColumn(*probe.column, MakeNullable(lhs_base));
      table->Contains({probe}, rows, result->data.data());
      if (negated)
        for (size_t i = 0; i < rows; ++i) result->data[i] ^= 1;
      function::MergeNulls({args[0]}, rows, result.get());
      result->SetSizeUnsafe(rows);
      return result;
    };
    out->args = {std::move(lhs)};
    out->text = e.ToString();
    return out;
  }

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

  // A column of one of the visible sources: t.x names source t; a bare x is the first source that has
  // it (the left side of a join first, as in ClickHouse).
  BoundExprPtr Column(const Expr& e) {
    if (sources_.empty())
      Throw(ErrorCode::kNotFound, e.pos,
            fmt::format("unknown column '{}': the query has no FROM", e.ToString()));
    const std::string& name = e.name.back();
    size_t source = visible_;
    int column = -1;
    if (e.name.size() >= 2) {
      const std::string& q = e.name[e.name.size() - 2];
      for (size_t s = 0; s < visible_ && source == visible_; ++s)
        if (sources_[s].Matches(q)) source = s;
      if (source == visible_) {
        std::vector<std::string> names;
        for (size_t s = 0; s < visible_; ++s) names.push_back(sources_[s].Display());
        Throw(ErrorCode::kNotFound, e.pos,
              fmt::format("unknown table '{}' in '{}'{}", q, e.ToString(), DidYouMean(q, names)));
      }
      column = sources_[source].IndexOf(name);
    } else {
      for (size_t s = 0; s < visible_ && column < 0; ++s) {
        column = sources_[s].IndexOf(name);
        source = s;
      }
    }
    if (column < 0) {
      std::vector<std::string> names;
      for (size_t s = 0; s < visible_; ++s)
        if (e.name.size() == 1 || s == source)
          for (const auto& c : sources_[s].columns) names.push_back(c);
      for (const auto& [alias, expr] : aliases_) names.push_back(alias);
      std::string where = e.name.size() >= 2 || visible_ == 1
                              ? fmt::format("table '{}'", sources_[source].Display())
                              : "the joined tables";
      Throw(ErrorCode::kNotFound, e.pos,
            fmt::format("unknown column '{}' in {}{}", name, where, DidYouMean(name, names)));
    }
    std::pair<size_t, size_t> key{source, static_cast<size_t>(column)};
    auto it = std::find(slots_.begin(), slots_.end(), key);
    size_t slot = it - slots_.begin();
    if (it == slots_.end()) slots_.push_back(key);
    // Dictionary-encoded parts return LowCardinality(String) for String columns too; the kernels treat
    // both alike, so the declared type is what the plan promises.
    DataTypePtr type = sources_[source].types[column];
    if (sources_[source].nullable) type = MakeNullable(type);
    return BoundExpr::Input(slot, type, e.ToString());
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
        return Parameter(e);
      case ExprKind::kSubquery:
        return ScalarSubquery(e);
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

  // {name:Type}: the caller's text value of `name` (as ClickHouse's param_name), converted to Type as CAST
  // does; \N is NULL for a Nullable type.
  BoundExprPtr Parameter(const Expr& e) {
    const std::string& name = e.name[0];
    const std::string text = fmt::format("{{{}:{}}}", name, e.name[1]);
    auto it = options_.params.find(name);
    if (it == options_.params.end())
      Throw(ErrorCode::kInvalidArgument, e.pos, fmt::format("query parameter {} has no value", text));
    auto type = ParseDataType(e.name[1]);
    if (!type.ok())
      Throw(ErrorCode::kInvalidArgument, e.pos,
            fmt::format("query parameter {}: {}", text, type.status().message()));
    if (it->second == "\\N" && (*type)->IsNullable()) return BoundExpr::Constant(Value{}, *type, text);
    auto str = std::make_shared<aurora::Column>(DataType::Make(TypeId::kString));
    str->AppendString(it->second);
    try {
      ColumnPtr v = exec::CastColumn(*str, *type);
      return BoundExpr::Constant(v->ValueAt(0), *type, text);
    } catch (const QueryError& err) {
      Throw(ErrorCode::kInvalidArgument, e.pos, fmt::format("query parameter {}: {}", text, err.message));
    }
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

  // A NULL constant among the arguments of a function with ClickHouse's default NULL handling makes the
  // result NULL whatever the other arguments are. The NULL literal's type (Nullable(UInt8)) may not fit
  // beside them (`s = NULL` with a String s): then the call is bound with the NULL taking the type of the
  // first other argument, and becomes a NULL constant of the Nullable result type. Null when that does not
  // bind either (or the function treats NULL specially).
  BoundExprPtr NullCall(const Expr& e, const std::vector<BoundExprPtr>& args) {
    static const std::set<std::string> kSpecial = {"isNull", "isNotNull", "coalesce",   "ifNull", "nullIf",
                                                   "if",     "multiIf",   "toTypeName", "array",  "tuple",
                                                   "and",    "or",        "xor",        "not"};
    if (kSpecial.count(e.function)) return nullptr;
    auto is_null = [](const BoundExpr& a) { return a.IsConstant() && IsNull(a.constant); };
    DataTypePtr other;
    bool any_null = false;
    for (const auto& a : args) {
      if (is_null(*a))
        any_null = true;
      else if (!other)
        other = a->type;
    }
    if (!any_null || !other) return nullptr;
    std::vector<DataTypePtr> types;
    for (const auto& a : args) types.push_back(is_null(*a) ? MakeNullable(BaseType(other)) : a->type);
    auto bound = function::FunctionRegistry::Default().BindScalar(e.function, types);
    if (!bound.ok()) return nullptr;
    return BoundExpr::Constant(Value{}, MakeNullable(bound->result_type), e.ToString());
  }

  BoundExprPtr Call(const Expr& e, std::vector<BoundExprPtr> args) {
    if (IsComparison(e.function) && args.size() == 2) CoerceComparison(args);
    if (e.function == "array") CoerceNullElements(args);
    std::vector<DataTypePtr> types;
    for (const auto& a : args) types.push_back(a->type);
    auto bound = function::FunctionRegistry::Default().BindScalar(e.function, types);
    if (!bound.ok()) {
      if (BoundExprPtr null = NullCall(e, args)) return null;
      Throw(bound.status().code(), e.pos, bound.status().message());
    }
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
    const bool negated = e.function == "notIn";
    if (list.kind == ExprKind::kSubquery) {
      BoundExprPtr lhs = BindScan(*e.args[0]);
      exec::QueryPlan child = BindQueryPlan(*list.subquery, catalog_, options_, exec_options_, ctes_);
      if (child.names().size() != 1)
        Throw(ErrorCode::kNotSupported, list.pos,
              fmt::format("IN (subquery) takes a subquery of one column, this one returns {}",
                          child.names().size()));
      auto rs = exec::ExecuteQuery(child, *exec_options_);
      if (!rs.ok()) Throw(rs.status().code(), list.pos, rs.status().message());
      auto values = std::make_shared<aurora::Column>(rs->types[0]);
      for (const auto& c : rs->chunks) values->AppendRange(*c.columns[0], 0, c.num_rows);
      return InSet(e, lhs, values, negated);
    }
    std::vector<const Expr*> items;
    if (list.kind == ExprKind::kFunction && list.function == "tuple") {
      for (const auto& a : list.args) items.push_back(a.get());
    } else {
      items.push_back(&list);
    }
    if (items.empty()) Throw(ErrorCode::kInvalidArgument, list.pos, "IN needs at least one value");
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

  // The AND-ed conjuncts of `e`; x NOT IN (...) stays one conjunct.
  void Conjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) const {
    if (e->kind == BoundExpr::Kind::kFunction && e->function.name == "and" && !in_lists_.count(e.get())) {
      for (const auto& a : e->args) Conjuncts(a, out);
      return;
    }
    out->push_back(e);
  }

  // Conjuncts `column op constant` / `column IN (constants)` become scan ranges.
  // A filter condition must be an integer or Bool (NULL counts as false), as ClickHouse's filters are.
  static BoundExprPtr Condition(BoundExprPtr e, const char* clause, const SourcePos& pos) {
    const DataType& b = e->type->Base();
    if (!b.IsInteger() && b.id() != TypeId::kBool)
      Throw(ErrorCode::kInvalidArgument, pos,
            fmt::format("{} needs a condition (UInt8, Bool or another integer), not {} '{}'", clause,
                        e->type->Name(), e->text));
    return e;
  }

  static void FlattenAnd(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
    if (e->kind == BoundExpr::Kind::kFunction && e->function.name == "and") {
      for (const auto& a : e->args) FlattenAnd(a, out);
      return;
    }
    out->push_back(e);
  }

  // The ranges conjuncts of `where` restrict the columns of table `source` to; each comes from one
  // conjunct and is exactly equivalent to it for non-NULL values.
  void ExtractPushdown(const BoundExpr& where, size_t source, storage::ScanPredicate* out) {
    if (where.kind == BoundExpr::Kind::kFunction && where.function.name == "and") {
      for (const auto& a : where.args) ExtractPushdown(*a, source, out);
      return;
    }
    if (auto it = in_lists_.find(&where); it != in_lists_.end() && where.function.name == "or") {
      const auto& [lhs, terms] = it->second;
      if (lhs->kind != BoundExpr::Kind::kInput) return;
      storage::ColumnRange r;
      if (!PushdownColumn(lhs->input, source, &r.column)) return;
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
    if (!PushdownColumn(col->input, source, &r.column)) return;
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

  // The name of the table column in `slot`, when it belongs to the table `source` (whose scan prunes).
  bool PushdownColumn(size_t slot, size_t source, std::string* name) const {
    if (slots_[slot].first != source || !sources_[source].snapshot) return false;
    *name = sources_[source].columns[slots_[slot].second];
    return true;
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

  struct PendingJoin {
    bool left = false;
    std::vector<BoundExprPtr> left_keys, right_keys;  // over slots
  };

  const Catalog& catalog_;
  const BindOptions& options_;
  exec::ExecOptions* exec_options_;
  CteMap ctes_;
  exec::SelectPlan* plan_ = nullptr;
  std::vector<Source> sources_;
  size_t visible_ = 0;  // sources_[0, visible_) can be named (a join's ON sees only the tables before it)
  std::vector<std::pair<size_t, size_t>> slots_;  // (source, column) of each scan-chunk input
  std::vector<PendingJoin> pending_joins_;
  // Per source, the conjuncts (of WHERE and ON) over it alone that run on its rows before the joins.
  std::vector<std::vector<BoundExprPtr>> source_filters_;
  SourcePos query_pos_;
  bool join_use_nulls_ = false;
  std::map<std::string, const Expr*> aliases_;
  std::set<std::string> expanding_;
  bool stage2_ = false;
  std::vector<std::string> key_texts_;
  std::vector<std::string> agg_texts_;
  std::map<const BoundExpr*, std::pair<BoundExprPtr, std::vector<BoundExprPtr>>> in_lists_;
};

// Binds a SELECT and the SELECTs UNION ALL joins to it; outputs are converted to their common types.
exec::QueryPlan BindQueryPlan(const SelectQuery& q, const Catalog& catalog, const BindOptions& options,
                              exec::ExecOptions* exec_options, const CteMap& outer) {
  CteMap ctes = outer;
  for (const auto& [name, sub] : q.ctes) ctes[name] = sub;
  exec::QueryPlan plan;
  plan.selects.push_back(Binder(catalog, options, exec_options, ctes).Bind(q));
  for (const auto& u : q.union_all) {
    exec::QueryPlan more = BindQueryPlan(*u, catalog, options, exec_options, ctes);
    for (auto& s : more.selects) plan.selects.push_back(std::move(s));
  }
  if (plan.selects.size() == 1) return plan;
  const size_t n = plan.selects[0].outputs.size();
  for (size_t i = 1; i < plan.selects.size(); ++i)
    if (plan.selects[i].outputs.size() != n)
      Throw(ErrorCode::kInvalidArgument, q.pos,
            fmt::format("the SELECTs of UNION ALL return different numbers of columns: {} and {}", n,
                        plan.selects[i].outputs.size()));
  for (size_t c = 0; c < n; ++c) {
    DataTypePtr common = plan.selects[0].outputs[c]->type;
    for (size_t i = 1; i < plan.selects.size(); ++i) {
      DataTypePtr t = plan.selects[i].outputs[c]->type;
      DataTypePtr next = CommonType(common, t);
      if (!next)
        Throw(ErrorCode::kInvalidArgument, q.pos,
              fmt::format("column {} of UNION ALL has types {} and {}, which have no common type", c + 1,
                          common->Name(), t->Name()));
      common = next;
    }
    for (auto& s : plan.selects) {
      BoundExprPtr& out = s.outputs[c];
      if (out->type->Equals(*common)) continue;
      auto cast = std::make_shared<BoundExpr>();
      cast->kind = BoundExpr::Kind::kCast;
      cast->type = common;
      cast->args = {out};
      cast->text = out->text;
      out = cast;
    }
  }
  return plan;
}

}  // namespace

Result<exec::QueryPlan> BindQuery(const SelectQuery& query, const Catalog& catalog,
                                  const BindOptions& options, exec::ExecOptions* exec_options) {
  AURORA_CHECK(exec_options->query != nullptr);
  try {
    return BindQueryPlan(query, catalog, options, exec_options, {});
  } catch (const QueryError& e) {
    return Status(e.code, e.message);
  }
}

}  // namespace aurora::sql
