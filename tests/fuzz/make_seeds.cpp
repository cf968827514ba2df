// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/): valid examples of each
// format, so that fuzzing starts from inputs that reach deep into the parsers.
//   make_seeds DIR
#include <filesystem>
#include <fstream>

#include "sources/event_generator.h"
#include "storage/chunk_serde.h"
#include "storage/codec.h"
#include "storage/manifest.h"
#include "storage/part.h"

using namespace aurora;

static void Write(const std::string& dir, const std::string& name, std::string_view bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string root = argv[1];
  int i = 0;
  for (const char* t :
       {"Int64", "Nullable(String)", "LowCardinality(Nullable(String))", "DateTime64(3, 'UTC')",
        "DateTime('Europe/Paris')", "Delta, ZSTD(3)", "CODEC(DoubleDelta, LZ4)", "NONE"})
    Write(root + "/fuzz_types", std::to_string(i++), t);

  sources::EventGenerator gen({.seed = 1, .rows = 1000});
  Chunk chunk = gen.Next(300);
  std::string payload;
  storage::SerializeChunk(chunk, &payload);
  Write(root + "/fuzz_wal_chunk", "events", payload);

  i = 0;
  std::string values(reinterpret_cast<const char*>(chunk.columns[0]->data.data()),
                     chunk.columns[0]->data.size());
  for (const char* codec : {"LZ4", "ZSTD(1)", "DoubleDelta, LZ4", "Delta, ZSTD(1)", "NONE"}) {
    std::string block;
    if (!storage::EncodeBlock(*storage::CodecSpec::Parse(codec), 8, values, &block).ok()) return 1;
    Write(root + "/fuzz_block", std::to_string(i++), block);
  }

  storage::Manifest m;
  m.schema = sources::EventsSchema();
  m.parts.push_back({1, 202401, 0, 300, 12345});
  m.sources["kafka"] = std::string("\x00\x01offset", 8);
  Write(root + "/fuzz_manifest", "events", storage::EncodeManifest(m));

  storage::TableSchema schema = sources::EventsSchema();
  schema.settings.granule_rows = 64;
  const std::string tmp = std::filesystem::temp_directory_path() / "aurora-seed.part";
  if (!storage::WritePart(FileSystem::Posix(), tmp, schema, gen.Next(200), {1, 0, 202401}).ok()) return 1;
  Write(root + "/fuzz_part", "events", *FileSystem::Posix().ReadFile(tmp));
  std::filesystem::remove(tmp);
  return 0;
}
