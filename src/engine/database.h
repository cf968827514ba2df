// Database: the one entry point for statements. It owns the catalog and turns SQL text into actions and
// results: CREATE TABLE, DROP TABLE, TRUNCATE, ALTER TABLE ADD / DROP / COMMENT COLUMN, INSERT ... VALUES
// (literals, or expressions evaluated as a one-row SELECT), INSERT ... SELECT (converted by position as
// CAST does, missing columns from their defaults), INSERT ... FORMAT (inline data in JSONEachRow, CSV, TSV
// and their WithNames forms, read by formats/), SHOW TABLES, DESCRIBE, and SELECT (sql/binder -> exec).
// Column DEFAULTs are constant expressions, evaluated at insert time. EXPLAIN shows a SELECT's plan with
// the parts and granules pruning removed. system.* tables (engine/system_tables.h) describe the database;
// every statement is recorded in system.query_log. Ingest (the HTTP events API) goes through the
// Database's one ingest::Ingestor.
//
// Every statement runs under a QueryContext (exec/query_context.h): its id, settings, limits, memory
// tracking and cancellation.
//
// Access control (security/access_control.h, opened from DATA/meta.db by Open): a statement runs as
// QueryOptions::principal, or with every right when that is null (the embedded `aurora sql`). Before it
// runs, the statement's privileges are checked (SELECT on every table it reads, INSERT on an INSERT's
// target, CREATE / ALTER / DROP for DDL, ADMIN for users, roles, grants and tokens); a denied statement
// fails with kPermissionDenied and changes nothing. CREATE / ALTER / DROP USER and ROLE, GRANT, REVOKE,
// CREATE / DROP TOKEN and SHOW GRANTS / USERS / ROLES / TOKENS run here too.
//
// Sources (kafka/source_manager.h, kept in DATA/meta.db): CREATE SOURCE (needs CREATE and INSERT on its
// table), ALTER SOURCE ... PAUSE / RESUME / RESET TO (ALTER on its table), DROP SOURCE (DROP on its table),
// SHOW SOURCES (those whose table the principal may read), SHOW CREATE SOURCE (SELECT on its table), and
// system.sources / system.source_partitions. Sources run only once StartSources() is called (the server
// does; the embedded CLI does not).
//
// Thread-safe: statements may run concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "engine/semantic_layer.h"
#include "engine/system_tables.h"
#include "exec/query_context.h"
#include "exec/select.h"
#include "ingest/ingestor.h"
#include "kafka/source_manager.h"
#include "security/access_control.h"
#include "sql/parser/ast.h"
#include "types/chunk.h"

namespace aurora {

// How a statement runs: its id (for Cancel and system.query_log; made up when empty), settings from the
// caller (a server's request parameters), which the statement's own SETTINGS clause overrides, and the
// values of its query parameters ({name:Type}, as ClickHouse's param_name).
// Receives a SELECT's rows as they are produced, instead of QueryResult::chunks (QueryOptions::sink).
// Calls come one at a time, possibly from different threads; an error returned ends the statement with
// that error. Statements other than SELECT still answer in QueryResult::chunks.
struct ResultSink {
  // Once, before the first rows: the result's columns and the statement's FORMAT clause (or empty).
  std::function<Status(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
                       const std::string& format)>
      begin;
  std::function<Status(const Chunk& rows)> rows;
};

struct QueryOptions {
  std::string query_id;
  std::vector<std::pair<std::string, std::string>> settings;
  std::map<std::string, std::string> params;  // values of {name:Type} placeholders, as text
  // Who runs the statement (AccessControl::AuthenticatePassword / AuthenticateToken); null: the embedded
  // CLI, with every right.
  std::shared_ptr<const security::Principal> principal;
  const ResultSink* sink = nullptr;  // SELECT rows go here as they are produced, when set
};

struct QueryResult {
  std::vector<std::string> names;  // result columns (empty for statements without a result set)
  std::vector<DataTypePtr> types;
  std::vector<Chunk> chunks;               // result rows (not those handed to QueryOptions::sink)
  uint64_t streamed_rows = 0;              // rows handed to QueryOptions::sink
  uint64_t rows_written = 0;               // INSERT
  uint64_t rows_read = 0, bytes_read = 0;  // SELECT
  std::string query_id;
  double elapsed_seconds = 0;
  int64_t memory_peak = 0;  // bytes the statement held at most
  std::string format;       // the statement's FORMAT clause (the output format it asked for), or empty
  uint64_t num_rows() const {
    uint64_t n = 0;
    for (const auto& c : chunks) n += c.num_rows;
    return n;
  }
};

// A new query id: a random UUID (version 4), as ClickHouse names queries.
std::string NewQueryId();

class Database {
 public:
  // Opens the tables and the access control (DATA/meta.db) of `data_dir`. `clock` also decides token
  // expiry.
  static Result<std::unique_ptr<Database>> Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                                storage::TableOptions options = {},
                                                security::AccessOptions access_options = {});

  // Parses and runs one statement. A limit that is hit (max_execution_time, max_memory_usage,
  // max_result_rows) ends it with kResourceExhausted; Cancel() with kAborted.
  Result<QueryResult> Execute(std::string_view sql, const QueryOptions& options = {});

  // Asks the running statement `query_id` to stop. False when no such statement is running.
  bool Cancel(const std::string& query_id);

  // Ingests a batch of outside data (an HTTP body) into `table`, creating it or evolving its schema as the
  // data needs and quarantining rows that cannot be stored (ingest/ingestor.h). Returns once the rows are
  // durable (per the table's fsync policy) and visible to queries.
  Result<ingest::IngestResult> Ingest(std::string_view table, std::string_view data,
                                      const ingest::IngestOptions& options = {});

  // The tables a SELECT reads: "name", or "system.name" for system tables (live dashboards re-run a
  // panel when one of them changes). kInvalidArgument when `sql` is not a SELECT.
  Result<std::vector<std::string>> TablesReadBy(std::string_view sql) const;

  // The schema Ingest would create `table` with from `data`, creating nothing (ingest::Ingestor::InferTable).
  Result<storage::TableSchema> InferTable(std::string_view table, std::string_view data,
                                          const std::string& format, uint64_t* rows_sampled) {
    return ingestor_->InferTable(table, data, format, rows_sampled);
  }

  // The ids of the statements running now.
  std::vector<std::string> RunningQueries();
  Catalog& catalog() { return *catalog_; }
  // Users, roles, grants and tokens; the server authenticates requests here.
  security::AccessControl& access() { return *access_; }
  // The sources (CREATE SOURCE); for their status and the server's /v1/sources.
  kafka::SourceManager& sources() { return *sources_; }
  // Metrics and synonyms for natural-language questions (CREATE METRIC, CREATE SYNONYM).
  SemanticLayer& semantic() { return *semantic_; }
  // Runs the sources (until the Database is destroyed).
  void StartSources() { sources_->Start(); }
  ~Database();

 private:
  Database(std::unique_ptr<Catalog> catalog, std::unique_ptr<security::AccessControl> access, Clock& clock)
      : catalog_(std::move(catalog)),
        access_(std::move(access)),
        clock_(clock),
        ingestor_(std::make_unique<ingest::Ingestor>(*catalog_, clock)) {}
  // OK when `principal` (null: every right) may run `st`.
  Status Authorize(const sql::Statement& st, const security::Principal* principal);
  // Users, roles, grants and tokens.
  Result<QueryResult> RunAccess(const sql::Statement& st, const security::Principal* principal);
  Result<QueryResult> RunSource(const sql::Statement& st, const security::Principal* principal);
  Result<QueryResult> CreateTable(const sql::CreateTable& c, exec::QueryContext& ctx);
  Result<QueryResult> AlterTable(const sql::AlterTable& a, exec::QueryContext& ctx);
  Result<QueryResult> InsertValues(const sql::Insert& ins, exec::QueryContext& ctx);
  Result<QueryResult> InsertSelect(const sql::Insert& ins, exec::QueryContext& ctx);
  Result<QueryResult> InsertFormat(const sql::Insert& ins, exec::QueryContext& ctx);
  // Appends rows of the INSERT's target columns (already of their types), with the other columns'
  // defaults.
  Status AppendInsert(storage::Table& table, const storage::TableSchema& s, const std::vector<int>& targets,
                      std::vector<ColumnPtr> cols, size_t rows, exec::QueryContext& ctx);
  // `rows` copies of a column's DEFAULT (a constant expression, evaluated now) or of its type's default.
  Result<ColumnPtr> DefaultColumn(const storage::ColumnDef& def, size_t rows, exec::QueryContext& ctx);
  Status CheckDefaults(const storage::TableSchema& s, exec::QueryContext& ctx);
  // SELECT e1, e2, ...: one row.
  Result<std::vector<ColumnPtr>> EvaluateRow(const std::vector<sql::ExprPtr>& exprs, exec::QueryContext& ctx);
  Result<exec::ResultSet> RunSelect(const sql::SelectQuery& q, exec::QueryContext& ctx);
  Result<exec::QueryPlan> BindSelect(const sql::SelectQuery& q, exec::QueryContext& ctx,
                                     exec::ExecOptions* options);
  Result<QueryResult> Explain(const sql::Statement& st, exec::QueryContext& ctx);
  Result<exec::ResultSet> SystemTable(const std::string& name);
  Result<QueryResult> Run(std::string_view text, exec::QueryContext& ctx,
                          const security::Principal* principal, const ResultSink* sink);
  Result<QueryResult> Select(const sql::SelectQuery& q, exec::QueryContext& ctx, const ResultSink* sink);
  Result<QueryResult> ShowTables(const sql::Statement& s, const security::Principal* principal);
  Result<QueryResult> Describe(const sql::Statement& s);
  Status CheckDatabase(const std::string& database) const;

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<security::AccessControl> access_;
  Clock& clock_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
  std::unique_ptr<kafka::SourceManager> sources_;  // after ingestor_ and catalog_: stops before them
  std::unique_ptr<SemanticLayer> semantic_;
  std::mutex running_mu_;
  std::map<std::string, exec::QueryContext*> running_;  // statements in progress, by query id
  QueryLog query_log_;
};

}  // namespace aurora
