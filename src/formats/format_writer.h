// FormatWriter: turns result chunks into ClickHouse's text output formats, for the HTTP server and the CLI.
//
//   TabSeparated[WithNames[AndTypes]]  values escaped with \t \n \r \\ \' \b \f \0, NULL as \N
//   CSV[WithNames]                     strings, dates and times in double quotes ("" inside), NULL as \N
//   JSONEachRow                        one object per line: {"a":1,"s":"x"}
//   JSON                               {"meta": [...], "data": [{...}], "rows": N, "statistics": {...}},
//                                      laid out as ClickHouse lays it out
//   JSONCompact                        as JSON with each row an array of values
// Values are written as FormatText writes them. In the JSON formats, as in ClickHouse by default, 64-bit
// integers are quoted strings (JavaScript numbers lose precision beyond 2^53), nan and inf are null,
// '/' is escaped, and invalid UTF-8 is replaced by U+FFFD so that the output is always valid JSON.
//
// Lifecycle: Make, WritePrefix once, WriteChunk for each chunk, WriteSuffix once; each call appends to
// `out`, so a server can send what it has after every call. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/format.h"
#include "types/chunk.h"

namespace aurora::formats {

// The "statistics" object of the JSON formats.
struct OutputStatistics {
  double elapsed_seconds = 0;
  uint64_t rows_read = 0;
  uint64_t bytes_read = 0;
};

class FormatWriter {
 public:
  // REQUIRES: names.size() == types.size().
  static Result<std::unique_ptr<FormatWriter>> Make(Format format, std::vector<std::string> names,
                                                    std::vector<DataTypePtr> types);
  virtual ~FormatWriter() = default;

  // The header lines, or JSON's "meta".
  virtual void WritePrefix(std::string* out) = 0;
  // The rows of `chunk`. REQUIRES: its columns are of the writer's types, in the writer's order.
  virtual void WriteChunk(const Chunk& chunk, std::string* out) = 0;
  // JSON's "rows" and "statistics"; nothing for the other formats.
  virtual void WriteSuffix(const OutputStatistics& stats, std::string* out) = 0;

 protected:
  FormatWriter(std::vector<std::string> names, std::vector<DataTypePtr> types)
      : names_(std::move(names)), types_(std::move(types)) {}

  std::vector<std::string> names_;
  std::vector<DataTypePtr> types_;
  uint64_t rows_ = 0;
};

// Writes a whole result in the format called `format`.
Result<std::string> WriteRows(std::string_view format, const std::vector<std::string>& names,
                              const std::vector<DataTypePtr>& types, const std::vector<Chunk>& chunks,
                              const OutputStatistics& stats = {});

// The HTTP Content-Type to send output of `format` with.
std::string_view ContentType(Format format);

// Escaping, exposed for tests and for other writers of these formats.
void AppendTsvEscaped(std::string_view s, std::string* out);
void AppendCsvQuoted(std::string_view s, std::string* out);
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace aurora::formats
