// Self-describing binary form of a Chunk (column names, type names, raw column buffers): the payload of a
// WAL record. Written and read in one pass with memcpy; byte layout in docs/formats/wal.md.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "types/chunk.h"

namespace aurora::storage {

void SerializeChunk(const Chunk& chunk, std::string* out);
// Corruption (with what was wrong) on malformed input; never reads out of bounds.
Result<Chunk> DeserializeChunk(std::string_view in);

}  // namespace aurora::storage
