// Column codecs: a chain of transforms and at most one compressor, applied to one block (one granule of
// one column). ClickHouse spellings: CODEC(LZ4), CODEC(ZSTD(3)), CODEC(Delta, ZSTD(1)),
// CODEC(DoubleDelta, LZ4), CODEC(NONE).
//
//   Delta        x[i] - x[i-1] over fixed-width integers (wrapping); for ids and counters
//   DoubleDelta  second-order differences; for timestamps at a near-constant rate
//   LZ4          fast general-purpose compression (the default)
//   ZSTD(level)  stronger, slower compression, level 1..22
//
// Every encoded block names its own chain in a small header (docs/formats/part.md), so a block can be
// decoded without the table's schema and a codec change only affects new parts.
// Dictionary encoding is not a codec here: the part writer chooses it per column (LowCardinality, or a
// String column with few distinct values) and bit-packs the codes before the codec chain runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace aurora::storage {

enum class CodecKind : uint8_t { kNone = 0, kLZ4 = 1, kZSTD = 2, kDelta = 3, kDoubleDelta = 4 };

struct CodecStep {
  CodecKind kind;
  int level = 0;  // ZSTD level
};

struct CodecSpec {
  std::vector<CodecStep> steps;

  static CodecSpec Default() { return CodecSpec{{{CodecKind::kLZ4, 0}}}; }
  // "Delta, ZSTD(1)" (with or without the CODEC(...) wrapper); errors name the offending part.
  static Result<CodecSpec> Parse(std::string_view text);
  std::string ToString() const;
  bool HasTransform() const;
};

// Encodes `input` (values of `value_width` bytes each when a transform is present) with `spec`.
// REQUIRES: transforms only with value_width in {1,2,4,8} and input.size() % value_width == 0.
Status EncodeBlock(const CodecSpec& spec, int value_width, std::string_view input, std::string* out);
// Decodes a block written by EncodeBlock; Corruption on any malformed header or payload.
Status DecodeBlock(std::string_view block, std::string* out);

// Bit-packing of dictionary codes: `bits` bits per code, least significant bit first.
int BitsForDictionary(size_t dictionary_size);
void PackBits(const uint32_t* codes, size_t n, int bits, std::string* out);
Status UnpackBits(std::string_view in, size_t n, int bits, uint32_t* codes);

}  // namespace aurora::storage
