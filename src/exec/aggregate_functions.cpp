#include "exec/aggregate_functions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <absl/container/flat_hash_map.h>

#include "common/hash.h"
#include "exec/hyper_log_log.h"
#include "exec/quantile_sample.h"
#include "function/numeric.h"

namespace aurora::exec {

using function::Datum;

bool RowMask(const std::vector<Datum>& args, size_t value_args, bool has_if, size_t rows,
             std::vector<uint8_t>* mask) {
  bool nulls = false;
  for (size_t a = 0; a < value_args; ++a) nulls = nulls || !args[a].column->nulls.empty();
  if (!nulls && !has_if) return false;
  mask->assign(rows, 1);
  uint8_t* m = mask->data();
  for (size_t a = 0; a < value_args; ++a) {
    const Datum& d = args[a];
    if (d.column->nulls.empty()) continue;
    const uint8_t* n = d.column->nulls.data();
    if (d.is_const) {
      if (n[0]) std::fill(m, m + rows, 0);
    } else {
      for (size_t i = 0; i < rows; ++i) m[i] &= static_cast<uint8_t>(!n[i]);
    }
  }
  if (has_if) {
    const Datum& cond = args.back();
    const Column& c = *cond.column;
    function::DispatchFixed(c.layout().value_id, [&](auto tag) {
      using T = decltype(tag);
      const T* v = c.Data<T>();
      if (cond.is_const) {
        if (v[0] == T{0} || c.IsNull(0)) std::fill(m, m + rows, 0);
      } else if (c.nulls.empty()) {
        for (size_t i = 0; i < rows; ++i) m[i] &= static_cast<uint8_t>(v[i] != T{0});
      } else {
        const uint8_t* n = c.nulls.data();
        for (size_t i = 0; i < rows; ++i) m[i] &= static_cast<uint8_t>((v[i] != T{0}) & !n[i]);
      }
    });
  }
  return true;
}

void EncodeKey(const Column& c, size_t row, std::string* out) {
  if (c.IsNull(row)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  switch (c.layout().kind) {
    case ColumnLayout::Kind::kFixed:
      out->append(reinterpret_cast<const char*>(c.data.data() + row * c.layout().width), c.layout().width);
      return;
    case ColumnLayout::Kind::kString:
    case ColumnLayout::Kind::kDictionary: {
      std::string_view s = c.StringAt(row);
      uint32_t len = static_cast<uint32_t>(s.size());
      out->append(reinterpret_cast<const char*>(&len), 4);
      out->append(s);
      return;
    }
    case ColumnLayout::Kind::kArray: {
      uint32_t len = static_cast<uint32_t>(c.ArraySize(row));
      out->append(reinterpret_cast<const char*>(&len), 4);
      for (uint64_t j = c.ArrayBegin(row); j < c.ArrayEnd(row); ++j) EncodeKey(c.child(), j, out);
      return;
    }
  }
}

namespace {

// The type without Nullable and LowCardinality: the element type of array results.
DataTypePtr PlainType(const DataTypePtr& t) {
  if (t->id() == TypeId::kNullable || t->id() == TypeId::kLowCardinality) return PlainType(t->nested());
  return t;
}

// Values of a numeric datum as doubles, one per row.
void ToDoubles(const Datum& d, size_t rows, std::vector<double>* out) {
  out->resize(rows);
  const Column& c = *d.column;
  function::DispatchFixed(c.layout().value_id, [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.Data<T>();
    if (d.is_const) {
      std::fill(out->begin(), out->end(), static_cast<double>(v[0]));
    } else {
      for (size_t i = 0; i < rows; ++i) (*out)[i] = static_cast<double>(v[i]);
    }
  });
}

// Argument handling shared by the states below: which rows count.
class FilteredState : public AggregateState {
 protected:
  FilteredState(size_t value_args, bool has_if) : value_args_(value_args), has_if_(has_if) {}

  // Calls f(row, group) for each row that counts.
  template <typename F>
  void ForEachRow(const uint32_t* groups, size_t rows, const std::vector<Datum>& args, F&& f) {
    if (RowMask(args, value_args_, has_if_, rows, &mask_)) {
      for (size_t i = 0; i < rows; ++i)
        if (mask_[i]) f(i, groups[i]);
    } else {
      for (size_t i = 0; i < rows; ++i) f(i, groups[i]);
    }
  }

  size_t value_args_;
  bool has_if_;
  std::vector<uint8_t> mask_;
};

// argMin / argMax: the first argument of the row with the least / greatest second argument (the first
// such row seen on ties).
class ArgMinMaxState final : public FilteredState {
 public:
  ArgMinMaxState(bool max, bool has_if, DataTypePtr result)
      : FilteredState(2, has_if), max_(max), result_(std::move(result)) {}
  void Resize(size_t g) override {
    args_.resize(g);
    vals_.resize(g);
    set_.resize(g, 0);
  }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& arg = args[0];
    const Datum& val = args[1];
    ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
      Value v = val.column->ValueAt(val.RowIndex(i));
      if (!Better(g, v)) return;
      vals_[g] = std::move(v);
      args_[g] = arg.column->ValueAt(arg.RowIndex(i));
      set_[g] = 1;
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const ArgMinMaxState&>(other);
    for (size_t g = 0; g < o.set_.size(); ++g) {
      if (!o.set_[g] || !Better(remap[g], o.vals_[g])) continue;
      vals_[remap[g]] = o.vals_[g];
      args_[remap[g]] = o.args_[g];
      set_[remap[g]] = 1;
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    for (size_t g = 0; g < groups; ++g) {
      if (set_[g])
        c->AppendValue(args_[g]);
      else
        c->AppendDefault();
    }
    return c;
  }

 private:
  bool Better(uint32_t g, const Value& v) const {
    if (!set_[g]) return true;
    int c = CompareValues(v, vals_[g]);
    return max_ ? c > 0 : c < 0;
  }
  bool max_;
  DataTypePtr result_;
  std::vector<Value> args_, vals_;
  std::vector<uint8_t> set_;
};

// uniq: HyperLogLog over XXH3 hashes of the arguments.
class UniqState final : public FilteredState {
 public:
  UniqState(size_t value_args, bool has_if) : FilteredState(value_args, has_if) {}
  void Resize(size_t g) override { sketches_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Column& c = *args[0].column;
    if (value_args_ == 1 && c.layout().kind == ColumnLayout::Kind::kFixed) {
      const size_t w = c.layout().width;
      ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
        uint64_t bits = 0;
        std::memcpy(&bits, c.data.data() + args[0].RowIndex(i) * w, w);
        sketches_[g].Insert(Hash64(&bits, sizeof(bits)));
      });
    } else if (value_args_ == 1 && c.layout().kind != ColumnLayout::Kind::kArray) {
      ForEachRow(groups, rows, args,
                 [&](size_t i, uint32_t g) { sketches_[g].Insert(Hash64(c.StringAt(args[0].RowIndex(i)))); });
    } else {
      std::string key;
      ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
        key.clear();
        for (size_t a = 0; a < value_args_; ++a) EncodeKey(*args[a].column, args[a].RowIndex(i), &key);
        sketches_[g].Insert(Hash64(key));
      });
    }
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const UniqState&>(other);
    for (size_t g = 0; g < o.sketches_.size(); ++g) sketches_[remap[g]].Merge(o.sketches_[g]);
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(DataType::Make(TypeId::kUInt64));
    for (size_t g = 0; g < groups; ++g) c->AppendUInt(sketches_[g].Estimate());
    return c;
  }

 private:
  std::vector<HyperLogLog> sketches_;
};

// Appends a quantile computed as a double to a column of the quantile's type: Float64, or a date / time
// (truncated, as ClickHouse converts the interpolated value back to the argument's type).
void AppendQuantile(Column* c, double v) {
  if (c->type()->Base().IsFloat())
    c->AppendFloat(v);
  else
    c->AppendInt(static_cast<int64_t>(v));
}

// The value a quantile has over no rows: nan for floats, 0 (1970-01-01 for dates) otherwise.
void AppendEmptyQuantile(Column* c) {
  if (c->type()->IsNullable())
    c->AppendNull();
  else if (c->type()->Base().IsFloat())
    c->AppendFloat(std::nan(""));
  else
    c->AppendInt(0);
}

// quantile, median, quantiles: a QuantileSample per group.
class QuantileState final : public FilteredState {
 public:
  QuantileState(std::vector<double> levels, bool array, bool has_if, DataTypePtr result)
      : FilteredState(1, has_if), levels_(std::move(levels)), array_(array), result_(std::move(result)) {}
  void Resize(size_t g) override { samples_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    ToDoubles(args[0], rows, &values_);
    ForEachRow(groups, rows, args,
               [&](size_t i, uint32_t g) { samples_[g].Add(values_[i], NextPriority(&rng_)); });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const QuantileState&>(other);
    for (size_t g = 0; g < o.samples_.size(); ++g) samples_[remap[g]].Merge(o.samples_[g]);
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    Column* out = array_ ? &c->mutable_child() : c.get();
    for (size_t g = 0; g < groups; ++g) {
      std::vector<double> sorted = samples_[g].Sorted();
      for (double level : levels_) {
        if (sorted.empty())
          AppendEmptyQuantile(out);
        else
          AppendQuantile(out, QuantileSample::Interpolate(sorted, level));
      }
      if (array_) c->FinishArray();
    }
    return c;
  }

 private:
  std::vector<double> levels_;
  bool array_;
  DataTypePtr result_;
  std::vector<QuantileSample> samples_;
  std::vector<double> values_;
  uint64_t rng_ = 0x5EED;
};

// quantileExact, medianExact, quantilesExact: all values, in S (int64_t, uint64_t or double) so that the
// result is exactly one of the values, of the argument's type.
template <typename S>
class QuantileExactState final : public FilteredState {
 public:
  QuantileExactState(std::vector<double> levels, bool array, bool has_if, DataTypePtr result)
      : FilteredState(1, has_if), levels_(std::move(levels)), array_(array), result_(std::move(result)) {}
  void Resize(size_t g) override { values_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& d = args[0];
    function::DispatchFixed(d.column->layout().value_id, [&](auto tag) {
      using T = decltype(tag);
      const T* v = d.column->template Data<T>();
      ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
        T x = v[d.RowIndex(i)];
        if constexpr (std::is_floating_point_v<T>)
          if (std::isnan(x)) return;
        values_[g].push_back(static_cast<S>(x));
      });
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const QuantileExactState&>(other);
    for (size_t g = 0; g < o.values_.size(); ++g) {
      auto& dst = values_[remap[g]];
      dst.insert(dst.end(), o.values_[g].begin(), o.values_[g].end());
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    Column* out = array_ ? &c->mutable_child() : c.get();
    std::vector<S> v;
    for (size_t g = 0; g < groups; ++g) {
      v = values_[g];
      for (double level : levels_) {
        if (v.empty()) {
          AppendEmptyQuantile(out);
          continue;
        }
        // As ClickHouse: the element at position level * n (the last one for level 1).
        size_t n = level < 1 ? static_cast<size_t>(level * static_cast<double>(v.size())) : v.size() - 1;
        std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(n), v.end());
        if constexpr (std::is_same_v<S, double>)
          out->AppendFloat(v[n]);
        else if constexpr (std::is_same_v<S, uint64_t>)
          out->AppendUInt(v[n]);
        else
          out->AppendInt(v[n]);
      }
      if (array_) c->FinishArray();
    }
    return c;
  }

 private:
  std::vector<double> levels_;
  bool array_;
  DataTypePtr result_;
  std::vector<std::vector<S>> values_;
};

// varPop, varSamp, stddevPop, stddevSamp, covarPop, covarSamp, corr: count, means and centered sums of
// squares and products, updated with Welford's method and merged with Chan's formulas.
class MomentsState final : public FilteredState {
 public:
  enum class Kind { kVarPop, kVarSamp, kStddevPop, kStddevSamp, kCovarPop, kCovarSamp, kCorr };
  MomentsState(Kind kind, bool has_if, DataTypePtr result)
      : FilteredState(IsPair(kind) ? 2 : 1, has_if), kind_(kind), result_(std::move(result)) {}
  void Resize(size_t g) override { m_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    ToDoubles(args[0], rows, &x_);
    if (value_args_ == 1) {
      ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
        Moments& m = m_[g];
        m.n += 1;
        double dx = x_[i] - m.mx;
        m.mx += dx / m.n;
        m.m2x += dx * (x_[i] - m.mx);
      });
      return;
    }
    ToDoubles(args[1], rows, &y_);
    ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
      Moments& m = m_[g];
      m.n += 1;
      double dx = x_[i] - m.mx, dy = y_[i] - m.my;
      m.mx += dx / m.n;
      m.my += dy / m.n;
      m.m2x += dx * (x_[i] - m.mx);
      m.m2y += dy * (y_[i] - m.my);
      m.cxy += dx * (y_[i] - m.my);
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const MomentsState&>(other);
    for (size_t g = 0; g < o.m_.size(); ++g) {
      const Moments& b = o.m_[g];
      Moments& a = m_[remap[g]];
      if (b.n == 0) continue;
      if (a.n == 0) {
        a = b;
        continue;
      }
      double n = a.n + b.n;
      double dx = b.mx - a.mx, dy = b.my - a.my;
      double w = a.n * b.n / n;
      a.mx += dx * b.n / n;
      a.my += dy * b.n / n;
      a.m2x += b.m2x + dx * dx * w;
      a.m2y += b.m2y + dy * dy * w;
      a.cxy += b.cxy + dx * dy * w;
      a.n = n;
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (size_t g = 0; g < groups; ++g) {
      const Moments& m = m_[g];
      if (m.n == 0 && result_->IsNullable()) {
        c->AppendNull();
        continue;
      }
      const double m2x = std::max(0.0, m.m2x);
      double r = nan;
      switch (kind_) {
        case Kind::kVarPop:
          r = m.n > 0 ? m2x / m.n : nan;
          break;
        case Kind::kVarSamp:
          r = m.n > 1 ? m2x / (m.n - 1) : nan;
          break;
        case Kind::kStddevPop:
          r = m.n > 0 ? std::sqrt(m2x / m.n) : nan;
          break;
        case Kind::kStddevSamp:
          r = m.n > 1 ? std::sqrt(m2x / (m.n - 1)) : nan;
          break;
        case Kind::kCovarPop:
          r = m.n > 0 ? m.cxy / m.n : nan;
          break;
        case Kind::kCovarSamp:
          r = m.n > 1 ? m.cxy / (m.n - 1) : nan;
          break;
        case Kind::kCorr:
          r = m.n > 0 ? m.cxy / std::sqrt(m2x * std::max(0.0, m.m2y)) : nan;
          break;
      }
      c->AppendFloat(std::isnan(r) ? nan : r);  // 0/0 gives a negative NaN
    }
    return c;
  }
  static bool IsPair(Kind k) { return k == Kind::kCovarPop || k == Kind::kCovarSamp || k == Kind::kCorr; }

 private:
  struct Moments {
    double n = 0, mx = 0, my = 0, m2x = 0, m2y = 0, cxy = 0;
  };
  Kind kind_;
  DataTypePtr result_;
  std::vector<Moments> m_;
  std::vector<double> x_, y_;
};

// Builds the Array(T) result of groupArray-like states: group g's elements are rows `rows(g)` of `store`.
template <typename RowsOf>
ColumnPtr GatherArrays(const DataTypePtr& result, const Column& store, size_t groups, RowsOf&& rows_of) {
  auto c = std::make_shared<Column>(result);
  Column& child = c->mutable_child();
  for (size_t g = 0; g < groups; ++g) {
    const std::vector<uint32_t>& rows = rows_of(g);
    child.AppendGather(store, rows.data(), rows.size());
    c->FinishArray();
  }
  if (!child.type()->IsNullable()) child.nulls.clear();  // NULLs were skipped; drop the all-zero map
  return c;
}

// groupArray: the values of each group in the order seen (the first max_size of them). The values live
// in one column per state; groups hold row numbers into it.
class GroupArrayState final : public FilteredState {
 public:
  GroupArrayState(uint64_t max_size, bool has_if, const DataTypePtr& arg, DataTypePtr result)
      : FilteredState(1, has_if),
        max_size_(max_size),
        store_(std::make_shared<Column>(arg)),
        result_(std::move(result)) {}
  void Resize(size_t g) override { rows_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& d = args[0];
    ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
      if (rows_[g].size() >= max_size_) return;
      rows_[g].push_back(static_cast<uint32_t>(store_->size()));
      store_->AppendRange(*d.column, d.RowIndex(i), 1);
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const GroupArrayState&>(other);
    for (size_t g = 0; g < o.rows_.size(); ++g) {
      auto& dst = rows_[remap[g]];
      for (uint32_t r : o.rows_[g]) {
        if (dst.size() >= max_size_) break;
        dst.push_back(static_cast<uint32_t>(store_->size()));
        store_->AppendRange(*o.store_, r, 1);
      }
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    return GatherArrays(result_, *store_, groups,
                        [&](size_t g) -> const std::vector<uint32_t>& { return rows_[g]; });
  }

 private:
  uint64_t max_size_;
  ColumnPtr store_;
  DataTypePtr result_;
  std::vector<std::vector<uint32_t>> rows_;
};

// groupUniqArray and topK: per group, each distinct value (by EncodeKey) with its count. groupUniqArray
// returns the values in ascending order; topK the n most frequent, by count descending and then by value
// (an exact count, not ClickHouse's Filtered Space-Saving).
class DistinctValuesState final : public FilteredState {
 public:
  enum class Kind { kGroupUniqArray, kTopK };
  DistinctValuesState(Kind kind, uint64_t limit, bool has_if, const DataTypePtr& arg, DataTypePtr result)
      : FilteredState(1, has_if),
        kind_(kind),
        limit_(limit),
        store_(std::make_shared<Column>(arg)),
        result_(std::move(result)) {}
  void Resize(size_t g) override { groups_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& d = args[0];
    ForEachRow(groups, rows, args, [&](size_t i, uint32_t g) {
      key_.clear();
      EncodeKey(*d.column, d.RowIndex(i), &key_);
      Add(g, *d.column, d.RowIndex(i), 1);
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const DistinctValuesState&>(other);
    for (size_t g = 0; g < o.groups_.size(); ++g) {
      for (const auto& [k, e] : o.groups_[g]) {
        key_ = k;
        Add(remap[g], *o.store_, e.row, e.count);
      }
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    std::vector<uint32_t> rows;
    return GatherArrays(result_, *store_, groups, [&](size_t g) -> const std::vector<uint32_t>& {
      std::vector<Entry> entries;
      for (const auto& [k, e] : groups_[g]) entries.push_back(e);
      auto by_value = [&](const Entry& a, const Entry& b) {
        return store_->CompareAt(a.row, *store_, b.row) < 0;
      };
      if (kind_ == Kind::kTopK) {
        std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
          return a.count != b.count ? a.count > b.count : by_value(a, b);
        });
        if (entries.size() > limit_) entries.resize(limit_);
      } else {
        std::sort(entries.begin(), entries.end(), by_value);
      }
      rows.clear();
      for (const Entry& e : entries) rows.push_back(e.row);
      return rows;
    });
  }

 private:
  struct Entry {
    uint32_t row;  // in store_
    uint64_t count;
  };
  // Counts key_ (the encoding of row `row` of `from`) `count` times in group g.
  void Add(uint32_t g, const Column& from, size_t row, uint64_t count) {
    auto& map = groups_[g];
    auto it = map.find(key_);
    if (it == map.end()) {
      if (kind_ == Kind::kGroupUniqArray && map.size() >= limit_) return;
      it = map.emplace(key_, Entry{static_cast<uint32_t>(store_->size()), 0}).first;
      store_->AppendRange(from, row, 1);
    }
    it->second.count += count;
  }
  Kind kind_;
  uint64_t limit_;
  ColumnPtr store_;
  DataTypePtr result_;
  std::vector<absl::flat_hash_map<std::string, Entry>> groups_;
  std::string key_;
};

const char* const kExtendedNames[] = {
    "argMin",    "argMax",    "uniq",          "uniqCombined",   "quantile",
    "median",    "quantiles", "quantileExact", "medianExact",    "quantilesExact",
    "varPop",    "varSamp",   "stddevPop",     "stddevSamp",     "covarPop",
    "covarSamp", "corr",      "groupArray",    "groupUniqArray", "topK",
};

bool IsNumber(const DataType& t) {
  const DataType& b = t.Base();
  return b.IsInteger() || b.IsFloat() || b.id() == TypeId::kBool;
}

// A parameter that must be a number in [0, 1].
Result<double> Level(const std::string& name, const Value& v) {
  double d;
  if (auto* i = std::get_if<int64_t>(&v))
    d = static_cast<double>(*i);
  else if (auto* u = std::get_if<uint64_t>(&v))
    d = static_cast<double>(*u);
  else if (auto* f = std::get_if<double>(&v))
    d = *f;
  else
    return AURORA_ERROR(kInvalidArgument, "the level of {} must be a constant number between 0 and 1, got {}",
                        name, ValueToString(v));
  if (!(d >= 0 && d <= 1))
    return AURORA_ERROR(kInvalidArgument, "the level of {} must be between 0 and 1, got {}", name,
                        ValueToString(v));
  return d;
}

// A parameter that must be a positive integer, at most `max`.
Result<uint64_t> Count(const std::string& name, const char* what, const Value& v, uint64_t max) {
  uint64_t n = 0;
  if (auto* i = std::get_if<int64_t>(&v); i && *i > 0)
    n = static_cast<uint64_t>(*i);
  else if (auto* u = std::get_if<uint64_t>(&v))
    n = *u;
  if (n == 0 || n > max)
    return AURORA_ERROR(kInvalidArgument, "{} of {} must be an integer between 1 and {}, got {}", what, name,
                        max, ValueToString(v));
  return n;
}

}  // namespace

std::vector<std::string> ExtendedAggregateNames() {
  return std::vector<std::string>(std::begin(kExtendedNames), std::end(kExtendedNames));
}

bool IsExtendedAggregate(std::string_view base) {
  for (const char* n : kExtendedNames)
    if (base == n) return true;
  return false;
}

Status BindExtendedAggregate(const std::string& base, const std::string& name, bool has_if,
                             const std::vector<DataTypePtr>& types, const std::vector<Value>& params,
                             AggregateCall* call) {
  const std::string signature = function::Signature(name, types);
  auto arity = [&](size_t n) -> Status {
    if (types.size() == n) return Status::OK();
    return AURORA_ERROR(kInvalidArgument, "{} takes {} argument{}{}, got {}", name, n, n == 1 ? "" : "s",
                        has_if ? " and a condition" : "", types.size());
  };
  auto max_params = [&](size_t n) -> Status {
    if (params.size() <= n) return Status::OK();
    if (n == 0) return AURORA_ERROR(kInvalidArgument, "{} takes no parameters", name);
    return AURORA_ERROR(kInvalidArgument, "{} takes at most {} parameter{}, got {}", name, n,
                        n == 1 ? "" : "s", params.size());
  };
  bool any_nullable = false;
  for (const auto& t : types) any_nullable = any_nullable || t->IsNullable();
  // A scalar result is Nullable when an argument is: NULL for groups where no row counted.
  auto scalar = [&](DataTypePtr t) { return any_nullable ? DataType::Nullable(std::move(t)) : t; };

  if (base == "argMin" || base == "argMax") {
    AURORA_RETURN_IF_ERROR(max_params(0));
    AURORA_RETURN_IF_ERROR(arity(2));
    DataTypePtr rt = PlainType(types[0]);
    if (!rt->IsArray()) rt = scalar(rt);
    bool max = base == "argMax";
    call->result_type = rt;
    call->make = [max, has_if, rt] { return std::make_unique<ArgMinMaxState>(max, has_if, rt); };
    return Status::OK();
  }
  if (base == "uniq" || base == "uniqCombined") {
    // uniqCombined(p)(x) takes a precision; the sketch here has one fixed precision.
    AURORA_RETURN_IF_ERROR(max_params(base == "uniq" ? 0 : 1));
    if (types.empty()) return AURORA_ERROR(kInvalidArgument, "{} takes at least 1 argument", name);
    size_t n = types.size();
    call->result_type = DataType::Make(TypeId::kUInt64);
    call->make = [n, has_if] { return std::make_unique<UniqState>(n, has_if); };
    return Status::OK();
  }
  const bool exact = base == "quantileExact" || base == "medianExact" || base == "quantilesExact";
  if (exact || base == "quantile" || base == "median" || base == "quantiles") {
    const bool array = base == "quantiles" || base == "quantilesExact";
    AURORA_RETURN_IF_ERROR(arity(1));
    if (!function::IsNumericOrTime(*types[0]))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a number, a date or a time", signature,
                          name);
    std::vector<double> levels;
    for (const Value& p : params) {
      AURORA_ASSIGN_OR_RETURN(double level, Level(name, p));
      levels.push_back(level);
    }
    if (array && levels.empty())
      return AURORA_ERROR(kInvalidArgument, "{} needs at least one level: {}(0.5, 0.9)(x)", name, name);
    if (!array) {
      AURORA_RETURN_IF_ERROR(max_params(1));
      if (levels.empty()) levels.push_back(0.5);
    }
    // quantile of a number is Float64; of a date or time, and quantileExact of anything, the
    // argument's own type.
    DataTypePtr elem = function::StripNullable(types[0]);
    if (!exact && !elem->IsTime()) elem = DataType::Make(TypeId::kFloat64);
    DataTypePtr rt = array ? DataType::Array(elem) : scalar(elem);
    call->result_type = rt;
    if (!exact) {
      call->make = [levels, array, has_if, rt] {
        return std::make_unique<QuantileState>(levels, array, has_if, rt);
      };
    } else if (elem->IsFloat()) {
      call->make = [levels, array, has_if, rt] {
        return std::make_unique<QuantileExactState<double>>(levels, array, has_if, rt);
      };
    } else if (elem->Base().id() == TypeId::kUInt64) {
      call->make = [levels, array, has_if, rt] {
        return std::make_unique<QuantileExactState<uint64_t>>(levels, array, has_if, rt);
      };
    } else {
      call->make = [levels, array, has_if, rt] {
        return std::make_unique<QuantileExactState<int64_t>>(levels, array, has_if, rt);
      };
    }
    return Status::OK();
  }
  static const std::pair<const char*, MomentsState::Kind> kMoments[] = {
      {"varPop", MomentsState::Kind::kVarPop},       {"varSamp", MomentsState::Kind::kVarSamp},
      {"stddevPop", MomentsState::Kind::kStddevPop}, {"stddevSamp", MomentsState::Kind::kStddevSamp},
      {"covarPop", MomentsState::Kind::kCovarPop},   {"covarSamp", MomentsState::Kind::kCovarSamp},
      {"corr", MomentsState::Kind::kCorr},
  };
  for (const auto& moment : kMoments) {
    if (base != moment.first) continue;
    const MomentsState::Kind kind = moment.second;  // a variable of its own: lambdas capture it below
    AURORA_RETURN_IF_ERROR(max_params(0));
    AURORA_RETURN_IF_ERROR(arity(MomentsState::IsPair(kind) ? 2 : 1));
    for (const auto& t : types)
      if (!IsNumber(*t))
        return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes numbers", signature, name);
    DataTypePtr rt = scalar(DataType::Make(TypeId::kFloat64));
    call->result_type = rt;
    call->make = [kind, has_if, rt] { return std::make_unique<MomentsState>(kind, has_if, rt); };
    return Status::OK();
  }
  if (base == "groupArray" || base == "groupUniqArray" || base == "topK") {
    const bool top = base == "topK";
    AURORA_RETURN_IF_ERROR(max_params(top ? 2 : 1));  // topK(n, load_factor): the load factor is ignored
    AURORA_RETURN_IF_ERROR(arity(1));
    uint64_t limit = top ? 10 : UINT64_MAX;
    if (!params.empty()) {
      AURORA_ASSIGN_OR_RETURN(
          limit, Count(name, top ? "n" : "max_size", params[0], top ? 65536 : uint64_t{1} << 32));
    }
    DataTypePtr arg = types[0];
    DataTypePtr rt = DataType::Array(PlainType(arg));
    call->result_type = rt;
    if (base == "groupArray") {
      call->make = [limit, has_if, arg, rt] {
        return std::make_unique<GroupArrayState>(limit, has_if, arg, rt);
      };
    } else {
      auto kind = top ? DistinctValuesState::Kind::kTopK : DistinctValuesState::Kind::kGroupUniqArray;
      call->make = [kind, limit, has_if, arg, rt] {
        return std::make_unique<DistinctValuesState>(kind, limit, has_if, arg, rt);
      };
    }
    return Status::OK();
  }
  return AURORA_ERROR(kNotFound, "'{}' is not an aggregate function", name);
}

}  // namespace aurora::exec
