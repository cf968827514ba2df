#include "storage/codec.h"

#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace aurora::storage {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n, int distinct) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % distinct);
  return s;
}

template <typename T>
std::string Values(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

void ExpectRoundTrip(const std::string& codec_text, int width, const std::string& input) {
  auto spec = CodecSpec::Parse(codec_text);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  std::string encoded, decoded;
  ASSERT_TRUE(EncodeBlock(*spec, width, input, &encoded).ok());
  ASSERT_TRUE(DecodeBlock(encoded, &decoded).ok()) << codec_text;
  EXPECT_EQ(decoded, input) << codec_text << " width " << width << " size " << input.size();
}

TEST(CodecTest, EveryCodecRoundTripsRandomAndEdgeCaseData) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> codecs = {"NONE",
                                           "LZ4",
                                           "ZSTD(1)",
                                           "ZSTD(19)",
                                           "Delta, LZ4",
                                           "Delta, ZSTD(3)",
                                           "DoubleDelta, LZ4",
                                           "DoubleDelta, ZSTD(1)",
                                           "CODEC(Delta, NONE)"};
  std::vector<int64_t> max_values(1000, std::numeric_limits<int64_t>::max());
  max_values[3] = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> times;
  for (int i = 0; i < 8192; ++i) times.push_back(1704067200000 + i * 259 + (i % 97 == 0 ? -30000 : 0));
  std::vector<uint16_t> small = {0, 65535, 1, 65534};
  const std::vector<std::pair<int, std::string>> inputs = {
      {8, ""},
      {8, Values(std::vector<int64_t>{42})},
      {8, Values(max_values)},
      {8, Values(times)},
      {2, Values(small)},
      {1, RandomBytes(rng, 100000, 256)},
      {4, RandomBytes(rng, 4 * 20000, 3)},
      {8, RandomBytes(rng, 8 * 8192, 256)},
  };
  for (const auto& codec : codecs)
    for (const auto& [width, input] : inputs) ExpectRoundTrip(codec, width, input);
}

TEST(CodecTest, ParsesClickHouseSpellingsAndRejectsNonsense) {
  EXPECT_EQ(CodecSpec::Parse("ZSTD")->ToString(), "ZSTD(1)");
  EXPECT_EQ(CodecSpec::Parse("Delta")->ToString(), "Delta, LZ4");  // a compressor is implied
  EXPECT_EQ(CodecSpec::Parse("CODEC(DoubleDelta, ZSTD(3))")->ToString(), "DoubleDelta, ZSTD(3)");
  for (const char* bad : {"ZSTD(0)", "ZSTD(23)", "LZ4, ZSTD", "LZ4, Delta", "Gorilla", "", "ZSTD(x)", "LZ4,,",
                          "ZSTD(05555555555555555555555555)" /* found by fuzzing */}) {
    auto r = CodecSpec::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("invalid codec"), std::string::npos);
    }
  }
}

TEST(CodecTest, DeltaMakesTimestampsSmall) {
  std::vector<int64_t> times;
  for (int i = 0; i < 8192; ++i) times.push_back(1704067200000 + i * 259);
  std::string plain, dd;
  ASSERT_TRUE(EncodeBlock(*CodecSpec::Parse("LZ4"), 8, Values(times), &plain).ok());
  ASSERT_TRUE(EncodeBlock(*CodecSpec::Parse("DoubleDelta, LZ4"), 8, Values(times), &dd).ok());
  EXPECT_LT(dd.size() * 10, plain.size());
}

TEST(CodecTest, CorruptBlocksAreRejectedNotMisread) {
  std::mt19937_64 rng(3);
  std::string input = RandomBytes(rng, 5000, 16), encoded, decoded;
  for (const char* codec : {"LZ4", "ZSTD(1)", "Delta, LZ4"}) {
    ASSERT_TRUE(EncodeBlock(*CodecSpec::Parse(codec), 1, input, &encoded).ok());
    // Truncations never decode to something of the wrong size.
    for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, encoded.size() / 2, encoded.size() - 1}) {
      Status st = DecodeBlock(std::string_view(encoded).substr(0, cut), &decoded);
      EXPECT_FALSE(st.ok()) << codec << " cut " << cut;
    }
    std::string bad = encoded;
    bad[2] = 99;  // unknown step parameter / kind
    bad[1] = 77;
    EXPECT_EQ(DecodeBlock(bad, &decoded).code(), ErrorCode::kCorruption);
  }
}

TEST(CodecTest, BitPackingRoundTripsEveryWidth) {
  std::mt19937_64 rng(11);
  for (int bits = 1; bits <= 32; ++bits) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8193}}) {
      std::vector<uint32_t> codes(n);
      for (auto& c : codes) c = static_cast<uint32_t>(bits == 32 ? rng() : rng() % (1ull << bits));
      std::string packed;
      PackBits(codes.data(), n, bits, &packed);
      EXPECT_EQ(packed.size(), (n * bits + 7) / 8);
      std::vector<uint32_t> out(n);
      ASSERT_TRUE(UnpackBits(packed, n, bits, out.data()).ok());
      EXPECT_EQ(out, codes) << bits;
      if (n > 1) {
        EXPECT_FALSE(
            UnpackBits(std::string_view(packed).substr(0, packed.size() - 1), n, bits, out.data()).ok());
      }
    }
  }
  EXPECT_EQ(BitsForDictionary(1), 1);
  EXPECT_EQ(BitsForDictionary(2), 1);
  EXPECT_EQ(BitsForDictionary(3), 2);
  EXPECT_EQ(BitsForDictionary(256), 8);
  EXPECT_EQ(BitsForDictionary(257), 9);
}

}  // namespace
}  // namespace aurora::storage
