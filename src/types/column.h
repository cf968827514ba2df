// Column: a vector of values of one DataType, the unit the storage engine and the executor exchange.
//
// Layout (DataType::Layout()):
//   kFixed       values in `data` (width bytes each, native little-endian)
//   kString      `offsets[i]` is the end of value i in `chars` (start is offsets[i-1], or 0)
//   kDictionary  uint32 codes in `data`, indexing `dictionary` (a String column of distinct values);
//                the dictionary may be shared by many columns (all granules of a part), so code equality
//                means value equality for columns that share one.
//   kArray       row i holds the elements [ArrayBegin(i), ArrayEnd(i)) of child(), a column of the element
//                type; `offsets[i]` is the end of row i (as ClickHouse lays out arrays). Never nullable.
//   nullable     `nulls[i]` is 1 where row i is NULL, or `nulls` is empty when no row is NULL; the value
//                slot of a NULL row holds a default (0 / empty string / code of "").
//
// A Column is not thread-safe for writes; once published (shared_ptr<const Column>) it is immutable.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include <absl/container/flat_hash_map.h>

#include "common/pod_array.h"
#include "types/data_type.h"
#include "types/value.h"

namespace aurora {

class Column;
using ColumnPtr = std::shared_ptr<Column>;
using ConstColumnPtr = std::shared_ptr<const Column>;

class Column {
 public:
  explicit Column(DataTypePtr type);
  // Copying would share an array column's child; build a new column with AppendRange instead.
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  const DataTypePtr& type() const { return type_; }
  const ColumnLayout& layout() const { return layout_; }
  size_t size() const { return size_; }

  // ---- reading
  bool IsNull(size_t i) const { return !nulls.empty() && nulls[i]; }
  bool HasNulls() const;
  template <typename T>
  const T* Data() const {
    return reinterpret_cast<const T*>(data.data());
  }
  template <typename T>
  T* MutableData() {
    return reinterpret_cast<T*>(data.data());
  }
  const uint32_t* Codes() const { return Data<uint32_t>(); }
  // The string at row i (String or LowCardinality(String)).
  std::string_view StringAt(size_t i) const;
  // Row i as a Value (NULL as monostate).
  Value ValueAt(size_t i) const;
  // Three-way comparison of row i with row j of `other` (same type); NULLs first.
  int CompareAt(size_t i, const Column& other, size_t j) const;
  // Heap bytes held by this column (not counting a shared dictionary).
  size_t ByteSize() const;

  // ---- array columns
  const Column& child() const { return *child_; }
  uint64_t ArrayBegin(size_t i) const { return i == 0 ? 0 : offsets[i - 1]; }
  uint64_t ArrayEnd(size_t i) const { return offsets[i]; }
  uint64_t ArraySize(size_t i) const { return ArrayEnd(i) - ArrayBegin(i); }
  // Builds an array row: append its elements to mutable_child(), then call FinishArray().
  Column& mutable_child() { return *child_; }
  void FinishArray() {
    offsets.push_back(child_->size());
    ++size_;
  }

  // ---- building
  void Reserve(size_t n);
  void AppendNull();
  // The type's default: NULL for Nullable types, else 0 / empty string / empty array.
  void AppendDefault();
  void AppendInt(int64_t v);  // integer, bool, date and time types
  void AppendUInt(uint64_t v);
  void AppendFloat(double v);
  void AppendString(std::string_view s);  // String and LowCardinality(String)
  // Appends a value of a compatible kind; returns false if the value does not fit the type.
  bool AppendValue(const Value& v);
  // Appends rows [begin, begin+count) of `other`, which has the same type.
  void AppendRange(const Column& other, size_t begin, size_t count);
  // Appends the rows of `other` named by `indices`, in that order.
  void AppendGather(const Column& other, const uint32_t* indices, size_t count);
  // Sets the size after a decoder filled `data`/`offsets`/`chars` directly.
  void SetSizeUnsafe(size_t n) { size_ = n; }

  // ---- dictionary columns
  // Shares `dict` as this column's dictionary (codes appended later must index it). Appending a value
  // that needs a new dictionary entry first copies the dictionary into one of the column's own.
  void SetDictionary(std::shared_ptr<const Column> dict);
  const std::shared_ptr<const Column>& dictionary() const { return dictionary_; }

  // Copy of rows [begin, begin+count).
  ColumnPtr Slice(size_t begin, size_t count) const;

  PodArray<uint8_t> data;
  PodArray<uint64_t> offsets;
  PodArray<char> chars;
  PodArray<uint8_t> nulls;

 private:
  void MarkNotNull();
  // The value of an empty slot (zero, '', no elements) without touching the null map or the size.
  void AppendEmptyValue();
  uint32_t CodeFor(std::string_view s);
  // Code in our own dictionary of `other`'s code `code`; caches a code map per source dictionary.
  uint32_t RemapCode(const Column& other, uint32_t code);

  DataTypePtr type_;
  ColumnLayout layout_;
  size_t size_ = 0;
  std::shared_ptr<const Column> dictionary_;
  // While building a dictionary column: the dictionary we own and its index (value -> code).
  std::shared_ptr<Column> own_dictionary_;
  std::shared_ptr<absl::flat_hash_map<std::string, uint32_t>> dict_index_;
  std::shared_ptr<const Column> remap_from_;
  std::vector<uint32_t> remap_;
  std::shared_ptr<Column> child_;  // array columns: the elements of all rows
};

// Builds a String column from values (tests and small tables).
ColumnPtr MakeStringColumn(DataTypePtr type, std::initializer_list<std::string_view> values);

}  // namespace aurora
