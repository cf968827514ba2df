// The built-in natural-language engine: a schema-aware semantic parser that turns a question about one
// table into a read-only SELECT, with an explanation and a confidence, needing no network and no model.
//
// It knows the table from its schema (TableVocabulary): the words of column names and comments, which
// column is the time, which are numbers, ids ("user_id": "user 4242") and categories, and the values
// of the category columns (read from the data, so "electronics" means category = 'electronics' and "on
// mobile" means device_type = 'mobile'; spelling mistakes within a small edit distance still match).
//
// A question is read by recognizers, each claiming the words it understands, in this order: quoted and
// multi-word values, time expressions (today, yesterday, last 3 hours, past week, this month, since
// Monday, in January, between dates), trend buckets (hourly, per day), ranking (top N, most, least,
// highest, best-selling), aggregations (how many, total, average, median, p95, distinct, share), numeric
// comparisons (over, under, at least, between), ids ("product 17"), negation (not, except, excluding),
// lists (A or B), grouping (by, per, for each, broken down by), then column and value words. What it
// claimed becomes a Query (measure, filters, grouping, order, limit) and then SQL. The confidence is the
// share of the question's meaningful words that something claimed; below kMinConfidence the engine
// answers "can't answer" with the words it did not understand and their nearest known words, rather than
// a wrong query.
//
// Thread-safe once built: Parse is const.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/table_schema.h"

namespace aurora::nl {

// What the engine knows about one table.
struct TableVocabulary {
  struct Column {
    enum class Role { kTime, kNumber, kId, kCategory, kText };
    std::string name;
    Role role = Role::kText;
    bool integer = false;
    std::vector<std::vector<std::string>>
        names;  // stemmed word sequences that name it ("device type", "device")
  };
  struct Value {
    size_t column = 0;
    std::string value;
    std::vector<std::string> words;  // stemmed ("add to cart")
    std::string lower;               // the value in lower case ("us-west")
    std::string word;                // its one word in lower case, when it is one word
  };
  // The semantic layer (engine/semantic_layer.h): named aggregates and words for conditions or columns.
  struct Metric {
    std::string name, expression, filter;
    std::vector<std::string> words;
  };
  struct Synonym {
    std::string name;
    int column = -1;        // a word for a column
    std::string condition;  // or for a condition
    std::vector<std::string> words;
  };
  struct Term {
    bool metric = true;
    std::string name, expression, filter;
  };
  std::string table;
  std::vector<Column> columns;
  std::vector<Value> values;
  std::vector<Metric> metrics;
  std::vector<Synonym> synonyms;
  int time_column = -1;

  // From a schema, per category column its distinct values (most frequent first), and the terms.
  static TableVocabulary Make(const storage::TableSchema& schema,
                              const std::vector<std::pair<std::string, std::vector<std::string>>>& values,
                              const std::vector<Term>& terms = {});
};

struct Answer {
  std::string sql;
  std::string explanation;
  double confidence = 0;
  bool answered = false;
  std::vector<std::string> suggestions;  // when not answered: what was not understood, and near misses
};

class QuestionParser {
 public:
  static constexpr double kMinConfidence = 0.6;

  explicit QuestionParser(TableVocabulary vocabulary) : v_(std::move(vocabulary)) {}
  // `now_ms` is not used in the SQL (which says now()), only to name months in explanations.
  Answer Parse(std::string_view question) const;
  const TableVocabulary& vocabulary() const { return v_; }

 private:
  TableVocabulary v_;
};

}  // namespace aurora::nl
