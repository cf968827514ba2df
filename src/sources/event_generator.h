// EventGenerator: the standard e-commerce workload (../shared/workload/gen_events.py) in C++: the same
// 12 fields, product catalogue, Zipf-skewed users and products, weighted regions, devices and actions,
// per-user sessions and ~1% late events; fast enough for 10M-row benchmarks and the live demo. The
// random stream differs from the Python generator's, so rows are not identical to it, but the
// distributions are the same; everything is deterministic for a given seed.
//
// Not thread-safe; use one generator per thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/table_schema.h"
#include "types/chunk.h"

namespace aurora::sources {

struct EventGeneratorOptions {
  uint64_t seed = 42;
  int64_t start_ms = 1704067200000;  // 2024-01-01 00:00:00 UTC
  double days = 30.0;                // time span covered by `rows` events
  uint64_t rows = 1000;              // planned total, which sets the time step
  int products = 10000;
  int users = 200000;
  double late_share = 0.01;
  int late_seconds = 120;
  // Share of records replaced by malformed ones (gen_events.py --bad): in NDJSON a non-number id, an
  // unparsable time, a truncated object, text that is not JSON, a number out of range, an array, null
  // time and id, and a valid record with a 70 KB region; in CSV a non-number id, too few fields, an
  // unterminated quote and a row of empty fields. Only Next{Ndjson,Csv} mix them in.
  double bad_share = 0.0;
};

class EventGenerator {
 public:
  explicit EventGenerator(EventGeneratorOptions options);

  // The next `n` events as a chunk with the columns of EventsSchema().
  Chunk Next(size_t n);
  // The next `n` events as NDJSON lines, formatted as gen_events.py writes them.
  void NextNdjson(size_t n, std::string* out);
  // The next `n` records as CSV lines (no header; CsvHeader() is the header line), as gen_events.py writes
  // them.
  void NextCsv(size_t n, std::string* out);
  static std::string CsvHeader();
  // Records generated so far (malformed ones included).
  uint64_t generated() const { return index_; }
  // Malformed records generated so far, and how many of them are the valid 70 KB record (NDJSON only).
  uint64_t bad_generated() const { return bad_; }
  uint64_t long_generated() const { return long_; }

 private:
  struct Event;
  Event Draw();
  // With probability bad_share, appends a malformed record (and a line break) and returns true.
  bool MaybeBad(bool csv, std::string* out);

  EventGeneratorOptions options_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  struct Product {
    uint32_t id;
    int category;
    int brand;
    double base_price;
  };
  std::vector<Product> products_;
  std::vector<double> user_cdf_, product_cdf_;
  std::unordered_map<uint32_t, std::string> sessions_;
  uint64_t index_ = 0;
  uint64_t bad_ = 0, long_ = 0;
  double step_ms_;
};

// The schema of table `events` for the standard workload: typed columns, codecs chosen for the data,
// ORDER BY timestamp, PARTITION BY toYYYYMM(timestamp).
storage::TableSchema EventsSchema(std::string name = "events");

}  // namespace aurora::sources
