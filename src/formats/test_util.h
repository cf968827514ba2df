// Helpers for the formats tests: schemas from type names, and cells of a chunk as text.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "formats/format_reader.h"
#include "types/text_format.h"

namespace aurora::formats {

// {"name", "Type"} pairs to InputColumns with the types' defaults.
inline std::vector<InputColumn> Schema(const std::vector<std::pair<std::string, std::string>>& columns) {
  std::vector<InputColumn> out;
  for (const auto& [name, type] : columns) out.push_back(InputColumn{name, ParseDataType(type).value(), {}});
  return out;
}

// Row `row` of column `col` as FormatText writes it, NULL as "NULL".
inline std::string Cell(const Chunk& chunk, size_t col, size_t row) {
  std::string s;
  FormatText(*chunk.columns[col], row, &s);
  return s;
}

// All rows, cells separated by '|'.
inline std::vector<std::string> Rows(const Chunk& chunk) {
  std::vector<std::string> out;
  for (size_t r = 0; r < chunk.num_rows; ++r) {
    std::string row;
    for (size_t c = 0; c < chunk.columns.size(); ++c) row += (c ? "|" : "") + Cell(chunk, c, r);
    out.push_back(row);
  }
  return out;
}

// Reads `data` strictly and returns the rows, or fails the test.
inline std::vector<std::string> ReadOk(std::string_view format, std::string_view data,
                                       const std::vector<InputColumn>& columns, ReadOptions options = {}) {
  auto r = ReadRows(format, data, columns, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  for (const auto& c : r->chunk.columns) EXPECT_EQ(c->size(), r->chunk.num_rows);
  return Rows(r->chunk);
}

// Reads `data` strictly and returns the error message ("" if it succeeded).
inline std::string ReadError(std::string_view format, std::string_view data,
                             const std::vector<InputColumn>& columns, ReadOptions options = {}) {
  auto r = ReadRows(format, data, columns, options);
  return r.ok() ? "" : r.status().message();
}

}  // namespace aurora::formats
