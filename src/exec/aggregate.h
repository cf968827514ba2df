// Aggregate functions and grouping.
//
// An AggregateState holds one function's state for every group of one worker thread; Update folds a
// chunk's rows in by group id, Merge folds another worker's states in (through a group id remap), and
// Finalize produces the result column. Functions: count, sum, avg, min, max, any, anyLast, uniqExact
// here, and the ones aggregate_functions.h lists (argMin/argMax, uniq, quantiles, moments, groupArray,
// topK ...), each with the -If combinator (countIf(cond), sumIf(x, cond), quantileIf(0.9)(x, cond));
// count(DISTINCT x) is uniqExact(x). Rows where a value argument is NULL are skipped, as in ClickHouse;
// count() counts rows. Merging must give the answer a single state would: the executor deals morsels
// to workers in no fixed order.
//
// GroupTable maps the group-by keys of each row to a dense group id. Keys of one fixed-width column use
// an integer hash map, one LowCardinality column is mapped by dictionary code, anything else (arrays
// included) is encoded into bytes. Each worker owns one; MergeInto combines them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "exec/expression.h"

namespace aurora::exec {

class AggregateState {
 public:
  virtual ~AggregateState() = default;
  virtual void Resize(size_t groups) = 0;
  // args: the evaluated arguments (the -If condition last); rows with groups[i].
  virtual void Update(const uint32_t* groups, size_t rows, const std::vector<function::Datum>& args) = 0;
  virtual void Merge(const AggregateState& other, const std::vector<uint32_t>& remap) = 0;
  virtual ColumnPtr Finalize(size_t groups) const = 0;
};

struct AggregateCall {
  std::string name;                // as written, e.g. "countIf"
  std::vector<BoundExprPtr> args;  // over the scan chunk (the -If condition last)
  DataTypePtr result_type;
  std::function<std::unique_ptr<AggregateState>()> make;
  std::string text;  // e.g. "sum(quantity)"
};

// Binds an aggregate by name; nullopt-like NotFound status when `name` is not an aggregate.
// Errors name the function and its argument types: "sum takes 1 argument", "no function sum(String)".
Result<AggregateCall> BindAggregate(const std::string& name, std::vector<BoundExprPtr> args, bool distinct,
                                    const std::vector<Value>& params);
bool IsAggregateName(std::string_view name);
// Every aggregate function's name (without the -If forms), sorted (system.functions).
std::vector<std::string> AggregateNames();

// An open-addressing map from strings of up to 15 bytes, packed into 16 bytes, to group ids. Lookups can
// be prefetched: with hundreds of thousands of keys the table outgrows the caches, and GroupTable hashes
// a batch of rows and prefetches their slots before probing.
class ShortKeyMap {
 public:
  struct Key {
    uint64_t lo = 0, hi = 0;
  };
  static Key Pack(std::string_view s);
  static uint64_t Hash(const Key& k) {
    uint64_t h = (k.lo ^ 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;
    h ^= (k.hi + (h >> 29)) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
  }
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  // The group of `k` (hash `hash`), or `new_group` inserted for it (then *inserted is true).
  uint32_t FindOrInsert(const Key& k, uint64_t hash, uint32_t new_group, bool* inserted);

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t lo, hi;
    uint32_t group;
  };
  void Grow();
  std::vector<Slot> slots_;
  size_t mask_ = 0, size_ = 0;
};

class GroupTable {
 public:
  explicit GroupTable(std::vector<DataTypePtr> key_types);

  // Group ids of the rows of `keys` (evaluated key columns); new groups are added.
  void Map(const std::vector<function::Datum>& keys, size_t rows, std::vector<uint32_t>* groups);
  size_t size() const { return num_groups_; }
  // Adds `other`'s groups to this table; remap[g] is the id here of other's group g.
  void MergeInto(const GroupTable& other, std::vector<uint32_t>* remap);
  // The key columns of all groups, in group id order.
  std::vector<ColumnPtr> KeyColumns() const;

 private:
  uint32_t AddGroup(const std::vector<function::Datum>& keys, size_t row, std::string_view encoded);
  void Encode(const std::vector<function::Datum>& keys, size_t row, std::string* out) const;
  // The group of row `row` by its encoded key, adding it when new.
  uint32_t Lookup(const std::vector<function::Datum>& keys, size_t row, std::string* buf);
  // The group of fixed-width key `key` (its bits), adding it (from row `row` of `keys`) when new.
  uint32_t FixedGroup(uint64_t key, const std::vector<function::Datum>& keys, size_t row);
  template <typename T>
  void MapFixed(const std::vector<function::Datum>& keys, size_t rows, uint32_t* groups);
  // Several non-Nullable keys, each fixed-width or LowCardinality(String) (as a 4-byte id of the string,
  // interned per key), packed into at most 15 bytes: one ShortKeyMap probe per row, no encoding.
  void MapPacked(const std::vector<function::Datum>& keys, size_t rows, uint32_t* groups);
  // The packed key of rows `rows[k]` of `columns[k]` (key columns of this table or another's);
  // LowCardinality keys by their string, interned here. `ids[k]` maps dictionary codes of key k when not
  // null.
  ShortKeyMap::Key PackRow(const std::vector<const Column*>& columns, const std::vector<size_t>& rows,
                           const std::vector<const uint32_t*>& ids);
  void PackKey(size_t k, const Column& c, size_t row, const uint32_t* ids, char* out);
  uint32_t Intern(size_t key, std::string_view s);
  // The group of string key `k` (the raw-string path), adding it (from row `row` of `keys`) when new.
  uint32_t StringGroup(std::string_view k, const std::vector<function::Datum>& keys, size_t row);

  std::vector<DataTypePtr> key_types_;
  bool fixed_single_ = false;  // one fixed-width non-Nullable key
  size_t num_groups_ = 0;
  // Stable storage for encoded keys: the bytes map and encoded_ point into it.
  std::string_view Store(std::string_view bytes);

  // Fixed keys go to a direct-mapped index (key -> group + 1, 0 for none) while every key seen is below
  // kDirectLimit, as dense ids are; the first larger key moves them all to fixed_map_.
  static constexpr uint64_t kDirectLimit = uint64_t{1} << 22;
  bool direct_ = true;
  std::vector<uint32_t> direct_index_;
  absl::flat_hash_map<uint64_t, uint32_t> fixed_map_;
  absl::flat_hash_map<std::string_view, uint32_t> bytes_map_;
  std::vector<std::string_view> encoded_;  // bytes keys by group (bytes path)
  std::vector<std::unique_ptr<char[]>> arena_;
  size_t arena_used_ = 0, arena_size_ = 0;
  bool raw_string_ = false;  // one non-Nullable String key: its bytes are the key
  // Raw-string keys of up to 15 bytes live inline in a 16-byte key (bytes, then the length in the last
  // byte), so a lookup touches no arena; longer ones go to bytes_map_.
  ShortKeyMap short_map_;
  bool packed_ = false;
  std::vector<int> packed_width_;  // per key: its bytes in the packed key (4 for LowCardinality)
  std::vector<absl::flat_hash_map<std::string, uint32_t>> interned_;  // per LowCardinality key
  std::vector<std::shared_ptr<const Column>> packed_dict_;            // per key: the dictionary last seen
  std::vector<std::vector<uint32_t>> packed_code_ids_;                // and its codes' interned ids
  std::vector<uint64_t> fixed_keys_;                                  // fixed keys by group (fixed path)
  std::vector<ColumnPtr> key_columns_;                                // key values by group
  // Single dictionary key: code -> group for the last dictionary seen.
  std::shared_ptr<const Column> cached_dict_;
  std::vector<uint32_t> code_to_group_;
};

}  // namespace aurora::exec
