// FormatReader: parses rows of outside data (JSONEachRow, CSV[WithNames], TSV[WithNames]) into typed
// columns of a target schema, appending straight to the columns; numbers and most strings are parsed
// without a heap allocation per field.
//
// Fields map to the target columns by position (CSV, TSV) or by name (JSONEachRow, the *WithNames header).
// A column that a row does not provide gets its InputColumn::default_value. A field that names no target
// column is an error unless ReadOptions::skip_unknown_fields.
//
// Errors say where, in the user's terms:
//   line 3, column 17, field 'price': cannot parse 'abc' as Float64
// Two modes (ReadOptions::errors):
//   kStrict   the first bad row fails the call (what INSERT ... FORMAT does); the rows of that call are
//             taken back, so the reader holds what it held before the call.
//   kCollect  a bad row is recorded as a BadRow {line, text, error} and skipped; the good rows are kept
//             (the HTTP events API and Kafka ingestion quarantine the bad ones).
// Whole-input problems (a CSVWithNames header naming an unknown column) fail the call in both modes.
//
// Lifecycle: Make once per target schema, Read any number of inputs, TakeChunk to hand over the rows.
// Not thread-safe; use one reader per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/format.h"
#include "types/chunk.h"
#include "types/value.h"

namespace aurora::formats {

class FieldConverter;

struct InputColumn {
  std::string name;
  DataTypePtr type;
  // The stored value (as ConvertValue returns it) for rows without this field; monostate means the
  // type's default: NULL for Nullable types, zero or the empty string otherwise.
  Value default_value;
  // A row must give this column a value: a row without the field (or, in CSV, with an empty unquoted
  // field) is a bad row instead of taking the default (the time column of an ingested table).
  bool required = false;
};

enum class ErrorMode : uint8_t { kStrict, kCollect };

struct ReadOptions {
  ErrorMode errors = ErrorMode::kStrict;
  // ClickHouse's input_format_skip_unknown_fields: ignore fields that name no target column.
  bool skip_unknown_fields = false;
};

struct BadRow {
  uint64_t line = 0;  // 1-based line of the input where the row starts
  std::string text;   // the row as it was in the input, without its line terminator
  std::string error;  // "line 3, column 17, field 'price': cannot parse 'abc' as Float64"
};

class FormatReader {
 public:
  // REQUIRES: `format` is an input format (InputFormat() returned it); column names are distinct.
  static Result<std::unique_ptr<FormatReader>> Make(Format format, std::vector<InputColumn> columns,
                                                    ReadOptions options = {});
  virtual ~FormatReader();

  // Parses `data`, one whole input (an INSERT's data, an HTTP body, a Kafka message): rows do not
  // continue into the next call, a *WithNames header starts each call, and line numbers count from 1.
  Status Read(std::string_view data);

  size_t num_rows() const { return num_rows_; }
  const std::vector<BadRow>& bad_rows() const { return bad_rows_; }

  // The rows read so far, as columns named and typed like the InputColumns, in their order; the reader
  // starts again with empty columns (bad rows are kept until TakeBadRows).
  Chunk TakeChunk();
  std::vector<BadRow> TakeBadRows();

 protected:
  FormatReader(std::vector<InputColumn> columns, ReadOptions options);

  // Where a row went wrong: 1-based byte column in its line, the target column (or -1) and what.
  struct RowError {
    uint64_t line = 0;
    size_t column = 0;
    int field = -1;
    std::string message;
  };
  // Parses every row of `data`. Calls OnBadRow for each bad row and stops when it returns false.
  virtual Status ReadRows(std::string_view data) = 0;

  // Records a bad row; in strict mode returns false (stop) after keeping its error for Read to return.
  bool OnBadRow(const RowError& error, uint64_t first_line, std::string_view text);
  // Takes back appended values of the current row, leaving every column with num_rows_ rows.
  void DropPartialRow();
  // Index of the target column called `name`, or -1.
  int ColumnIndex(std::string_view name) const;
  std::string FormatError(const RowError& e) const;

  std::vector<InputColumn> inputs_;
  ReadOptions options_;
  std::vector<ColumnPtr> columns_;
  std::vector<FieldConverter> converters_;  // converters_[i] appends to columns_[i]
  size_t num_rows_ = 0;

 private:
  std::vector<BadRow> bad_rows_;
  Status strict_error_;
};

struct ReadResult {
  Chunk chunk;
  std::vector<BadRow> bad_rows;
};

// Reads `data` in the format called `format` (one call of a fresh reader).
Result<ReadResult> ReadRows(std::string_view format, std::string_view data, std::vector<InputColumn> columns,
                            ReadOptions options = {});

}  // namespace aurora::formats
