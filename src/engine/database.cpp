#include "engine/database.h"

#include <re2/re2.h>

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

// The value of a literal expression (numbers, strings, NULL, booleans, negated numbers).
Result<Value> LiteralValue(const sql::Expr& e) {
  if (e.kind == sql::ExprKind::kLiteral) return e.literal;
  if (e.kind == sql::ExprKind::kCast && e.args[0]->kind == sql::ExprKind::kLiteral) return e.args[0]->literal;
  return AURORA_ERROR(
      kNotSupported,
      "only literal values can be inserted until the query engine exists, not '{}' (at line {}, column {})",
      e.ToString(), e.pos.line, e.pos.column);
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

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                                 storage::TableOptions options) {
  AURORA_ASSIGN_OR_RETURN(auto catalog, Catalog::Open(fs, data_dir, clock, options));
  return std::unique_ptr<Database>(new Database(std::move(catalog)));
}

Status Database::CheckDatabase(const std::string& database) const {
  if (database.empty() || database == "default") return Status::OK();
  return AURORA_ERROR(kNotFound, "database '{}' does not exist (Aurora has one database, 'default')",
                      database);
}

Result<QueryResult> Database::Execute(std::string_view text) {
  AURORA_ASSIGN_OR_RETURN(sql::Statement st, sql::ParseStatement(text));
  switch (st.kind) {
    case sql::Statement::Kind::kCreateTable:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.create->database));
      return CreateTable(*st.create);
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
      return AlterTable(*st.alter);
    case sql::Statement::Kind::kInsert:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.insert->database));
      if (!st.insert->values.empty()) return InsertValues(*st.insert);
      if (!st.insert->format.empty()) return InsertFormat(*st.insert);
      return AURORA_ERROR(kNotSupported, "INSERT ... {} needs the query engine, which is not built yet",
                          st.insert->select ? "SELECT" : "FORMAT");
    case sql::Statement::Kind::kShowTables:
      return ShowTables(st);
    case sql::Statement::Kind::kDescribe:
      AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
      return Describe(st);
    case sql::Statement::Kind::kSelect:
      return Select(*st.select);
    case sql::Statement::Kind::kExplain:
      return AURORA_ERROR(kNotSupported, "EXPLAIN is not supported yet");
  }
  return AURORA_ERROR(kInternal, "unhandled statement");
}

namespace {

Result<storage::ColumnDef> BindColumn(const sql::ColumnDefinition& d) {
  storage::ColumnDef c;
  c.name = d.name;
  auto type = ParseDataType(d.type);
  if (!type.ok()) return AtColumn(type.status().WithContext(fmt::format("column '{}'", d.name)), d.pos);
  c.type = *type;
  if (!d.codec.empty()) {
    auto codec = storage::CodecSpec::Parse(d.codec);
    if (!codec.ok()) return AtColumn(codec.status().WithContext(fmt::format("column '{}'", d.name)), d.pos);
    c.codec = *codec;
  }
  if (d.default_expr) {
    // Until expressions can be evaluated, a default must be a literal that fits the column.
    auto v = LiteralValue(*d.default_expr);
    if (!v.ok()) return v.status();
    auto conv = ConvertValue(*c.type, *v);
    if (!conv.ok())
      return AtColumn(conv.status().WithContext(fmt::format("DEFAULT of column '{}'", d.name)), d.pos);
    c.default_expr = d.default_text;
  }
  c.comment = d.comment;
  return c;
}

// The stored value of a column's DEFAULT literal; NULL (monostate) when it has none.
Result<Value> DefaultValue(const storage::ColumnDef& def) {
  if (def.default_expr.empty()) return Value{};
  AURORA_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::ParseExpression(def.default_expr));
  AURORA_ASSIGN_OR_RETURN(Value v, LiteralValue(*e));
  return ConvertValue(*def.type, v);
}

// The stored default of a column: its DEFAULT literal, or the type's default.
Result<ColumnPtr> DefaultColumn(const storage::ColumnDef& def, size_t rows) {
  if (def.default_expr.empty()) return storage::MakeDefaultColumn(def.type, rows);
  AURORA_ASSIGN_OR_RETURN(Value stored, DefaultValue(def));
  auto col = std::make_shared<Column>(def.type);
  for (size_t i = 0; i < rows; ++i) col->AppendValue(stored);
  return col;
}

// The columns an INSERT writes, as indexes into the schema: the listed ones, or all in table order.
Result<std::vector<int>> InsertTargets(const storage::TableSchema& s, const sql::Insert& ins) {
  std::vector<int> targets;
  if (ins.columns.empty()) {
    for (size_t i = 0; i < s.columns.size(); ++i) targets.push_back(static_cast<int>(i));
    return targets;
  }
  for (const auto& name : ins.columns) {
    int idx = s.IndexOf(name);
    if (idx < 0) return AURORA_ERROR(kNotFound, "table '{}' has no column '{}'", ins.table, name);
    if (std::find(targets.begin(), targets.end(), idx) != targets.end())
      return AURORA_ERROR(kInvalidArgument, "column '{}' is listed twice", name);
    targets.push_back(idx);
  }
  return targets;
}

// Appends `rows` rows to `table`: `cols` are the target columns' values, the other columns get their
// defaults.
Result<QueryResult> AppendInsert(storage::Table& table, const storage::TableSchema& s,
                                 const std::vector<int>& targets, const std::vector<ColumnPtr>& cols,
                                 size_t rows) {
  Chunk chunk;
  for (size_t c = 0; c < targets.size(); ++c) chunk.Add(s.columns[targets[c]].name, cols[c]);
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (std::find(targets.begin(), targets.end(), static_cast<int>(i)) != targets.end()) continue;
    AURORA_ASSIGN_OR_RETURN(ColumnPtr d, DefaultColumn(s.columns[i], rows));
    chunk.Add(s.columns[i].name, d);
  }
  chunk.num_rows = rows;
  if (rows > 0) AURORA_RETURN_IF_ERROR(table.Append(chunk));
  QueryResult r;
  r.rows_written = rows;
  return r;
}

}  // namespace

Result<QueryResult> Database::CreateTable(const sql::CreateTable& c) {
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
    AURORA_ASSIGN_OR_RETURN(Value v, LiteralValue(*setting.value));
    AURORA_RETURN_IF_ERROR(s.settings.Set(setting.name, ValueToString(v)));
  }
  s.comment = c.comment;
  AURORA_RETURN_IF_ERROR(catalog_->CreateTable(s, c.if_not_exists).status());
  return QueryResult{};
}

Result<QueryResult> Database::AlterTable(const sql::AlterTable& a) {
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
  AURORA_RETURN_IF_ERROR(table->AlterSchema(s));
  return QueryResult{};
}

Result<QueryResult> Database::InsertValues(const sql::Insert& ins) {
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
    for (size_t c = 0; c < row.size(); ++c) {
      const storage::ColumnDef& def = s.columns[targets[c]];
      AURORA_ASSIGN_OR_RETURN(Value v, LiteralValue(*row[c]));
      auto stored = ConvertValue(*def.type, v);
      if (!stored.ok())
        return AtColumn(stored.status().WithContext(fmt::format("column '{}'", def.name)), row[c]->pos);
      cols[c]->AppendValue(*stored);
    }
  }
  return AppendInsert(*table, s, targets, cols, ins.values.size());
}

// INSERT ... FORMAT name <data>: strict, as in ClickHouse; the first bad row fails the statement. Fields
// the data does not have take their DEFAULTs.
Result<QueryResult> Database::InsertFormat(const sql::Insert& ins) {
  AURORA_ASSIGN_OR_RETURN(auto table, catalog_->GetTable(ins.table));
  storage::TableSchema s = table->schema();
  AURORA_ASSIGN_OR_RETURN(std::vector<int> targets, InsertTargets(s, ins));
  AURORA_ASSIGN_OR_RETURN(formats::Format format, formats::InputFormat(ins.format));
  std::vector<formats::InputColumn> inputs;
  for (int t : targets) {
    AURORA_ASSIGN_OR_RETURN(Value d, DefaultValue(s.columns[t]));
    inputs.push_back({s.columns[t].name, s.columns[t].type, std::move(d)});
  }
  AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(format, std::move(inputs)));
  Status read = reader->Read(ins.data);
  if (!read.ok()) return read.WithContext(fmt::format("{} data", formats::FormatName(format)));
  Chunk rows = reader->TakeChunk();
  return AppendInsert(*table, s, targets, rows.columns, rows.num_rows);
}

Result<QueryResult> Database::Select(const sql::SelectQuery& q) {
  exec::ExecOptions exec_options;
  sql::BindOptions bind_options;
  bind_options.now_ms = Clock::System().NowMillis();
  exec_options.ctx.now_ms = bind_options.now_ms;
  AURORA_ASSIGN_OR_RETURN(exec::QueryPlan plan, sql::BindQuery(q, *catalog_, bind_options, &exec_options));
  AURORA_ASSIGN_OR_RETURN(exec::ResultSet rs, exec::ExecuteQuery(plan, exec_options));
  QueryResult r;
  r.names = std::move(rs.names);
  r.types = std::move(rs.types);
  r.chunks = std::move(rs.chunks);
  r.rows_read = rs.stats.rows_read;
  r.bytes_read = rs.stats.bytes_read;
  return r;
}

Result<QueryResult> Database::ShowTables(const sql::Statement& st) {
  AURORA_RETURN_IF_ERROR(CheckDatabase(st.database));
  std::vector<std::string> names;
  std::unique_ptr<RE2> like;
  if (!st.like.empty()) like = std::make_unique<RE2>(LikeToRegex(st.like), RE2::Quiet);
  for (const auto& n : catalog_->TableNames())
    if (!like || RE2::FullMatch(n, *like)) names.push_back(n);
  QueryResult r;
  r.names = {"name"};
  r.types = {DataType::Make(TypeId::kString)};
  Chunk c;
  c.Add("name", StringColumn(names));
  r.chunks.push_back(std::move(c));
  return r;
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

}  // namespace aurora
