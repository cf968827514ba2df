// A small RAII wrapper over SQLite for application metadata (users, roles, grants, tokens now; sources
// and dashboards later), stored in DATA/meta.db.
//
// SqliteDatabase::Open sets journal_mode=WAL and synchronous=FULL, so a committed transaction survives a
// crash or power loss, and foreign_keys=ON. Every change goes through Transaction(), which commits when
// the function returns OK and rolls back otherwise: a crash never leaves half of a change behind.
//
// Lifecycle: open once, keep for the process's life; statements must not outlive their database.
// Thread-safety: one SqliteDatabase is used by one thread at a time (callers serialize, e.g. under their
// own mutex); SQLite is built thread-safe, so separate connections may be used from separate threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace aurora {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in SQLite.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);  // TEXT (copied)
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  SqliteStatement& Bind(int index, std::optional<int64_t> value);  // NULL when empty
  SqliteStatement& BindNull(int index);

  // Runs one step: true when a row is available, false when done.
  Result<bool> Step();
  // Runs to completion (for statements without rows).
  Status Run();
  // Makes the statement ready to run again, keeping nothing bound.
  void Reset();

  // Columns of the current row, numbered from 0.
  int64_t ColumnInt64(int col) const;
  std::string ColumnText(int col) const;  // TEXT or BLOB bytes
  bool ColumnIsNull(int col) const;
  std::optional<int64_t> ColumnOptionalInt64(int col) const;

 private:
  friend class SqliteDatabase;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Status Error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status bind_error_;  // the first failed Bind, reported by Step
};

class SqliteDatabase {
 public:
  // Opens (creating if missing) the database file at `path`.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs one or more statements without parameters or results (schema, pragmas).
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // BEGIN IMMEDIATE; fn(); COMMIT when fn returns OK, ROLLBACK otherwise. Not reentrant.
  Status Transaction(const std::function<Status()>& fn);

  const std::string& path() const { return path_; }

 private:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(std::string_view what) const;

  sqlite3* db_;
  std::string path_;
};

}  // namespace aurora
