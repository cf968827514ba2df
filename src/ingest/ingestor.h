// Ingestor: turns outside bytes (an HTTP body, later a Kafka message) into rows of a table, creating the
// table from the first batch (schema inference, ingest/schema_inference.h), evolving its schema when
// rows bring new fields or values a column's type cannot hold but a wider type can, and putting rows
// that cannot be stored into NAME_quarantine with their line, error and raw text.
//
// One batch:
//   1. The table does not exist: infer a schema from (a sample of) the batch and create it.
//   2. Fast path: one pass of formats::FormatReader (collecting bad rows) straight into typed columns of
//      the table's schema; the good rows are appended (Table::Append returns once the WAL record is
//      durable and the rows are visible).
//   3. Only when some rows failed: each is looked at again. A row whose only problems are fields the table
//      lacks, a fraction for an integer column (-> Float64) or a null for a non-Nullable column
//      (-> Nullable) makes the schema grow (columns added, types widened; never for ORDER BY, PARTITION
//      BY or TTL columns); those rows are then read again with the new schema. Every row that still
//      fails goes to the quarantine table. One bad row never rejects its batch.
// Nothing is silently dropped or changed: a JSON null for a non-Nullable column widens it to Nullable
// (or, for the time column, quarantines the row); a row without its time column is quarantined; a field
// a row does not have takes the column's default (0, '', or NULL), as in ClickHouse.
//
// Formats: JSONEachRow; CSVWithNames (the header names the fields; unknown names add columns); CSV
// without a header only into an existing table, fields in the order of the table's columns.
//
// Thread-safety: Ingest may be called from many threads at once, for the same table too. Creating a table
// and changing its schema are serialized per table; appends run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "formats/format_reader.h"
#include "ingest/schema_inference.h"

namespace aurora::ingest {

struct IngestOptions {
  std::string format = "JSONEachRow";  // JSONEachRow, CSVWithNames or CSV (matched without regard to case)
  std::string source = "http";         // the quarantine's `source` column
  bool create_table = true;            // false: a missing table is NotFound
  bool evolve_schema = true;           // false: rows needing new columns or wider types are quarantined
  // When `position_source` is set, the batch's rows go into the table in one Append that records
  // `position` for that source (Table::Append), so that the rows and how far the source has read commit
  // together or not at all; a batch whose rows were all quarantined still records the position.
  std::string position_source{};
  std::string position{};
  // Where line `line` (1-based) of the batch came from (e.g. "partition 3, offset 1200"), prefixed to the
  // errors of quarantined rows; line numbers are used when unset.
  std::function<std::string(uint64_t line)> locate{};
};

struct IngestResult {
  uint64_t rows = 0;         // rows appended to the table
  uint64_t quarantined = 0;  // rows appended to NAME_quarantine
  bool created_table = false;
  std::vector<std::string> added_columns;     // "name Type"
  std::vector<std::string> widened_columns;   // "name OldType -> NewType"
  std::vector<formats::BadRow> first_errors;  // the first kMaxErrors quarantined rows (text cut at 1 KiB)
};

class Ingestor {
 public:
  static constexpr size_t kMaxErrors = 10;
  // Rows of the first batch the schema is inferred from.
  static constexpr size_t kInferenceSampleRows = 10000;
  // Schema evolution adds no columns beyond this many.
  static constexpr size_t kMaxColumns = 1000;

  Ingestor(Catalog& catalog, Clock& clock);

  // Ingests `data` into table `table` (a plain identifier; anything else is InvalidArgument). Errors are
  // whole-batch problems only: a bad table name or format, a missing table without create_table, a CSV
  // header that is not valid, a table that cannot be written.
  Result<IngestResult> Ingest(std::string_view table, std::string_view data, const IngestOptions& options);

  // The schema Ingest would create table `table` with from `data` (format as IngestOptions::format:
  // JSONEachRow or CSVWithNames), without creating anything; `rows_sampled` gets the rows it learned
  // from. kInvalidArgument when no row has a field that can be a column.
  Result<storage::TableSchema> InferTable(std::string_view table, std::string_view data,
                                          const std::string& format, uint64_t* rows_sampled);

  // Appends rows that could not be read at all (e.g. messages over a size limit) to NAME_quarantine.
  Status QuarantineRows(std::string_view table, std::vector<formats::BadRow> rows, std::string_view source);

  static std::string QuarantineTableName(std::string_view table) {
    return std::string(table) + "_quarantine";
  }
  // The schema of NAME_quarantine: received_at DateTime64(3), source, line, error, raw; ORDER BY
  // received_at.
  static storage::TableSchema QuarantineSchema(std::string name);

 private:
  struct Batch;
  // The lock that serializes creating and altering table `name`.
  std::shared_ptr<std::mutex> SchemaLock(const std::string& name);
  Result<std::shared_ptr<storage::Table>> CreateFromSample(Batch& b);
  // The sample of the batch's first rows that a new table's schema is inferred from.
  Result<Sample> SampleBatch(const Batch& b);
  Status EvolveForHeader(Batch& b);
  Status FastPass(Batch& b);
  Status AppendRows(Batch& b, const Chunk& chunk);
  Status SlowPass(Batch& b);
  Status Quarantine(Batch& b);

  Catalog& catalog_;
  Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>, std::less<>> schema_locks_;
};

}  // namespace aurora::ingest
