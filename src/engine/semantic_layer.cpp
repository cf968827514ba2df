#include "engine/semantic_layer.h"

#include <algorithm>

namespace aurora {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS semantic_terms (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  expression TEXT NOT NULL,
  filter TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
);
)";

const char* Kind(bool metric) {
  return metric ? "metric" : "synonym";
}

}  // namespace

Result<std::unique_ptr<SemanticLayer>> SemanticLayer::Open(const std::string& data_dir, Clock& clock) {
  AURORA_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(data_dir + "/meta.db"));
  AURORA_RETURN_IF_ERROR(db->Exec(kSchema));
  std::unique_ptr<SemanticLayer> s(new SemanticLayer(std::move(db), clock));
  AURORA_ASSIGN_OR_RETURN(
      auto q, s->db_->Prepare("SELECT kind, name, expression, filter, created_ms FROM semantic_terms"));
  while (true) {
    AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    s->terms_.push_back(
        {q.ColumnText(0) == "metric", q.ColumnText(1), q.ColumnText(2), q.ColumnText(3), q.ColumnInt64(4)});
  }
  return s;
}

Status SemanticLayer::Create(SemanticTerm term, bool if_not_exists, bool or_replace) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(terms_.begin(), terms_.end(), [&](const SemanticTerm& t) {
    return t.metric == term.metric && t.name == term.name;
  });
  if (it != terms_.end() && !or_replace) {
    if (if_not_exists) return Status::OK();
    return AURORA_ERROR(kAlreadyExists, "{} '{}' already exists (CREATE OR REPLACE replaces it)",
                        Kind(term.metric), term.name);
  }
  term.created_ms = clock_.NowMillis();
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto ins,
                            db_->Prepare("INSERT OR REPLACE INTO semantic_terms (kind, name, expression, "
                                         "filter, created_ms) VALUES (?, ?, ?, ?, ?)"));
    ins.Bind(1, Kind(term.metric))
        .Bind(2, term.name)
        .Bind(3, term.expression)
        .Bind(4, term.filter)
        .Bind(5, term.created_ms);
    return ins.Run();
  }));
  if (it != terms_.end())
    *it = std::move(term);
  else
    terms_.push_back(std::move(term));
  ++version_;
  return Status::OK();
}

Status SemanticLayer::Drop(bool metric, const std::string& name, bool if_exists) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(terms_.begin(), terms_.end(),
                         [&](const SemanticTerm& t) { return t.metric == metric && t.name == name; });
  if (it == terms_.end()) {
    if (if_exists) return Status::OK();
    return AURORA_ERROR(kNotFound, "{} '{}' does not exist", Kind(metric), name);
  }
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM semantic_terms WHERE kind = ? AND name = ?"));
    del.Bind(1, Kind(metric)).Bind(2, name);
    return del.Run();
  }));
  terms_.erase(it);
  ++version_;
  return Status::OK();
}

std::vector<SemanticTerm> SemanticLayer::List() const {
  std::lock_guard lock(mu_);
  std::vector<SemanticTerm> out = terms_;
  std::sort(out.begin(), out.end(), [](const SemanticTerm& a, const SemanticTerm& b) {
    return a.metric != b.metric ? a.metric : a.name < b.name;
  });
  return out;
}

}  // namespace aurora
