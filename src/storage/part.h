// Part: an immutable, sorted, column-oriented file holding some rows of one partition of a table.
// Byte layout: docs/formats/part.md.
//
// PartWriter turns a chunk whose rows are already sorted by the ORDER BY key into a part file: per
// column, one compressed block per granule (default 8192 rows), min/max and NULL count per granule, a
// sparse primary index (the key of each granule's first row), a dictionary per dictionary-encoded column
// (sorted, so that code order is value order), and checksums on every block and on the footer. It writes
// to "<name>.tmp", fsyncs and renames; the caller fsyncs the directory and commits the manifest.
//
// Part opens a part file, checks its footer and loads its dictionaries; ReadColumn decodes one granule of
// one column. A block whose checksum fails gives Corruption naming the file and the byte offset; other
// blocks stay readable. Part is immutable and safe to share between threads (reads use pread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "storage/table_schema.h"
#include "types/chunk.h"

namespace aurora::storage {

struct BlockRef {
  uint64_t offset = 0;
  uint32_t size = 0;
  uint64_t checksum = 0;
};

struct PartColumn {
  std::string name;
  DataTypePtr type;                // the declared type when the part was written
  bool dictionary = false;         // codes in blocks, values in `dict`
  std::vector<BlockRef> blocks;    // one per granule
  std::vector<uint8_t> has_stats;  // per granule: min/max are valid (false for long strings, NaN)
  std::vector<Value> mins, maxs;   // per granule, NULLs ignored; NULL when the granule is all NULL
  std::vector<uint32_t> null_counts;
  Value part_min, part_max;  // over all granules with stats (NULL when none)
  bool part_has_stats = false;
  BlockRef dict_block;
  std::shared_ptr<const Column> dict;  // sorted distinct values (dictionary columns)
  uint64_t compressed_bytes = 0;
  uint64_t uncompressed_bytes = 0;

  // The type of columns ReadColumn returns: LowCardinality(...) for dictionary-encoded columns.
  DataTypePtr ReadType() const;
};

struct PartMeta {
  uint64_t id = 0;
  uint32_t level = 0;     // 0 for a flushed part; merges produce max(inputs) + 1
  int64_t partition = 0;  // PartitionIdOf() of its rows; 0 when the table is not partitioned
};

class Part {
 public:
  static Result<std::shared_ptr<Part>> Open(FileSystem& fs, const std::string& path);

  const PartMeta& meta() const { return meta_; }
  uint64_t id() const { return meta_.id; }
  uint64_t num_rows() const { return num_rows_; }
  size_t num_granules() const { return granule_rows_.size(); }
  uint32_t granule_rows(size_t g) const { return granule_rows_[g]; }
  uint64_t granule_start(size_t g) const { return granule_start_[g]; }
  uint64_t file_bytes() const { return file_bytes_; }
  const std::string& path() const { return path_; }
  const std::vector<PartColumn>& columns() const { return columns_; }
  int ColumnIndex(std::string_view name) const;
  // Primary index: key values (ORDER BY columns) of the first row of each granule.
  const std::vector<std::string>& key_columns() const { return key_columns_; }
  const std::vector<std::vector<Value>>& primary_index() const { return primary_index_; }

  // Decodes granule `g` of column `col`.
  Result<ColumnPtr> ReadColumn(size_t col, size_t g) const;

 private:
  Part() = default;
  Status ReadBlock(const BlockRef& ref, std::string* decoded_payload, std::string_view what) const;

  std::string path_;
  std::unique_ptr<RandomAccessFile> file_;
  PartMeta meta_;
  uint64_t num_rows_ = 0;
  uint64_t file_bytes_ = 0;
  std::vector<uint32_t> granule_rows_;
  std::vector<uint64_t> granule_start_;
  std::vector<PartColumn> columns_;
  std::vector<std::string> key_columns_;
  std::vector<std::vector<Value>> primary_index_;
};

struct PartWriteResult {
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// Writes `rows` (sorted by the key, all columns of `schema` in schema order) as part file `path`.
Result<PartWriteResult> WritePart(FileSystem& fs, const std::string& path, const TableSchema& schema,
                                  const Chunk& rows, const PartMeta& meta);

}  // namespace aurora::storage
