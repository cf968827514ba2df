// Child process of the crash test: appends numbered batches of the standard workload to table `crash`
// in DIR forever, resuming after the last batch the table recorded as its source position, and prints
// "ACK <batch>" after each append returns. Small flush and merge thresholds make flushes and merges
// happen all the time, so the parent's SIGKILL lands in every phase.
//
//   storage_crash_child DIR ROWS_PER_BATCH
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sources/event_generator.h"
#include "storage/table.h"

using namespace aurora;

storage::TableSchema CrashSchema() {
  storage::TableSchema s = sources::EventsSchema("crash");
  s.columns.push_back({"seq", DataType::Make(TypeId::kUInt64), std::nullopt, "", ""});
  s.settings.flush_rows = 20000;
  s.settings.flush_interval_ms = 200;
  s.settings.merge_min_parts = 3;
  s.settings.granule_rows = 1024;
  return s;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: storage_crash_child DIR ROWS_PER_BATCH\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  const std::string dir = argv[1];
  const uint64_t batch_rows = std::stoull(argv[2]);
  FileSystem& fs = FileSystem::Posix();
  storage::TableOptions opts;
  opts.background_tick_ms = 5;
  auto table = fs.Exists(dir + "/manifest")
                   ? storage::Table::Open(fs, dir, Clock::System(), opts)
                   : storage::Table::Create(fs, dir, CrashSchema(), Clock::System(), opts);
  if (!table.ok()) {
    std::fprintf(stderr, "open: %s\n", table.status().ToString().c_str());
    return 1;
  }
  uint64_t next = 0;
  if (auto pos = (*table)->SourcePosition("crash-test")) next = std::stoull(*pos) + 1;
  for (uint64_t b = next;; ++b) {
    sources::EventGenerator gen({.seed = b, .rows = 1'000'000});
    Chunk chunk = gen.Next(batch_rows);
    auto seq = std::make_shared<Column>(DataType::Make(TypeId::kUInt64));
    for (uint64_t i = 0; i < batch_rows; ++i) seq->AppendUInt(b * batch_rows + i);
    chunk.Add("seq", seq);
    Status st = (*table)->Append(chunk, "crash-test", std::to_string(b));
    if (!st.ok()) {
      std::fprintf(stderr, "append: %s\n", st.ToString().c_str());
      return 1;
    }
    auto stats = (*table)->Stats();
    std::string line = fmt::format("ACK {} flushes={} merges={}\n", b, stats.flushes, stats.merges);
    if (::write(1, line.data(), line.size()) < 0) return 1;
  }
}
