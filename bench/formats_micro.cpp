// Micro-benchmarks of the text formats (Google Benchmark): parsing 100k events of the standard workload
// into the `events` schema, and writing them back out.
//   JSONEachRow  as the event generator writes it (what the HTTP events API and Kafka will receive)
//   CSV, TSV     the same rows written by FormatWriter
// Reports rows/s (items_per_second) and input MB/s (bytes_per_second).
//   build/release/bench/formats_micro [--benchmark_filter=...]
#include <map>

#include <benchmark/benchmark.h>

#include "formats/format_reader.h"
#include "formats/format_writer.h"
#include "sources/event_generator.h"

using namespace aurora;

namespace {

constexpr size_t kRows = 100000;

std::vector<formats::InputColumn> EventColumns() {
  std::vector<formats::InputColumn> out;
  for (const auto& c : sources::EventsSchema().columns) out.push_back({c.name, c.type, {}});
  return out;
}

const Chunk& Events() {
  static const Chunk chunk = [] {
    sources::EventGenerator gen({.seed = 42, .rows = kRows});
    return gen.Next(kRows);
  }();
  return chunk;
}

// The events as text in `format`: the generator's own NDJSON for JSONEachRow, FormatWriter's otherwise.
const std::string& Input(formats::Format format) {
  static std::map<formats::Format, std::string> inputs;
  std::string& text = inputs[format];
  if (!text.empty()) return text;
  if (format == formats::Format::kJSONEachRow) {
    sources::EventGenerator gen({.seed = 42, .rows = kRows});
    gen.NextNdjson(kRows, &text);
    return text;
  }
  std::vector<DataTypePtr> types;
  for (const auto& c : EventColumns()) types.push_back(c.type);
  auto writer = formats::FormatWriter::Make(format, Events().names, types);
  (*writer)->WriteChunk(Events(), &text);
  return text;
}

void BM_Read(benchmark::State& state, formats::Format format) {
  const std::string& input = Input(format);
  auto reader = formats::FormatReader::Make(format, EventColumns());
  if (!reader.ok()) {
    state.SkipWithError(reader.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    Status st = (*reader)->Read(input);
    if (!st.ok() || (*reader)->num_rows() != kRows) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize((*reader)->TakeChunk());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * input.size());
}

void BM_Write(benchmark::State& state, formats::Format format) {
  std::vector<DataTypePtr> types;
  for (const auto& c : EventColumns()) types.push_back(c.type);
  auto writer = formats::FormatWriter::Make(format, Events().names, types);
  std::string out;
  for (auto _ : state) {
    out.clear();
    (*writer)->WriteChunk(Events(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * out.size());
}

BENCHMARK_CAPTURE(BM_Read, JSONEachRow, formats::Format::kJSONEachRow)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, CSV, formats::Format::kCSV)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Read, TabSeparated, formats::Format::kTabSeparated)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Write, JSONEachRow, formats::Format::kJSONEachRow)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Write, JSON, formats::Format::kJSON)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Write, CSV, formats::Format::kCSV)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Write, TabSeparated, formats::Format::kTabSeparated)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
