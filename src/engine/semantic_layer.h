// The semantic layer of the natural-language engine (nl/): business terms that are not in any schema,
// defined by users in SQL (CREATE METRIC, CREATE SYNONYM) and kept in DATA/meta.db (table
// semantic_terms; one transaction per change).
//
//   metric   a name for an aggregate, optionally over a subset of rows:
//            CREATE METRIC revenue AS sum(price * quantity) WHERE action_type = 'purchase'
//   synonym  a word for a condition or a column:
//            CREATE SYNONYM orders FOR action_type = 'purchase';  CREATE SYNONYM customers FOR user_id
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "security/sqlite.h"

namespace aurora {

struct SemanticTerm {
  bool metric = true;  // else a synonym
  std::string name;    // lower case; may be several words
  std::string expression;
  std::string filter;  // metrics only; may be empty
  int64_t created_ms = 0;
};

class SemanticLayer {
 public:
  static Result<std::unique_ptr<SemanticLayer>> Open(const std::string& data_dir, Clock& clock);

  // kAlreadyExists when the name is taken (unless if_not_exists, or or_replace, which replaces it).
  Status Create(SemanticTerm term, bool if_not_exists, bool or_replace);
  Status Drop(bool metric, const std::string& name, bool if_exists);
  std::vector<SemanticTerm> List() const;  // metrics first, then synonyms, each by name
  // Grows with every change (for caches built from the terms).
  uint64_t version() const { return version_.load(); }

 private:
  SemanticLayer(std::unique_ptr<SqliteDatabase> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}

  std::unique_ptr<SqliteDatabase> db_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::vector<SemanticTerm> terms_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace aurora
