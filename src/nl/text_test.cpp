#include "nl/text.h"

#include "common/strings.h"

#include <gtest/gtest.h>

namespace aurora::nl {
namespace {

TEST(TextTest, TokensKeepWordsNumbersDatesAndQuotes) {
  auto t = Tokenize(
      "Top 5 brands in us-west since 2024-01-31, over 1,000.5 or 10k for 'Add to cart' — O'Reilly's");
  std::vector<std::string> texts;
  for (const auto& x : t) texts.push_back(x.text);
  EXPECT_EQ(texts,
            (std::vector<std::string>{"top", "5", "brands", "in", "us-west", "since", "2024-01-31", "over",
                                      "1,000.5", "or", "10k", "for", "Add to cart", "o'reilly"}));
  EXPECT_EQ(t[1].number, 5);
  EXPECT_TRUE(t[1].integer);
  EXPECT_DOUBLE_EQ(t[8].number, 1000.5);
  EXPECT_FALSE(t[8].integer);
  EXPECT_EQ(t[10].number, 10000);
  EXPECT_EQ(t[6].kind, Token::Kind::kQuoted);
  EXPECT_EQ(t[12].kind, Token::Kind::kQuoted);
  EXPECT_EQ(Tokenize("95th percentile")[0].number, 95);
}

TEST(TextTest, StemsAreSymmetricAcrossForms) {
  for (auto [a, b] : std::vector<std::pair<const char*, const char*>>{{"purchases", "purchase"},
                                                                      {"purchased", "purchase"},
                                                                      {"categories", "category"},
                                                                      {"views", "viewed"},
                                                                      {"devices", "device"},
                                                                      {"prices", "price"},
                                                                      {"brands", "brand"},
                                                                      {"boxes", "box"},
                                                                      {"shipped", "ship"}})
    EXPECT_EQ(Stem(a), Stem(b)) << a << " " << b;
  EXPECT_EQ(Stem("bought"), "buy");
  EXPECT_EQ(Stem("status"), "status");
}

TEST(TextTest, IdentifierWordsSplitOnCaseAndSeparators) {
  EXPECT_EQ(IdentifierWords("device_type"), (std::vector<std::string>{"device", "type"}));
  EXPECT_EQ(IdentifierWords("userId"), (std::vector<std::string>{"user", "id"}));
  EXPECT_EQ(IdentifierWords("us-west"), (std::vector<std::string>{"us", "west"}));
  EXPECT_EQ(IdentifierWords("add_to_cart"), (std::vector<std::string>{"add", "to", "cart"}));
}

TEST(TextTest, EditDistanceCountsTranspositionsOnceAndStopsEarly) {
  EXPECT_EQ(BoundedEditDistance("region", "regoin", 2), 1);
  EXPECT_EQ(BoundedEditDistance("samsung", "samsnug", 2), 1);
  EXPECT_EQ(BoundedEditDistance("electronics", "electroncs", 2), 1);
  EXPECT_EQ(BoundedEditDistance("price", "prize", 2), 1);
  EXPECT_EQ(BoundedEditDistance("abc", "xyz", 1), 2);  // over the bound: bound + 1
  EXPECT_EQ(BoundedEditDistance("", "abcd", 2), 3);
  EXPECT_EQ(AllowedTypos(3), 0);
  EXPECT_EQ(AllowedTypos(6), 1);
  EXPECT_EQ(AllowedTypos(9), 2);
}

}  // namespace
}  // namespace aurora::nl
