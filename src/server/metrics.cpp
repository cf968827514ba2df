#include "server/metrics.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

#include "catalog/catalog.h"

namespace aurora::server {
namespace {

int64_t NowSecond() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void Header(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(*out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string PromLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, const std::string& help, std::string* out) const {
  Header(out, name, "histogram", help);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    fmt::format_to(std::back_inserter(*out), "{}_bucket{{le=\"{}\"}} {}\n", name, kBounds[i], cumulative);
  }
  cumulative += counts_[kBounds.size()].load(std::memory_order_relaxed);
  fmt::format_to(std::back_inserter(*out), "{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name,
                 cumulative, name, static_cast<double>(sum_micros_.load()) / 1e6, name, cumulative);
}

void ServerMetrics::RecordQuery(bool ok, double seconds) {
  (ok ? queries_ok_ : queries_failed_).fetch_add(1, std::memory_order_relaxed);
  query_seconds_.Observe(seconds);
}

void ServerMetrics::RecordHttp(const std::string& port, unsigned status) {
  std::lock_guard lock(mu_);
  ++http_[{port, status}];
}

void ServerMetrics::RecordIngest(const std::string& table, uint64_t rows, uint64_t quarantined,
                                 uint64_t bytes, double seconds) {
  ingest_seconds_.Observe(seconds);
  const int64_t now = NowSecond();
  std::lock_guard lock(mu_);
  TableCounters& t = tables_[table];
  t.rows += rows;
  t.quarantined += quarantined;
  t.bytes += bytes;
  if (t.recent.empty() || t.recent.back().first != now) t.recent.emplace_back(now, 0);
  t.recent.back().second += rows;
  while (!t.recent.empty() && t.recent.front().first <= now - 60) t.recent.pop_front();
}

double ServerMetrics::IngestRate(const std::string& table) const {
  const int64_t now = NowSecond();
  std::lock_guard lock(mu_);
  auto it = tables_.find(table);
  if (it == tables_.end()) return 0;
  uint64_t rows = 0;
  for (const auto& [second, n] : it->second.recent)
    if (second > now - 60) rows += n;
  return static_cast<double>(rows) / 60.0;
}

std::string ServerMetrics::Render(Catalog& catalog, const std::vector<kafka::SourceInfo>& sources,
                                  int64_t connections, int64_t in_flight) const {
  std::string out;
  auto add = std::back_inserter(out);
  Header(&out, "aurora_queries_total", "counter", "Statements run, by outcome.");
  fmt::format_to(add,
                 "aurora_queries_total{{status=\"ok\"}} {}\naurora_queries_total{{status=\"error\"}} {}\n",
                 queries_ok_.load(), queries_failed_.load());
  query_seconds_.Render("aurora_query_duration_seconds", "Statement latency.", &out);
  ingest_seconds_.Render("aurora_ingest_duration_seconds", "Events request latency (parse, append, fsync).",
                         &out);
  {
    std::lock_guard lock(mu_);
    Header(&out, "aurora_http_requests_total", "counter", "HTTP requests answered, by port and status.");
    for (const auto& [key, n] : http_)
      fmt::format_to(add, "aurora_http_requests_total{{port=\"{}\",code=\"{}\"}} {}\n", key.first, key.second,
                     n);
    Header(&out, "aurora_ingested_rows_total", "counter", "Rows appended by the events API.");
    for (const auto& [name, t] : tables_)
      fmt::format_to(add, "aurora_ingested_rows_total{{table=\"{}\"}} {}\n", PromLabel(name), t.rows);
    Header(&out, "aurora_ingested_bytes_total", "counter", "Request bytes read by the events API.");
    for (const auto& [name, t] : tables_)
      fmt::format_to(add, "aurora_ingested_bytes_total{{table=\"{}\"}} {}\n", PromLabel(name), t.bytes);
    Header(&out, "aurora_ingest_errors_total", "counter", "Rows the events API quarantined.");
    for (const auto& [name, t] : tables_)
      fmt::format_to(add, "aurora_ingest_errors_total{{table=\"{}\"}} {}\n", PromLabel(name), t.quarantined);
  }
  struct Row {
    std::string name;
    storage::TableStats stats;
  };
  std::vector<Row> rows;
  for (const auto& name : catalog.TableNames()) {
    auto table = catalog.GetTable(name);
    if (table.ok()) rows.push_back({name, (*table)->Stats()});
  }
  auto gauge = [&](std::string_view metric, std::string_view type, std::string_view help, auto field) {
    Header(&out, metric, type, help);
    for (const auto& r : rows)
      fmt::format_to(add, "{}{{table=\"{}\"}} {}\n", metric, PromLabel(r.name), field(r.stats));
  };
  gauge("aurora_table_rows", "gauge", "Rows in the table (parts and buffer).",
        [](auto& s) { return s.rows; });
  gauge("aurora_table_buffered_rows", "gauge", "Rows not yet in a part.",
        [](auto& s) { return s.buffer_rows; });
  gauge("aurora_table_parts", "gauge", "Live parts.", [](auto& s) { return s.parts; });
  gauge("aurora_table_bytes_on_disk", "gauge", "Bytes of the table's parts.",
        [](auto& s) { return s.bytes_on_disk; });
  gauge("aurora_table_wal_bytes", "gauge", "Bytes of write-ahead log.", [](auto& s) { return s.wal_bytes; });
  gauge("aurora_table_flushes_total", "counter", "Buffer flushes since start.",
        [](auto& s) { return s.flushes; });
  gauge("aurora_table_merges_total", "counter", "Merges since start.", [](auto& s) { return s.merges; });
  auto source_metric = [&](std::string_view metric, std::string_view type, std::string_view help,
                           auto field) {
    Header(&out, metric, type, help);
    for (const auto& src : sources)
      fmt::format_to(add, "{}{{source=\"{}\",table=\"{}\"}} {}\n", metric, PromLabel(src.name),
                     PromLabel(src.table), field(src.status));
  };
  source_metric("aurora_source_messages_total", "counter", "Messages a source read and wrote since start.",
                [](const kafka::SourceStatus& s) { return s.messages; });
  source_metric("aurora_source_rows_total", "counter", "Rows a source appended since start.",
                [](const kafka::SourceStatus& s) { return s.rows; });
  source_metric("aurora_source_quarantined_total", "counter", "Messages a source quarantined since start.",
                [](const kafka::SourceStatus& s) { return s.quarantined; });
  source_metric("aurora_source_lag", "gauge", "Messages behind the end of the source's partitions.",
                [](const kafka::SourceStatus& s) {
                  int64_t lag = 0;
                  for (const auto& p : s.partitions) lag += std::max<int64_t>(0, p.lag);
                  return lag;
                });
  source_metric("aurora_source_messages_per_second", "gauge", "A source's rate over the last seconds.",
                [](const kafka::SourceStatus& s) { return s.messages_per_second; });
  Header(&out, "aurora_source_state", "gauge", "1 for the state each source is in.");
  for (const auto& src : sources)
    fmt::format_to(add, "aurora_source_state{{source=\"{}\",state=\"{}\"}} 1\n", PromLabel(src.name),
                   src.status.state);
  Header(&out, "aurora_memory_resident_bytes", "gauge", "Resident set size of the process.");
  fmt::format_to(add, "aurora_memory_resident_bytes {}\n", ResidentBytes());
  Header(&out, "aurora_http_connections", "gauge", "Open HTTP connections.");
  fmt::format_to(add, "aurora_http_connections {}\n", connections);
  Header(&out, "aurora_http_requests_in_flight", "gauge", "Requests being handled.");
  fmt::format_to(add, "aurora_http_requests_in_flight {}\n", in_flight);
  return out;
}

}  // namespace aurora::server
