// End-to-end storage benchmark: writes the standard workload (already parsed into chunks) into a table
// with its default settings and reads full columns back. Runs on the calling thread only (no background
// thread): every append is acknowledged durably (WAL written and fdatasync'ed per batch), and every
// 1M rows the buffer is flushed inline into sorted, compressed parts with a manifest commit. Prints one
// JSON object:
//   write_seconds, rows_per_second   appends + flushes, until every row is in a committed part
//   wal_rows_per_second               the appends alone (what an acknowledgement costs)
//   merge_seconds                     background merges run to completion afterwards
//   bytes_on_disk, bytes_per_row      after the merges
//   scan_<column>_seconds             best of 5, decoding every granule of one column on all cores
//   scan_<column>_1thread_seconds     the same on one thread
//
//   storage_write --rows 10000000 --batch 65536 --dir /tmp/aurora-bench
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "sources/event_generator.h"
#include "storage/table.h"

using namespace aurora;

namespace {
double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Aurora storage write/scan benchmark"};
  uint64_t rows = 10'000'000;
  size_t batch = 65536;
  std::string dir = "/tmp/aurora-bench-storage";
  std::string fsync = "batch";
  bool keep = false;
  int pin_core = -1;
  app.add_option("--rows", rows);
  app.add_option("--batch", batch);
  app.add_option("--dir", dir);
  app.add_option("--fsync", fsync, "batch, interval or never");
  app.add_flag("--keep", keep, "keep the table directory");
  app.add_option("--pin-write-core", pin_core,
                 "run the write phase on this core only (scans use every core)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  std::filesystem::remove_all(dir);
  storage::TableSchema schema = sources::EventsSchema();
  if (Status st = schema.settings.Set("fsync", fsync); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 2;
  }

  // Not timed: generating the data.
  sources::EventGenerator gen({.seed = 42, .rows = rows});
  std::vector<Chunk> chunks;
  for (uint64_t done = 0; done < rows; done += batch)
    chunks.push_back(gen.Next(std::min<uint64_t>(batch, rows - done)));

  storage::TableOptions opts;
  opts.background = false;
  auto table = storage::Table::Create(FileSystem::Posix(), dir, schema, Clock::System(), opts);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  cpu_set_t all_cores;
  sched_getaffinity(0, sizeof all_cores, &all_cores);
  if (pin_core >= 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(pin_core, &one);
    sched_setaffinity(0, sizeof one, &one);
  }
  double wal_seconds = 0;
  uint64_t wal_rows = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& c : chunks) {
    auto a0 = std::chrono::steady_clock::now();
    bool flush_due = (*table)->Stats().buffer_rows + c.num_rows >= schema.settings.flush_rows;
    if (Status st = (*table)->Append(c); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    if (!flush_due) {
      wal_seconds += Seconds(a0);
      wal_rows += c.num_rows;
    }
  }
  if (Status st = (*table)->Flush(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  double write = Seconds(t0);
  sched_setaffinity(0, sizeof all_cores, &all_cores);
  chunks.clear();
  auto t1 = std::chrono::steady_clock::now();
  for (;;) {
    auto merged = (*table)->MergeOnce();
    if (!merged.ok()) {
      std::fprintf(stderr, "%s\n", merged.status().ToString().c_str());
      return 1;
    }
    if (!*merged) break;
  }
  double merge = Seconds(t1);
  storage::TableStats stats = (*table)->Stats();

  // Full-column scans: decode every granule of one column, on one thread and on every core (granules
  // dealt out round-robin, as the query engine's morsels will be).
  auto snap = (*table)->Snapshot();
  std::vector<std::pair<size_t, uint32_t>> granules;
  for (size_t p = 0; p < snap->parts().size(); ++p)
    for (uint32_t g = 0; g < snap->parts()[p]->num_granules(); ++g) granules.emplace_back(p, g);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string scans;
  for (const char* col : {"price", "user_id", "timestamp", "action_type", "session_id"}) {
    for (unsigned threads : {1u, cores}) {
      double best = 1e9;
      for (int rep = 0; rep < 5; ++rep) {
        std::atomic<uint64_t> n{0};
        std::atomic<bool> failed{false};
        auto s0 = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (unsigned t = 0; t < threads; ++t)
          workers.emplace_back([&, t] {
            for (size_t i = t; i < granules.size(); i += threads) {
              auto c = snap->ReadGranule(granules[i].first, granules[i].second, {col});
              if (!c.ok()) {
                std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
                failed = true;
                return;
              }
              n += c->num_rows;
            }
          });
        for (auto& w : workers) w.join();
        best = std::min(best, Seconds(s0));
        if (failed || n != rows) return 1;
      }
      scans += fmt::format(",\"scan_{}_{}seconds\":{:.4f}", col, threads == 1 ? "1thread_" : "", best);
    }
  }
  fmt::print(
      "{{\"system\":\"aurora\",\"rows\":{},\"write_seconds\":{:.3f},\"rows_per_second\":{:.0f},"
      "\"wal_rows_per_second\":{:.0f},\"merge_seconds\":{:.3f},\"merges\":{},\"bytes_on_disk\":{},"
      "\"bytes_per_row\":{:.2f},\"parts\":{}{}}}\n",
      rows, write, rows / write, wal_seconds > 0 ? wal_rows / wal_seconds : 0.0, merge, stats.merges,
      stats.bytes_on_disk, static_cast<double>(stats.bytes_on_disk) / rows, stats.parts, scans);
  table->reset();
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
