#include "common/coding.h"

#include <limits>

#include <gtest/gtest.h>

#include "common/hash.h"
#include "common/pod_array.h"

namespace aurora {
namespace {

TEST(CodingTest, VarintsRoundTripAtBoundaries) {
  std::string buf;
  BufferWriter w(&buf);
  const uint64_t values[] = {
      0, 1, 127, 128, 16383, 16384, (1ull << 35) + 7, std::numeric_limits<uint64_t>::max()};
  const int64_t signed_values[] = {
      0, -1, 1, -64, 64, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (uint64_t v : values) w.PutVarint(v);
  for (int64_t v : signed_values) w.PutSignedVarint(v);
  w.PutString("hello");
  w.PutFixed<uint32_t>(0xdeadbeef);

  BufferReader r(buf);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(r.GetVarint(&got));
    EXPECT_EQ(got, v);
  }
  for (int64_t v : signed_values) {
    int64_t got;
    ASSERT_TRUE(r.GetSignedVarint(&got));
    EXPECT_EQ(got, v);
  }
  std::string s;
  ASSERT_TRUE(r.GetString(&s));
  EXPECT_EQ(s, "hello");
  uint32_t f;
  ASSERT_TRUE(r.GetFixed(&f));
  EXPECT_EQ(f, 0xdeadbeefu);
  EXPECT_TRUE(r.done());
}

TEST(CodingTest, TruncatedInputFailsInsteadOfOverreading) {
  std::string buf;
  BufferWriter w(&buf);
  w.PutString("a long enough string");
  for (size_t cut = 0; cut < buf.size(); ++cut) {
    BufferReader r(buf.data(), cut);
    std::string s;
    EXPECT_FALSE(r.GetString(&s)) << cut;
    EXPECT_TRUE(r.failed());
  }
  // An over-long varint (11 continuation bytes) is rejected.
  std::string bad(11, '\xff');
  BufferReader r(bad);
  uint64_t v;
  EXPECT_FALSE(r.GetVarint(&v));
}

TEST(CodingTest, HashDiffersOnOneBitFlip) {
  std::string a = "granule payload";
  std::string b = a;
  b[3] ^= 1;
  EXPECT_NE(Hash64(a), Hash64(b));
  EXPECT_EQ(Hash64(a), Hash64(std::string("granule payload")));
}

TEST(PodArrayTest, GrowsCopiesAndMoves) {
  PodArray<int64_t> a;
  for (int i = 0; i < 1000; ++i) a.push_back(i);
  PodArray<int64_t> b = a;
  a[0] = 42;
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b.size(), 1000u);
  PodArray<int64_t> c = std::move(b);
  EXPECT_EQ(c[999], 999);
  c.resize_fill(1005, -1);
  EXPECT_EQ(c[1004], -1);
}

}  // namespace
}  // namespace aurora
