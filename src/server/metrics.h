// ServerMetrics: the server's own counters and histograms, rendered with the storage's figures in the
// Prometheus text format (version 0.0.4) for GET /metrics.
//
//   aurora_queries_total{status}                 statements run, by outcome ("ok", "error")
//   aurora_query_duration_seconds                histogram of statement latency
//   aurora_http_requests_total{port,code}        requests answered, by HTTP status
//   aurora_ingested_rows_total{table}            rows the events API appended
//   aurora_ingested_bytes_total{table}           request bytes it read
//   aurora_ingest_errors_total{table}            rows it quarantined
//   aurora_ingest_duration_seconds               histogram of events requests
//   aurora_table_rows / _parts / _bytes_on_disk / _wal_bytes / _merges_total / _flushes_total {table}
//   aurora_source_messages_total / _rows_total / _quarantined_total / _lag / _messages_per_second
//                                   {source,table}  each source's figures (kafka/kafka_source.h)
//   aurora_source_state{source,state}            1 for the state a source is in
//   aurora_memory_resident_bytes                 the process's resident set size
//   aurora_http_connections, aurora_http_requests_in_flight
//
// Thread-safe. Recent ingest rates (rows/s over the last minute, per table) are kept for
// GET /v1/tables/NAME.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kafka/source_manager.h"

namespace aurora {
class Catalog;
}

namespace aurora::server {

// A Prometheus histogram with fixed buckets (seconds).
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  void Observe(double seconds);
  void Render(const std::string& name, const std::string& help, std::string* out) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<uint64_t> sum_micros_{0};
};

class ServerMetrics {
 public:
  void RecordQuery(bool ok, double seconds);
  void RecordHttp(const std::string& port, unsigned status);
  void RecordIngest(const std::string& table, uint64_t rows, uint64_t quarantined, uint64_t bytes,
                    double seconds);

  // Rows per second appended to `table` over the last minute.
  double IngestRate(const std::string& table) const;

  // The whole exposition: these metrics, then the tables' storage figures and process memory.
  // With the sources' figures (per source: messages, rows, quarantined, lag, rate, state).
  std::string Render(Catalog& catalog, const std::vector<kafka::SourceInfo>& sources, int64_t connections,
                     int64_t in_flight) const;

 private:
  struct TableCounters {
    uint64_t rows = 0, quarantined = 0, bytes = 0;
    std::deque<std::pair<int64_t, uint64_t>> recent;  // (second, rows appended in it), the last 60 s
  };
  std::atomic<uint64_t> queries_ok_{0}, queries_failed_{0};
  Histogram query_seconds_, ingest_seconds_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, unsigned>, uint64_t> http_;
  std::map<std::string, TableCounters> tables_;
};

// Prometheus label value escaping (backslash, double quote, newline).
std::string PromLabel(std::string_view value);

}  // namespace aurora::server
