// Asking a Database a question in plain language: picks the table, builds its vocabulary (schema and the
// distinct values of its category columns, read with SQL and kept until the table's data changes), parses
// the question (question_parser.h) and checks the SQL with the binder (EXPLAIN) before anyone runs it.
//
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/database.h"
#include "nl/question_parser.h"

namespace aurora::nl {

class Asker {
 public:
  explicit Asker(Database& db) : db_(db) {}

  // `table` empty: the table the question fits best (quarantine tables aside).
  // The answer's SQL has passed the binder as `principal` when `answered`.
  Result<Answer> Ask(std::string_view question, const std::string& table,
                     std::shared_ptr<const security::Principal> principal = nullptr);

  // The most distinct values a column may have to count as a category.
  static constexpr size_t kMaxCategoryValues = 1000;

 private:
  Result<std::shared_ptr<const QuestionParser>> ParserFor(const std::string& table);
  // The table the question fits best (the highest confidence).
  Result<std::string> ChooseTable(std::string_view question);

  Database& db_;
  std::mutex mu_;
  struct Cached {
    std::shared_ptr<const QuestionParser> parser;
    const void* table = nullptr;
    uint64_t version = 0;
    uint64_t semantic = 0;
    int64_t built_ms = 0;
  };
  std::map<std::string, Cached> cache_;
};

}  // namespace aurora::nl
