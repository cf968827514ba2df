// Database: the one entry point for statements. It owns the catalog and turns SQL text into actions and
// results: CREATE TABLE, DROP TABLE, TRUNCATE, ALTER TABLE ADD / DROP / COMMENT COLUMN, INSERT ... VALUES,
// INSERT ... FORMAT (inline data in JSONEachRow, CSV, TSV and their WithNames forms, read by formats/),
// SHOW TABLES, DESCRIBE, and single-table SELECT (sql/binder -> exec). INSERT ... SELECT and EXPLAIN
// answer NotSupported until they are built.
//
// Thread-safe: statements may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "sql/parser/ast.h"
#include "types/chunk.h"

namespace aurora {

struct QueryResult {
  std::vector<std::string> names;  // result columns (empty for statements without a result set)
  std::vector<DataTypePtr> types;
  std::vector<Chunk> chunks;               // result rows
  uint64_t rows_written = 0;               // INSERT
  uint64_t rows_read = 0, bytes_read = 0;  // SELECT
  uint64_t num_rows() const {
    uint64_t n = 0;
    for (const auto& c : chunks) n += c.num_rows;
    return n;
  }
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                                storage::TableOptions options = {});

  // Parses and runs one statement.
  Result<QueryResult> Execute(std::string_view sql);
  Catalog& catalog() { return *catalog_; }

 private:
  explicit Database(std::unique_ptr<Catalog> catalog) : catalog_(std::move(catalog)) {}
  Result<QueryResult> CreateTable(const sql::CreateTable& c);
  Result<QueryResult> AlterTable(const sql::AlterTable& a);
  Result<QueryResult> InsertValues(const sql::Insert& ins);
  Result<QueryResult> InsertFormat(const sql::Insert& ins);
  Result<QueryResult> Select(const sql::SelectQuery& q);
  Result<QueryResult> ShowTables(const sql::Statement& s);
  Result<QueryResult> Describe(const sql::Statement& s);
  Status CheckDatabase(const std::string& database) const;

  std::unique_ptr<Catalog> catalog_;
};

}  // namespace aurora
