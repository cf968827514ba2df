#include "engine/system_tables.h"

#include <algorithm>
#include <filesystem>

#include "common/strings.h"
#include "exec/aggregate.h"
#include "function/function_registry.h"

namespace aurora {

void QueryLog::Add(QueryLogEntry entry) {
  if (entry.query.size() > kMaxQueryText) entry.query.resize(kMaxQueryText);
  std::lock_guard lock(mu_);
  entries_.push_back(std::move(entry));
  if (entries_.size() > kCapacity) entries_.pop_front();
}

std::vector<QueryLogEntry> QueryLog::Entries() const {
  std::lock_guard lock(mu_);
  return {entries_.begin(), entries_.end()};
}

namespace {

// Builds a result set row by row.
class Rows {
 public:
  Rows(std::initializer_list<std::pair<const char*, const char*>> columns) {
    for (const auto& [name, type] : columns) {
      rs_.names.push_back(name);
      rs_.types.push_back(*ParseDataType(type));
      cols_.push_back(std::make_shared<Column>(rs_.types.back()));
    }
  }
  void Add(std::initializer_list<Value> values) {
    size_t c = 0;
    for (const auto& v : values) cols_[c++]->AppendValue(v);
    ++rows_;
  }
  exec::ResultSet Finish() {
    Chunk chunk;
    for (size_t c = 0; c < cols_.size(); ++c) chunk.Add(rs_.names[c], cols_[c]);
    chunk.num_rows = rows_;
    rs_.chunks.push_back(std::move(chunk));
    return std::move(rs_);
  }

 private:
  exec::ResultSet rs_;
  std::vector<std::shared_ptr<Column>> cols_;
  size_t rows_ = 0;
};

Value U(uint64_t v) {
  return v;
}
Value S(std::string v) {
  return v;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

struct TableInfo {
  std::string name;
  storage::TableSchema schema;
  storage::TableStats stats;
  std::shared_ptr<const storage::TableSnapshot> snapshot;
};

std::vector<TableInfo> Tables(const Catalog& catalog) {
  std::vector<TableInfo> out;
  for (const auto& name : catalog.TableNames()) {
    auto t = catalog.GetTable(name);
    if (!t.ok()) continue;  // dropped meanwhile
    out.push_back({name, (*t)->schema(), (*t)->Stats(), (*t)->Snapshot()});
  }
  return out;
}

exec::ResultSet TablesTable(const Catalog& catalog) {
  Rows rows({{"database", "String"},
             {"name", "String"},
             {"engine", "String"},
             {"partition_key", "String"},
             {"sorting_key", "String"},
             {"primary_key", "String"},
             {"total_rows", "UInt64"},
             {"total_bytes", "UInt64"},
             {"parts", "UInt64"},
             {"comment", "String"}});
  for (const auto& t : Tables(catalog)) {
    const std::string keys = Joined(t.schema.order_by);
    rows.Add({S("default"), S(t.name), S("MergeTree"), S(t.schema.partition_by.ToString()), S(keys), S(keys),
              U(t.stats.rows), U(t.stats.bytes_on_disk), U(t.stats.parts), S(t.schema.comment)});
  }
  return rows.Finish();
}

exec::ResultSet ColumnsTable(const Catalog& catalog) {
  Rows rows({{"database", "String"},
             {"table", "String"},
             {"name", "String"},
             {"type", "String"},
             {"position", "UInt64"},
             {"default_kind", "String"},
             {"default_expression", "String"},
             {"data_compressed_bytes", "UInt64"},
             {"data_uncompressed_bytes", "UInt64"},
             {"comment", "String"},
             {"is_in_partition_key", "UInt8"},
             {"is_in_sorting_key", "UInt8"},
             {"is_in_primary_key", "UInt8"},
             {"compression_codec", "String"}});
  for (const auto& t : Tables(catalog)) {
    for (size_t i = 0; i < t.schema.columns.size(); ++i) {
      const storage::ColumnDef& c = t.schema.columns[i];
      uint64_t compressed = 0, uncompressed = 0;
      for (const auto& cs : t.stats.columns)
        if (cs.name == c.name) {
          compressed = cs.compressed_bytes;
          uncompressed = cs.uncompressed_bytes;
        }
      const bool in_key =
          std::find(t.schema.order_by.begin(), t.schema.order_by.end(), c.name) != t.schema.order_by.end();
      rows.Add({S("default"), S(t.name), S(c.name), S(c.type->Name()), U(i + 1),
                S(c.default_expr.empty() ? "" : "DEFAULT"), S(c.default_expr), U(compressed), U(uncompressed),
                S(c.comment), U(t.schema.partition_by.column == c.name), U(in_key), U(in_key),
                S(c.codec ? "CODEC(" + c.codec->ToString() + ")" : "")});
    }
  }
  return rows.Finish();
}

exec::ResultSet PartsTable(const Catalog& catalog) {
  Rows rows({{"database", "String"},
             {"table", "String"},
             {"partition", "String"},
             {"name", "String"},
             {"active", "UInt8"},
             {"rows", "UInt64"},
             {"marks", "UInt64"},
             {"bytes_on_disk", "UInt64"},
             {"data_compressed_bytes", "UInt64"},
             {"data_uncompressed_bytes", "UInt64"},
             {"level", "UInt32"},
             {"path", "String"}});
  for (const auto& t : Tables(catalog)) {
    for (const auto& part : t.snapshot->parts()) {
      uint64_t compressed = 0, uncompressed = 0;
      for (const auto& c : part->columns()) {
        compressed += c.compressed_bytes;
        uncompressed += c.uncompressed_bytes;
      }
      const std::string partition = t.schema.partition_by.kind == storage::PartitionSpec::Kind::kNone
                                        ? "tuple()"
                                        : std::to_string(part->meta().partition);
      rows.Add({S("default"), S(t.name), S(partition),
                S(std::filesystem::path(part->path()).filename().string()), U(1), U(part->num_rows()),
                U(part->num_granules()), U(part->file_bytes()), U(compressed), U(uncompressed),
                U(part->meta().level), S(part->path())});
    }
  }
  return rows.Finish();
}

exec::ResultSet QueryLogTable(const QueryLog& log) {
  Rows rows({{"type", "String"},
             {"event_time", "DateTime"},
             {"query_start_time_microseconds", "DateTime64(6)"},
             {"query_duration_ms", "UInt64"},
             {"read_rows", "UInt64"},
             {"read_bytes", "UInt64"},
             {"written_rows", "UInt64"},
             {"result_rows", "UInt64"},
             {"memory_usage", "UInt64"},
             {"query", "String"},
             {"exception_code", "String"},
             {"exception", "String"},
             {"query_id", "String"}});
  for (const auto& e : log.Entries()) {
    const int64_t end_ms = e.start_time_ms + static_cast<int64_t>(e.duration_ms);
    rows.Add({S(e.failed ? "ExceptionWhileProcessing" : "QueryFinish"), Value(end_ms / 1000),
              Value(e.start_time_ms * 1000), U(e.duration_ms), U(e.read_rows), U(e.read_bytes),
              U(e.written_rows), U(e.result_rows),
              U(static_cast<uint64_t>(std::max<int64_t>(0, e.memory_usage))), S(e.query), S(e.exception_code),
              S(e.exception), S(e.query_id)});
  }
  return rows.Finish();
}

exec::ResultSet MetricsTable(const SystemState& state) {
  uint64_t tables = 0, parts = 0, rows_total = 0, buffer_rows = 0, disk = 0, wal = 0, flushes = 0, merges = 0;
  for (const auto& t : Tables(state.catalog)) {
    ++tables;
    parts += t.stats.parts;
    rows_total += t.stats.rows;
    buffer_rows += t.stats.buffer_rows;
    disk += t.stats.bytes_on_disk;
    wal += t.stats.wal_bytes;
    flushes += t.stats.flushes;
    merges += t.stats.merges;
  }
  Rows rows({{"metric", "String"}, {"value", "Int64"}, {"description", "String"}});
  auto add = [&](const char* name, uint64_t v, const char* what) {
    rows.Add({S(name), Value(static_cast<int64_t>(v)), S(what)});
  };
  add("Query", state.running_queries, "statements running now");
  add("MemoryTracking", static_cast<uint64_t>(std::max<int64_t>(0, state.running_memory)),
      "bytes held by the statements running now");
  add("Tables", tables, "tables");
  add("PartsActive", parts, "live parts of all tables");
  add("Rows", rows_total, "rows in all tables, flushed or not");
  add("UnflushedRows", buffer_rows, "rows in memory and the write-ahead log, not yet in parts");
  add("DiskBytes", disk, "bytes of part files");
  add("WalBytes", wal, "bytes of write-ahead logs");
  add("Flushes", flushes, "buffer flushes into parts since the tables were opened");
  add("Merges", merges, "part merges since the tables were opened");
  return rows.Finish();
}

Value OptionalTime(int64_t ms) {
  if (ms <= 0) return Value();
  return Value(ms);
}

exec::ResultSet SourcesTable(const std::vector<kafka::SourceInfo>& sources) {
  Rows rows({{"name", "String"},
             {"type", "String"},
             {"table", "String"},
             {"topic", "String"},
             {"group", "String"},
             {"state", "String"},
             {"partitions", "UInt64"},
             {"lag", "UInt64"},
             {"messages", "UInt64"},
             {"rows", "UInt64"},
             {"quarantined", "UInt64"},
             {"messages_per_second", "Float64"},
             {"last_error", "String"},
             {"last_error_time", "Nullable(DateTime64(3))"},
             {"created_at", "DateTime64(3)"}});
  for (const auto& src : sources) {
    const kafka::SourceStatus& st = src.status;
    uint64_t lag = 0;
    for (const auto& p : st.partitions)
      if (p.lag > 0) lag += static_cast<uint64_t>(p.lag);
    rows.Add({S(src.name), S(src.type), S(src.table), S(st.topic), S(st.group), S(st.state),
              U(st.partitions.size()), U(lag), U(st.messages), U(st.rows), U(st.quarantined),
              Value(st.messages_per_second), S(st.last_error), OptionalTime(st.last_error_ms),
              Value(src.created_ms)});
  }
  return rows.Finish();
}

exec::ResultSet SourcePartitionsTable(const std::vector<kafka::SourceInfo>& sources) {
  Rows rows({{"source", "String"},
             {"table", "String"},
             {"topic", "String"},
             {"partition", "Int32"},
             {"current_offset", "Int64"},
             {"high_watermark", "Int64"},
             {"lag", "Int64"},
             {"messages", "UInt64"}});
  for (const auto& src : sources)
    for (const auto& p : src.status.partitions)
      rows.Add({S(src.name), S(src.table), S(src.status.topic), Value(int64_t{p.partition}), Value(p.offset),
                Value(p.high_watermark), Value(p.lag), U(p.messages)});
  return rows.Finish();
}

exec::ResultSet FunctionsTable() {
  Rows rows({{"name", "String"}, {"is_aggregate", "UInt8"}});
  for (const auto& name : function::FunctionRegistry::Default().Names()) rows.Add({S(name), U(0)});
  for (const auto& name : exec::AggregateNames()) rows.Add({S(name), U(1)});
  return rows.Finish();
}

}  // namespace

Result<exec::ResultSet> SystemTable(const std::string& name, const SystemState& state) {
  if (name == "tables") return TablesTable(state.catalog);
  if (name == "columns") return ColumnsTable(state.catalog);
  if (name == "parts") return PartsTable(state.catalog);
  if (name == "query_log") return QueryLogTable(state.query_log);
  if (name == "metrics") return MetricsTable(state);
  if (name == "sources") return SourcesTable(state.sources);
  if (name == "source_partitions") return SourcePartitionsTable(state.sources);
  if (name == "functions") return FunctionsTable();
  static const std::vector<std::string> kNames = {
      "tables", "columns", "parts", "query_log", "metrics", "sources", "source_partitions", "functions"};
  return AURORA_ERROR(kNotFound, "table 'system.{}' does not exist{} (system tables: {})", name,
                      DidYouMean(name, kNames), Joined(kNames));
}

}  // namespace aurora
