// Table: one table's storage: write-ahead log, in-memory buffer, immutable parts, manifest, background
// flushes, merges and TTL. docs/architecture.md explains the whole write and read path.
//
// Write path: Append(chunk, source, position) -> WAL record (group commit, durable per the fsync policy)
// -> in-memory buffer, visible to new snapshots at once -> (background) flush by rows or age: the buffer is
// frozen, the WAL rotated, rows sorted by the ORDER BY key and split by partition into parts -> manifest
// commit (parts + WAL replay start + source positions) -> older WAL segments deleted.
//
// Background merges (size-tiered per partition) and TTL rewrite parts and commit the manifest; readers
// hold a TableSnapshot (shared parts + buffer chunks) and are never disturbed: a replaced part's file is
// unlinked while open readers keep their descriptors.
//
// Recovery (Open): delete files the manifest does not name, open the named parts (a part that fails its
// footer check is reported and left out; the rest of the table stays readable), replay WAL segments
// from the manifest's replay start, cutting off a torn tail record.
//
// Thread-safety: every public method is thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "io/file_system.h"
#include "storage/manifest.h"
#include "storage/part.h"
#include "storage/scan.h"
#include "storage/table_schema.h"
#include "storage/wal.h"
#include "types/chunk.h"

namespace aurora::storage {

struct TableOptions {
  bool background = true;  // run flushes, merges and TTL in a background thread
  int64_t background_tick_ms = 100;
  int64_t ttl_check_interval_ms = 60'000;
};

struct TableStats {
  uint64_t rows = 0;  // in parts and buffer
  uint64_t buffer_rows = 0;
  uint64_t parts = 0;
  uint64_t bytes_on_disk = 0;  // part files
  uint64_t wal_bytes = 0;
  uint64_t flushes = 0;
  uint64_t merges = 0;
  uint64_t rows_merged = 0;
  uint64_t ttl_rows_removed = 0;
  struct ColumnStats {
    std::string name;
    std::string type;
    uint64_t compressed_bytes = 0;
    uint64_t uncompressed_bytes = 0;
  };
  std::vector<ColumnStats> columns;
  std::vector<std::string> problems;  // corruption found at open
};

class Table {
 public:
  // Creates a new table in `dir` (which must not hold one) and opens it.
  static Result<std::unique_ptr<Table>> Create(FileSystem& fs, const std::string& dir,
                                               const TableSchema& schema, Clock& clock,
                                               TableOptions options = {});
  // Opens an existing table and recovers it.
  static Result<std::unique_ptr<Table>> Open(FileSystem& fs, const std::string& dir, Clock& clock,
                                             TableOptions options = {});
  // Stops background work. Buffered rows stay in the WAL and are replayed at the next Open.
  ~Table();

  const std::string& name() const { return schema_.name; }
  TableSchema schema() const;

  // Appends rows. Columns are matched to the schema by name; missing columns get their type's default
  // (NULL for Nullable); a column of a type the schema's widens (CanWiden: String and
  // LowCardinality(String) either way, T to Nullable(T), integers to Float64) is converted; any other type
  // difference or an unknown column is InvalidArgument. `source`/`position` (optional) record how far a
  // source has been consumed; they commit with the data.
  Status Append(const Chunk& chunk, std::string_view source = {}, std::string_view position = {});
  // `chunk` as Append would store it: the schema's columns, in order, of the schema's types.
  Result<Chunk> Normalize(const Chunk& chunk) const;
  // The position last appended for `source` (durable per the fsync policy), if any.
  std::optional<std::string> SourcePosition(std::string_view source) const;

  // Flushes the buffer to parts now.
  Status Flush();
  // Runs one merge if one is due; returns whether it merged.
  Result<bool> MergeOnce();
  // Removes rows past the TTL now (dropping whole parts where it can).
  Status ApplyTtl();
  // Replaces the schema (ALTER TABLE): columns may be added or dropped (not ORDER BY / PARTITION BY /
  // TTL columns), comments and codecs changed, and a column's type widened where CanWiden allows it (not
  // for ORDER BY / PARTITION BY / TTL columns). Existing parts and buffered rows read the new columns as
  // defaults and widened columns converted (parts keep their stored type until a merge rewrites them).
  Status AlterSchema(const TableSchema& schema);

  // Removes every row (parts and buffer) in one manifest commit; source positions are kept.
  Status Truncate();

  std::shared_ptr<const TableSnapshot> Snapshot() const;
  TableStats Stats() const;
  // A number that grows whenever the rows a query would see change (appends, TTL removals, TRUNCATE,
  // ALTER); flushes and merges leave it. Live queries re-run when it moves.
  uint64_t data_version() const { return data_version_.load(std::memory_order_acquire); }

 private:
  Table(FileSystem& fs, std::string dir, Clock& clock, TableOptions options);
  Status Recover();
  Status FlushLocked();
  // Commits `next` with `added` parts and without `removed` ones, then publishes the change to readers.
  // REQUIRES: maintenance_mu_ held.
  Status CommitLocked(Manifest next, const std::vector<std::shared_ptr<const Part>>& added,
                      const std::vector<uint64_t>& removed, bool clear_frozen = false);
  // Sorts, splits by partition and writes `chunks` as parts of `level`. With `sorted_inputs`, each chunk
  // is already sorted by the key (merge inputs) and the chunks are merged rather than sorted.
  Result<std::vector<std::shared_ptr<const Part>>> WriteParts(
      const std::vector<std::shared_ptr<const Chunk>>& chunks, uint32_t level, bool apply_ttl,
      bool sorted_inputs = false);
  Result<Chunk> ReadWholePart(const Part& part) const;
  void BackgroundLoop();
  void DeleteObsoleteWal(uint64_t before_segment);
  std::string PartPath(uint64_t id) const {
    return JoinPath(JoinPath(dir_, "parts"), Manifest::PartFileName(id));
  }

  FileSystem& fs_;
  const std::string dir_;
  Clock& clock_;
  const TableOptions options_;
  std::unique_ptr<Wal> wal_;

  // Appends hold this shared; a flush holds it exclusively while it swaps the buffer and rotates the WAL.
  mutable std::shared_mutex rotation_mu_;
  // Serializes flushes, merges, TTL and ALTER (each ends in a manifest commit).
  std::mutex maintenance_mu_;

  // Guards everything below.
  mutable std::mutex mu_;
  TableSchema schema_;
  Manifest manifest_;
  std::vector<std::shared_ptr<const Part>> parts_;
  std::vector<std::shared_ptr<const Chunk>> buffer_;  // rows appended since the last rotation
  uint64_t buffer_rows_ = 0;
  int64_t buffer_oldest_ms_ = 0;
  std::vector<std::shared_ptr<const Chunk>> frozen_;           // rows being flushed
  std::map<std::string, std::string, std::less<>> positions_;  // latest, including the buffer
  std::map<std::string, std::string> frozen_positions_;
  std::vector<std::string> problems_;
  uint64_t flushes_ = 0, merges_ = 0, rows_merged_ = 0, ttl_rows_removed_ = 0;
  int64_t last_ttl_ms_ = 0;

  std::atomic<uint64_t> data_version_{0};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;
  bool flush_requested_ = false;
  std::thread bg_thread_;
};

// A column of `rows` default values of `type` (0, "", or NULL for Nullable types).
ColumnPtr MakeDefaultColumn(const DataTypePtr& type, size_t rows);

}  // namespace aurora::storage
