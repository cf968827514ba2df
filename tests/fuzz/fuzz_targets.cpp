// libFuzzer targets for every parser of bytes that come from outside the process: type names and codec
// specs (from SQL), SQL statements, and everything read back from disk (WAL records, blocks, manifests, part
// files). Each target is compiled separately with -DAURORA_FUZZ_TARGET=<n>.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/database.h"
#include "io/file_system.h"
#include "sql/parser/parser.h"
#include "storage/chunk_serde.h"
#include "storage/codec.h"
#include "storage/manifest.h"
#include "storage/part.h"
#include "types/data_type.h"

using namespace aurora;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
#if AURORA_FUZZ_TARGET == 1  // fuzz_types: type names and codec specs
  auto t = ParseDataType(in);
  if (t.ok()) {
    auto again = ParseDataType((*t)->Name());
    if (!again.ok() || (*again)->Name() != (*t)->Name()) __builtin_trap();  // printing must round-trip
  }
  auto c = storage::CodecSpec::Parse(in);
  if (c.ok() && !storage::CodecSpec::Parse(c->ToString()).ok()) __builtin_trap();
#elif AURORA_FUZZ_TARGET == 2  // fuzz_block: compressed blocks and bit-packed codes
  std::string out;
  storage::DecodeBlock(in, &out).IgnoreError();
  if (size >= 2) {
    uint32_t codes[256];
    storage::UnpackBits(in.substr(1), std::min<size_t>(256, size), 1 + data[0] % 32, codes).IgnoreError();
  }
#elif AURORA_FUZZ_TARGET == 3  // fuzz_wal_chunk: WAL record payloads
  auto chunk = storage::DeserializeChunk(in);
  if (chunk.ok()) {
    for (const auto& col : chunk->columns)
      for (size_t i = 0; i < col->size(); ++i) (void)col->ValueAt(i);
  }
#elif AURORA_FUZZ_TARGET == 4  // fuzz_manifest
  storage::DecodeManifest(in, "fuzz").status().IgnoreError();
#elif AURORA_FUZZ_TARGET == 5  // fuzz_part: whole part files
  static const std::string path = "/tmp/aurora-fuzz-part-" + std::to_string(::getpid());
  FileSystem& fs = FileSystem::Posix();
  if (!fs.WriteFileAtomic(path, in).ok()) return 0;
  auto part = storage::Part::Open(fs, path);
  if (part.ok()) {
    for (size_t c = 0; c < (*part)->columns().size(); ++c)
      for (size_t g = 0; g < (*part)->num_granules(); ++g) {
        auto col = (*part)->ReadColumn(c, g);
        if (col.ok())
          for (size_t i = 0; i < (*col)->size(); ++i) (void)(*col)->ValueAt(i);
      }
  }
#elif AURORA_FUZZ_TARGET == 6  // fuzz_sql: parser, binder and executor; normalized SQL must parse again
  static Database* db = [] {
    static const std::string dir = "/tmp/aurora-fuzz-sql-" + std::to_string(::getpid());
    FileSystem::Posix().RemoveDirRecursive(dir).IgnoreError();
    storage::TableOptions opts;
    opts.background = false;
    Database* d = Database::Open(FileSystem::Posix(), dir, Clock::System(), opts)->release();
    for (const char* q : {"CREATE TABLE t (a Int64, s String, n Nullable(Float64), d DateTime, lc "
                          "LowCardinality(String)) ORDER BY a",
                          "INSERT INTO t VALUES (1, 'x', 1.5, '2024-01-01 00:00:00', 'p'), (-2, '', NULL, "
                          "'2024-01-02 10:00:00', 'q'), "
                          "(3, 'zz', -0.5, '2024-01-03 23:59:59', 'p')"})
      if (!d->Execute(q).ok()) __builtin_trap();
    return d;
  }();
  auto statements = sql::ParseStatements(in);
  if (statements.ok()) {
    for (const auto& st : *statements) {
      if (st.kind != sql::Statement::Kind::kSelect) continue;
      std::string again = st.select->ToString();
      if (!sql::ParseStatement(again).ok()) __builtin_trap();
      // Bind and run with one thread; any error is fine, a crash or sanitizer report is not.
      (void)db->Execute(again + " SETTINGS max_threads = 1");
    }
  }
#else
#error "AURORA_FUZZ_TARGET must be 1..6"
#endif
  return 0;
}
