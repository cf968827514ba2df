// Chunk: a batch of rows as named columns of equal length; what storage appends and scans return, and
// what executor operators pass to each other (up to one granule of rows per chunk in scans).
#pragma once

#include <string>
#include <vector>

#include "types/column.h"

namespace aurora {

// A selection vector: indices of the rows of a chunk that are still live after a filter.
using SelectionVector = PodArray<uint32_t>;

struct Chunk {
  std::vector<std::string> names;
  std::vector<ColumnPtr> columns;
  size_t num_rows = 0;

  // Index of the column called `name`, or -1.
  int IndexOf(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    return -1;
  }
  void Add(std::string name, ColumnPtr column) {
    num_rows = column->size();
    names.push_back(std::move(name));
    columns.push_back(std::move(column));
  }
  size_t ByteSize() const {
    size_t n = 0;
    for (const auto& c : columns) n += c->ByteSize();
    return n;
  }
};

}  // namespace aurora
