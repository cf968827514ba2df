#include "nl/question_parser.h"

#include <gtest/gtest.h>

#include "types/data_type.h"

namespace aurora::nl {
namespace {

// A small shop table: the engine sees its schema, the values of its category columns, and two terms.
QuestionParser Shop() {
  storage::TableSchema s;
  s.name = "orders";
  auto col = [&](const char* name, const char* type) {
    s.columns.push_back({name, *ParseDataType(type), std::nullopt, "", ""});
  };
  col("ts", "DateTime");
  col("customer_id", "UInt32");
  col("amount", "Float64");
  col("items", "UInt16");
  col("country", "LowCardinality(String)");
  col("status", "LowCardinality(String)");
  return QuestionParser(TableVocabulary::Make(
      s, {{"country", {"france", "spain", "new-zealand"}}, {"status", {"paid", "refunded", "on_hold"}}},
      {{true, "income", "sum(amount)", "status = 'paid'"}, {false, "clients", "customer_id", ""}}));
}

std::string Sql(const QuestionParser& p, const char* q) {
  Answer a = p.Parse(q);
  EXPECT_TRUE(a.answered) << q << ": " << a.sql;
  return a.sql;
}

TEST(QuestionParserTest, CountsFiltersAndAggregates) {
  auto p = Shop();
  EXPECT_EQ(Sql(p, "how many orders from france"), "SELECT count() FROM orders WHERE country = 'france'");
  EXPECT_EQ(Sql(p, "average amount of refunded orders"),
            "SELECT avg(amount) FROM orders WHERE status = 'refunded'");
  EXPECT_EQ(Sql(p, "orders on hold not from spain"),
            "SELECT count() FROM orders WHERE status = 'on_hold' AND country != 'spain'");
  EXPECT_EQ(Sql(p, "orders from france or spain with more than 3 items"),
            "SELECT count() FROM orders WHERE country IN ('france', 'spain') AND items > 3");
  EXPECT_EQ(Sql(p, "p95 amount"), "SELECT quantile(0.95)(amount) FROM orders");
  EXPECT_EQ(Sql(p, "how many distinct customers"), "SELECT uniqExact(customer_id) FROM orders");
  EXPECT_EQ(Sql(p, "orders of customer 42"), "SELECT count() FROM orders WHERE customer_id = 42");
}

TEST(QuestionParserTest, GroupsRanksTrendsAndTimes) {
  auto p = Shop();
  EXPECT_EQ(Sql(p, "total amount by country"),
            "SELECT country, sum(amount) FROM orders GROUP BY country ORDER BY country");
  EXPECT_EQ(Sql(p, "top 2 countries by average amount"),
            "SELECT country, avg(amount) AS value FROM orders GROUP BY country ORDER BY value DESC LIMIT 2");
  EXPECT_EQ(Sql(p, "daily orders in the last 3 days"),
            "SELECT toDate(ts) AS day, count() FROM orders WHERE ts >= toStartOfDay(now()) - INTERVAL 2 DAY "
            "GROUP BY "
            "day ORDER BY day");
  EXPECT_EQ(Sql(p, "orders yesterday"),
            "SELECT count() FROM orders WHERE ts >= toStartOfDay(now()) - INTERVAL 1 DAY AND ts < "
            "toStartOfDay(now())");
  EXPECT_EQ(Sql(p, "show the 5 latest orders from new-zealand"),
            "SELECT * FROM orders WHERE country = 'new-zealand' ORDER BY ts DESC LIMIT 5");
}

TEST(QuestionParserTest, UsesTheSemanticLayerAndForgivesTypos) {
  auto p = Shop();
  EXPECT_EQ(
      Sql(p, "income per country"),
      "SELECT country, sum(amount) FROM orders WHERE status = 'paid' GROUP BY country ORDER BY country");
  EXPECT_EQ(Sql(p, "how many clients"), "SELECT uniqExact(customer_id) FROM orders");
  EXPECT_EQ(Sql(p, "avergae amount in frnace"), "SELECT avg(amount) FROM orders WHERE country = 'france'");
}

// Found by fuzz_nl: numbers too big for an integer were cast to one (undefined behaviour).
TEST(QuestionParserTest, HugeNumbersAreNotCounts) {
  auto p = Shop();
  for (const char* q : {"top 100000000000000000000 countries by amount", "orders over 1e300",
                        "orders in the last 99999999999999999999 days", "show 18446744073709551616 orders",
                        "orders of customer 99999999999999999999"}) {
    Answer a = p.Parse(q);
    EXPECT_EQ(a.sql.rfind("SELECT ", 0), 0u) << q;
  }
}

TEST(QuestionParserTest, SaysWhatItDidNotUnderstandRatherThanGuess) {
  auto p = Shop();
  Answer a = p.Parse("what is the weather like in the mountains");
  EXPECT_FALSE(a.answered);
  EXPECT_FALSE(a.suggestions.empty());
  a = p.Parse("amonut by contry and the moon phase");
  EXPECT_FALSE(a.answered) << a.sql;
}

}  // namespace
}  // namespace aurora::nl
