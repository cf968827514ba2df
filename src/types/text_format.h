// Values as text, the way ClickHouse writes and reads them in its text formats (TSV, CSV, VALUES):
//   Date 2024-01-31, DateTime 2024-01-31 23:59:59, DateTime64(3) 2024-01-31 23:59:59.123 (in the
//   column's time zone, UTC when it has none), floats in the shortest form that reads back exactly,
//   Bool true/false, strings as they are, arrays as [1,2,3] and ['a','b'] (elements quoted and escaped
//   as in ClickHouse's quoted format: strings, dates and times in single quotes, NULL as NULL).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "types/column.h"

namespace aurora {

// Appends row `row` of `column` as text; NULL appends `null_text`.
void FormatText(const Column& column, size_t row, std::string* out, std::string_view null_text = "NULL");

// Converts a literal to the stored value of `type` (strings to dates and times, integers with range
// checks, numbers to Bool). Errors say what did not fit; NULL is accepted only by Nullable types.
Result<Value> ConvertValue(const DataType& type, const Value& v);

// Parses "YYYY-MM-DD[ hh:mm:ss[.fff]]" (also with 'T' and a trailing 'Z') in `timezone` (UTC if empty)
// to seconds and nanoseconds since the epoch.
bool ParseDateTimeText(std::string_view text, std::string_view timezone, int64_t* seconds, int64_t* nanos);

}  // namespace aurora
