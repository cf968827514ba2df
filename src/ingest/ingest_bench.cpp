// Benchmarks of ingestion (Google Benchmark), standard-workload NDJSON (EventGenerator::NextNdjson):
//   BM_IngestExisting/<batch rows>/<threads>   1M events into an existing table, in batches, from 1 or 2
//                                              threads at once (fsync = batch: every answer waits for its
//                                              WAL record to be durable, as the HTTP API does)
//   BM_IngestFirstBatch                        100k events into a new table: inference, CREATE, one pass
//   BM_IngestEvolving                          100k events that each bring a new field (the slow path)
//   BM_InferSchema                             sampling 10k events and inferring their schema
// Reports rows/s (items_per_second) and input MB/s (bytes_per_second).
//   build/release/src/ingest/ingest_bench [--benchmark_filter=...]
#include <atomic>
#include <thread>

#include <benchmark/benchmark.h>

#include "engine/database.h"
#include "ingest/ingestor.h"
#include "ingest/schema_inference.h"
#include "io/test_dir.h"
#include "sources/event_generator.h"

using namespace aurora;

namespace {

constexpr size_t kEvents = 1'000'000;

const std::string& Events() {
  static const std::string data = [] {
    sources::EventGenerator gen({.seed = 42, .rows = kEvents});
    std::string out;
    out.reserve(kEvents * 260);
    gen.NextNdjson(kEvents, &out);
    return out;
  }();
  return data;
}

// `data` cut into batches of about `rows` lines.
std::vector<std::string_view> Batches(std::string_view data, size_t rows) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = pos;
    for (size_t n = 0; n < rows && end < data.size(); ++n) {
      end = data.find('\n', end);
      end = end == std::string_view::npos ? data.size() : end + 1;
    }
    out.push_back(data.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

void BM_IngestExisting(benchmark::State& state) {
  const std::string& data = Events();
  const auto batches = Batches(data, static_cast<size_t>(state.range(0)));
  const int threads = static_cast<int>(state.range(1));
  TestDir dir;
  auto db = Database::Open(FileSystem::Posix(), dir.path(), Clock::System()).value();
  auto first = db->Ingest("events", Batches(data, 1000)[0], {});
  if (!first.ok()) state.SkipWithError(first.status().ToString().c_str());
  for (auto _ : state) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < batches.size();) {
        auto r = db->Ingest("events", batches[i], {});
        if (!r.ok() || r->quarantined > 0) failed = true;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (failed) state.SkipWithError("ingest failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_IngestExisting)
    ->Args({100'000, 1})
    ->Args({100'000, 2})
    ->Args({10'000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_IngestFirstBatch(benchmark::State& state) {
  const std::string_view batch = Batches(Events(), 100'000)[0];
  TestDir dir;
  auto db = Database::Open(FileSystem::Posix(), dir.path(), Clock::System()).value();
  int n = 0;
  for (auto _ : state) {
    auto r = db->Ingest("events" + std::to_string(n++), batch, {});
    if (!r.ok() || !r->created_table) state.SkipWithError("ingest failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100'000));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_IngestFirstBatch)->Unit(benchmark::kMillisecond)->UseRealTime();

// 100k events that each bring a field the table lacks: the slow path for every row (fast pass, each row
// looked at again, one ALTER, the rows read again).
void BM_IngestEvolving(benchmark::State& state) {
  const std::string_view batch = Batches(Events(), 100'000)[0];
  std::string extra;
  for (std::string_view rest = batch; !rest.empty();) {
    size_t eol = rest.find('\n');
    extra.append(rest.substr(0, eol - 1));
    extra += ",\"coupon\":\"SPRING\"}\n";
    rest.remove_prefix(eol + 1);
  }
  TestDir dir;
  auto db = Database::Open(FileSystem::Posix(), dir.path(), Clock::System()).value();
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string table = "events" + std::to_string(n++);
    auto first = db->Ingest(table, Batches(batch, 1000)[0], {});
    state.ResumeTiming();
    auto r = db->Ingest(table, extra, {});
    if (!first.ok() || !r.ok() || r->added_columns.size() != 1 || r->rows != 100'000)
      state.SkipWithError("ingest failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100'000));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * extra.size()));
}
BENCHMARK(BM_IngestEvolving)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_InferSchema(benchmark::State& state) {
  const std::string_view batch = Batches(Events(), ingest::Ingestor::kInferenceSampleRows)[0];
  for (auto _ : state) {
    ingest::Sample sample = ingest::SampleJsonEachRow(batch, ingest::Ingestor::kInferenceSampleRows);
    benchmark::DoNotOptimize(ingest::InferSchema("events", sample));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ingest::Ingestor::kInferenceSampleRows));
}
BENCHMARK(BM_InferSchema)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
