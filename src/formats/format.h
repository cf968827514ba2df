// Format: the ClickHouse text formats Aurora reads (INSERT ... FORMAT, the HTTP events API, Kafka) and
// writes (query results over HTTP). Names are spelled as ClickHouse spells them and, as in current
// ClickHouse, matched without regard to case; TSV is ClickHouse's alias of TabSeparated.
//
//   input   JSONEachRow, CSV, CSVWithNames, TSV / TabSeparated, TSVWithNames / TabSeparatedWithNames
//   output  the input formats, TSVWithNamesAndTypes / TabSeparatedWithNamesAndTypes, JSON, JSONCompact
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace aurora::formats {

enum class Format : uint8_t {
  kJSONEachRow,
  kCSV,
  kCSVWithNames,
  kTabSeparated,
  kTabSeparatedWithNames,
  kTabSeparatedWithNamesAndTypes,
  kJSON,
  kJSONCompact,
};

// The canonical name, e.g. "TabSeparatedWithNames".
std::string_view FormatName(Format format);

// The format called `name` that can be read; otherwise InvalidArgument listing the input formats.
Result<Format> InputFormat(std::string_view name);
// The format called `name` that can be written; otherwise InvalidArgument listing the output formats.
Result<Format> OutputFormat(std::string_view name);

}  // namespace aurora::formats
