#include "engine/database.h"

#include <ctime>
#include <optional>
#include <random>
#include <set>

#include <re2/re2.h>

#include "common/query_error.h"
#include "common/strings.h"
#include "formats/format_reader.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"
#include "types/text_format.h"

namespace aurora {

namespace {

Status AtColumn(const Status& st, const sql::SourcePos& pos) {
  return Status(st.code(), fmt::format("{} (at line {}, column {})", st.message(), pos.line, pos.column));
}

ColumnPtr StringColumn(const std::vector<std::string>& values) {
  auto c = std::make_shared<Column>(DataType::Make(TypeId::kString));
  for (const auto& v : values) c->AppendString(v);
  return c;
}

// The value of a literal (numbers, strings, NULL, booleans; the parser folds negated numbers), or none
// for any other expression.
std::optional<Value> LiteralValue(const sql::Expr& e) {
  if (e.kind == sql::ExprKind::kLiteral) return e.literal;
  return std::nullopt;
}

// LIKE pattern to RE2: % any run, _ one character, \ escapes.
std::string LikeToRegex(std::string_view pattern) {
  std::string re;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      re += RE2::QuoteMeta(std::string(1, pattern[++i]));
    } else if (c == '%') {
      re += ".*";
    } else if (c == '_') {
      re += ".";
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return re;
}

// CAST(e AS type): values of `e` as stored in a column of `type`.
sql::ExprPtr CastTo(const sql::ExprPtr& e, const DataType& type) {
  auto cast = std::make_shared<sql::Expr>();
  cast->kind = sql::ExprKind::kCast;
  cast->pos = e->pos;
  cast->args = {e};
  cast->type_name = type.Name();
  return cast;
}

// The columns an INSERT writes: its column list, or all in table order.
Result<std::vector<int>> InsertTargets(const storage::TableSchema& s, const sql::Insert& ins) {
  std::vector<int> targets;
  if (ins.columns.empty()) {
    for (size_t i = 0; i < s.columns.size(); ++i) targets.push_back(static_cast<int>(i));
    return targets;
  }
  for (const auto& name : ins.columns) {
    int idx = s.IndexOf(name);
    if (idx < 0) {
      std::vector<std::string> names;
      for (const auto& c : s.columns) names.push_back(c.name);
      return AURORA_ERROR(kNotFound, "table '{}' has no column '{}'{}", ins.table, name,
                          DidYouMean(name, names));
    }
    if (std::find(targets.begin(), targets.end(), idx) != targets.end())
      return AURORA_ERROR(kInvalidArgument, "column '{}' is listed twice", name);
    targets.push_back(idx);
  }
  return targets;
}

// Replaces the passwords of CREATE / ALTER USER ... IDENTIFIED BY 'x' and of CREATE SOURCE ...
// sasl_password = 'x' in a statement's text (kept in system.query_log) with '[HIDDEN]'.
void HidePasswords(std::string* text) {
  static const RE2 kIdentified("(?i)\\bIDENTIFIED\\b");
  static const RE2 kPassword("(?i)(\\bBY\\s*)'(?:[^'\\\\]|\\\\.|'')*'?");
  if (RE2::PartialMatch(*text, kIdentified)) RE2::GlobalReplace(text, kPassword, "\\1'[HIDDEN]'");
  static const RE2 kSaslPassword("(?i)(\\bsasl_password\\s*=\\s*)'(?:[^'\\\\]|\\\\.|'')*'?");
  RE2::GlobalReplace(text, kSaslPassword, "\\1'[HIDDEN]'");
}

std::string FormatUtcMillis(std::optional<int64_t> ms) {
  if (!ms) return "";
  std::time_t secs = static_cast<std::time_t>(*ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

QueryResult StringResult(const std::vector<std::string>& names,
                         const std::vector<std::vector<std::string>>& cols) {
  QueryResult r;
  r.names = names;
  Chunk c;
  for (size_t i = 0; i < names.size(); ++i) {
    c.Add(names[i], StringColumn(cols[i]));
    r.types.push_back(DataType::Make(TypeId::kString));
  }
  r.chunks.push_back(std::move(c));
  return r;
}

// SHOW TOKENS and system.tokens: unrevoked tokens, never their secrets. Times are UTC, '' for none.
// The tokens, or only those of `only_owner` when it is not empty.
QueryResult TokensResult(const security::AccessControl& ac, const std::string& only_owner = "") {
  std::vector<std::string> name, owner, scopes, created, expires;
  for (const auto& t : ac.Tokens()) {
    if (!only_owner.empty() && t.owner != only_owner) continue;
    name.push_back(t.name);
    owner.push_back(t.owner);
    std::string list;
    for (const auto& g : t.scopes) list += (list.empty() ? "" : ", ") + g.ToString();
    scopes.push_back(list);
    created.push_back(FormatUtcMillis(t.created_ms));
    expires.push_back(FormatUtcMillis(t.expires_ms));
  }
  return StringResult({"name", "owner", "scopes", "created_at", "expires_at"},
                      {name, owner, scopes, created, expires});
}

}  // namespace

std::string NewQueryId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const uint64_t hi = (rng() & ~0xf000ULL) | 0x4000ULL;
  const uint64_t lo = (rng() & ~(3ULL << 62)) | (2ULL << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                     lo >> 48, lo & 0xffffffffffffULL);
}

Result<std::unique_ptr<Database>> Database::Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                                 storage::TableOptions options,
                                                 security::AccessOptions access_options) {
  AURORA_ASSIGN_OR_RETURN(auto catalog, Catalog::Open(fs, data_dir, clock, options));
  AURORA_ASSIGN_OR_RETURN(auto access, security::AccessControl::Open(data_dir, clock, access_options));
  std::unique_ptr<Database> db(new Database(std::move(catalog), std::move(access), clock));
  AURORA_ASSIGN_OR_RETURN(db->sources_,
                          kafka::SourceManager::Open(data_dir, *db->catalog_, *db->ingestor_, clock));
  AURORA_ASSIGN_OR_RETURN(db->semantic_, SemanticLayer::Open(data_dir, clock));
  return db;
}

Database::~Database() {
  if (sources_) sources_->Stop();
}

Result<ingest::IngestResult> Database::Ingest(std::string_view table, std::string_view data,
                                              const ingest::IngestOptions& options) {
  return ingestor_->Ingest(table, data, options);
}

Status Database::CheckDatabase(const std::string& database) const {
  if (database.empty() || database == "default") return Status::OK();
  return AURORA_ERROR(kNotFound, "database '{}' does not exist (Aurora has one database, 'default')",
                      database);
}

Result<QueryResult> Database::Execute(std::string_view text, const QueryOptions& options) {
  const std::string id = options.query_id.empty() ? NewQueryId() : options.query_id;
  exec::QueryContext ctx(id);
  ctx.params = options.params;
  for (const auto& [name, value] : options.settings)
    AURORA_RETURN_IF_ERROR(ctx.settings.Set(name, Value(value)));
  {
    std::lock_guard lock(running_mu_);
    if (!running_.emplace(id, &ctx).second)
      return AURORA_ERROR(kAlreadyExists, "a query with id '{}' is already running", id);
  }
  const int64_t start_ms = Clock::System().NowMillis();
  Result<QueryResult> r = QueryResult{};
  {
    MemoryTracker::Scope tracked(&ctx.memory());
    r = Run(text, ctx, options.principal.get(), options.sink);
    const uint64_t max_rows = ctx.settings.max_result_rows;
    if (r.ok() && max_rows > 0 && r->num_rows() + r->streamed_rows > max_rows)
      r = AURORA_ERROR(kResourceExhausted,
                       "limit for result exceeded: {} rows, maximum {} (setting max_result_rows)",
                       r->num_rows() + r->streamed_rows, max_rows);
  }
  {
    std::lock_guard lock(running_mu_);
    running_.erase(id);
  }
  QueryLogEntry log;
  log.query_id = id;
  log.query = std::string(text.substr(0, QueryLog::kMaxQueryText));  // not the megabytes of an INSERT's data
  HidePasswords(&log.query);
  log.start_time_ms = start_ms;
  log.duration_ms = static_cast<uint64_t>(ctx.elapsed_seconds() * 1000);
  log.memory_usage = ctx.memory().peak();
  if (r.ok()) {
    r->query_id = id;
    r->elapsed_seconds = ctx.elapsed_seconds();
    r->memory_peak = ctx.memory().peak();
    r->format = ctx.output_format;
    log.read_rows = r->rows_read;
    log.read_bytes = r->bytes_read;
    log.written_rows = r->rows_written;
    log.result_rows = r->num_rows() + r->streamed_rows;
  } else {
    log.failed = true;
    log.exception = r.status().message();
    HidePasswords(&log.exception);
    log.exception_code = ErrorCodeName(r.status().code());
  }
  query_log_.Add(std::move(log));
  return r;
}

bool Database::Cancel(const std::string& query_id) {
  std::lock_guard lock(running_mu_);
  auto it = running_.find(query_id);
  if (it == running_.end()) return false;
  it->second->Cancel();
  return true;
}

std::vector<std::string> Database::RunningQueries() {
  std::lock_guard lock(running_mu_);
  std::vector<std::string> ids;
  for (const auto& [id, ctx] : running_) ids.push_back(id);
  return ids;
}

Result<QueryResult> Database::Run(std::string_view text, exec::QueryContext& ctx,
                                  const security::Principal* principal, const ResultSink* sink) {
  AURORA_ASSIGN_OR_RETURN(sql::Statement st, sql::ParseStatement(text));
  ctx.output_format = st.format;
  AURORA_RETURN_IF_ERROR(Authorize(st, principal));
  switch (st.kind) {
    case sql::Statement::Kind::kCreateTable:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.create->database));
      return CreateTable(*st.create, ctx);
    case sql::Statement::Kind::kDropTable:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
      AURORA_RETURN_IF_ERROR(catalog_->DropTable(st.table, st.if_exists));
      return QueryResult{};
    case sql::Statement::Kind::kTruncate: {
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
      auto table = catalog_->GetTable(st.table);
      if (!table.ok()) {
        if (st.if_exists && table.status().code() == ErrorCode::kNotFound) return QueryResult{};
        return table.status();
      }
      AURORA_RETURN_IF_ERROR((*table)->Truncate());
      return QueryResult{};
    }
    case sql::Statement::Kind::kAlterTable:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.alter->database));
      return AlterTable(*st.alter, ctx);
    case sql::Statement::Kind::kInsert:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.insert->database));
      if (!st.insert->values.empty()) return InsertValues(*st.insert, ctx);
      if (st.insert->select) return InsertSelect(*st.insert, ctx);
      return InsertFormat(*st.insert, ctx);
    case sql::Statement::Kind::kShowTables:
      return ShowTables(st, principal);
    case sql::Statement::Kind::kDescribe:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
      return Describe(st);
    case sql::Statement::Kind::kSelect:
      return Select(*st.select, ctx, sink);
    case sql::Statement::Kind::kExplain:
      return Explain(*st.explained, ctx);
    case sql::Statement::Kind::kCreateUser:
    case sql::Statement::Kind::kAlterUser:
    case sql::Statement::Kind::kDropUser:
    case sql::Statement::Kind::kCreateRole:
    case sql::Statement::Kind::kDropRole:
    case sql::Statement::Kind::kGrant:
    case sql::Statement::Kind::kRevoke:
    case sql::Statement::Kind::kShowGrants:
    case sql::Statement::Kind::kShowUsers:
    case sql::Statement::Kind::kShowRoles:
    case sql::Statement::Kind::kCreateToken:
    case sql::Statement::Kind::kDropToken:
    case sql::Statement::Kind::kShowTokens:
      return RunAccess(st, principal);
    case sql::Statement::Kind::kCreateSource:
    case sql::Statement::Kind::kDropSource:
    case sql::Statement::Kind::kAlterSource:
    case sql::Statement::Kind::kShowSources:
    case sql::Statement::Kind::kShowCreateSource:
      return RunSource(st, principal);
    case sql::Statement::Kind::kCreateTerm: {
      const sql::TermStatement& t = *st.term;
      // The expressions must be SQL expressions (they are bound when a question uses them).
      AURORA_RETURN_IF_ERROR(sql::ParseExpression(t.expression).status());
      if (!t.filter.empty()) AURORA_RETURN_IF_ERROR(sql::ParseExpression(t.filter).status());
      AURORA_RETURN_IF_ERROR(
          semantic_->Create({t.metric, t.name, t.expression, t.filter, 0}, t.if_not_exists, t.or_replace));
      return QueryResult{};
    }
    case sql::Statement::Kind::kDropTerm:
      AURORA_RETURN_IF_ERROR(semantic_->Drop(st.term->metric, st.term->name, st.term->if_exists));
      return QueryResult{};
    case sql::Statement::Kind::kShowTerms: {
      std::vector<std::string> names, expressions, filters;
      for (const auto& t : semantic_->List()) {
        if (t.metric != st.term->metric) continue;
        names.push_back(t.name);
        expressions.push_back(t.expression);
        filters.push_back(t.filter);
      }
      if (st.term->metric)
        return StringResult({"name", "expression", "where"}, {names, expressions, filters});
      return StringResult({"name", "meaning"}, {names, expressions});
    }
  }
  return AURORA_ERROR(kInternal, "unhandled statement");
}

namespace {

Result<storage::ColumnDef> BindColumn(const sql::ColumnDefinition& d) {
  storage::ColumnDef c;
  c.name = d.name;
  auto type = ParseDataType(d.type);
  if (!type.ok()) return AtColumn(type.status().WithContext(fmt::format("column '{}'", d.name)), d.pos);
  if ((*type)->ContainsArray())
    return AtColumn(Status(ErrorCode::kNotSupported,
                           fmt::format("column '{}' of type {}: Array columns cannot be stored yet (arrays "
                                       "exist in query results and functions only)",
                                       d.name, (*type)->Name())),
                    d.pos);
  c.type = *type;
  if (!d.codec.empty()) {
    auto codec = storage::CodecSpec::Parse(d.codec);
    if (!codec.ok()) return AtColumn(codec.status().WithContext(fmt::format("column '{}'", d.name)), d.pos);
    c.codec = *codec;
  }
  if (d.default_expr) c.default_expr = d.default_text;  // checked by evaluating it (CheckDefaults)
  c.comment = d.comment;
  return c;
}

}  // namespace

Result<QueryResult> Database::CreateTable(const sql::CreateTable& c, exec::QueryContext& ctx) {
  storage::TableSchema s;
  s.name = c.table;
  for (const auto& d : c.columns) {
    AURORA_ASSIGN_OR_RETURN(storage::ColumnDef col, BindColumn(d));
    s.columns.push_back(std::move(col));
  }
  s.order_by = c.order_by;
  if (!c.engine.empty() && c.engine.rfind("MergeTree", 0) != 0)
    return AURORA_ERROR(kNotSupported, "ENGINE = {}: Aurora tables are MergeTree tables", c.engine);
  AURORA_ASSIGN_OR_RETURN(s.partition_by, storage::PartitionSpec::Parse(c.partition_by));
  if (!c.ttl.empty()) {
    AURORA_ASSIGN_OR_RETURN(storage::TtlSpec ttl, storage::TtlSpec::Parse(c.ttl));
    s.ttl = ttl;
  }
  for (const auto& setting : c.settings) {
    std::optional<Value> v = LiteralValue(*setting.value);
    if (!v) return AURORA_ERROR(kInvalidArgument, "setting '{}' takes a literal", setting.name);
    AURORA_RETURN_IF_ERROR(s.settings.Set(setting.name, ValueToString(*v)));
  }
  s.comment = c.comment;
  AURORA_RETURN_IF_ERROR(CheckDefaults(s, ctx));
  AURORA_RETURN_IF_ERROR(catalog_->CreateTable(s, c.if_not_exists).status());
  return QueryResult{};
}

Result<QueryResult> Database::AlterTable(const sql::AlterTable& a, exec::QueryContext& ctx) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(a.table));
  storage::TableSchema s = table->schema();
  for (const auto& act : a.actions) {
    int idx = s.IndexOf(act.column.name);
    switch (act.kind) {
      case sql::AlterTable::Action::Kind::kAddColumn: {
        if (idx >= 0) {
          if (act.if_not_exists) break;
          return AURORA_ERROR(kAlreadyExists, "column '{}' already exists in table '{}'", act.column.name,
                              a.table);
        }
        AURORA_ASSIGN_OR_RETURN(storage::ColumnDef col, BindColumn(act.column));
        auto pos = s.columns.end();
        if (act.first) pos = s.columns.begin();
        if (!act.after.empty()) {
          int after = s.IndexOf(act.after);
          if (after < 0) return AURORA_ERROR(kNotFound, "table '{}' has no column '{}'", a.table, act.after);
          pos = s.columns.begin() + after + 1;
        }
        s.columns.insert(pos, std::move(col));
        break;
      }
      case sql::AlterTable::Action::Kind::kDropColumn:
      case sql::AlterTable::Action::Kind::kCommentColumn: {
        if (idx < 0) {
          if (act.if_exists) break;
          return AURORA_ERROR(kNotFound, "table '{}' has no column '{}'", a.table, act.column.name);
        }
        if (act.kind == sql::AlterTable::Action::Kind::kCommentColumn) {
          s.columns[idx].comment = act.comment;
          break;
        }
        const std::string& name = act.column.name;
        bool key = std::find(s.order_by.begin(), s.order_by.end(), name) != s.order_by.end();
        if (key || s.partition_by.column == name || (s.ttl && s.ttl->column == name))
          return AURORA_ERROR(kInvalidArgument,
                              "column '{}' is used by ORDER BY, PARTITION BY or TTL and cannot be dropped",
                              name);
        if (s.columns.size() == 1)
          return AURORA_ERROR(kInvalidArgument, "cannot drop the last column of table '{}'", a.table);
        s.columns.erase(s.columns.begin() + idx);
        break;
      }
    }
  }
  AURORA_RETURN_IF_ERROR(CheckDefaults(s, ctx));
  AURORA_RETURN_IF_ERROR(table->AlterSchema(s));
  return QueryResult{};
}

Result<std::vector<ColumnPtr>> Database::EvaluateRow(const std::vector<sql::ExprPtr>& exprs,
                                                     exec::QueryContext& ctx) {
  sql::SelectQuery q;
  q.columns = exprs;
  AURORA_ASSIGN_OR_RETURN(exec::ResultSet rs, RunSelect(q, ctx));
  return rs.chunks.at(0).columns;
}

Status Database::CheckDefaults(const storage::TableSchema& s, exec::QueryContext& ctx) {
  for (const auto& c : s.columns) {
    if (c.default_expr.empty()) continue;
    auto d = DefaultColumn(c, 1, ctx);
    if (!d.ok()) return d.status().WithContext(fmt::format("DEFAULT of column '{}'", c.name));
  }
  return Status::OK();
}

Result<ColumnPtr> Database::DefaultColumn(const storage::ColumnDef& def, size_t rows,
                                          exec::QueryContext& ctx) {
  if (def.default_expr.empty()) return storage::MakeDefaultColumn(def.type, rows);
  AURORA_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::ParseExpression(def.default_expr));
  Value v;
  if (auto literal = LiteralValue(*e)) {
    AURORA_ASSIGN_OR_RETURN(v, ConvertValue(*def.type, *literal));  // a literal must fit, as in VALUES
  } else {
    AURORA_ASSIGN_OR_RETURN(std::vector<ColumnPtr> one, EvaluateRow({CastTo(e, *def.type)}, ctx));
    v = one[0]->ValueAt(0);
  }
  auto col = std::make_shared<Column>(def.type);
  col->Reserve(rows);
  for (size_t i = 0; i < rows; ++i) col->AppendValue(v);
  return ColumnPtr(col);
}

Status Database::AppendInsert(storage::Table& table, const storage::TableSchema& s,
                              const std::vector<int>& targets, std::vector<ColumnPtr> cols, size_t rows,
                              exec::QueryContext& ctx) {
  Chunk chunk;
  for (size_t c = 0; c < targets.size(); ++c) chunk.Add(s.columns[targets[c]].name, std::move(cols[c]));
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (std::find(targets.begin(), targets.end(), static_cast<int>(i)) != targets.end()) continue;
    AURORA_ASSIGN_OR_RETURN(ColumnPtr d, DefaultColumn(s.columns[i], rows, ctx));
    chunk.Add(s.columns[i].name, d);
  }
  chunk.num_rows = rows;
  return table.Append(chunk);
}

Result<QueryResult> Database::InsertValues(const sql::Insert& ins, exec::QueryContext& ctx) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(ins.table));
  storage::TableSchema s = table->schema();
  AURORA_ASSIGN_OR_RETURN(std::vector<int> targets, InsertTargets(s, ins));
  std::vector<ColumnPtr> cols;
  for (int t : targets) cols.push_back(std::make_shared<Column>(s.columns[t].type));
  for (size_t r = 0; r < ins.values.size(); ++r) {
    const auto& row = ins.values[r];
    if (row.size() != targets.size())
      return AURORA_ERROR(kInvalidArgument, "row {} has {} values, expected {} (at line {}, column {})",
                          r + 1, row.size(), targets.size(), row.empty() ? 0 : row[0]->pos.line,
                          row.empty() ? 0 : row[0]->pos.column);
    bool literals = true;
    for (const auto& e : row) literals = literals && e->kind == sql::ExprKind::kLiteral;
    if (literals) {
      for (size_t c = 0; c < row.size(); ++c) {
        const storage::ColumnDef& def = s.columns[targets[c]];
        auto stored = ConvertValue(*def.type, *LiteralValue(*row[c]));
        if (!stored.ok())
          return AtColumn(stored.status().WithContext(fmt::format("column '{}'", def.name)), row[c]->pos);
        cols[c]->AppendValue(*stored);
      }
      continue;
    }
    // Expressions (now(), 1 + 2, toDate(...)): the row is evaluated as SELECT CAST(e AS T), ...
    std::vector<sql::ExprPtr> casts;
    for (size_t c = 0; c < row.size(); ++c) casts.push_back(CastTo(row[c], *s.columns[targets[c]].type));
    auto values = EvaluateRow(casts, ctx);
    if (!values.ok()) return values.status().WithContext(fmt::format("row {}", r + 1));
    for (size_t c = 0; c < row.size(); ++c) cols[c]->AppendValue((*values)[c]->ValueAt(0));
  }
  const size_t n = ins.values.size();
  AURORA_RETURN_IF_ERROR(AppendInsert(*table, s, targets, std::move(cols), n, ctx));
  QueryResult r;
  r.rows_written = n;
  return r;
}

// INSERT ... FORMAT name <data>: strict, as in ClickHouse; the first bad row fails the statement. Fields
// the data does not have take their DEFAULTs.
Result<QueryResult> Database::InsertFormat(const sql::Insert& ins, exec::QueryContext& ctx) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(ins.table));
  storage::TableSchema s = table->schema();
  AURORA_ASSIGN_OR_RETURN(std::vector<int> targets, InsertTargets(s, ins));
  AURORA_ASSIGN_OR_RETURN(formats::Format format, formats::InputFormat(ins.format));
  std::vector<formats::InputColumn> inputs;
  for (int t : targets) {
    Value d;  // none: the type's default
    if (!s.columns[t].default_expr.empty()) {
      AURORA_ASSIGN_OR_RETURN(ColumnPtr one, DefaultColumn(s.columns[t], 1, ctx));
      d = one->ValueAt(0);
    }
    inputs.push_back({s.columns[t].name, s.columns[t].type, std::move(d)});
  }
  AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(format, std::move(inputs)));
  Status read = reader->Read(ins.data);
  if (!read.ok()) return read.WithContext(fmt::format("{} data", formats::FormatName(format)));
  Chunk rows = reader->TakeChunk();
  QueryResult r;
  if (rows.num_rows > 0)
    AURORA_RETURN_IF_ERROR(AppendInsert(*table, s, targets, rows.columns, rows.num_rows, ctx));
  r.rows_written = rows.num_rows;
  return r;
}

Result<QueryResult> Database::InsertSelect(const sql::Insert& ins, exec::QueryContext& ctx) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(ins.table));
  storage::TableSchema s = table->schema();
  AURORA_ASSIGN_OR_RETURN(std::vector<int> targets, InsertTargets(s, ins));
  AURORA_ASSIGN_OR_RETURN(exec::ResultSet rs, RunSelect(*ins.select, ctx));
  if (rs.types.size() != targets.size())
    return AURORA_ERROR(kInvalidArgument,
                        "INSERT INTO {} writes {} columns but the SELECT returns {} (at line {}, column {})",
                        ins.table, targets.size(), rs.types.size(), ins.select->pos.line,
                        ins.select->pos.column);
  // Columns convert by position, as CAST does; each result chunk is appended as it is.
  QueryResult r;
  try {
    for (const Chunk& chunk : rs.chunks) {
      if (chunk.num_rows == 0) continue;
      std::vector<ColumnPtr> cols;
      for (size_t c = 0; c < targets.size(); ++c) {
        const DataTypePtr& to = s.columns[targets[c]].type;
        cols.push_back(chunk.columns[c]->type()->Equals(*to) ? chunk.columns[c]
                                                             : exec::CastColumn(*chunk.columns[c], to));
      }
      AURORA_RETURN_IF_ERROR(AppendInsert(*table, s, targets, std::move(cols), chunk.num_rows, ctx));
      r.rows_written += chunk.num_rows;
    }
  } catch (const QueryError& e) {
    return Status(e.code, e.message);
  }
  r.rows_read = rs.stats.rows_read;
  r.bytes_read = rs.stats.bytes_read;
  return r;
}

Result<exec::QueryPlan> Database::BindSelect(const sql::SelectQuery& q, exec::QueryContext& ctx,
                                             exec::ExecOptions* exec_options) {
  exec_options->query = &ctx;
  exec_options->threads = static_cast<unsigned>(ctx.settings.max_threads);
  sql::BindOptions bind_options;
  bind_options.now_ms = Clock::System().NowMillis();
  bind_options.system_table = [this](const std::string& name) { return SystemTable(name); };
  bind_options.params = ctx.params;
  exec_options->ctx.now_ms = bind_options.now_ms;
  return sql::BindQuery(q, *catalog_, bind_options, exec_options);
}

Result<exec::ResultSet> Database::RunSelect(const sql::SelectQuery& q, exec::QueryContext& ctx) {
  exec::ExecOptions exec_options;
  AURORA_ASSIGN_OR_RETURN(exec::QueryPlan plan, BindSelect(q, ctx, &exec_options));
  return exec::ExecuteQuery(plan, exec_options);
}

Result<exec::ResultSet> Database::SystemTable(const std::string& name) {
  if (name == "tokens") {
    QueryResult r = TokensResult(*access_);
    exec::ResultSet rs;
    rs.names = std::move(r.names);
    rs.types = std::move(r.types);
    rs.chunks = std::move(r.chunks);
    return rs;
  }
  SystemState state{*catalog_, query_log_};
  if (name == "sources" || name == "source_partitions") state.sources = sources_->List();
  {
    std::lock_guard lock(running_mu_);
    state.running_queries = running_.size();
    for (const auto& [id, ctx] : running_) state.running_memory += ctx->memory().used();
  }
  return aurora::SystemTable(name, state);
}

Result<QueryResult> Database::Explain(const sql::Statement& st, exec::QueryContext& ctx) {
  const sql::SelectQuery* select = nullptr;
  if (st.kind == sql::Statement::Kind::kSelect) select = st.select.get();
  if (st.kind == sql::Statement::Kind::kInsert && st.insert->select) select = st.insert->select.get();
  if (!select) return AURORA_ERROR(kNotSupported, "EXPLAIN shows the plan of a SELECT or INSERT ... SELECT");
  exec::ExecOptions exec_options;
  AURORA_ASSIGN_OR_RETURN(exec::QueryPlan plan, BindSelect(*select, ctx, &exec_options));
  std::vector<std::string> lines = exec::ExplainQuery(plan);
  if (st.kind == sql::Statement::Kind::kInsert) {
    for (auto& l : lines) l = "  " + l;
    lines.insert(lines.begin(), "Insert into " + st.insert->table);
  }
  QueryResult r;
  r.names = {"explain"};
  r.types = {DataType::Make(TypeId::kString)};
  Chunk c;
  c.Add("explain", StringColumn(lines));
  r.chunks.push_back(std::move(c));
  return r;
}

Result<QueryResult> Database::Select(const sql::SelectQuery& q, exec::QueryContext& ctx,
                                     const ResultSink* sink) {
  exec::ExecOptions exec_options;
  AURORA_ASSIGN_OR_RETURN(exec::QueryPlan plan, BindSelect(q, ctx, &exec_options));
  uint64_t streamed = 0;
  if (sink) {
    std::vector<DataTypePtr> types;
    for (const auto& e : plan.selects.front().outputs) types.push_back(e->type);
    const uint64_t max_rows = ctx.settings.max_result_rows;
    exec_options.sink = [&, max_rows, types = std::move(types)](const Chunk& rows) -> Status {
      if (streamed == 0) AURORA_RETURN_IF_ERROR(sink->begin(plan.names(), types, ctx.output_format));
      streamed += rows.num_rows;
      if (max_rows > 0 && streamed > max_rows)
        return AURORA_ERROR(kResourceExhausted,
                            "limit for result exceeded: more than {} rows (setting max_result_rows)",
                            max_rows);
      return sink->rows(rows);
    };
  }
  AURORA_ASSIGN_OR_RETURN(exec::ResultSet rs, exec::ExecuteQuery(plan, exec_options));
  QueryResult r;
  r.streamed_rows = streamed;
  r.names = std::move(rs.names);
  r.types = std::move(rs.types);
  r.chunks = std::move(rs.chunks);
  r.rows_read = rs.stats.rows_read;
  r.bytes_read = rs.stats.bytes_read;
  return r;
}

Result<QueryResult> Database::ShowTables(const sql::Statement& st, const security::Principal* principal) {
  AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
  std::vector<std::string> names;
  std::unique_ptr<RE2> like;
  if (!st.like.empty()) like = std::make_unique<RE2>(LikeToRegex(st.like), RE2::Quiet);
  for (const auto& n : catalog_->TableNames()) {
    if (like && !RE2::FullMatch(n, *like)) continue;
    // Only the tables the principal may read.
    if (principal && !access_->Check(*principal, security::Privilege::kSelect, n).ok()) continue;
    names.push_back(n);
  }
  QueryResult r;
  r.names = {"name"};
  r.types = {DataType::Make(TypeId::kString)};
  Chunk c;
  c.Add("name", StringColumn(names));
  r.chunks.push_back(std::move(c));
  return r;
}

Result<QueryResult> Database::RunSource(const sql::Statement& st, const security::Principal* principal) {
  const sql::SourceStatement& src = *st.source;
  using K = sql::Statement::Kind;
  switch (st.kind) {
    case K::kCreateSource:
      AURORA_RETURN_IF_ERROR(CheckDatabase(src.database));
      AURORA_RETURN_IF_ERROR(sources_->Create(src.name, src.table, src.settings, src.if_not_exists));
      return QueryResult{};
    case K::kDropSource:
      AURORA_RETURN_IF_ERROR(sources_->Drop(src.name, src.if_exists));
      return QueryResult{};
    case K::kAlterSource:
      switch (src.action) {
        case sql::SourceStatement::Action::kPause:
          AURORA_RETURN_IF_ERROR(sources_->Pause(src.name));
          break;
        case sql::SourceStatement::Action::kResume:
          AURORA_RETURN_IF_ERROR(sources_->Resume(src.name));
          break;
        case sql::SourceStatement::Action::kReset:
          AURORA_RETURN_IF_ERROR(sources_->Reset(src.name, src.reset_to));
          break;
      }
      return QueryResult{};
    case K::kShowCreateSource: {
      AURORA_ASSIGN_OR_RETURN(std::string text, sources_->ShowCreate(src.name));
      return StringResult({"statement"}, {{text}});
    }
    case K::kShowSources: {
      std::vector<kafka::SourceInfo> visible;
      for (auto& info : sources_->List())
        if (!principal || access_->Check(*principal, security::Privilege::kSelect, info.table).ok())
          visible.push_back(std::move(info));
      SystemState state{*catalog_, query_log_};
      state.sources = std::move(visible);
      AURORA_ASSIGN_OR_RETURN(exec::ResultSet rs, aurora::SystemTable("sources", state));
      QueryResult r;
      r.names = std::move(rs.names);
      r.types = std::move(rs.types);
      r.chunks = std::move(rs.chunks);
      return r;
    }
    default:
      return AURORA_ERROR(kInternal, "not a source statement");
  }
}

Result<QueryResult> Database::Describe(const sql::Statement& st) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(st.table));
  storage::TableSchema s = table->schema();
  std::vector<std::string> name, type, default_type, default_expr, comment, codec, ttl;
  for (const auto& c : s.columns) {
    name.push_back(c.name);
    type.push_back(c.type->Name());
    default_type.push_back(c.default_expr.empty() ? "" : "DEFAULT");
    default_expr.push_back(c.default_expr);
    comment.push_back(c.comment);
    codec.push_back(c.codec ? "CODEC(" + c.codec->ToString() + ")" : "");
    ttl.push_back(s.ttl && s.ttl->column == c.name ? s.ttl->ToString() : "");
  }
  QueryResult r;
  r.names = {"name",          "type", "default_type", "default_expression", "comment", "codec_expression",
             "ttl_expression"};
  Chunk c;
  for (const auto* v : {&name, &type, &default_type, &default_expr, &comment, &codec, &ttl}) {
    c.Add(r.names[c.names.size()], StringColumn(*v));
    r.types.push_back(DataType::Make(TypeId::kString));
  }
  r.chunks.push_back(std::move(c));
  return r;
}

// ---- access control

namespace {

using security::Privilege;

// The tables a SELECT reads: FROM and JOIN tables, subqueries anywhere (FROM, IN, scalar), CTE bodies
// and UNION ALL members. A name that means a CTE in its scope is not a table (inside the CTE's own
// body the name means the table, as in the binder). Every CTE body is checked, used or not.
void TablesRead(const sql::SelectQuery& q, const std::set<std::string>& outer,
                std::vector<const sql::TableRef*>* out);

void TablesReadByExpr(const sql::ExprPtr& e, const std::set<std::string>& scope,
                      std::vector<const sql::TableRef*>* out) {
  if (!e) return;
  if (e->subquery) TablesRead(*e->subquery, scope, out);
  for (const auto& a : e->args) TablesReadByExpr(a, scope, out);
  for (const auto& p : e->params) TablesReadByExpr(p, scope, out);
}

void TablesReadByRef(const sql::TableRef& ref, const std::set<std::string>& scope,
                     std::vector<const sql::TableRef*>* out) {
  if (ref.subquery) {
    TablesRead(*ref.subquery, scope, out);
  } else if (!ref.database.empty() || !scope.count(ref.table)) {
    out->push_back(&ref);
  }
}

void TablesRead(const sql::SelectQuery& q, const std::set<std::string>& outer,
                std::vector<const sql::TableRef*>* out) {
  std::set<std::string> scope = outer;
  for (const auto& [name, sub] : q.ctes) scope.insert(name);
  for (const auto& [name, sub] : q.ctes) {
    std::set<std::string> inner = scope;
    inner.erase(name);
    TablesRead(*sub, inner, out);
  }
  for (const auto& e : q.with_exprs) TablesReadByExpr(e, scope, out);
  for (const auto& e : q.columns) TablesReadByExpr(e, scope, out);
  if (q.from) TablesReadByRef(*q.from, scope, out);
  for (const auto& j : q.joins) {
    TablesReadByRef(j.right, scope, out);
    TablesReadByExpr(j.on, scope, out);
  }
  for (const auto& e : {q.where, q.having, q.limit, q.offset, q.limit_by_limit, q.limit_by_offset})
    TablesReadByExpr(e, scope, out);
  for (const auto& e : q.group_by) TablesReadByExpr(e, scope, out);
  for (const auto& o : q.order_by) TablesReadByExpr(o.expr, scope, out);
  for (const auto& e : q.limit_by) TablesReadByExpr(e, scope, out);
  for (const auto& st : q.settings) TablesReadByExpr(st.value, scope, out);
  for (const auto& u : q.union_all) TablesRead(*u, scope, out);
}

bool IsAccessStatement(sql::Statement::Kind k) {
  using K = sql::Statement::Kind;
  switch (k) {
    case K::kCreateUser:
    case K::kAlterUser:
    case K::kDropUser:
    case K::kCreateRole:
    case K::kDropRole:
    case K::kGrant:
    case K::kRevoke:
    case K::kShowGrants:
    case K::kShowUsers:
    case K::kShowRoles:
    case K::kCreateToken:
    case K::kDropToken:
    case K::kShowTokens:
      return true;
    default:
      return false;
  }
}

// The privileges a GRANT / REVOKE / CREATE TOKEN names, with ALL expanded (to ADMIN as well on *.*) and
// the targets checked: Aurora has one database, `default`.
Result<std::vector<security::Grant>> ToGrants(
    const std::vector<sql::AccessStatement::Privilege>& privileges) {
  std::vector<security::Grant> out;
  for (const auto& p : privileges) {
    const bool every_db = p.database == "*";
    if (!p.database.empty() && !every_db && p.database != "default")
      return AtColumn(
          AURORA_ERROR(kNotFound, "database '{}' does not exist (Aurora has one database, 'default')",
                       p.database),
          p.pos);
    if (every_db && p.table != "*")
      return AtColumn(AURORA_ERROR(kInvalidArgument, "'*.{}' is not a grant target; use *.* or default.{}",
                                   p.table, p.table),
                      p.pos);
    const std::string table = p.table;
    if (p.name == "ALL") {
      for (Privilege v :
           {Privilege::kSelect, Privilege::kInsert, Privilege::kCreate, Privilege::kAlter, Privilege::kDrop})
        out.push_back({v, table});
      if (table == security::kAllTables) out.push_back({Privilege::kAdmin, table});
      continue;
    }
    std::optional<Privilege> v = security::ParsePrivilege(p.name);
    if (!v)
      return AtColumn(
          AURORA_ERROR(kInvalidArgument,
                       "unknown privilege '{}' (Aurora has SELECT, INSERT, CREATE, ALTER, DROP, ADMIN "
                       "and ALL)",
                       p.name),
          p.pos);
    if (*v == Privilege::kAdmin && table != security::kAllTables)
      return AtColumn(AURORA_ERROR(kInvalidArgument, "ADMIN is granted ON *.*, not on table '{}'", table),
                      p.pos);
    out.push_back({*v, table});
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> Database::TablesReadBy(std::string_view sql) const {
  AURORA_ASSIGN_OR_RETURN(sql::Statement st, sql::ParseStatement(sql));
  if (st.kind != sql::Statement::Kind::kSelect)
    return AURORA_ERROR(kInvalidArgument, "expected a SELECT statement");
  std::vector<const sql::TableRef*> refs;
  TablesRead(*st.select, {}, &refs);
  std::set<std::string> names;
  for (const sql::TableRef* t : refs) names.insert(t->database == "system" ? "system." + t->table : t->table);
  return std::vector<std::string>(names.begin(), names.end());
}

Status Database::Authorize(const sql::Statement& st, const security::Principal* principal) {
  if (!principal) return Status::OK();  // embedded: every right
  const security::Principal& p = *principal;
  auto check = [&](Privilege privilege, const std::string& table) {
    return access_->Check(p, privilege, table);
  };
  // The principal still exists (a dropped user, a revoked or expired token do not).
  auto alive = [&]() -> Status {
    Status s = check(Privilege::kSelect, "*");
    return s.code() == ErrorCode::kUnauthenticated ? s : Status::OK();
  };
  // Even a statement that reads no table (SELECT 1) needs a principal that still exists.
  AURORA_RETURN_IF_ERROR(alive());
  auto check_reads = [&](const sql::SelectQuery& q) -> Status {
    std::vector<const sql::TableRef*> tables;
    TablesRead(q, {}, &tables);
    for (const sql::TableRef* t : tables) {
      if (t->database == "system") {
        // system.query_log holds every user's statements and system.tokens lists the tokens: ADMIN only.
        // The other system tables describe the schema, readable by every principal.
        const bool admin_only = t->table == "query_log" || t->table == "tokens";
        AURORA_RETURN_IF_ERROR(admin_only ? check(Privilege::kAdmin, "*") : alive());
        continue;
      }
      AURORA_RETURN_IF_ERROR(check(Privilege::kSelect, t->table));
    }
    return Status::OK();
  };
  using K = sql::Statement::Kind;
  switch (st.kind) {
    case K::kSelect:
      return check_reads(*st.select);
    case K::kInsert:
      AURORA_RETURN_IF_ERROR(check(Privilege::kInsert, st.insert->table));
      if (st.insert->select) return check_reads(*st.insert->select);
      // INSERT ... VALUES may hold scalar subqueries.
      for (const auto& row : st.insert->values) {
        sql::SelectQuery q;
        q.columns = row;
        AURORA_RETURN_IF_ERROR(check_reads(q));
      }
      return Status::OK();
    case K::kCreateTable:
      return check(Privilege::kCreate, st.create->table);
    case K::kDropTable:
    case K::kTruncate:
      return check(Privilege::kDrop, st.table);
    case K::kAlterTable:
      return check(Privilege::kAlter, st.alter->table);
    case K::kDescribe:
      return check(Privilege::kSelect, st.table);
    case K::kShowTables:
      return alive();  // lists only the tables the principal may read
    case K::kExplain:
      return Authorize(*st.explained, principal);
    case K::kCreateSource:
      AURORA_RETURN_IF_ERROR(check(Privilege::kCreate, st.source->table));
      return check(Privilege::kInsert, st.source->table);
    case K::kDropSource:
    case K::kAlterSource:
    case K::kShowCreateSource: {
      auto info = sources_->Get(st.source->name);
      if (!info.ok()) return alive();  // the statement then says the source does not exist
      const Privilege needed = st.kind == K::kDropSource    ? Privilege::kDrop
                               : st.kind == K::kAlterSource ? Privilege::kAlter
                                                            : Privilege::kSelect;
      return check(needed, info->table);
    }
    case K::kShowSources:
      return alive();  // lists only the sources whose table the principal may read
    // The semantic layer is shared by every table's questions: changing it needs CREATE on every table.
    case K::kCreateTerm:
    case K::kDropTerm:
      return check(Privilege::kCreate, "*");
    case K::kShowTerms:
      return alive();
    case K::kShowGrants:
      // Anyone may see their own grants.
      if (st.access->for_name.empty() || st.access->for_name == p.user) return alive();
      return check(Privilege::kAdmin, "*");
    // Anyone may make, list and drop tokens of their own, with scopes within their own privileges, so a
    // token never does more than its maker may.
    case K::kCreateToken: {
      AURORA_ASSIGN_OR_RETURN(std::vector<security::Grant> scopes, ToGrants(st.access->privileges));
      return access_->MayCreateToken(p, st.access->for_name, scopes);
    }
    case K::kDropToken:
      for (const auto& n : st.access->names) AURORA_RETURN_IF_ERROR(access_->MayRevokeToken(p, n));
      return Status::OK();
    case K::kShowTokens:
      return alive();  // lists only the principal's own tokens unless it is an admin
    default:
      if (IsAccessStatement(st.kind)) return check(Privilege::kAdmin, "*");
      return AURORA_ERROR(kInternal, "no access rule for this statement");
  }
}

Result<QueryResult> Database::RunAccess(const sql::Statement& st, const security::Principal* principal) {
  const sql::AccessStatement& a = *st.access;
  security::AccessControl& ac = *access_;
  using K = sql::Statement::Kind;
  switch (st.kind) {
    case K::kCreateUser:
      AURORA_RETURN_IF_ERROR(ac.CreateUser(a.names.at(0), a.password, a.default_roles, a.if_not_exists));
      return QueryResult{};
    case K::kAlterUser: {
      Status s = ac.SetPassword(a.names.at(0), a.password);
      if (s.code() == ErrorCode::kNotFound && a.if_exists) return QueryResult{};
      AURORA_RETURN_IF_ERROR(s);
      return QueryResult{};
    }
    case K::kDropUser:
    case K::kDropRole:
    case K::kDropToken: {
      // All or nothing when one of several names does not exist.
      if (!a.if_exists) {
        std::set<std::string> known;
        if (st.kind == K::kDropUser)
          for (const auto& u : ac.Users()) known.insert(u.name);
        if (st.kind == K::kDropRole)
          for (const auto& r : ac.Roles()) known.insert(r.name);
        if (st.kind == K::kDropToken)
          for (const auto& t : ac.Tokens()) known.insert(t.name);
        const char* what = st.kind == K::kDropUser ? "user" : st.kind == K::kDropRole ? "role" : "token";
        for (const auto& n : a.names)
          if (!known.count(n)) return AURORA_ERROR(kNotFound, "{} '{}' does not exist", what, n);
      }
      for (const auto& n : a.names) {
        if (st.kind == K::kDropUser) AURORA_RETURN_IF_ERROR(ac.DropUser(n, a.if_exists));
        if (st.kind == K::kDropRole) AURORA_RETURN_IF_ERROR(ac.DropRole(n, a.if_exists));
        if (st.kind == K::kDropToken) AURORA_RETURN_IF_ERROR(ac.RevokeToken(n, a.if_exists));
      }
      return QueryResult{};
    }
    case K::kCreateRole:
      for (const auto& n : a.names) AURORA_RETURN_IF_ERROR(ac.CreateRole(n, a.if_not_exists));
      return QueryResult{};
    case K::kGrant:
    case K::kRevoke: {
      const bool grant = st.kind == K::kGrant;
      AURORA_ASSIGN_OR_RETURN(std::vector<security::Grant> grants, ToGrants(a.privileges));
      for (const auto& who : a.grantees) {
        if (!grants.empty())
          AURORA_RETURN_IF_ERROR(grant ? ac.GrantPrivileges(grants, who) : ac.RevokePrivileges(grants, who));
        for (const auto& role : a.roles)
          AURORA_RETURN_IF_ERROR(grant ? ac.GrantRole(role, who) : ac.RevokeRole(role, who));
      }
      return QueryResult{};
    }
    case K::kShowGrants: {
      std::string name = a.for_name;
      if (name.empty()) {
        if (!principal)
          return AURORA_ERROR(
              kInvalidArgument,
              "the embedded mode runs with every right and as no user; use SHOW GRANTS FOR name");
        name = principal->user;
      }
      AURORA_ASSIGN_OR_RETURN(std::vector<std::string> grants, ac.ShowGrants(name));
      return StringResult({"grant"}, {grants});
    }
    case K::kShowUsers: {
      std::vector<std::string> names;
      for (const auto& u : ac.Users()) names.push_back(u.name);
      return StringResult({"name"}, {names});
    }
    case K::kShowRoles: {
      std::vector<std::string> names;
      for (const auto& r : ac.Roles()) names.push_back(r.name);
      return StringResult({"name"}, {names});
    }
    case K::kCreateToken: {
      security::TokenSpec spec;
      spec.name = a.names.at(0);
      spec.owner = a.for_name;
      if (spec.owner.empty()) {
        if (!principal)
          return AURORA_ERROR(kInvalidArgument,
                              "the embedded mode runs as no user; name the token's owner: "
                              "CREATE TOKEN {} FOR user WITH GRANT ...",
                              spec.name);
        spec.owner = principal->user;
      }
      AURORA_ASSIGN_OR_RETURN(spec.scopes, ToGrants(a.privileges));
      if (!a.expires_at.empty()) {
        int64_t secs = 0, nanos = 0;
        if (!ParseDateTimeText(a.expires_at, "", &secs, &nanos))
          return AURORA_ERROR(kInvalidArgument,
                              "EXPIRES AT '{}': expected a time as 'YYYY-MM-DD hh:mm:ss' (UTC)",
                              a.expires_at);
        spec.expires_ms = secs * 1000 + nanos / 1000000;
      } else if (a.expires_in_seconds > 0) {
        spec.expires_ms = clock_.NowMillis() + a.expires_in_seconds * 1000;
      }
      AURORA_ASSIGN_OR_RETURN(security::NewToken token, ac.CreateToken(spec));
      return StringResult({"name", "token", "expires_at"},
                          {{token.name}, {token.secret}, {FormatUtcMillis(token.expires_ms)}});
    }
    case K::kShowTokens: {
      const bool all = !principal || ac.Check(*principal, Privilege::kAdmin, "*").ok();
      return TokensResult(ac, all ? "" : principal->user);
    }
    default:
      return AURORA_ERROR(kInternal, "not an access statement");
  }
}

}  // namespace aurora
