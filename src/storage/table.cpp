#include "storage/table.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "common/check.h"
#include "common/coding.h"
#include "common/logging.h"
#include "storage/chunk_serde.h"

namespace aurora::storage {

namespace {

constexpr uint8_t kRecordAppend = 1;

ColumnPtr GatherColumn(const Column& src, const uint32_t* idx, size_t n) {
  auto out = std::make_shared<Column>(src.type());
  if (src.layout().kind == ColumnLayout::Kind::kDictionary) out->SetDictionary(src.dictionary());
  out->AppendGather(src, idx, n);
  return out;
}

// Concatenates chunks into one chunk with exactly the schema's columns (defaults for missing ones).
Chunk ConcatChunks(const TableSchema& schema, const std::vector<std::shared_ptr<const Chunk>>& chunks) {
  Chunk out;
  size_t total = 0;
  for (const auto& c : chunks) total += c->num_rows;
  for (const auto& def : schema.columns) {
    auto col = std::make_shared<Column>(def.type);
    col->Reserve(total);
    for (const auto& c : chunks) {
      if (c->num_rows == 0) continue;
      int ci = c->IndexOf(def.name);
      if (ci >= 0 && CanWiden(*c->columns[ci]->type(), *def.type)) {
        col->AppendRange(*WidenColumn(c->columns[ci], def.type), 0, c->num_rows);
      } else {
        col->AppendRange(*MakeDefaultColumn(def.type, c->num_rows), 0, c->num_rows);
      }
    }
    out.names.push_back(def.name);
    out.columns.push_back(std::move(col));
  }
  out.num_rows = total;
  return out;
}

// Partition id per row, caching the civil day (a partition never splits a day).
class PartitionMapper {
 public:
  PartitionMapper(const PartitionSpec& spec, const DataType& type) : spec_(spec), type_(type) {
    const std::string& tz = type.Base().timezone();
    if (!tz.empty() && type.Base().id() != TypeId::kDate) absl::LoadTimeZone(tz, &zone_);
  }
  int64_t Map(int64_t stored) {
    int64_t secs = TimeValueToSeconds(type_, stored);
    if (secs >= lo_ && secs < hi_) return id_;
    absl::CivilDay day = absl::ToCivilDay(absl::FromUnixSeconds(secs), zone_);
    lo_ = absl::ToUnixSeconds(absl::FromCivil(day, zone_));
    hi_ = absl::ToUnixSeconds(absl::FromCivil(day + 1, zone_));
    id_ = PartitionIdOf(spec_, type_, stored);
    return id_;
  }

 private:
  const PartitionSpec& spec_;
  const DataType& type_;
  absl::TimeZone zone_ = absl::UTCTimeZone();
  int64_t lo_ = 1, hi_ = 0, id_ = 0;
};

// The stored integer of row i of a fixed-width integer, date or time column.
int64_t StoredInt(const Column& c, size_t i) {
  switch (c.layout().value_id) {
    case TypeId::kInt8:
      return c.Data<int8_t>()[i];
    case TypeId::kInt16:
      return c.Data<int16_t>()[i];
    case TypeId::kInt32:
      return c.Data<int32_t>()[i];
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return c.Data<int64_t>()[i];
    case TypeId::kBool:
    case TypeId::kUInt8:
      return c.Data<uint8_t>()[i];
    case TypeId::kUInt16:
    case TypeId::kDate:
      return c.Data<uint16_t>()[i];
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return c.Data<uint32_t>()[i];
    case TypeId::kUInt64:
      return static_cast<int64_t>(c.Data<uint64_t>()[i]);
    default:
      AURORA_CHECK_MSG(false, "StoredInt on a non-integer column");
  }
}

}  // namespace

ColumnPtr MakeDefaultColumn(const DataTypePtr& type, size_t rows) {
  auto col = std::make_shared<Column>(type);
  const ColumnLayout& l = col->layout();
  if (l.nullable) {
    col->nulls.resize_fill(rows, 1);
  }
  switch (l.kind) {
    case ColumnLayout::Kind::kFixed:
      col->data.resize_fill(rows * l.width, 0);
      break;
    case ColumnLayout::Kind::kString:
      col->offsets.resize_fill(rows, 0);
      break;
    case ColumnLayout::Kind::kDictionary:
      col->data.resize_fill(rows * 4, 0);
      break;  // code 0 is ""
    case ColumnLayout::Kind::kArray:
      col->offsets.resize_fill(rows, 0);
      break;  // empty arrays
  }
  col->SetSizeUnsafe(rows);
  return col;
}

Table::Table(FileSystem& fs, std::string dir, Clock& clock, TableOptions options)
    : fs_(fs), dir_(std::move(dir)), clock_(clock), options_(options) {}

Result<std::unique_ptr<Table>> Table::Create(FileSystem& fs, const std::string& dir,
                                             const TableSchema& schema, Clock& clock, TableOptions options) {
  AURORA_RETURN_IF_ERROR(schema.Validate());
  if (fs.Exists(JoinPath(dir, "manifest")))
    return AURORA_ERROR(kAlreadyExists, "table directory '{}' is in use", dir);
  AURORA_RETURN_IF_ERROR(fs.CreateDirs(JoinPath(dir, "parts")));
  AURORA_RETURN_IF_ERROR(fs.CreateDirs(JoinPath(dir, "wal")));
  AURORA_RETURN_IF_ERROR(fs.SyncDir(dir));
  Manifest m;
  m.schema = schema;
  AURORA_RETURN_IF_ERROR(CommitManifest(fs, dir, m));
  return Open(fs, dir, clock, options);
}

Result<std::unique_ptr<Table>> Table::Open(FileSystem& fs, const std::string& dir, Clock& clock,
                                           TableOptions options) {
  std::unique_ptr<Table> t(new Table(fs, dir, clock, options));
  AURORA_RETURN_IF_ERROR(t->Recover());
  if (options.background) t->bg_thread_ = std::thread([p = t.get()] { p->BackgroundLoop(); });
  return t;
}

Table::~Table() {
  {
    std::lock_guard lock(bg_mu_);
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
}

Status Table::Recover() {
  AURORA_ASSIGN_OR_RETURN(manifest_, LoadManifest(fs_, dir_));
  schema_ = manifest_.schema;
  for (const auto& [k, v] : manifest_.sources) positions_[k] = v;

  // Parts: open those the manifest names, delete anything else (unfinished writes, merged-away parts).
  const std::string parts_dir = JoinPath(dir_, "parts");
  AURORA_RETURN_IF_ERROR(fs_.CreateDirs(parts_dir));
  std::set<std::string> live;
  for (const auto& p : manifest_.parts) live.insert(Manifest::PartFileName(p.id));
  AURORA_ASSIGN_OR_RETURN(auto names, fs_.ListDir(parts_dir));
  for (const auto& n : names) {
    if (!live.count(n)) {
      AURORA_LOG_INFO("table '{}': removing '{}', which no committed manifest names", schema_.name, n);
      AURORA_RETURN_IF_ERROR(fs_.RemoveFile(JoinPath(parts_dir, n)));
    }
  }
  for (const auto& mp : manifest_.parts) {
    auto part = Part::Open(fs_, PartPath(mp.id));
    if (!part.ok()) {
      if (part.status().code() != ErrorCode::kCorruption) return part.status();
      problems_.push_back(part.status().message());
      AURORA_LOG_ERROR("table '{}': part left out: {}", schema_.name, part.status().message());
      continue;
    }
    parts_.push_back(std::move(*part));
  }

  // WAL: delete segments already in parts, replay the rest.
  const std::string wal_dir = JoinPath(dir_, "wal");
  AURORA_RETURN_IF_ERROR(fs_.CreateDirs(wal_dir));
  DeleteObsoleteWal(manifest_.wal_start);
  const int64_t now = clock_.NowMillis();
  AURORA_ASSIGN_OR_RETURN(
      WalReplayResult replay,
      ReplayWal(fs_, wal_dir, manifest_.wal_start, [&](const WalRecordView& rec) -> Status {
        BufferReader r(rec.payload);
        uint8_t type;
        std::string_view source, position;
        if (!r.GetFixed(&type) || type != kRecordAppend || !r.GetString(&source) || !r.GetString(&position))
          return AURORA_ERROR(kCorruption, "bad record header");
        std::string_view rest;
        if (!r.GetBytes(r.remaining(), &rest)) return AURORA_ERROR(kCorruption, "bad record");
        AURORA_ASSIGN_OR_RETURN(Chunk chunk, DeserializeChunk(rest));
        if (chunk.num_rows > 0) {
          buffer_rows_ += chunk.num_rows;
          buffer_.push_back(std::make_shared<const Chunk>(std::move(chunk)));
          if (buffer_oldest_ms_ == 0) buffer_oldest_ms_ = now;
        }
        if (!source.empty()) positions_[std::string(source)] = std::string(position);
        return Status::OK();
      }));
  for (auto& p : replay.problems) {
    AURORA_LOG_ERROR("table '{}': {}", schema_.name, p);
    problems_.push_back(std::move(p));
  }
  uint64_t first = std::max(replay.last_segment + 1, manifest_.wal_start);
  AURORA_ASSIGN_OR_RETURN(
      wal_, Wal::Create(fs_, wal_dir, first, schema_.settings.fsync, schema_.settings.fsync_interval_ms));
  if (replay.records > 0)
    AURORA_LOG_INFO("table '{}': replayed {} WAL records ({} rows)", schema_.name, replay.records,
                    buffer_rows_);
  return Status::OK();
}

TableSchema Table::schema() const {
  std::lock_guard lock(mu_);
  return schema_;
}

Result<Chunk> Table::Normalize(const Chunk& chunk) const {
  Chunk out;
  out.num_rows = chunk.num_rows;
  for (size_t i = 0; i < chunk.columns.size(); ++i) {
    if (schema_.IndexOf(chunk.names[i]) < 0)
      return AURORA_ERROR(kInvalidArgument, "table '{}' has no column '{}'", schema_.name, chunk.names[i]);
    if (chunk.columns[i]->size() != chunk.num_rows)
      return AURORA_ERROR(kInvalidArgument, "column '{}' has {} rows, the chunk {}", chunk.names[i],
                          chunk.columns[i]->size(), chunk.num_rows);
  }
  for (const auto& def : schema_.columns) {
    int ci = chunk.IndexOf(def.name);
    ColumnPtr col;
    if (ci < 0) {
      col = MakeDefaultColumn(def.type, chunk.num_rows);
    } else if (chunk.columns[ci]->type()->Equals(*def.type)) {
      col = chunk.columns[ci];
    } else if (CanWiden(*chunk.columns[ci]->type(), *def.type)) {
      col = WidenColumn(chunk.columns[ci], def.type);
    } else {
      return AURORA_ERROR(kInvalidArgument, "column '{}' of table '{}' is {}, not {}", def.name, schema_.name,
                          def.type->Name(), chunk.columns[ci]->type()->Name());
    }
    out.names.push_back(def.name);
    out.columns.push_back(std::move(col));
  }
  return out;
}

Status Table::Append(const Chunk& chunk, std::string_view source, std::string_view position) {
  if (chunk.num_rows == 0 && source.empty()) return Status::OK();
  bool flush_due = false, backpressure = false;
  {
    std::shared_lock rot(rotation_mu_);
    AURORA_ASSIGN_OR_RETURN(Chunk norm, Normalize(chunk));
    std::string payload;
    BufferWriter w(&payload);
    w.PutFixed<uint8_t>(kRecordAppend);
    w.PutString(source);
    w.PutString(position);
    SerializeChunk(norm, &payload);
    AURORA_RETURN_IF_ERROR(wal_->Append(payload));
    std::lock_guard lock(mu_);
    const size_t norm_rows = norm.num_rows;
    if (norm.num_rows > 0) {
      buffer_rows_ += norm.num_rows;
      buffer_.push_back(std::make_shared<const Chunk>(std::move(norm)));
      if (buffer_oldest_ms_ == 0) buffer_oldest_ms_ = clock_.NowMillis();
    }
    if (!source.empty()) positions_.insert_or_assign(std::string(source), std::string(position));
    if (norm_rows > 0) data_version_.fetch_add(1, std::memory_order_release);
    flush_due = buffer_rows_ >= schema_.settings.flush_rows;
    backpressure = buffer_rows_ >= 4 * schema_.settings.flush_rows;
  }
  if (flush_due && options_.background && !backpressure) {
    {
      std::lock_guard lock(bg_mu_);
      flush_requested_ = true;
    }
    bg_cv_.notify_all();
  } else if (flush_due) {
    // No background thread, or it cannot keep up: flush on the caller's time.
    return Flush();
  }
  return Status::OK();
}

std::optional<std::string> Table::SourcePosition(std::string_view source) const {
  std::lock_guard lock(mu_);
  auto it = positions_.find(source);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<std::shared_ptr<const Part>>> Table::WriteParts(
    const std::vector<std::shared_ptr<const Chunk>>& chunks, uint32_t level, bool apply_ttl,
    bool sorted_inputs) {
  TableSchema schema;
  {
    std::lock_guard lock(mu_);
    schema = schema_;
  }
  Chunk all = ConcatChunks(schema, chunks);
  const size_t n = all.num_rows;

  // Rows kept (TTL), in key order. `runs` marks where each input chunk's rows start in `perm`.
  std::vector<uint32_t> perm;
  std::vector<size_t> runs;
  perm.reserve(n);
  const Column* ttl_col =
      apply_ttl && schema.ttl ? all.columns[schema.IndexOf(schema.ttl->column)].get() : nullptr;
  const int64_t cutoff = schema.ttl ? clock_.NowMillis() / 1000 - schema.ttl->seconds : 0;
  uint32_t row = 0;
  for (const auto& c : chunks) {
    runs.push_back(perm.size());
    for (size_t i = 0; i < c->num_rows; ++i, ++row)
      if (!ttl_col || TimeValueToSeconds(*ttl_col->type(), StoredInt(*ttl_col, row)) >= cutoff)
        perm.push_back(row);
  }
  runs.push_back(perm.size());
  if (ttl_col) {
    std::lock_guard lock(mu_);
    ttl_rows_removed_ += n - perm.size();
  }
  std::vector<const Column*> keys;
  for (const auto& k : schema.order_by) keys.push_back(all.columns[schema.IndexOf(k)].get());
  auto less = [&](uint32_t a, uint32_t b) {
    for (const Column* k : keys) {
      int c = k->CompareAt(a, *k, b);
      if (c != 0) return c < 0;
    }
    return false;
  };
  bool sorted = true;
  for (size_t i = 1; i < perm.size() && sorted; ++i) sorted = !less(perm[i], perm[i - 1]);
  if (!sorted && sorted_inputs) {
    // Merge the sorted runs pairwise: O(n log k) instead of a full sort.
    while (runs.size() > 2) {
      std::vector<size_t> next{0};
      for (size_t r = 0; r + 1 < runs.size(); r += 2) {
        size_t end = r + 2 < runs.size() ? runs[r + 2] : runs[r + 1];
        if (r + 2 < runs.size())
          std::inplace_merge(perm.begin() + runs[r], perm.begin() + runs[r + 1], perm.begin() + end, less);
        next.push_back(end);
      }
      runs = std::move(next);
    }
  } else if (!sorted) {
    // A fixed-width first key sorts on extracted integers; other keys compare through the column.
    const Column* k0 = keys.empty() ? nullptr : keys[0];
    if (k0 && k0->layout().kind == ColumnLayout::Kind::kFixed && !k0->type()->IsFloat() &&
        k0->nulls.empty() && k0->layout().value_id != TypeId::kUInt64) {
      std::vector<int64_t> kv(n);
      for (uint32_t i : perm) kv[i] = StoredInt(*k0, i);
      std::stable_sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) {
        if (kv[a] != kv[b]) return kv[a] < kv[b];
        for (size_t k = 1; k < keys.size(); ++k) {
          int c = keys[k]->CompareAt(a, *keys[k], b);
          if (c != 0) return c < 0;
        }
        return false;
      });
    } else {
      std::stable_sort(perm.begin(), perm.end(), less);
    }
  }

  // Split by partition, keeping key order within each.
  std::map<int64_t, std::vector<uint32_t>> by_partition;
  if (schema.partition_by.kind == PartitionSpec::Kind::kNone) {
    by_partition[0] = std::move(perm);
  } else {
    const Column& pc = *all.columns[schema.IndexOf(schema.partition_by.column)];
    PartitionMapper mapper(schema.partition_by, *pc.type());
    for (uint32_t i : perm) by_partition[mapper.Map(StoredInt(pc, i))].push_back(i);
  }

  std::vector<std::shared_ptr<const Part>> out;
  std::vector<std::string> written;
  auto cleanup = [&] {
    for (const auto& p : written) fs_.RemoveFile(p).IgnoreError();
  };
  for (auto& [partition, rows] : by_partition) {
    if (rows.empty()) continue;
    Chunk sorted_rows;
    sorted_rows.num_rows = rows.size();
    for (size_t c = 0; c < all.columns.size(); ++c) {
      sorted_rows.names.push_back(all.names[c]);
      sorted_rows.columns.push_back(GatherColumn(*all.columns[c], rows.data(), rows.size()));
    }
    uint64_t id;
    {
      std::lock_guard lock(mu_);
      id = manifest_.next_part_id++;
    }
    const std::string path = PartPath(id);
    auto res = WritePart(fs_, path, schema, sorted_rows, PartMeta{id, level, partition});
    if (!res.ok()) {
      cleanup();
      return res.status();
    }
    written.push_back(path);
    auto part = Part::Open(fs_, path);
    if (!part.ok()) {
      cleanup();
      return part.status();
    }
    out.push_back(std::move(*part));
  }
  Status st = fs_.SyncDir(JoinPath(dir_, "parts"));
  if (!st.ok()) {
    cleanup();
    return st;
  }
  return out;
}

Status Table::CommitLocked(Manifest next, const std::vector<std::shared_ptr<const Part>>& added,
                           const std::vector<uint64_t>& removed, bool clear_frozen) {
  next.version++;
  std::set<uint64_t> gone(removed.begin(), removed.end());
  next.parts.erase(std::remove_if(next.parts.begin(), next.parts.end(),
                                  [&](const ManifestPart& p) { return gone.count(p.id); }),
                   next.parts.end());
  for (const auto& p : added)
    next.parts.push_back({p->id(), p->meta().partition, p->meta().level, p->num_rows(), p->file_bytes()});
  {
    std::lock_guard lock(mu_);
    next.next_part_id = std::max(next.next_part_id, manifest_.next_part_id);
  }
  Status st = CommitManifest(fs_, dir_, next);
  if (!st.ok()) {
    for (const auto& p : added) fs_.RemoveFile(p->path()).IgnoreError();
    return st.WithContext(fmt::format("table '{}': manifest commit", next.schema.name));
  }
  std::vector<std::string> unlink;
  {
    std::lock_guard lock(mu_);
    manifest_ = next;
    std::vector<std::shared_ptr<const Part>> kept;
    for (auto& p : parts_) {
      if (gone.count(p->id())) {
        unlink.push_back(p->path());
      } else {
        kept.push_back(p);
      }
    }
    for (const auto& p : added) kept.push_back(p);
    parts_ = std::move(kept);
    // Flushed rows leave the buffer in the same step as their parts appear, so no snapshot sees them
    // twice or not at all.
    if (clear_frozen) {
      frozen_.clear();
      ++flushes_;
    }
  }
  // Open snapshots keep their file descriptors; the files go once nobody reads them.
  for (const auto& path : unlink) fs_.RemoveFile(path).IgnoreError();
  return Status::OK();
}

Status Table::Flush() {
  std::lock_guard maint(maintenance_mu_);
  return FlushLocked();
}

Status Table::FlushLocked() {
  std::vector<std::shared_ptr<const Chunk>> to_flush;
  std::map<std::string, std::string> positions;
  uint64_t wal_start;
  {
    std::unique_lock rot(rotation_mu_);
    std::unique_lock lock(mu_);
    if (buffer_.empty() && frozen_.empty() && positions_.size() == manifest_.sources.size()) {
      bool same = true;
      for (const auto& [k, v] : positions_) {
        auto it = manifest_.sources.find(k);
        if (it == manifest_.sources.end() || it->second != v) same = false;
      }
      if (same) return Status::OK();
    }
    lock.unlock();
    AURORA_ASSIGN_OR_RETURN(wal_start, wal_->Rotate());
    lock.lock();
    for (auto& c : buffer_) frozen_.push_back(std::move(c));
    buffer_.clear();
    buffer_rows_ = 0;
    buffer_oldest_ms_ = 0;
    frozen_positions_.clear();
    for (const auto& [k, v] : positions_) frozen_positions_[k] = v;
    to_flush = frozen_;
    positions = frozen_positions_;
  }
  std::vector<std::shared_ptr<const Part>> parts;
  if (!to_flush.empty()) {
    AURORA_ASSIGN_OR_RETURN(parts, WriteParts(to_flush, 0, true));
  }
  Manifest next;
  {
    std::lock_guard lock(mu_);
    next = manifest_;
  }
  next.wal_start = wal_start;
  for (const auto& [k, v] : positions) next.sources[k] = v;
  AURORA_RETURN_IF_ERROR(CommitLocked(std::move(next), parts, {}, /*clear_frozen=*/true));
  DeleteObsoleteWal(wal_start);
  return Status::OK();
}

void Table::DeleteObsoleteWal(uint64_t before_segment) {
  const std::string wal_dir = JoinPath(dir_, "wal");
  auto names = fs_.ListDir(wal_dir);
  if (!names.ok()) return;
  for (const auto& n : *names) {
    uint64_t seq;
    if (Wal::ParseSegmentName(n, &seq) && seq < before_segment)
      fs_.RemoveFile(JoinPath(wal_dir, n)).IgnoreError();
  }
}

Result<Chunk> Table::ReadWholePart(const Part& part) const {
  std::vector<std::shared_ptr<const Chunk>> granules;
  TableSchema schema;
  {
    std::lock_guard lock(mu_);
    schema = schema_;
  }
  for (size_t g = 0; g < part.num_granules(); ++g) {
    auto c = std::make_shared<Chunk>();
    c->num_rows = part.granule_rows(g);
    for (const auto& def : schema.columns) {
      int ci = part.ColumnIndex(def.name);
      ColumnPtr col;
      if (ci < 0) {
        col = MakeDefaultColumn(def.type, c->num_rows);
      } else {
        AURORA_ASSIGN_OR_RETURN(col, part.ReadColumn(ci, g));
      }
      c->names.push_back(def.name);
      c->columns.push_back(std::move(col));
    }
    granules.push_back(std::move(c));
  }
  return ConcatChunks(schema, granules);
}

Result<bool> Table::MergeOnce() {
  std::lock_guard maint(maintenance_mu_);
  std::vector<std::shared_ptr<const Part>> inputs;
  TableSettings settings;
  {
    std::lock_guard lock(mu_);
    settings = schema_.settings;
    std::map<std::pair<int64_t, int>, std::vector<std::shared_ptr<const Part>>> tiers;
    for (const auto& p : parts_) {
      double granules = static_cast<double>(p->num_rows()) / settings.granule_rows + 1.0;
      int tier = static_cast<int>(std::floor(std::log(granules) / std::log(4.0)));
      tiers[{p->meta().partition, tier}].push_back(p);
    }
    for (auto& [key, parts] : tiers) {
      if (parts.size() < settings.merge_min_parts) continue;
      std::sort(parts.begin(), parts.end(),
                [](const auto& a, const auto& b) { return a->num_rows() < b->num_rows(); });
      uint64_t rows = 0;
      for (const auto& p : parts) {
        if (inputs.size() >= settings.merge_max_parts || rows + p->num_rows() > settings.merge_max_rows)
          break;
        inputs.push_back(p);
        rows += p->num_rows();
      }
      if (inputs.size() >= 2) break;
      inputs.clear();
    }
  }
  if (inputs.empty()) return false;
  std::vector<std::shared_ptr<const Chunk>> chunks;
  uint32_t level = 0;
  uint64_t rows = 0;
  std::vector<uint64_t> removed;
  for (const auto& p : inputs) {
    AURORA_ASSIGN_OR_RETURN(Chunk c, ReadWholePart(*p));
    rows += c.num_rows;
    chunks.push_back(std::make_shared<const Chunk>(std::move(c)));
    level = std::max(level, p->meta().level + 1);
    removed.push_back(p->id());
  }
  AURORA_ASSIGN_OR_RETURN(auto outputs, WriteParts(chunks, level, true, /*sorted_inputs=*/true));
  Manifest next;
  {
    std::lock_guard lock(mu_);
    next = manifest_;
  }
  AURORA_RETURN_IF_ERROR(CommitLocked(std::move(next), outputs, removed));
  std::lock_guard lock(mu_);
  ++merges_;
  rows_merged_ += rows;
  return true;
}

Status Table::ApplyTtl() {
  std::lock_guard maint(maintenance_mu_);
  std::optional<TtlSpec> ttl;
  std::vector<std::shared_ptr<const Part>> parts;
  {
    std::lock_guard lock(mu_);
    ttl = schema_.ttl;
    parts = parts_;
    last_ttl_ms_ = clock_.NowMillis();
  }
  if (!ttl) return Status::OK();
  const int64_t cutoff = clock_.NowMillis() / 1000 - ttl->seconds;
  std::vector<uint64_t> removed;
  std::vector<std::shared_ptr<const Chunk>> rewrite;
  uint64_t dropped_rows = 0;
  for (const auto& p : parts) {
    int ci = p->ColumnIndex(ttl->column);
    if (ci < 0) continue;
    const PartColumn& pc = p->columns()[ci];
    if (!pc.part_has_stats || IsNull(pc.part_min)) continue;
    const DataType& type = *pc.type;
    int64_t mn = TimeValueToSeconds(type, std::get<int64_t>(pc.part_min));
    int64_t mx = TimeValueToSeconds(type, std::get<int64_t>(pc.part_max));
    if (mx < cutoff) {
      removed.push_back(p->id());
      dropped_rows += p->num_rows();
    } else if (mn < cutoff) {
      AURORA_ASSIGN_OR_RETURN(Chunk c, ReadWholePart(*p));
      rewrite.push_back(std::make_shared<const Chunk>(std::move(c)));
      removed.push_back(p->id());
    }
  }
  if (removed.empty()) return Status::OK();
  std::vector<std::shared_ptr<const Part>> outputs;
  if (!rewrite.empty()) {
    AURORA_ASSIGN_OR_RETURN(outputs, WriteParts(rewrite, 0, true));
  }
  Manifest next;
  {
    std::lock_guard lock(mu_);
    next = manifest_;
    ttl_rows_removed_ += dropped_rows;
  }
  AURORA_RETURN_IF_ERROR(CommitLocked(std::move(next), outputs, removed));
  data_version_.fetch_add(1, std::memory_order_release);
  return Status::OK();
}

Status Table::AlterSchema(const TableSchema& schema) {
  std::lock_guard maint(maintenance_mu_);
  std::unique_lock rot(rotation_mu_);
  AURORA_RETURN_IF_ERROR(schema.Validate());
  Manifest next;
  {
    std::lock_guard lock(mu_);
    if (schema.name != schema_.name)
      return AURORA_ERROR(kInvalidArgument, "ALTER cannot rename table '{}'", schema_.name);
    if (schema.order_by != schema_.order_by ||
        schema.partition_by.ToString() != schema_.partition_by.ToString())
      return AURORA_ERROR(kNotSupported, "ALTER cannot change ORDER BY or PARTITION BY of table '{}'",
                          schema_.name);
    for (const auto& c : schema.columns) {
      const ColumnDef* old = schema_.Find(c.name);
      if (!old || old->type->Equals(*c.type)) continue;
      const bool key =
          std::find(schema.order_by.begin(), schema.order_by.end(), c.name) != schema.order_by.end() ||
          schema.partition_by.column == c.name || (schema.ttl && schema.ttl->column == c.name);
      if (key || !CanWiden(*old->type, *c.type))
        return AURORA_ERROR(kNotSupported,
                            "ALTER cannot change the type of column '{}' ({} to {}): only widening a column "
                            "that is not in ORDER BY, PARTITION BY or TTL (to Nullable, integers to Float64)",
                            c.name, old->type->Name(), c.type->Name());
    }
    next = manifest_;
  }
  next.schema = schema;
  AURORA_RETURN_IF_ERROR(CommitLocked(std::move(next), {}, {}));
  std::lock_guard lock(mu_);
  schema_ = schema;
  data_version_.fetch_add(1, std::memory_order_release);
  return Status::OK();
}

Status Table::Truncate() {
  std::lock_guard maint(maintenance_mu_);
  std::unique_lock rot(rotation_mu_);
  AURORA_ASSIGN_OR_RETURN(uint64_t wal_start, wal_->Rotate());
  Manifest next;
  std::vector<uint64_t> removed;
  {
    std::lock_guard lock(mu_);
    next = manifest_;
    for (const auto& p : parts_) removed.push_back(p->id());
    for (const auto& [k, v] : positions_) next.sources[k] = v;
  }
  next.wal_start = wal_start;
  AURORA_RETURN_IF_ERROR(CommitLocked(std::move(next), {}, removed));
  {
    std::lock_guard lock(mu_);
    buffer_.clear();
    frozen_.clear();
    buffer_rows_ = 0;
    buffer_oldest_ms_ = 0;
  }
  data_version_.fetch_add(1, std::memory_order_release);
  DeleteObsoleteWal(wal_start);
  return Status::OK();
}

std::shared_ptr<const TableSnapshot> Table::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Chunk>> chunks = frozen_;
  chunks.insert(chunks.end(), buffer_.begin(), buffer_.end());
  return std::make_shared<const TableSnapshot>(schema_, parts_, std::move(chunks));
}

TableStats Table::Stats() const {
  std::lock_guard lock(mu_);
  TableStats s;
  s.parts = parts_.size();
  s.buffer_rows = buffer_rows_;
  for (const auto& c : frozen_) s.buffer_rows += c->num_rows;
  s.rows = s.buffer_rows;
  for (const auto& def : schema_.columns) s.columns.push_back({def.name, def.type->Name(), 0, 0});
  for (const auto& p : parts_) {
    s.rows += p->num_rows();
    s.bytes_on_disk += p->file_bytes();
    for (const auto& pc : p->columns()) {
      int ci = schema_.IndexOf(pc.name);
      if (ci < 0) continue;
      s.columns[ci].compressed_bytes += pc.compressed_bytes;
      s.columns[ci].uncompressed_bytes += pc.uncompressed_bytes;
    }
  }
  s.wal_bytes = wal_ ? wal_->bytes_written() : 0;
  s.flushes = flushes_;
  s.merges = merges_;
  s.rows_merged = rows_merged_;
  s.ttl_rows_removed = ttl_rows_removed_;
  s.problems = problems_;
  return s;
}

void Table::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  bool busy = false;  // a merge just ran: look for the next one without waiting
  while (!stop_) {
    if (!busy) bg_cv_.wait_for(lock, std::chrono::milliseconds(options_.background_tick_ms));
    if (stop_) break;
    bool requested = flush_requested_;
    flush_requested_ = false;
    lock.unlock();
    const int64_t now = clock_.NowMillis();
    bool due;
    bool ttl_due;
    {
      std::lock_guard l(mu_);
      due = requested || buffer_rows_ >= schema_.settings.flush_rows ||
            (buffer_rows_ > 0 && now - buffer_oldest_ms_ >= schema_.settings.flush_interval_ms);
      ttl_due = schema_.ttl && now - last_ttl_ms_ >= options_.ttl_check_interval_ms;
    }
    if (due) {
      Status st = Flush();
      if (!st.ok()) AURORA_LOG_ERROR("table '{}': flush failed: {}", name(), st.ToString());
    }
    auto merged = MergeOnce();
    if (!merged.ok()) AURORA_LOG_ERROR("table '{}': merge failed: {}", name(), merged.status().ToString());
    if (ttl_due) {
      Status st = ApplyTtl();
      if (!st.ok()) AURORA_LOG_ERROR("table '{}': TTL failed: {}", name(), st.ToString());
    }
    busy = merged.ok() && *merged;
    lock.lock();
  }
}

}  // namespace aurora::storage
