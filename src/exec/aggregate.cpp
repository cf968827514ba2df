#include "exec/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <absl/container/flat_hash_set.h>
#include <roaring/roaring.hh>

#include "common/query_error.h"
#include "exec/aggregate_functions.h"
#include "function/numeric.h"

namespace aurora::exec {

namespace {

using function::Datum;

// Rows that count: the value argument (when there is one) is not NULL and the -If condition is true.
// Calls f(row) for each.
template <typename F>
void ForEachCountedRow(const std::vector<Datum>& args, bool has_if, bool has_value, size_t rows,
                       std::vector<uint8_t>* mask, F&& f) {
  if (RowMask(args, has_value ? 1 : 0, has_if, rows, mask)) {
    for (size_t i = 0; i < rows; ++i)
      if ((*mask)[i]) f(i);
  } else {
    for (size_t i = 0; i < rows; ++i) f(i);
  }
}

class CountState final : public AggregateState {
 public:
  CountState(bool has_value, bool has_if) : has_value_(has_value), has_if_(has_if) {}
  void Resize(size_t g) override { counts_.resize(g, 0); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    uint64_t* counts = counts_.data();
    if (RowMask(args, has_value_ ? 1 : 0, has_if_, rows, &mask_)) {
      const uint8_t* m = mask_.data();
      for (size_t i = 0; i < rows; ++i) counts[groups[i]] += m[i];
    } else {
      for (size_t i = 0; i < rows; ++i) ++counts[groups[i]];
    }
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const CountState&>(other);
    for (size_t g = 0; g < o.counts_.size(); ++g) counts_[remap[g]] += o.counts_[g];
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(DataType::Make(TypeId::kUInt64));
    for (size_t g = 0; g < groups; ++g) c->AppendUInt(counts_[g]);
    return c;
  }

 private:
  bool has_value_, has_if_;
  std::vector<uint64_t> counts_;
  std::vector<uint8_t> mask_;
};

// sum and avg: S is the accumulator type (int64_t, uint64_t or double).
template <typename S>
class SumState final : public AggregateState {
 public:
  SumState(bool avg, bool has_if, DataTypePtr result)
      : avg_(avg), has_if_(has_if), result_(std::move(result)) {}
  void Resize(size_t g) override {
    sums_.resize(g, S{0});
    counts_.resize(g, 0);
  }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& v = args[0];
    function::DispatchFixed(v.column->layout().value_id, [&](auto tag) {
      using T = decltype(tag);
      const T* data = v.column->template Data<T>();
      const bool masked = RowMask(args, 1, has_if_, rows, &mask_);
      if (!masked && !v.is_const) {
        for (size_t i = 0; i < rows; ++i) {
          sums_[groups[i]] = Add(sums_[groups[i]], static_cast<S>(data[i]));
          ++counts_[groups[i]];
        }
        return;
      }
      for (size_t i = 0; i < rows; ++i) {
        if (masked && !mask_[i]) continue;
        sums_[groups[i]] = Add(sums_[groups[i]], static_cast<S>(data[v.RowIndex(i)]));
        ++counts_[groups[i]];
      }
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const SumState&>(other);
    for (size_t g = 0; g < o.sums_.size(); ++g) {
      sums_[remap[g]] = Add(sums_[remap[g]], o.sums_[g]);
      counts_[remap[g]] += o.counts_[g];
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    for (size_t g = 0; g < groups; ++g) {
      if (avg_ && result_->IsNullable() && counts_[g] == 0) {
        c->AppendNull();  // avg of a Nullable argument with no values is NULL, of an empty set nan
      } else if (avg_) {
        c->AppendFloat(counts_[g] ? static_cast<double>(sums_[g]) / static_cast<double>(counts_[g])
                                  : std::nan(""));
      } else if (result_->IsNullable() && counts_[g] == 0) {
        c->AppendNull();
      } else if constexpr (std::is_same_v<S, double>) {
        c->AppendFloat(sums_[g]);
      } else if constexpr (std::is_same_v<S, uint64_t>) {
        c->AppendUInt(sums_[g]);
      } else {
        c->AppendInt(sums_[g]);
      }
    }
    return c;
  }

 private:
  static S Add(S a, S b) {
    if constexpr (std::is_integral_v<S>)
      return static_cast<S>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    else
      return a + b;
  }
  bool avg_, has_if_;
  DataTypePtr result_;
  std::vector<S> sums_;
  std::vector<uint64_t> counts_;
  std::vector<uint8_t> mask_;
};

// min, max, any, anyLast on Values (any type).
class ExtremeState final : public AggregateState {
 public:
  enum class Kind { kMin, kMax, kAny, kAnyLast };
  ExtremeState(Kind k, bool has_if, DataTypePtr result)
      : kind_(k), has_if_(has_if), result_(std::move(result)) {}
  void Resize(size_t g) override {
    values_.resize(g);
    set_.resize(g, 0);
  }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& v = args[0];
    ForEachCountedRow(args, has_if_, true, rows, &mask_,
                      [&](size_t i) { Offer(groups[i], [&] { return v.column->ValueAt(v.RowIndex(i)); }); });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const ExtremeState&>(other);
    for (size_t g = 0; g < o.values_.size(); ++g)
      if (o.set_[g]) Offer(remap[g], [&] { return o.values_[g]; });
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(result_);
    for (size_t g = 0; g < groups; ++g) {
      if (!set_[g]) {
        if (result_->IsNullable()) {
          c->AppendNull();
        } else {
          c->AppendRange(*MakeDefault(), 0, 1);
        }
      } else {
        c->AppendValue(values_[g]);
      }
    }
    return c;
  }

 private:
  ColumnPtr MakeDefault() const {
    auto d = std::make_shared<Column>(result_);
    if (result_->Base().id() == TypeId::kString)
      d->AppendString("");
    else if (result_->Base().IsFloat())
      d->AppendFloat(0);
    else
      d->AppendInt(0);
    return d;
  }
  template <typename F>
  void Offer(uint32_t g, F&& get) {
    if (!set_[g]) {
      values_[g] = get();
      set_[g] = 1;
      return;
    }
    if (kind_ == Kind::kAny) return;
    Value v = get();
    int c = CompareValues(v, values_[g]);
    if (kind_ == Kind::kAnyLast || (kind_ == Kind::kMin && c < 0) || (kind_ == Kind::kMax && c > 0))
      values_[g] = std::move(v);
  }
  Kind kind_;
  bool has_if_;
  DataTypePtr result_;
  std::vector<Value> values_;
  std::vector<uint8_t> set_;
  std::vector<uint8_t> mask_;
};

// uniqExact: exact distinct count; fixed-width values by their bits, strings by content.
class UniqExactState final : public AggregateState {
 public:
  explicit UniqExactState(bool has_if) : has_if_(has_if) {}
  void Resize(size_t g) override { sets_.resize(g); }
  void Update(const uint32_t* groups, size_t rows, const std::vector<Datum>& args) override {
    const Datum& v = args[0];
    const Column& c = *v.column;
    const ColumnLayout::Kind kind = c.layout().kind;
    if (kind == ColumnLayout::Kind::kFixed) {
      const bool masked = RowMask(args, 1, has_if_, rows, &mask_);
      const uint8_t* m = mask_.data();
      // Values of up to 32 bits: below kDenseBits into the group's plain bitset (while the state has
      // bitsets for at most kMaxDenseGroups groups), others into its Roaring bitmap. Rows of a group come
      // in runs (data sorted by time, grouped by day), so each run's Roaring values are added at once.
      auto insert32 = [&](auto tag) {
        using T = decltype(tag);
        const T* d = reinterpret_cast<const T*>(c.data.data());
        uint32_t run = UINT32_MAX;
        uint64_t* dense = nullptr;
        auto flush = [&] {
          if (!run_.empty()) sets_[run].bits.addMany(run_.size(), run_.data());
          run_.clear();
        };
        for (size_t i = 0; i < rows; ++i) {
          if (masked && !m[i]) continue;
          if (groups[i] != run) {
            flush();
            run = groups[i];
            dense = DenseOf(run);
          }
          const uint32_t x = static_cast<uint32_t>(d[v.is_const ? 0 : i]);
          if (dense && x < kDenseBits)
            dense[x >> 6] |= uint64_t{1} << (x & 63);
          else
            run_.push_back(x);
        }
        flush();
      };
      switch (c.layout().width) {
        case 1:
          return insert32(uint8_t{});
        case 2:
          return insert32(uint16_t{});
        case 4:
          return insert32(uint32_t{});
        default: {
          const uint64_t* d = reinterpret_cast<const uint64_t*>(c.data.data());
          for (size_t i = 0; i < rows; ++i)
            if (!masked || m[i]) sets_[groups[i]].fixed.insert(d[v.is_const ? 0 : i]);
          return;
        }
      }
    }
    std::string key;
    ForEachCountedRow(args, has_if_, true, rows, &mask_, [&](size_t i) {
      size_t r = v.RowIndex(i);
      if (kind == ColumnLayout::Kind::kArray) {
        key.clear();
        EncodeKey(c, r, &key);
        sets_[groups[i]].strings.insert(key);
      } else {
        sets_[groups[i]].strings.emplace(c.StringAt(r));
      }
    });
  }
  void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) override {
    const auto& o = static_cast<const UniqExactState&>(other);
    for (size_t g = 0; g < o.sets_.size(); ++g) {
      auto& dst = sets_[remap[g]];
      const Sets& src = o.sets_[g];
      dst.fixed.insert(src.fixed.begin(), src.fixed.end());
      uint64_t* dense = (src.dense.empty() && src.bits.isEmpty()) ? nullptr : DenseOf(remap[g]);
      if (dense) {
        // src's small values (its bitset, and its Roaring bitmap when it had no bitset) go to the bitset.
        for (size_t w = 0; w < src.dense.size(); ++w) dense[w] |= src.dense[w];
        if (src.dense.empty()) {
          for (uint32_t x : src.bits) {
            if (x < kDenseBits)
              dense[x >> 6] |= uint64_t{1} << (x & 63);
            else
              dst.bits.add(x);
          }
        } else {
          dst.bits |= src.bits;
        }
      } else {
        for (size_t w = 0; w < src.dense.size(); ++w)
          for (uint64_t bits = src.dense[w]; bits != 0; bits &= bits - 1)
            dst.bits.add(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
        dst.bits |= src.bits;
      }
      dst.strings.insert(o.sets_[g].strings.begin(), o.sets_[g].strings.end());
    }
  }
  ColumnPtr Finalize(size_t groups) const override {
    auto c = std::make_shared<Column>(DataType::Make(TypeId::kUInt64));
    for (size_t g = 0; g < groups; ++g) {
      uint64_t n = sets_[g].fixed.size() + sets_[g].strings.size() + sets_[g].bits.cardinality();
      for (uint64_t w : sets_[g].dense) n += static_cast<uint64_t>(__builtin_popcountll(w));
      c->AppendUInt(n);
    }
    return c;
  }

 private:
  static constexpr uint32_t kDenseBits = 1 << 18;  // 32 KiB per group
  static constexpr size_t kMaxDenseGroups = 256;   // 8 MiB of bitsets at most

  // The plain bitset of group `g` (allocated on first use), or null when the state has no room left.
  uint64_t* DenseOf(uint32_t g) {
    Sets& s = sets_[g];
    if (s.dense.empty()) {
      if (s.no_dense || dense_groups_ >= kMaxDenseGroups) {
        s.no_dense = true;
        return nullptr;
      }
      s.dense.assign(kDenseBits / 64, 0);
      ++dense_groups_;
    }
    return s.dense.data();
  }

  // A group's values are disjoint between its bitset (values below kDenseBits when it has one) and its
  // Roaring bitmap (the others, or all when it has no bitset).
  struct Sets {
    std::vector<uint64_t> dense;               // values of up to 32 bits below kDenseBits
    bool no_dense = false;                     // no bitset for this group (the state ran out of room)
    Roaring bits;                              // other values of up to 32 bits
    absl::flat_hash_set<uint64_t> fixed;       // 64-bit values
    absl::flat_hash_set<std::string> strings;  // strings and encoded arrays
  };
  bool has_if_;
  std::vector<Sets> sets_;
  size_t dense_groups_ = 0;
  std::vector<uint32_t> run_;
  std::vector<uint8_t> mask_;
};

const char* const kBaseNames[] = {"count", "sum", "avg", "min", "max", "any", "anyLast", "uniqExact"};

// The function name without the -If combinator; true when it had one.
bool SplitIf(std::string_view name, std::string* base) {
  const bool has_if = name.size() > 2 && name.substr(name.size() - 2) == "If";
  std::string_view b = has_if ? name.substr(0, name.size() - 2) : name;
  bool known = IsExtendedAggregate(b);
  for (const char* n : kBaseNames) known = known || b == n;
  if (!known) {
    base->clear();
    return false;
  }
  *base = std::string(b);
  return has_if;
}

}  // namespace

std::vector<std::string> AggregateNames() {
  std::vector<std::string> out = ExtendedAggregateNames();
  for (const char* n : kBaseNames) out.push_back(n);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IsAggregateName(std::string_view name) {
  std::string base;
  SplitIf(name, &base);
  return !base.empty();
}

Result<AggregateCall> BindAggregate(const std::string& name, std::vector<BoundExprPtr> args, bool distinct,
                                    const std::vector<Value>& params) {
  std::string base;
  const bool has_if = SplitIf(name, &base);
  if (base.empty()) return AURORA_ERROR(kNotFound, "'{}' is not an aggregate function", name);
  if (!params.empty() && !IsExtendedAggregate(base))
    return AURORA_ERROR(kInvalidArgument, "{} takes no parameters", name);
  std::vector<DataTypePtr> types;
  for (const auto& a : args) types.push_back(a->type);
  auto signature = [&] { return function::Signature(name, types); };
  if (has_if) {
    if (args.empty() ||
        !(args.back()->type->Base().IsInteger() || args.back()->type->Base().id() == TypeId::kBool))
      return AURORA_ERROR(kInvalidArgument, "no function {}: the last argument of {} is a condition",
                          signature(), name);
  }
  const size_t value_args = args.size() - (has_if ? 1 : 0);
  if (distinct) {
    if (base != "count" || value_args != 1)
      return AURORA_ERROR(kNotSupported, "DISTINCT is supported in count(DISTINCT x) only");
    base = "uniqExact";
  }
  AggregateCall call;
  call.name = name;
  call.args = std::move(args);
  if (IsExtendedAggregate(base)) {
    if (has_if) types.pop_back();
    AURORA_RETURN_IF_ERROR(BindExtendedAggregate(base, name, has_if, types, params, &call));
    return call;
  }
  if (base == "count") {
    if (value_args > 1) return AURORA_ERROR(kInvalidArgument, "{} takes at most 1 argument", name);
    bool has_value = value_args == 1;
    call.result_type = DataType::Make(TypeId::kUInt64);
    call.make = [has_value, has_if] { return std::make_unique<CountState>(has_value, has_if); };
    return call;
  }
  if (value_args != 1)
    return AURORA_ERROR(kInvalidArgument, "{} takes {} argument{}, got {}", name, has_if ? 2 : 1,
                        has_if ? "s" : "", types.size());
  const DataTypePtr& arg = types[0];
  const DataType& b = arg->Base();
  if (base == "sum" || base == "avg") {
    if (!(b.IsInteger() || b.IsFloat() || b.id() == TypeId::kBool))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a number", signature(), name);
    bool avg = base == "avg";
    if (avg || b.IsFloat()) {
      call.result_type = DataType::Make(TypeId::kFloat64);
      if (arg->IsNullable()) call.result_type = DataType::Nullable(call.result_type);
      DataTypePtr rt = call.result_type;
      call.make = [avg, has_if, rt] { return std::make_unique<SumState<double>>(avg, has_if, rt); };
    } else if (b.IsSignedInteger()) {
      call.result_type = DataType::Make(TypeId::kInt64);
      if (arg->IsNullable()) call.result_type = DataType::Nullable(call.result_type);
      DataTypePtr rt = call.result_type;
      call.make = [has_if, rt] { return std::make_unique<SumState<int64_t>>(false, has_if, rt); };
    } else {
      call.result_type = DataType::Make(TypeId::kUInt64);
      if (arg->IsNullable()) call.result_type = DataType::Nullable(call.result_type);
      DataTypePtr rt = call.result_type;
      call.make = [has_if, rt] { return std::make_unique<SumState<uint64_t>>(false, has_if, rt); };
    }
    return call;
  }
  if (base == "uniqExact") {
    call.result_type = DataType::Make(TypeId::kUInt64);
    call.make = [has_if] { return std::make_unique<UniqExactState>(has_if); };
    return call;
  }
  // min, max, any, anyLast: the argument's type (a LowCardinality result is plain String).
  DataTypePtr rt = arg->IsLowCardinality()
                       ? (arg->IsNullable() ? DataType::Nullable(DataType::Make(TypeId::kString))
                                            : DataType::Make(TypeId::kString))
                       : arg;
  ExtremeState::Kind kind = base == "min"   ? ExtremeState::Kind::kMin
                            : base == "max" ? ExtremeState::Kind::kMax
                            : base == "any" ? ExtremeState::Kind::kAny
                                            : ExtremeState::Kind::kAnyLast;
  call.result_type = rt;
  call.make = [kind, has_if, rt] { return std::make_unique<ExtremeState>(kind, has_if, rt); };
  return call;
}

GroupTable::GroupTable(std::vector<DataTypePtr> key_types) : key_types_(std::move(key_types)) {
  fixed_single_ = key_types_.size() == 1 && key_types_[0]->Layout().kind == ColumnLayout::Kind::kFixed &&
                  !key_types_[0]->IsNullable();
  raw_string_ =
      key_types_.size() == 1 && key_types_[0]->Base().id() == TypeId::kString && !key_types_[0]->IsNullable();
  for (const auto& t : key_types_) {
    auto c = std::make_shared<Column>(t);
    key_columns_.push_back(c);
  }
  if (key_types_.size() >= 2) {
    int total = 0;
    packed_ = true;
    for (const auto& t : key_types_) {
      const ColumnLayout l = t->Layout();
      int w = 0;
      if (!t->IsNullable() && l.kind == ColumnLayout::Kind::kFixed) w = static_cast<int>(l.width);
      if (!t->IsNullable() && t->IsLowCardinality()) w = 4;
      packed_ = packed_ && w > 0;
      packed_width_.push_back(w);
      total += w;
    }
    packed_ = packed_ && total <= 15;
    interned_.resize(key_types_.size());
    packed_dict_.resize(key_types_.size());
    packed_code_ids_.resize(key_types_.size());
  }
}

uint32_t GroupTable::Intern(size_t key, std::string_view s) {
  auto [it, inserted] =
      interned_[key].try_emplace(std::string(s), static_cast<uint32_t>(interned_[key].size()));
  return it->second;
}

void GroupTable::PackKey(size_t k, const Column& c, size_t row, const uint32_t* ids, char* out) {
  if (c.layout().kind == ColumnLayout::Kind::kFixed) {
    std::memcpy(out, c.data.data() + row * c.layout().width, c.layout().width);
  } else {
    const uint32_t id = ids ? ids[c.Codes()[row]] : Intern(k, c.StringAt(row));
    std::memcpy(out, &id, 4);
  }
}

ShortKeyMap::Key GroupTable::PackRow(const std::vector<const Column*>& columns,
                                     const std::vector<size_t>& rows,
                                     const std::vector<const uint32_t*>& ids) {
  char bytes[16] = {};
  size_t off = 0;
  for (size_t k = 0; k < columns.size(); ++k) {
    PackKey(k, *columns[k], rows[k], ids[k], bytes + off);
    off += static_cast<size_t>(packed_width_[k]);
  }
  ShortKeyMap::Key key;
  std::memcpy(&key.lo, bytes, 8);
  std::memcpy(&key.hi, bytes + 8, 8);
  return key;
}

void GroupTable::MapPacked(const std::vector<Datum>& keys, size_t rows, uint32_t* groups) {
  std::vector<const Column*> columns;
  std::vector<const uint32_t*> ids(keys.size(), nullptr);
  std::vector<size_t> row_of(keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& c = *keys[k].column;
    columns.push_back(&c);
    if (c.layout().kind != ColumnLayout::Kind::kDictionary) continue;
    // Codes map to interned ids once per dictionary.
    if (packed_dict_[k] != c.dictionary()) {
      packed_dict_[k] = c.dictionary();
      const Column& dict = *packed_dict_[k];
      packed_code_ids_[k].resize(dict.size());
      for (size_t code = 0; code < dict.size(); ++code)
        packed_code_ids_[k][code] = Intern(k, dict.StringAt(code));
    }
    ids[k] = packed_code_ids_[k].data();
  }
  constexpr size_t kBatch = 16;
  ShortKeyMap::Key packed[kBatch];
  uint64_t hashes[kBatch];
  for (size_t base = 0; base < rows; base += kBatch) {
    const size_t n = std::min(kBatch, rows - base);
    for (size_t j = 0; j < n; ++j) {
      for (size_t k = 0; k < keys.size(); ++k) row_of[k] = keys[k].RowIndex(base + j);
      packed[j] = PackRow(columns, row_of, ids);
      hashes[j] = ShortKeyMap::Hash(packed[j]);
      short_map_.Prefetch(hashes[j]);
    }
    for (size_t j = 0; j < n; ++j) {
      bool inserted = false;
      groups[base + j] =
          short_map_.FindOrInsert(packed[j], hashes[j], static_cast<uint32_t>(num_groups_), &inserted);
      if (inserted) AddGroup(keys, base + j, {});
    }
  }
}

std::string_view GroupTable::Store(std::string_view bytes) {
  if (arena_used_ + bytes.size() > arena_size_) {
    arena_size_ = std::max<size_t>(64 << 10, bytes.size());
    arena_.push_back(std::make_unique<char[]>(arena_size_));
    arena_used_ = 0;
  }
  char* p = arena_.back().get() + arena_used_;
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  arena_used_ += bytes.size();
  return std::string_view(p, bytes.size());
}

void GroupTable::Encode(const std::vector<Datum>& keys, size_t row, std::string* out) const {
  out->clear();
  if (raw_string_) {
    out->append(keys[0].column->StringAt(keys[0].RowIndex(row)));
    return;
  }
  for (const auto& k : keys) EncodeKey(*k.column, k.RowIndex(row), out);
}

uint32_t GroupTable::AddGroup(const std::vector<Datum>& keys, size_t row, std::string_view encoded) {
  uint32_t g = static_cast<uint32_t>(num_groups_++);
  for (size_t k = 0; k < keys.size(); ++k)
    key_columns_[k]->AppendRange(*keys[k].column, keys[k].RowIndex(row), 1);
  if (!fixed_single_) encoded_.push_back(encoded);
  return g;
}

void GroupTable::Map(const std::vector<Datum>& keys, size_t rows, std::vector<uint32_t>* groups) {
  groups->resize(rows);
  if (keys.empty()) {
    if (num_groups_ == 0) {
      num_groups_ = 1;
      encoded_.emplace_back();
    }
    std::fill(groups->begin(), groups->end(), 0);
    return;
  }
  if (fixed_single_) {
    switch (keys[0].column->layout().width) {
      case 1:
        return MapFixed<uint8_t>(keys, rows, groups->data());
      case 2:
        return MapFixed<uint16_t>(keys, rows, groups->data());
      case 4:
        return MapFixed<uint32_t>(keys, rows, groups->data());
      default:
        return MapFixed<uint64_t>(keys, rows, groups->data());
    }
  }
  if (packed_) return MapPacked(keys, rows, groups->data());
  std::string buf;
  const bool single_dict = keys.size() == 1 &&
                           keys[0].column->layout().kind == ColumnLayout::Kind::kDictionary &&
                           !keys[0].is_const;
  if (single_dict) {
    // Map dictionary codes once per dictionary, rows by code.
    const Column& c = *keys[0].column;
    if (cached_dict_ != c.dictionary()) {
      cached_dict_ = c.dictionary();
      code_to_group_.assign(cached_dict_->size(), UINT32_MAX);
    }
    const uint32_t* codes = c.Codes();
    for (size_t i = 0; i < rows; ++i) {
      if (c.IsNull(i)) {
        (*groups)[i] = Lookup(keys, i, &buf);
        continue;
      }
      uint32_t& g = code_to_group_[codes[i]];
      if (g == UINT32_MAX) g = Lookup(keys, i, &buf);
      (*groups)[i] = g;
    }
    return;
  }
  if (raw_string_) {
    // The row's bytes are the key: no encoding buffer. Short keys go in batches: hash and prefetch every
    // slot of the batch, then probe.
    const Column& c = *keys[0].column;
    constexpr size_t kBatch = 16;
    ShortKeyMap::Key packed[kBatch];
    uint64_t hashes[kBatch];
    for (size_t base = 0; base < rows; base += kBatch) {
      const size_t n = std::min(kBatch, rows - base);
      for (size_t j = 0; j < n; ++j) {
        std::string_view k = c.StringAt(keys[0].RowIndex(base + j));
        if (k.size() > 15) continue;
        packed[j] = ShortKeyMap::Pack(k);
        hashes[j] = ShortKeyMap::Hash(packed[j]);
        short_map_.Prefetch(hashes[j]);
      }
      for (size_t j = 0; j < n; ++j) {
        const size_t i = base + j;
        std::string_view k = c.StringAt(keys[0].RowIndex(i));
        if (k.size() > 15) {
          (*groups)[i] = StringGroup(k, keys, i);
          continue;
        }
        bool inserted = false;
        (*groups)[i] =
            short_map_.FindOrInsert(packed[j], hashes[j], static_cast<uint32_t>(num_groups_), &inserted);
        if (inserted) AddGroup(keys, i, Store(k));
      }
    }
    return;
  }
  for (size_t i = 0; i < rows; ++i) (*groups)[i] = Lookup(keys, i, &buf);
}

template <typename T>
void GroupTable::MapFixed(const std::vector<Datum>& keys, size_t rows, uint32_t* groups) {
  const Datum& k = keys[0];
  const T* data = reinterpret_cast<const T*>(k.column->data.data());
  if (k.is_const) {
    std::fill(groups, groups + rows, FixedGroup(data[0], keys, 0));
    return;
  }
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t key = data[i];
    if (direct_ && key < direct_index_.size() && direct_index_[key] != 0) {
      groups[i] = direct_index_[key] - 1;
      continue;
    }
    groups[i] = FixedGroup(key, keys, i);
  }
}

uint32_t GroupTable::FixedGroup(uint64_t key, const std::vector<Datum>& keys, size_t row) {
  if (direct_ && key >= direct_index_.size()) {
    if (key < kDirectLimit) {
      direct_index_.resize(
          std::min<uint64_t>(kDirectLimit, std::max<uint64_t>(key + 1, direct_index_.size() * 2)));
    } else {
      // Not dense: every group moves to the hash map.
      direct_ = false;
      for (size_t g = 0; g < fixed_keys_.size(); ++g)
        fixed_map_.emplace(fixed_keys_[g], static_cast<uint32_t>(g));
      direct_index_ = {};
    }
  }
  if (direct_) {
    uint32_t& slot = direct_index_[key];
    if (slot == 0) {
      slot = AddGroup(keys, row, {}) + 1;
      fixed_keys_.push_back(key);
    }
    return slot - 1;
  }
  auto [it, inserted] = fixed_map_.try_emplace(key, static_cast<uint32_t>(num_groups_));
  if (inserted) {
    AddGroup(keys, row, {});
    fixed_keys_.push_back(key);
  }
  return it->second;
}

ShortKeyMap::Key ShortKeyMap::Pack(std::string_view s) {
  char bytes[16] = {};
  std::memcpy(bytes, s.data(), s.size());
  bytes[15] = static_cast<char>(s.size());
  Key k;
  std::memcpy(&k.lo, bytes, 8);
  std::memcpy(&k.hi, bytes + 8, 8);
  return k;
}

uint32_t ShortKeyMap::FindOrInsert(const Key& k, uint64_t hash, uint32_t new_group, bool* inserted) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.group == kEmpty) {
      s = {k.lo, k.hi, new_group};
      ++size_;
      *inserted = true;
      return new_group;
    }
    if (s.lo == k.lo && s.hi == k.hi) {
      *inserted = false;
      return s.group;
    }
  }
}

void ShortKeyMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{0, 0, kEmpty});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.group == kEmpty) continue;
    size_t i = Hash({s.lo, s.hi}) & mask_;
    while (slots_[i].group != kEmpty) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

uint32_t GroupTable::StringGroup(std::string_view k, const std::vector<Datum>& keys, size_t row) {
  if (k.size() <= 15) {
    const ShortKeyMap::Key sk = ShortKeyMap::Pack(k);
    bool inserted = false;
    const uint32_t g =
        short_map_.FindOrInsert(sk, ShortKeyMap::Hash(sk), static_cast<uint32_t>(num_groups_), &inserted);
    if (inserted) AddGroup(keys, row, Store(k));
    return g;
  }
  auto it = bytes_map_.find(k);
  if (it != bytes_map_.end()) return it->second;
  std::string_view stored = Store(k);
  bytes_map_.emplace(stored, static_cast<uint32_t>(num_groups_));
  return AddGroup(keys, row, stored);
}

uint32_t GroupTable::Lookup(const std::vector<Datum>& keys, size_t row, std::string* buf) {
  if (raw_string_) return StringGroup(keys[0].column->StringAt(keys[0].RowIndex(row)), keys, row);
  Encode(keys, row, buf);
  auto it = bytes_map_.find(std::string_view(*buf));
  if (it != bytes_map_.end()) return it->second;
  std::string_view stored = Store(*buf);
  bytes_map_.emplace(stored, static_cast<uint32_t>(num_groups_));
  return AddGroup(keys, row, stored);
}

void GroupTable::MergeInto(const GroupTable& other, std::vector<uint32_t>* remap) {
  remap->resize(other.num_groups_);
  std::vector<Datum> keys;
  for (const auto& c : other.key_columns_) keys.push_back({c, false});
  for (size_t g = 0; g < other.num_groups_; ++g) {
    if (key_types_.empty()) {
      if (num_groups_ == 0) {
        num_groups_ = 1;
        encoded_.emplace_back();
      }
      (*remap)[g] = 0;
    } else if (fixed_single_) {
      (*remap)[g] = FixedGroup(other.fixed_keys_[g], keys, g);
    } else if (packed_) {
      std::vector<const Column*> columns;
      for (const auto& c : other.key_columns_) columns.push_back(c.get());
      const ShortKeyMap::Key key = PackRow(columns, std::vector<size_t>(columns.size(), g),
                                           std::vector<const uint32_t*>(columns.size(), nullptr));
      bool inserted = false;
      (*remap)[g] =
          short_map_.FindOrInsert(key, ShortKeyMap::Hash(key), static_cast<uint32_t>(num_groups_), &inserted);
      if (inserted) AddGroup(keys, g, {});
    } else if (raw_string_) {
      (*remap)[g] = StringGroup(other.encoded_[g], keys, g);
    } else {
      auto it = bytes_map_.find(other.encoded_[g]);
      if (it == bytes_map_.end()) {
        std::string_view stored = Store(other.encoded_[g]);
        it = bytes_map_.emplace(stored, static_cast<uint32_t>(num_groups_)).first;
        AddGroup(keys, g, stored);
      }
      (*remap)[g] = it->second;
    }
  }
}

std::vector<ColumnPtr> GroupTable::KeyColumns() const {
  return key_columns_;
}

}  // namespace aurora::exec
