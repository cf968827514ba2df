#include "exec/select.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include "common/query_error.h"
#include "exec/join.h"
#include "function/numeric.h"
#include "storage/table.h"
#include "types/text_format.h"

namespace aurora::exec {

namespace {

using function::Datum;

struct Morsel {
  enum class Kind : uint8_t { kGranule, kBuffer, kFromChunk, kOneRow } kind;
  size_t index = 0;      // part, buffer chunk or FROM subquery chunk
  uint32_t granule = 0;  // of the part, or the slice of the buffer chunk (kBufferSliceRows rows each)
};

// The right side of a join, run and hashed.
struct JoinSide {
  JoinTable table;
  // The payload columns, with one more row at the end: what an unmatched left row gets (defaults, or
  // NULLs with join_use_nulls).
  std::vector<ColumnPtr> payload;
  uint32_t miss = 0;  // index of that row
};

// `options` without the sink: for subqueries, whose rows feed the query rather than its result.
ExecOptions Inner(const ExecOptions& options) {
  ExecOptions inner = options;
  inner.sink = nullptr;
  return inner;
}

Result<JoinSide> BuildJoinSide(const JoinPlan& j, const ExecOptions& options, ExecStats* stats) {
  AURORA_ASSIGN_OR_RETURN(ResultSet rs, ExecuteQuery(*j.right, Inner(options)));
  stats->rows_read += rs.stats.rows_read;
  stats->bytes_read += rs.stats.bytes_read;
  std::vector<ColumnPtr> cols;
  size_t rows = 0;
  for (size_t c = 0; c < rs.types.size(); ++c) {
    auto col = std::make_shared<Column>(rs.types[c]);
    for (const auto& chunk : rs.chunks) col->AppendRange(*chunk.columns[c], 0, chunk.num_rows);
    rows = col->size();
    cols.push_back(std::move(col));
  }
  if (rows >= UINT32_MAX)
    return AURORA_ERROR(kResourceExhausted, "the right side of a JOIN has {} rows, more than a join holds",
                        rows);
  JoinSide side;
  side.table.Build({cols.begin(), cols.begin() + static_cast<long>(j.num_keys)}, rows);
  for (size_t c = j.num_keys; c < cols.size(); ++c) {
    auto col = std::const_pointer_cast<Column>(cols[c]);
    if (col->type()->IsNullable()) {
      col->AppendNull();
    } else {
      col->AppendRange(*storage::MakeDefaultColumn(col->type(), 1), 0, 1);
    }
    side.payload.push_back(col);
  }
  side.miss = static_cast<uint32_t>(rows);
  return side;
}

// Rows selected by a condition column (NULL is false).
void Selection(const Datum& mask, size_t rows, std::vector<uint32_t>* sel) {
  const Column& c = *mask.column;
  if (mask.is_const) {
    sel->clear();
    bool pass = false;
    function::DispatchFixed(c.layout().value_id, [&](auto tag) {
      using T = decltype(tag);
      pass = c.Data<T>()[0] != T{0} && !c.IsNull(0);
    });
    if (pass) {
      sel->resize(rows);
      std::iota(sel->begin(), sel->end(), 0u);
    }
    return;
  }
  // Branch-free: write every index, advance past the passing ones.
  sel->resize(rows);
  uint32_t* out = sel->data();
  size_t n = 0;
  const bool nulls = !c.nulls.empty();
  function::DispatchFixed(c.layout().value_id, [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.Data<T>();
    if (nulls) {
      for (uint32_t i = 0; i < rows; ++i) {
        out[n] = i;
        n += (v[i] != T{0}) & !c.nulls[i];
      }
    } else {
      for (uint32_t i = 0; i < rows; ++i) {
        out[n] = i;
        n += v[i] != T{0};
      }
    }
  });
  sel->resize(n);
}

// Keeps the rows of `sel` where `mask` (over all rows of the chunk) is true.
void NarrowSelection(const Datum& mask, std::vector<uint32_t>* sel) {
  const Column& c = *mask.column;
  size_t n = 0;
  uint32_t* s = sel->data();
  const bool nulls = !c.nulls.empty();
  function::DispatchFixed(c.layout().value_id, [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.Data<T>();
    if (mask.is_const) {
      if (v[0] == T{0} || c.IsNull(0)) sel->clear();
      n = sel->size();
      return;
    }
    for (size_t k = 0; k < sel->size(); ++k) {
      const uint32_t r = s[k];
      s[n] = r;
      n += (v[r] != T{0}) & !(nulls && c.nulls[r]);
    }
  });
  sel->resize(n);
}

Chunk Gather(const Chunk& chunk, const std::vector<uint32_t>& sel) {
  Chunk out;
  out.names = chunk.names;
  out.num_rows = sel.size();
  for (const auto& col : chunk.columns) {
    if (!col) {  // a column this granule did not need to read
      out.columns.push_back(nullptr);
      continue;
    }
    auto c = std::make_shared<Column>(col->type());
    if (col->layout().kind == ColumnLayout::Kind::kDictionary) c->SetDictionary(col->dictionary());
    c->AppendGather(*col, sel.data(), sel.size());
    out.columns.push_back(std::move(c));
  }
  return out;
}

// Rows a join produces per output chunk at most: a key with many matches yields several chunks.
constexpr size_t kMaxJoinRows = 65536;

// Widens `chunk` by the right sides of joins [j, end): a row appears once per match (LEFT JOIN: once with
// the miss row when there is none). Applies `join_filter`, and passes each non-empty result to `emit`.
void ApplyJoins(const SelectPlan& plan, const std::vector<JoinSide>& sides, size_t j, const Chunk& chunk,
                const function::FunctionContext& ctx, const QueryContext* query,
                const std::function<void(Chunk)>& emit) {
  if (j == plan.joins.size()) {
    Chunk out = plan.join_filter ? FilterChunk(chunk, Evaluate(*plan.join_filter, chunk, ctx)) : chunk;
    if (out.num_rows > 0) emit(std::move(out));
    return;
  }
  const JoinPlan& jp = plan.joins[j];
  const JoinSide& side = sides[j];
  std::vector<Datum> keys;
  for (const auto& k : jp.left_keys) keys.push_back(Evaluate(*k, chunk, ctx));
  std::vector<uint32_t> left_rows, right_rows;
  JoinTable::ProbeCursor cursor;
  bool done = false;
  while (!done) {
    done = side.table.Probe(keys, chunk.num_rows, jp.left, side.miss, kMaxJoinRows, &cursor, &left_rows,
                            &right_rows);
    if (left_rows.empty()) continue;
    bool identity = left_rows.size() == chunk.num_rows;
    for (size_t i = 0; identity && i < left_rows.size(); ++i) identity = left_rows[i] == i;
    Chunk out = identity ? chunk : Gather(chunk, left_rows);
    out.num_rows = left_rows.size();
    for (const auto& p : side.payload) {
      auto c = std::make_shared<Column>(p->type());
      if (p->layout().kind == ColumnLayout::Kind::kDictionary) c->SetDictionary(p->dictionary());
      c->AppendGather(*p, right_rows.data(), right_rows.size());
      out.names.emplace_back();
      out.columns.push_back(std::move(c));
    }
    ApplyJoins(plan, sides, j + 1, out, ctx, query, emit);
    if (query) query->Check();
  }
}

// Rows (materialized output + sort key columns) collected by one worker or the final stage.
struct RowSet {
  std::vector<ColumnPtr> columns;  // outputs, then sort keys
  size_t rows = 0;
};

void AppendRows(RowSet* set, const std::vector<ColumnPtr>& cols, size_t rows) {
  if (set->columns.empty()) {
    for (const auto& c : cols) {
      auto n = std::make_shared<Column>(c->type());
      set->columns.push_back(n);
    }
  }
  for (size_t i = 0; i < cols.size(); ++i) set->columns[i]->AppendRange(*cols[i], 0, rows);
  set->rows += rows;
}

// Sets used[i] for every input column i that `e` reads (inputs past `used` belong to joined columns).
void MarkInputs(const BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == BoundExpr::Kind::kInput && e.input < used->size()) (*used)[e.input] = true;
  for (const auto& a : e.args) MarkInputs(*a, used);
}

// Row a before row b of `set` in the order of `keys` (columns from `first_key` on); equal keys keep their
// row order, so sorts are stable.
struct RowLess {
  const RowSet& set;
  size_t first_key;
  const std::vector<SortKey>& keys;
  bool operator()(uint32_t a, uint32_t b) const {
    for (size_t k = 0; k < keys.size(); ++k) {
      const Column& c = *set.columns[first_key + k];
      bool na = c.IsNull(a), nb = c.IsNull(b);
      if (na || nb) {
        if (na == nb) continue;
        return keys[k].nulls_first ? na : nb;
      }
      int cmp = c.CompareAt(a, c, b);
      if (cmp != 0) return keys[k].descending ? cmp > 0 : cmp < 0;
    }
    return a < b;
  }
};

// The order of `set`'s rows by `keys`; with `keep`, only the first `keep` positions.
std::vector<uint32_t> SortPermutation(const RowSet& set, size_t first_key, const std::vector<SortKey>& keys,
                                      size_t keep = SIZE_MAX) {
  std::vector<uint32_t> perm(set.rows);
  std::iota(perm.begin(), perm.end(), 0u);
  if (keys.empty()) return perm;
  RowLess less{set, first_key, keys};
  if (keep < perm.size() / 2) {
    std::partial_sort(perm.begin(), perm.begin() + keep, perm.end(), less);
    perm.resize(keep);
  } else {
    std::sort(perm.begin(), perm.end(), less);
  }
  return perm;
}

// The order of `set` whose rows are sorted runs [runs[i], runs[i + 1]): the runs merged pairwise, the first
// `keep` rows kept.
std::vector<uint32_t> MergeRuns(const RowSet& set, size_t first_key, const std::vector<SortKey>& keys,
                                std::vector<size_t> runs, size_t keep) {
  std::vector<uint32_t> perm(set.rows), tmp(set.rows);
  std::iota(perm.begin(), perm.end(), 0u);
  RowLess less{set, first_key, keys};
  while (runs.size() > 2) {
    std::vector<size_t> next = {0};
    for (size_t r = 0; r + 1 < runs.size(); r += 2) {
      const size_t b = runs[r], m = runs[r + 1], e = r + 2 < runs.size() ? runs[r + 2] : runs[r + 1];
      std::merge(perm.begin() + b, perm.begin() + m, perm.begin() + m, perm.begin() + e, tmp.begin() + b,
                 less);
      next.push_back(e);
    }
    perm.swap(tmp);
    runs = std::move(next);
  }
  if (keep < perm.size()) perm.resize(keep);
  return perm;
}

// Sorts the rows of `set` by `keys` (the first `keep` of them only), in place.
void SortRows(RowSet* set, size_t first_key, const std::vector<SortKey>& keys, size_t keep) {
  std::vector<uint32_t> perm = SortPermutation(*set, first_key, keys, keep);
  if (perm.size() > keep) perm.resize(keep);
  for (auto& c : set->columns) {
    auto n = std::make_shared<Column>(c->type());
    if (c->layout().kind == ColumnLayout::Kind::kDictionary) n->SetDictionary(c->dictionary());
    n->AppendGather(*c, perm.data(), perm.size());
    c = n;
  }
  set->rows = perm.size();
}

// Keeps only the first `keep` rows of `set` in key order.
void TopN(RowSet* set, size_t first_key, const std::vector<SortKey>& keys, size_t keep) {
  if (set->rows <= keep) return;
  SortRows(set, first_key, keys, keep);
}

// Evaluates outputs and sort keys over a stage-2 chunk, after HAVING.
std::vector<ColumnPtr> Project(const SelectPlan& plan, const Chunk& chunk,
                               const function::FunctionContext& ctx, size_t* rows_out) {
  const Chunk* in = &chunk;
  Chunk filtered;
  if (plan.having) {
    filtered = FilterChunk(chunk, Evaluate(*plan.having, chunk, ctx));
    in = &filtered;
  }
  std::vector<ColumnPtr> cols;
  for (const auto& e : plan.outputs) cols.push_back(Materialize(Evaluate(*e, *in, ctx), in->num_rows));
  for (const auto& k : plan.order_by) cols.push_back(Materialize(Evaluate(*k.expr, *in, ctx), in->num_rows));
  for (const auto& k : plan.limit_by) cols.push_back(Materialize(Evaluate(*k, *in, ctx), in->num_rows));
  *rows_out = in->num_rows;
  return cols;
}

}  // namespace

Chunk FilterChunk(const Chunk& chunk, const Datum& mask) {
  std::vector<uint32_t> sel;
  Selection(mask, chunk.num_rows, &sel);
  if (sel.size() == chunk.num_rows) return chunk;
  return Gather(chunk, sel);
}

// Rows of a buffered chunk per morsel.
constexpr size_t kBufferSliceRows = 65536;

Result<ResultSet> ExecuteSelect(const SelectPlan& plan, const ExecOptions& options) {
  ResultSet result;
  result.names = plan.output_names;
  for (const auto& e : plan.outputs) result.types.push_back(e->type);
  const function::FunctionContext& ctx = options.ctx;

  // Subqueries first: FROM (subquery) and the right sides of joins.
  ResultSet from;
  if (plan.from) {
    AURORA_ASSIGN_OR_RETURN(from, ExecuteQuery(*plan.from, Inner(options)));
    result.stats.rows_read += from.stats.rows_read;
    result.stats.bytes_read += from.stats.bytes_read;
  } else if (plan.values) {
    from.chunks = *plan.values;
  }
  std::vector<JoinSide> sides;
  for (const auto& j : plan.joins) {
    AURORA_ASSIGN_OR_RETURN(JoinSide side, BuildJoinSide(j, options, &result.stats));
    sides.push_back(std::move(side));
  }

  // Morsels.
  std::vector<Morsel> morsels;
  if (plan.snapshot) {
    result.stats.scan = plan.snapshot->Plan(plan.pushdown);
    for (const auto& r : result.stats.scan.ranges)
      for (uint32_t g = r.begin; g < r.end; ++g) morsels.push_back({Morsel::Kind::kGranule, r.part, g});
    // A large buffered chunk is dealt out in slices, for the workers to share it and for a sink to see
    // its rows in pieces.
    const auto& buffer = plan.snapshot->buffer();
    for (size_t b = 0; b < buffer.size(); ++b)
      for (uint32_t s = 0; s == 0 || s * kBufferSliceRows < buffer[b]->num_rows; ++s)
        morsels.push_back({Morsel::Kind::kBuffer, b, s});
  } else if (plan.from || plan.values) {
    for (size_t c = 0; c < from.chunks.size(); ++c) morsels.push_back({Morsel::Kind::kFromChunk, c, 0});
  } else {
    morsels.push_back({Morsel::Kind::kOneRow, 0, 0});
  }
  const size_t limit_keep = plan.limit && !plan.aggregate && !plan.distinct && plan.limit_by.empty()
                                ? *plan.limit + plan.offset
                                : SIZE_MAX;
  // Rows go straight to the sink when nothing has to see them all first.
  const bool stream = options.sink && !plan.aggregate && plan.order_by.empty() && !plan.distinct &&
                      plan.limit_by.empty() && !plan.limit && plan.offset == 0;
  std::mutex sink_mu;
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  // A thread per core, but none beyond the morsels, and no extra thread for a few morsels: starting one
  // costs more than reading two granules.
  constexpr size_t kMorselsPerExtraThread = 4;
  threads = static_cast<unsigned>(
      std::min<size_t>(threads, std::max<size_t>(1, morsels.size() / kMorselsPerExtraThread)));

  struct Worker {
    std::unique_ptr<GroupTable> groups;
    std::vector<std::unique_ptr<AggregateState>> states;
    RowSet rows;
    uint64_t rows_read = 0, bytes_read = 0;
    Status error;
  };
  std::vector<Worker> workers(threads);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<DataTypePtr> key_types;
  for (const auto& k : plan.group_keys) key_types.push_back(k->type);
  // Table columns the WHERE clause reads, and the rest.
  std::vector<size_t> where_columns, other_columns;
  if (plan.snapshot) {
    std::vector<bool> used(plan.scan_columns.size(), false);
    if (plan.where) MarkInputs(*plan.where, &used);
    for (size_t i = 0; i < used.size(); ++i) (used[i] ? where_columns : other_columns).push_back(i);
  }
  // The table columns each WHERE conjunct reads, and those read after the filter, for granules where
  // some conjuncts are proven: a column only proven conjuncts read is not read at all there (its slot in
  // the chunk stays null).
  std::vector<std::vector<bool>> conjunct_columns;
  std::vector<bool> downstream(plan.scan_columns.size(), false);
  const bool prove = plan.snapshot && !plan.where_conjuncts.empty() && plan.where_conjuncts.size() <= 64;
  if (prove) {
    for (const auto& c : plan.where_conjuncts) {
      std::vector<bool> used(plan.scan_columns.size(), false);
      MarkInputs(*c, &used);
      conjunct_columns.push_back(std::move(used));
    }
    // Everything evaluated over the scan chunk after WHERE (stage-2 expressions too when there is no
    // aggregation, as the stage-2 chunk is then the scan chunk).
    for (const auto& k : plan.group_keys) MarkInputs(*k, &downstream);
    for (const auto& a : plan.aggregates)
      for (const auto& e : a.args) MarkInputs(*e, &downstream);
    for (const auto& j : plan.joins)
      for (const auto& k : j.left_keys) MarkInputs(*k, &downstream);
    if (plan.join_filter) MarkInputs(*plan.join_filter, &downstream);
    if (!plan.aggregate) {
      for (const auto& e : plan.outputs) MarkInputs(*e, &downstream);
      for (const auto& k : plan.order_by) MarkInputs(*k.expr, &downstream);
      for (const auto& e : plan.limit_by) MarkInputs(*e, &downstream);
      if (plan.having) MarkInputs(*plan.having, &downstream);
    }
  }

  QueryContext* query = options.query;
  auto check = [query] {
    if (query) query->Check();
  };
  auto work = [&](Worker& w) {
    MemoryTracker::Scope tracked(query ? &query->memory() : nullptr);
    try {
      if (plan.aggregate) {
        w.groups = std::make_unique<GroupTable>(key_types);
        for (const auto& a : plan.aggregates) w.states.push_back(a.make());
      }
      std::vector<uint32_t> group_ids;
      // Folds a filtered, joined chunk into the worker's groups, or its projected rows into w.rows.
      const std::function<void(Chunk)> consume = [&](Chunk chunk) {
        if (plan.aggregate) {
          std::vector<Datum> keys;
          for (const auto& k : plan.group_keys) keys.push_back(Evaluate(*k, chunk, ctx));
          w.groups->Map(keys, chunk.num_rows, &group_ids);
          for (size_t a = 0; a < plan.aggregates.size(); ++a) {
            std::vector<Datum> args;
            for (const auto& e : plan.aggregates[a].args) args.push_back(Evaluate(*e, chunk, ctx));
            w.states[a]->Resize(w.groups->size());
            w.states[a]->Update(group_ids.data(), chunk.num_rows, args);
          }
        } else {
          size_t n = 0;
          std::vector<ColumnPtr> cols = Project(plan, chunk, ctx, &n);
          if (stream) {
            if (n == 0) return;
            Chunk out;
            out.names = plan.output_names;
            out.columns.assign(cols.begin(), cols.begin() + static_cast<long>(plan.outputs.size()));
            out.num_rows = n;
            std::lock_guard lock(sink_mu);
            if (Status s = options.sink(out); !s.ok()) throw QueryError(s.code(), s.message());
            return;
          }
          AppendRows(&w.rows, cols, n);
          if (limit_keep != SIZE_MAX && w.rows.rows > 4 * limit_keep + 65536)
            TopN(&w.rows, plan.outputs.size(), plan.order_by, limit_keep);
        }
      };
      while (!failed) {
        size_t m = next++;
        if (m >= morsels.size()) break;
        check();
        const Morsel& mo = morsels[m];
        Chunk chunk;
        if (mo.kind == Morsel::Kind::kOneRow) {
          chunk.num_rows = 1;
          if (plan.where) chunk = FilterChunk(chunk, Evaluate(*plan.where, chunk, ctx));
        } else if (mo.kind == Morsel::Kind::kFromChunk) {
          const Chunk& in = from.chunks[mo.index];
          for (size_t c : plan.from_columns) chunk.Add(in.names[c], in.columns[c]);
          chunk.num_rows = in.num_rows;
          if (plan.where) chunk = FilterChunk(chunk, Evaluate(*plan.where, chunk, ctx));
        } else if (mo.kind == Morsel::Kind::kBuffer) {
          chunk = plan.snapshot->ProjectBuffer(mo.index, plan.scan_columns,
                                               size_t{mo.granule} * kBufferSliceRows, kBufferSliceRows);
          w.rows_read += chunk.num_rows;
          w.bytes_read += chunk.ByteSize();
          if (plan.where) chunk = FilterChunk(chunk, Evaluate(*plan.where, chunk, ctx));
        } else {
          // Late materialization: read the WHERE columns, filter, and read the other columns only when
          // some row passed.
          Chunk partial;
          partial.names = plan.scan_columns;
          partial.columns.resize(plan.scan_columns.size());
          auto read = [&](const std::vector<size_t>& which) -> bool {
            std::vector<std::string> names;
            for (size_t i : which) names.push_back(plan.scan_columns[i]);
            auto c = plan.snapshot->ReadGranule(mo.index, mo.granule, names);
            if (!c.ok()) {
              w.error = c.status();
              failed = true;
              return false;
            }
            for (size_t k = 0; k < which.size(); ++k) partial.columns[which[k]] = c->columns[k];
            partial.num_rows = c->num_rows;
            w.bytes_read += c->ByteSize();
            return true;
          };
          // Conjuncts whose pushdown range the granule's min/max prove are skipped, and so are their
          // columns unless something else reads them.
          const std::vector<size_t>* first = &where_columns;
          const std::vector<size_t>* rest = &other_columns;
          std::vector<const BoundExpr*> residual;
          std::vector<size_t> first_proven, rest_proven;
          bool use_residual = false;
          if (prove) {
            uint64_t proven = 0;
            for (size_t k = 0; k < plan.where_conjuncts.size(); ++k) {
              const int r = plan.conjunct_range[k];
              if (r >= 0 && plan.snapshot->GranuleSatisfies(mo.index, mo.granule, plan.pushdown.ranges[r]))
                proven |= uint64_t{1} << k;
            }
            if (proven != 0) {
              use_residual = true;
              std::vector<bool> needed(plan.scan_columns.size(), false);
              for (size_t k = 0; k < plan.where_conjuncts.size(); ++k) {
                if (proven >> k & 1) continue;
                residual.push_back(plan.where_conjuncts[k].get());
                for (size_t i = 0; i < needed.size(); ++i) needed[i] = needed[i] || conjunct_columns[k][i];
              }
              for (size_t i = 0; i < needed.size(); ++i) {
                if (needed[i])
                  first_proven.push_back(i);
                else if (downstream[i])
                  rest_proven.push_back(i);
              }
              first = &first_proven;
              rest = &rest_proven;
            }
          }
          if (!read(*first)) return;
          const size_t rows = plan.snapshot->parts()[mo.index]->granule_rows(mo.granule);
          partial.num_rows = rows;
          w.rows_read += rows;
          std::vector<uint32_t> sel;
          bool filtered = false;
          if (use_residual) {
            if (!residual.empty()) {
              Selection(Evaluate(*residual[0], partial, ctx), rows, &sel);
              for (size_t k = 1; k < residual.size() && !sel.empty(); ++k)
                NarrowSelection(Evaluate(*residual[k], partial, ctx), &sel);
              filtered = true;
            }
          } else if (plan.where) {
            Selection(Evaluate(*plan.where, partial, ctx), rows, &sel);
            filtered = true;
          }
          if (filtered && sel.empty()) continue;
          if (!rest->empty() && !read(*rest)) return;
          chunk = (!filtered || sel.size() == rows) ? std::move(partial) : Gather(partial, sel);
        }
        if (plan.joins.empty()) {
          if (chunk.num_rows > 0) consume(std::move(chunk));
        } else if (chunk.num_rows > 0) {
          ApplyJoins(plan, sides, 0, chunk, ctx, query, consume);
        }
      }
      // Each worker sorts its own rows; the final stage merges the sorted runs.
      if (!failed && !plan.aggregate && !plan.order_by.empty() && w.rows.rows > 1) {
        check();
        SortRows(&w.rows, plan.outputs.size(), plan.order_by, limit_keep);
      }
    } catch (const QueryError& e) {
      w.error = Status(e.code, e.message);
      failed = true;
    } catch (const std::bad_alloc&) {
      w.error =
          AURORA_ERROR(kResourceExhausted, "out of memory (set max_memory_usage to end such queries sooner)");
      failed = true;
    }
  };
  if (threads == 1) {
    work(workers[0]);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&, t] { work(workers[t]); });
    for (auto& th : pool) th.join();
  }
  for (auto& w : workers) {
    if (!w.error.ok()) return w.error;
    result.stats.rows_read += w.rows_read;
    result.stats.bytes_read += w.bytes_read;
  }

  try {
    RowSet final_rows;
    if (plan.aggregate) {
      // Merge the workers' groups and states into the first worker's.
      Worker& head = workers[0];
      if (!head.groups) {
        head.groups = std::make_unique<GroupTable>(key_types);
        for (const auto& a : plan.aggregates) head.states.push_back(a.make());
      }
      std::vector<uint32_t> remap;
      for (size_t t = 1; t < workers.size(); ++t) {
        check();
        if (!workers[t].groups) continue;
        head.groups->MergeInto(*workers[t].groups, &remap);
        for (size_t a = 0; a < plan.aggregates.size(); ++a) {
          head.states[a]->Resize(head.groups->size());
          workers[t].states[a]->Resize(workers[t].groups->size());
          head.states[a]->Merge(*workers[t].states[a], remap);
        }
      }
      // No GROUP BY: one row even for no input (count() = 0).
      if (plan.group_keys.empty() && head.groups->size() == 0) {
        std::vector<uint32_t> ids;
        head.groups->Map({}, 0, &ids);
      }
      size_t groups = head.groups->size();
      Chunk stage2;
      stage2.num_rows = groups;
      for (auto& c : head.groups->KeyColumns()) stage2.columns.push_back(c);
      for (size_t a = 0; a < plan.aggregates.size(); ++a) {
        head.states[a]->Resize(groups);
        stage2.columns.push_back(head.states[a]->Finalize(groups));
      }
      stage2.names.resize(stage2.columns.size());
      size_t n = 0;
      std::vector<ColumnPtr> cols = Project(plan, stage2, ctx, &n);
      AppendRows(&final_rows, cols, n);
    } else {
      for (auto& w : workers)
        if (w.rows.rows > 0) AppendRows(&final_rows, w.rows.columns, w.rows.rows);
    }

    check();
    const size_t keep =
        plan.limit && !plan.distinct && plan.limit_by.empty() ? *plan.limit + plan.offset : SIZE_MAX;
    std::vector<uint32_t> perm;
    if (final_rows.rows > 0 && !plan.aggregate && !plan.order_by.empty()) {
      std::vector<size_t> runs = {0};  // the workers' sorted runs
      for (const auto& w : workers)
        if (w.rows.rows > 0) runs.push_back(runs.back() + w.rows.rows);
      perm = MergeRuns(final_rows, plan.outputs.size(), plan.order_by, std::move(runs), keep);
    } else if (final_rows.rows > 0) {
      perm = SortPermutation(final_rows, plan.outputs.size(), plan.order_by, keep);
    }
    if (plan.distinct) {
      // Keep the first row of each distinct output tuple, in order.
      absl::flat_hash_map<std::string, bool> seen;
      std::vector<uint32_t> kept;
      std::string key;
      for (uint32_t r : perm) {
        key.clear();
        for (size_t c = 0; c < plan.outputs.size(); ++c) {
          Value v = final_rows.columns[c]->ValueAt(r);
          key += ValueToString(v);
          key += IsNull(v) ? '\2' : '\1';
        }
        if (seen.emplace(key, true).second) kept.push_back(r);
      }
      perm = std::move(kept);
    }
    if (!plan.limit_by.empty()) {
      // Keep rows [limit_by_offset, limit_by_offset + limit_by_limit) of each LIMIT BY key, in order.
      const size_t first = plan.outputs.size() + plan.order_by.size();
      absl::flat_hash_map<std::string, uint64_t> seen;
      std::vector<uint32_t> kept;
      std::string key;
      for (uint32_t r : perm) {
        key.clear();
        for (size_t c = first; c < first + plan.limit_by.size(); ++c) {
          Value v = final_rows.columns[c]->ValueAt(r);
          key += ValueToString(v);
          key += IsNull(v) ? '\2' : '\1';
        }
        uint64_t n = seen[key]++;
        if (n >= plan.limit_by_offset && n < plan.limit_by_offset + plan.limit_by_limit) kept.push_back(r);
      }
      perm = std::move(kept);
    }
    check();
    size_t begin = std::min<size_t>(plan.offset, perm.size());
    size_t end = plan.limit ? std::min<size_t>(perm.size(), begin + *plan.limit) : perm.size();
    Chunk out;
    out.names = plan.output_names;
    out.num_rows = end - begin;
    for (size_t c = 0; c < plan.outputs.size(); ++c) {
      auto col = std::make_shared<Column>(plan.outputs[c]->type);
      if (final_rows.rows > 0) col->AppendGather(*final_rows.columns[c], perm.data() + begin, end - begin);
      out.columns.push_back(std::move(col));
    }
    result.chunks.push_back(std::move(out));
  } catch (const QueryError& e) {
    return Status(e.code, e.message);
  } catch (const std::bad_alloc&) {
    return AURORA_ERROR(kResourceExhausted,
                        "out of memory (set max_memory_usage to end such queries sooner)");
  }
  return result;
}

}  // namespace aurora::exec

namespace aurora::exec {

Result<ResultSet> ExecuteQuery(const QueryPlan& plan, const ExecOptions& options) {
  AURORA_CHECK(!plan.selects.empty());
  // With a sink, rows the SELECT did not stream itself (its final stage's) are handed over when it ends.
  // A large final chunk goes in slices, so that the sink can pass each on before taking the next.
  auto drain = [&options](ResultSet* rs) -> Status {
    if (!options.sink) return Status::OK();
    constexpr size_t kSlice = 65536;
    for (auto& c : rs->chunks) {
      if (c.num_rows <= kSlice) {
        if (c.num_rows > 0) AURORA_RETURN_IF_ERROR(options.sink(c));
      } else {
        for (size_t begin = 0; begin < c.num_rows; begin += kSlice) {
          const size_t n = std::min(kSlice, c.num_rows - begin);
          Chunk slice;
          slice.names = c.names;
          slice.num_rows = n;
          for (const auto& col : c.columns) slice.columns.push_back(col->Slice(begin, n));
          AURORA_RETURN_IF_ERROR(options.sink(slice));
        }
      }
      c = Chunk{};
    }
    rs->chunks.clear();
    return Status::OK();
  };
  AURORA_ASSIGN_OR_RETURN(ResultSet result, ExecuteSelect(plan.selects[0], options));
  AURORA_RETURN_IF_ERROR(drain(&result));
  for (size_t i = 1; i < plan.selects.size(); ++i) {
    AURORA_ASSIGN_OR_RETURN(ResultSet more, ExecuteSelect(plan.selects[i], options));
    AURORA_RETURN_IF_ERROR(drain(&more));
    for (auto& c : more.chunks) result.chunks.push_back(std::move(c));
    result.stats.rows_read += more.stats.rows_read;
    result.stats.bytes_read += more.stats.bytes_read;
  }
  return result;
}

}  // namespace aurora::exec

namespace aurora::exec {

namespace {

std::string Join(const std::vector<BoundExprPtr>& exprs) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) out += (i ? ", " : "") + exprs[i]->text;
  return out;
}

// A bound of a pushed-down range as SQL: times and strings quoted, in the column's type.
std::string BoundText(const DataTypePtr& type, const Value& v) {
  if (!type) return ValueToString(v);
  std::string out;
  FormatText(*ConstantColumn(type, v), 0, &out);
  const DataType& base = type->Base();
  if (base.id() == TypeId::kString || base.IsTime()) return "'" + out + "'";
  return out;
}

std::string RangeText(const storage::TableSchema& schema, const storage::ColumnRange& r) {
  const int idx = schema.IndexOf(r.column);
  const DataTypePtr type = idx >= 0 ? schema.columns[idx].type : nullptr;
  if (!r.in_values.empty()) {
    std::string out = r.column + " IN (";
    for (size_t i = 0; i < r.in_values.size(); ++i) out += (i ? ", " : "") + BoundText(type, r.in_values[i]);
    return out + ")";
  }
  std::string out;
  if (r.lower) out += BoundText(type, *r.lower) + (r.lower_inclusive ? " <= " : " < ");
  out += r.column;
  if (r.upper) out += (r.upper_inclusive ? " <= " : " < ") + BoundText(type, *r.upper);
  return out;
}

void ExplainSelect(const SelectPlan& p, const std::string& indent, std::vector<std::string>* out);

void ExplainPlan(const QueryPlan& plan, const std::string& indent, std::vector<std::string>* out) {
  if (plan.selects.size() == 1) return ExplainSelect(plan.selects[0], indent, out);
  out->push_back(fmt::format("{}Union All ({} SELECTs)", indent, plan.selects.size()));
  for (const auto& s : plan.selects) ExplainSelect(s, indent + "  ", out);
}

void ExplainSelect(const SelectPlan& p, const std::string& indent, std::vector<std::string>* out) {
  std::string in = indent;
  auto line = [&](std::string text) { out->push_back(in + text); };
  std::string names;
  for (size_t i = 0; i < p.output_names.size(); ++i) names += (i ? ", " : "") + p.output_names[i];
  line("Output: " + names);
  in += "  ";
  if (p.limit || p.offset)
    line(fmt::format("Limit {} Offset {}", p.limit ? std::to_string(*p.limit) : "none", p.offset));
  if (!p.limit_by.empty())
    line(fmt::format("Limit {} Offset {} By {}", p.limit_by_limit, p.limit_by_offset, Join(p.limit_by)));
  if (p.distinct) line("Distinct");
  if (!p.order_by.empty()) {
    std::string keys;
    for (size_t i = 0; i < p.order_by.size(); ++i) {
      const SortKey& k = p.order_by[i];
      keys += (i ? ", " : "") + k.expr->text + (k.descending ? " DESC" : "") +
              (k.nulls_first ? " NULLS FIRST" : "");
    }
    const bool top_n = p.limit && !p.distinct && p.limit_by.empty();
    line(fmt::format("Sort{}: {}", top_n ? fmt::format(" (top {})", *p.limit + p.offset) : "", keys));
  }
  if (p.having) line("Having: " + p.having->text);
  if (p.aggregate) {
    std::string aggs;
    for (size_t i = 0; i < p.aggregates.size(); ++i) aggs += (i ? ", " : "") + p.aggregates[i].text;
    line(fmt::format("Aggregate: keys [{}], functions [{}]", Join(p.group_keys), aggs));
  }
  if (p.join_filter) line("Filter after joins: " + p.join_filter->text);
  for (size_t j = p.joins.size(); j-- > 0;) {
    const JoinPlan& jp = p.joins[j];
    if (jp.reordered)
      line(fmt::format("Hash Join INNER (reordered: the FROM table builds): probe keys [{}]",
                       Join(jp.left_keys)));
    else
      line(fmt::format("Hash Join {}{}: left keys [{}]", jp.left ? "LEFT" : "INNER",
                       jp.left && jp.use_nulls ? " (join_use_nulls)" : "", Join(jp.left_keys)));
    line("  Build side:");
    ExplainPlan(*jp.right, in + "    ", out);
  }
  if (p.where) line("Filter: " + p.where->text);
  if (p.snapshot) {
    std::string cols;
    for (size_t i = 0; i < p.scan_columns.size(); ++i) cols += (i ? ", " : "") + p.scan_columns[i];
    line(fmt::format("Scan {}: columns [{}]", p.table, cols));
    if (!p.pushdown.ranges.empty()) {
      std::string ranges;
      for (size_t i = 0; i < p.pushdown.ranges.size(); ++i)
        ranges += (i ? " AND " : "") + RangeText(p.snapshot->schema(), p.pushdown.ranges[i]);
      line("  Pruning by: " + ranges);
    }
    storage::ScanPlan sp = p.snapshot->Plan(p.pushdown);
    line(fmt::format("  Parts: {} of {} selected ({} pruned)", sp.parts_total - sp.parts_pruned,
                     sp.parts_total, sp.parts_pruned));
    line(fmt::format("  Granules: {} of {} selected ({} pruned), {} rows",
                     sp.granules_total - sp.granules_pruned, sp.granules_total, sp.granules_pruned,
                     sp.rows_selected));
    line(fmt::format("  Unflushed chunks: {}", p.snapshot->buffer().size()));
  } else if (p.from) {
    line("Subquery:");
    ExplainPlan(*p.from, in + "  ", out);
  } else if (p.values) {
    line(fmt::format("Read {}: computed rows", p.table));
  } else {
    line("One row (no FROM)");
  }
}

}  // namespace

std::vector<std::string> ExplainQuery(const QueryPlan& plan) {
  std::vector<std::string> out;
  ExplainPlan(plan, "", &out);
  return out;
}

}  // namespace aurora::exec
