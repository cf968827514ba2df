#include "nl/ask.h"

#include <chrono>

#include "nl/text.h"
#include "types/text_format.h"

namespace aurora::nl {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool IsQuarantine(const std::string& name) {
  return name.size() > 11 && name.compare(name.size() - 11, 11, "_quarantine") == 0;
}

}  // namespace

Result<std::string> Asker::ChooseTable(std::string_view question) {
  std::vector<std::string> tables;
  for (const auto& name : db_.catalog().TableNames())
    if (!IsQuarantine(name)) tables.push_back(name);
  if (tables.empty()) return AURORA_ERROR(kNotFound, "there are no tables to ask about yet");
  if (tables.size() == 1) return tables[0];
  // The table whose words the question uses most: its name, its columns, its values.
  std::string best;
  double best_confidence = -1;
  for (const auto& name : tables) {
    auto parser = ParserFor(name);
    if (!parser.ok()) continue;
    const double confidence = (*parser)->Parse(question).confidence;
    if (confidence > best_confidence) {
      best_confidence = confidence;
      best = name;
    }
  }
  if (best.empty()) return AURORA_ERROR(kNotFound, "there are no tables to ask about yet");
  return best;
}

Result<std::shared_ptr<const QuestionParser>> Asker::ParserFor(const std::string& table) {
  AURORA_ASSIGN_OR_RETURN(auto t, db_.catalog().GetTable(table));
  const uint64_t version = t->data_version();
  const uint64_t semantic = db_.semantic().version();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(table);
    // The values are read again when the data changed, at most every 10 s; new terms count at once.
    if (it != cache_.end() && it->second.table == t.get() && it->second.semantic == semantic &&
        (it->second.version == version || NowMs() - it->second.built_ms < 10'000))
      return it->second.parser;
  }
  const storage::TableSchema schema = t->schema();
  std::vector<std::pair<std::string, std::vector<std::string>>> values;
  for (const auto& c : schema.columns) {
    const DataType& base = c.type->Base();
    if (base.id() != TypeId::kString) continue;
    auto r = db_.Execute(fmt::format("SELECT {0} FROM {1} GROUP BY {0} ORDER BY count() DESC LIMIT {2}",
                                     c.name, table, kMaxCategoryValues + 1));
    if (!r.ok() || r->num_rows() > kMaxCategoryValues) continue;
    std::vector<std::string> list;
    for (const auto& chunk : r->chunks)
      for (size_t i = 0; i < chunk.num_rows; ++i) {
        std::string s;
        FormatText(*chunk.columns[0], i, &s);
        list.push_back(std::move(s));
      }
    values.emplace_back(c.name, std::move(list));
  }
  std::vector<TableVocabulary::Term> terms;
  for (const auto& term : db_.semantic().List())
    terms.push_back({term.metric, term.name, term.expression, term.filter});
  auto parser = std::make_shared<const QuestionParser>(TableVocabulary::Make(schema, values, terms));
  std::lock_guard lock(mu_);
  cache_[table] = Cached{parser, t.get(), version, semantic, NowMs()};
  return std::shared_ptr<const QuestionParser>(parser);
}

Result<Answer> Asker::Ask(std::string_view question, const std::string& table,
                          std::shared_ptr<const security::Principal> principal) {
  std::string name = table;
  if (name.empty()) {
    AURORA_ASSIGN_OR_RETURN(name, ChooseTable(question));
  }
  AURORA_ASSIGN_OR_RETURN(auto parser, ParserFor(name));
  Answer a = parser->Parse(question);
  if (a.answered) {
    // The binder checks the SQL (names, types, privileges) without running it.
    QueryOptions options;
    options.principal = std::move(principal);
    auto checked = db_.Execute("EXPLAIN " + a.sql, options);
    if (!checked.ok()) {
      if (checked.status().code() == ErrorCode::kPermissionDenied) return checked.status();
      a.answered = false;
      a.suggestions.push_back("the question led to SQL Aurora cannot run: " + checked.status().message());
    }
  }
  return a;
}

}  // namespace aurora::nl
