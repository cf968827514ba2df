#include "security/sqlite.h"

#include <sqlite3.h>

namespace aurora {

namespace {

ErrorCode CodeOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return ErrorCode::kDiskFull;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kCorruption;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kAlreadyExists;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ErrorCode::kIoError;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_error_ = std::move(other.bind_error_);
    other.stmt_ = nullptr;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Status SqliteStatement::Error(std::string_view what) const {
  const int rc = sqlite3_extended_errcode(db_);
  return Status(CodeOf(rc), fmt::format("metadata database: {}: {}", what, sqlite3_errmsg(db_)));
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK && bind_error_.ok()) bind_error_ = Error("bind");
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
          SQLITE_OK &&
      bind_error_.ok())
    bind_error_ = Error("bind");
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  if (sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK &&
      bind_error_.ok())
    bind_error_ = Error("bind");
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK && bind_error_.ok()) bind_error_ = Error("bind");
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(sqlite3_sql(stmt_));
}

Status SqliteStatement::Run() {
  while (true) {
    AURORA_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::OK();
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::OK();
}

int64_t SqliteStatement::ColumnInt64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

std::string SqliteStatement::ColumnText(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

bool SqliteStatement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::optional<int64_t> SqliteStatement::ColumnOptionalInt64(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnInt64(col);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st(CodeOf(rc), fmt::format("cannot open the metadata database '{}': {}", path,
                                      db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return st;
  }
  std::unique_ptr<SqliteDatabase> out(new SqliteDatabase(db, path));
  sqlite3_busy_timeout(db, 5000);
  AURORA_RETURN_IF_ERROR(
      out->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return out;
}

SqliteDatabase::~SqliteDatabase() {
  sqlite3_close_v2(db_);
}

Status SqliteDatabase::Error(std::string_view what) const {
  const int rc = sqlite3_extended_errcode(db_);
  return Status(CodeOf(rc), fmt::format("metadata database '{}': {}: {}", path_, what, sqlite3_errmsg(db_)));
}

Status SqliteDatabase::Exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  Status st(CodeOf(rc), fmt::format("metadata database '{}': {}", path_, err ? err : sqlite3_errstr(rc)));
  sqlite3_free(err);
  return st;
}

Result<SqliteStatement> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return Error(sql);
  return SqliteStatement(db_, stmt);
}

Status SqliteDatabase::Transaction(const std::function<Status()>& fn) {
  AURORA_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status st = fn();
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) Exec("ROLLBACK").IgnoreError();
  return st;
}

}  // namespace aurora
