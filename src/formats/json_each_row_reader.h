// JSONEachRow input (NDJSON): one JSON object per row, fields matched to target columns by name. Objects
// are usually one per line; an object may also span lines, and objects may be separated by commas and
// wrapped in [ ] (as ClickHouse accepts). Each object is parsed with simdjson's DOM parser (which picks the
// CPU's fastest kernels at run time), in place when the input has SIMDJSON_PADDING bytes after the object
// and through a reused padded buffer otherwise. Where an error is inside the object is worked out only
// when there is an error.
//
// Values: numbers into integer (range-checked) and float columns, strings into String and (parsed) into
// every other type, so 64-bit integers quoted as ClickHouse writes them read back; true / false into
// Bool and UInt8; null into Nullable columns only; objects, arrays, numbers and booleans into String as
// their JSON text, minified. A field that appears twice in an object is an error.
#pragma once

#include <memory>
#include <vector>

#include "formats/format_reader.h"

namespace aurora::formats {

std::unique_ptr<FormatReader> MakeJsonEachRowReader(std::vector<InputColumn> columns, ReadOptions options);

}  // namespace aurora::formats
