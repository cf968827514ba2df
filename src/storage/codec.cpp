#include "storage/codec.h"

#include <lz4.h>
#include <zstd.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

#include "common/coding.h"

namespace aurora::storage {

namespace {

constexpr uint32_t kMaxBlockSize = 256u << 20;  // no block decodes to more than 256 MiB

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Status Bad(std::string_view text, std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("invalid codec '{}': {}", text, what));
}

template <typename T>
void DeltaEncode(char* p, size_t n) {
  T prev = 0;
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * sizeof(T), sizeof(T));
    T d = static_cast<T>(v - prev);
    std::memcpy(p + i * sizeof(T), &d, sizeof(T));
    prev = v;
  }
}
template <typename T>
void DeltaDecode(char* p, size_t n) {
  T prev = 0;
  for (size_t i = 0; i < n; ++i) {
    T d;
    std::memcpy(&d, p + i * sizeof(T), sizeof(T));
    prev = static_cast<T>(prev + d);
    std::memcpy(p + i * sizeof(T), &prev, sizeof(T));
  }
}

void ApplyDelta(std::string& buf, int width, bool encode) {
  size_t n = buf.size() / width;
  char* p = buf.data();
  switch (width) {
    case 1:
      encode ? DeltaEncode<uint8_t>(p, n) : DeltaDecode<uint8_t>(p, n);
      break;
    case 2:
      encode ? DeltaEncode<uint16_t>(p, n) : DeltaDecode<uint16_t>(p, n);
      break;
    case 4:
      encode ? DeltaEncode<uint32_t>(p, n) : DeltaDecode<uint32_t>(p, n);
      break;
    default:
      encode ? DeltaEncode<uint64_t>(p, n) : DeltaDecode<uint64_t>(p, n);
      break;
  }
}

}  // namespace

Result<CodecSpec> CodecSpec::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.size() >= 6 && (s.substr(0, 6) == "CODEC(" || s.substr(0, 6) == "codec(")) {
    if (s.back() != ')') return Bad(text, "missing ')'");
    s = s.substr(6, s.size() - 7);
  }
  CodecSpec spec;
  bool has_compressor = false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    // A comma inside ZSTD(...) cannot occur (one argument), so splitting on ',' is safe.
    std::string_view part =
        Trim(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (part.empty()) return Bad(text, "empty codec in the list");
    std::string upper;
    for (char c : part) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CodecStep step{CodecKind::kNone, 0};
    if (upper == "NONE") {
      step.kind = CodecKind::kNone;
    } else if (upper == "LZ4") {
      step.kind = CodecKind::kLZ4;
    } else if (upper == "ZSTD") {
      step = {CodecKind::kZSTD, 1};
    } else if (upper.rfind("ZSTD(", 0) == 0 && upper.back() == ')') {
      std::string_view digits = std::string_view(upper).substr(5, upper.size() - 6);
      int level = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), level);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || level < 1 ||
          level > 22)
        return Bad(text, "ZSTD takes a level from 1 to 22");
      step = {CodecKind::kZSTD, level};
    } else if (upper == "DELTA" || upper.rfind("DELTA(", 0) == 0) {
      step.kind = CodecKind::kDelta;
    } else if (upper == "DOUBLEDELTA") {
      step.kind = CodecKind::kDoubleDelta;
    } else {
      return Bad(text, fmt::format("unknown codec '{}' (expected NONE, LZ4, ZSTD(level), Delta, DoubleDelta)",
                                   part));
    }
    bool is_compressor =
        step.kind == CodecKind::kLZ4 || step.kind == CodecKind::kZSTD || step.kind == CodecKind::kNone;
    if (is_compressor) {
      if (has_compressor) return Bad(text, "at most one of NONE, LZ4, ZSTD");
      has_compressor = true;
    } else if (has_compressor) {
      return Bad(text, "Delta and DoubleDelta must come before the compressor");
    }
    spec.steps.push_back(step);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (!has_compressor) spec.steps.push_back({CodecKind::kLZ4, 0});
  return spec;
}

std::string CodecSpec::ToString() const {
  std::string out;
  for (const auto& st : steps) {
    if (!out.empty()) out += ", ";
    switch (st.kind) {
      case CodecKind::kNone:
        out += "NONE";
        break;
      case CodecKind::kLZ4:
        out += "LZ4";
        break;
      case CodecKind::kZSTD:
        out += fmt::format("ZSTD({})", st.level);
        break;
      case CodecKind::kDelta:
        out += "Delta";
        break;
      case CodecKind::kDoubleDelta:
        out += "DoubleDelta";
        break;
    }
  }
  return out;
}

bool CodecSpec::HasTransform() const {
  for (const auto& st : steps)
    if (st.kind == CodecKind::kDelta || st.kind == CodecKind::kDoubleDelta) return true;
  return false;
}

// Block header: u8 step count, then per step u8 kind and u8 width-or-level; then u32 decoded size;
// then the payload of the last step.
Status EncodeBlock(const CodecSpec& spec, int value_width, std::string_view input, std::string* out) {
  std::string work(input);
  out->clear();
  BufferWriter w(out);
  w.PutFixed<uint8_t>(static_cast<uint8_t>(spec.steps.size()));
  for (const auto& st : spec.steps) {
    w.PutFixed<uint8_t>(static_cast<uint8_t>(st.kind));
    bool transform = st.kind == CodecKind::kDelta || st.kind == CodecKind::kDoubleDelta;
    w.PutFixed<uint8_t>(static_cast<uint8_t>(transform ? value_width : st.level));
  }
  w.PutFixed<uint32_t>(static_cast<uint32_t>(input.size()));
  for (const auto& st : spec.steps) {
    switch (st.kind) {
      case CodecKind::kDelta:
      case CodecKind::kDoubleDelta:
        if (!(value_width == 1 || value_width == 2 || value_width == 4 || value_width == 8) ||
            work.size() % value_width)
          return Status(ErrorCode::kInvalidArgument,
                        "Delta codecs apply to fixed-width numeric columns only");
        ApplyDelta(work, value_width, true);
        if (st.kind == CodecKind::kDoubleDelta) ApplyDelta(work, value_width, true);
        break;
      case CodecKind::kNone:
        break;
      case CodecKind::kLZ4: {
        std::string c(LZ4_compressBound(static_cast<int>(work.size())), '\0');
        int n = LZ4_compress_default(work.data(), c.data(), static_cast<int>(work.size()),
                                     static_cast<int>(c.size()));
        if (n <= 0 && !work.empty()) return Status(ErrorCode::kInternal, "LZ4 compression failed");
        c.resize(n);
        work.swap(c);
        break;
      }
      case CodecKind::kZSTD: {
        std::string c(ZSTD_compressBound(work.size()), '\0');
        size_t n = ZSTD_compress(c.data(), c.size(), work.data(), work.size(), st.level);
        if (ZSTD_isError(n))
          return Status(ErrorCode::kInternal, fmt::format("ZSTD: {}", ZSTD_getErrorName(n)));
        c.resize(n);
        work.swap(c);
        break;
      }
    }
  }
  out->append(work);
  return Status::OK();
}

Status DecodeBlock(std::string_view block, std::string* out) {
  BufferReader r(block);
  uint8_t nsteps;
  if (!r.GetFixed(&nsteps) || nsteps == 0 || nsteps > 8)
    return Status(ErrorCode::kCorruption, "bad codec header");
  CodecStep steps[8];
  int params[8];
  for (int i = 0; i < nsteps; ++i) {
    uint8_t kind, param;
    if (!r.GetFixed(&kind) || !r.GetFixed(&param) || kind > static_cast<uint8_t>(CodecKind::kDoubleDelta))
      return Status(ErrorCode::kCorruption, "bad codec header");
    steps[i] = {static_cast<CodecKind>(kind), param};
    params[i] = param;
  }
  uint32_t decoded_size;
  if (!r.GetFixed(&decoded_size) || decoded_size > kMaxBlockSize)
    return Status(ErrorCode::kCorruption, "bad codec header");
  std::string_view payload;
  if (!r.GetBytes(r.remaining(), &payload)) return Status(ErrorCode::kCorruption, "bad codec payload");

  // Undo the compressor (the last step), then the transforms in reverse order.
  std::string work;
  for (int i = nsteps - 1; i >= 0; --i) {
    switch (steps[i].kind) {
      case CodecKind::kNone:
        work.assign(payload);
        break;
      case CodecKind::kLZ4: {
        // LZ4 expands at most ~255x: a larger claim is a damaged header, not a reason to allocate.
        if (decoded_size > payload.size() * 255 + 64)
          return Status(ErrorCode::kCorruption, "LZ4 block size out of range");
        work.resize(decoded_size);
        int n = LZ4_decompress_safe(payload.data(), work.data(), static_cast<int>(payload.size()),
                                    static_cast<int>(decoded_size));
        if (n != static_cast<int>(decoded_size))
          return Status(ErrorCode::kCorruption, "LZ4 payload does not decode");
        break;
      }
      case CodecKind::kZSTD: {
        // The frame records its content size; it must match before anything is allocated.
        if (ZSTD_getFrameContentSize(payload.data(), payload.size()) != decoded_size)
          return Status(ErrorCode::kCorruption, "ZSTD frame size does not match the block header");
        work.resize(decoded_size);
        size_t n = ZSTD_decompress(work.data(), decoded_size, payload.data(), payload.size());
        if (ZSTD_isError(n) || n != decoded_size)
          return Status(ErrorCode::kCorruption, "ZSTD payload does not decode");
        break;
      }
      case CodecKind::kDelta:
      case CodecKind::kDoubleDelta: {
        int width = params[i];
        if (!(width == 1 || width == 2 || width == 4 || width == 8) || work.size() % width)
          return Status(ErrorCode::kCorruption, "bad Delta width");
        ApplyDelta(work, width, false);
        if (steps[i].kind == CodecKind::kDoubleDelta) ApplyDelta(work, width, false);
        break;
      }
    }
  }
  if (work.size() != decoded_size) return Status(ErrorCode::kCorruption, "decoded size mismatch");
  out->swap(work);
  return Status::OK();
}

int BitsForDictionary(size_t dictionary_size) {
  int bits = 1;
  while (bits < 32 && (size_t{1} << bits) < dictionary_size) ++bits;
  return bits;
}

void PackBits(const uint32_t* codes, size_t n, int bits, std::string* out) {
  size_t bytes = (n * bits + 7) / 8;
  size_t base = out->size();
  out->resize(base + bytes + 8, '\0');  // slack for 64-bit stores
  auto* p = reinterpret_cast<unsigned char*>(out->data() + base);
  uint64_t acc = 0;
  int filled = 0;
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= static_cast<uint64_t>(codes[i]) << filled;
    filled += bits;
    while (filled >= 8) {
      p[pos++] = static_cast<unsigned char>(acc);
      acc >>= 8;
      filled -= 8;
    }
  }
  if (filled > 0) p[pos++] = static_cast<unsigned char>(acc);
  out->resize(base + bytes);
}

namespace {

// Reads code i of width `bits` with one unaligned 64-bit load (the caller guarantees 8 readable bytes).
template <int kBits>
void UnpackFixed(const unsigned char* p, size_t from, size_t to, uint32_t* codes) {
  constexpr uint64_t kMask = kBits == 32 ? 0xffffffffull : ((1ull << kBits) - 1);
  for (size_t i = from; i < to; ++i) {
    size_t bitpos = i * kBits;
    uint64_t word;
    std::memcpy(&word, p + (bitpos >> 3), 8);
    codes[i] = static_cast<uint32_t>((word >> (bitpos & 7)) & kMask);
  }
}

template <int... kWidths>
void UnpackDispatch(int bits, const unsigned char* p, size_t from, size_t to, uint32_t* codes,
                    std::integer_sequence<int, kWidths...>) {
  ((bits == kWidths + 1 ? (UnpackFixed<kWidths + 1>(p, from, to, codes), true) : false) || ...);
}

}  // namespace

Status UnpackBits(std::string_view in, size_t n, int bits, uint32_t* codes) {
  if (bits < 1 || bits > 32 || in.size() < (n * bits + 7) / 8)
    return Status(ErrorCode::kCorruption, "bit-packed codes are truncated");
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  // Codes whose 8-byte window lies inside the input take the fast path; the last few take the careful one.
  size_t fast = 0;
  if (in.size() >= 8) fast = std::min(n, ((in.size() - 8) * 8) / static_cast<size_t>(bits) + 1);
  while (fast > 0 && (((fast - 1) * bits) >> 3) + 8 > in.size()) --fast;
  UnpackDispatch(bits, p, 0, fast, codes, std::make_integer_sequence<int, 32>{});
  const uint64_t mask = bits == 32 ? 0xffffffffull : ((1ull << bits) - 1);
  for (size_t i = fast; i < n; ++i) {
    size_t bitpos = i * bits;
    size_t byte = bitpos >> 3;
    uint64_t word = 0;
    std::memcpy(&word, p + byte, std::min<size_t>(8, in.size() - byte));
    codes[i] = static_cast<uint32_t>((word >> (bitpos & 7)) & mask);
  }
  return Status::OK();
}

}  // namespace aurora::storage
