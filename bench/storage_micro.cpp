// Micro-benchmarks of the storage hot paths (Google Benchmark):
//   codec encode/decode of one granule, dictionary bit-packing, chunk serialization (the WAL payload),
//   WAL appends with and without fdatasync, part writes, and granule reads.
//   build/release/bench/storage_micro [--benchmark_filter=...]
#include <filesystem>

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "sources/event_generator.h"
#include "storage/chunk_serde.h"
#include "storage/codec.h"
#include "storage/part.h"
#include "storage/wal.h"

using namespace aurora;

namespace {

const Chunk& Sample() {
  static const Chunk chunk = [] {
    sources::EventGenerator gen({.seed = 42, .rows = 8192 * 100});
    return gen.Next(8192);
  }();
  return chunk;
}

std::string ColumnBytes(const char* name) {
  const Chunk& c = Sample();
  const Column& col = *c.columns[c.IndexOf(name)];
  return std::string(reinterpret_cast<const char*>(col.data.data()), col.data.size());
}

void BM_Encode(benchmark::State& state, const char* column, const char* codec, int width) {
  std::string input = ColumnBytes(column), out;
  auto spec = *storage::CodecSpec::Parse(codec);
  for (auto _ : state) {
    if (!storage::EncodeBlock(spec, width, input, &out).ok()) state.SkipWithError("encode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * input.size());
  state.counters["ratio"] = static_cast<double>(input.size()) / out.size();
}

void BM_Decode(benchmark::State& state, const char* column, const char* codec, int width) {
  std::string input = ColumnBytes(column), block, out;
  if (!storage::EncodeBlock(*storage::CodecSpec::Parse(codec), width, input, &block).ok()) return;
  for (auto _ : state) {
    if (!storage::DecodeBlock(block, &out).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * input.size());
}

BENCHMARK_CAPTURE(BM_Encode, price_lz4, "price", "LZ4", 8);
BENCHMARK_CAPTURE(BM_Encode, price_zstd1, "price", "ZSTD(1)", 8);
BENCHMARK_CAPTURE(BM_Encode, timestamp_doubledelta_zstd1, "timestamp", "DoubleDelta, ZSTD(1)", 8);
BENCHMARK_CAPTURE(BM_Decode, price_lz4, "price", "LZ4", 8);
BENCHMARK_CAPTURE(BM_Decode, price_zstd1, "price", "ZSTD(1)", 8);
BENCHMARK_CAPTURE(BM_Decode, timestamp_doubledelta_zstd1, "timestamp", "DoubleDelta, ZSTD(1)", 8);
BENCHMARK_CAPTURE(BM_Decode, user_id_zstd1, "user_id", "ZSTD(1)", 4);

void BM_UnpackBits(benchmark::State& state) {
  std::vector<uint32_t> codes(8192);
  for (size_t i = 0; i < codes.size(); ++i) codes[i] = (i * 7) % 9;
  std::string packed;
  storage::PackBits(codes.data(), codes.size(), 4, &packed);
  for (auto _ : state) {
    if (!storage::UnpackBits(packed, codes.size(), 4, codes.data()).ok())
      state.SkipWithError("unpack failed");
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetItemsProcessed(state.iterations() * codes.size());
}
BENCHMARK(BM_UnpackBits);

void BM_SerializeChunk(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    storage::SerializeChunk(Sample(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * Sample().num_rows);
}
BENCHMARK(BM_SerializeChunk);

void BM_DeserializeChunk(benchmark::State& state) {
  std::string bytes;
  storage::SerializeChunk(Sample(), &bytes);
  for (auto _ : state) {
    auto c = storage::DeserializeChunk(bytes);
    benchmark::DoNotOptimize(c.ok());
  }
  state.SetItemsProcessed(state.iterations() * Sample().num_rows);
}
BENCHMARK(BM_DeserializeChunk);

// One 8192-row record per append; arg 0: no fsync, 1: fdatasync per append.
void BM_WalAppend(benchmark::State& state) {
  const std::string dir = std::filesystem::temp_directory_path() / "aurora-bench-wal";
  std::filesystem::remove_all(dir);
  std::string payload;
  storage::SerializeChunk(Sample(), &payload);
  auto policy = state.range(0) ? storage::FsyncPolicy::kBatch : storage::FsyncPolicy::kNever;
  auto wal = storage::Wal::Create(FileSystem::Posix(), dir, 1, policy, 100);
  for (auto _ : state) {
    if (!(*wal)->Append(payload).ok()) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations() * Sample().num_rows);
  state.SetBytesProcessed(state.iterations() * payload.size());
  wal->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WalAppend)->Arg(0)->Arg(1);

void BM_WritePart(benchmark::State& state) {
  const std::string path = std::filesystem::temp_directory_path() / "aurora-bench.part";
  storage::TableSchema schema = sources::EventsSchema();
  sources::EventGenerator gen({.seed = 1, .rows = 1 << 20});
  Chunk rows = gen.Next(1 << 17);
  for (auto _ : state) {
    if (!storage::WritePart(FileSystem::Posix(), path, schema, rows, {1, 0, 0}).ok())
      state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * rows.num_rows);
  std::filesystem::remove(path);
}
BENCHMARK(BM_WritePart)->Unit(benchmark::kMillisecond);

// Decodes every granule of one column of a 128k-row part; arg: column index in EventsSchema().
void BM_ReadColumn(benchmark::State& state) {
  const std::string path = std::filesystem::temp_directory_path() / "aurora-bench-read.part";
  storage::TableSchema schema = sources::EventsSchema();
  sources::EventGenerator gen({.seed = 1, .rows = 1 << 20});
  Chunk rows = gen.Next(1 << 17);
  if (!storage::WritePart(FileSystem::Posix(), path, schema, rows, {1, 0, 0}).ok()) return;
  auto part = *storage::Part::Open(FileSystem::Posix(), path);
  const size_t col = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    for (size_t g = 0; g < part->num_granules(); ++g) {
      auto c = part->ReadColumn(col, g);
      benchmark::DoNotOptimize(c.ok());
    }
  }
  state.SetItemsProcessed(state.iterations() * part->num_rows());
  state.SetLabel(schema.columns[col].name);
  std::filesystem::remove(path);
}
BENCHMARK(BM_ReadColumn)->Arg(0)->Arg(2)->Arg(4)->Arg(5)->Arg(6);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
