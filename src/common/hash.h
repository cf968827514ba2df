// Hashing for checksums and hash tables: XXH3 (libxxhash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aurora {

// 64-bit XXH3 of a byte range; the checksum of every stored block, WAL record and manifest.
uint64_t Hash64(const void* data, size_t size);
inline uint64_t Hash64(std::string_view s) {
  return Hash64(s.data(), s.size());
}

}  // namespace aurora
