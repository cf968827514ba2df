// Manifest: the single source of truth of a table's durable state: its schema, the live parts, the WAL
// segment replay starts from, and each source's position. Replaced atomically (write "manifest.tmp",
// fsync, rename to "manifest", fsync the directory), so data and source positions commit together.
// Byte layout: docs/formats/manifest.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "storage/table_schema.h"

namespace aurora::storage {

struct ManifestPart {
  uint64_t id = 0;
  int64_t partition = 0;
  uint32_t level = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

struct Manifest {
  uint64_t version = 0;  // incremented by every commit
  TableSchema schema;
  uint64_t next_part_id = 1;
  uint64_t wal_start = 1;  // WAL segments numbered below this are fully in parts
  std::vector<ManifestPart> parts;
  std::map<std::string, std::string> sources;  // source name -> opaque position bytes

  static std::string PartFileName(uint64_t id);
};

std::string EncodeManifest(const Manifest& m);
Result<Manifest> DecodeManifest(std::string_view bytes, const std::string& path);

// Atomically replaces `dir`/manifest.
Status CommitManifest(FileSystem& fs, const std::string& dir, const Manifest& m);
Result<Manifest> LoadManifest(FileSystem& fs, const std::string& dir);

}  // namespace aurora::storage
