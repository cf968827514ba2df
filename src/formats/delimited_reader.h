// CSV and TabSeparated input, with or without a header line of column names.
//
// CSV (RFC 4180): fields separated by ',', rows by LF or CRLF; a field in double quotes may hold commas,
// line breaks and "" for a quote. As in ClickHouse: spaces and tabs around unquoted fields are trimmed, an
// unquoted \N (or NULL) is NULL, and an empty unquoted field takes the column's default.
//
// TabSeparated: fields separated by tabs, rows by LF (a CR before it is dropped); backslash escapes \t \n
// \r \\ \' \" \b \f \0 \a \v \xHH (any other escaped character stands for itself, a backslash before a
// line break is a line break); a field that is exactly \N is NULL. An empty field is the empty string for
// String columns and an error for the others.
//
// Without names, fields map to the target columns in order and a row must have one field per column.
// *WithNames: the first line names the columns; columns it does not name take their defaults.
// Empty lines at the end of the input are ignored; elsewhere an empty line is a row (with one empty field).
#pragma once

#include <memory>
#include <vector>

#include "formats/format_reader.h"

namespace aurora::formats {

// REQUIRES: format is kCSV, kCSVWithNames, kTabSeparated or kTabSeparatedWithNames.
std::unique_ptr<FormatReader> MakeDelimitedReader(Format format, std::vector<InputColumn> columns,
                                                  ReadOptions options);

}  // namespace aurora::formats
