#include "exec/join.h"

#include <cstring>

namespace aurora::exec {

namespace {

using function::Datum;

uint64_t FixedAt(const Column& c, size_t row) {
  uint64_t v = 0;
  std::memcpy(&v, c.data.data() + row * c.layout().width, c.layout().width);
  return v;
}

bool SingleFixed(const std::vector<Datum>& keys) {
  return keys.size() == 1 && keys[0].column->layout().kind == ColumnLayout::Kind::kFixed;
}

}  // namespace

bool EncodeKey(const std::vector<Datum>& keys, size_t row, std::string* out) {
  out->clear();
  for (const auto& k : keys) {
    const Column& c = *k.column;
    size_t i = k.RowIndex(row);
    if (c.IsNull(i)) return false;
    if (c.layout().kind == ColumnLayout::Kind::kFixed) {
      out->append(reinterpret_cast<const char*>(c.data.data()) + i * c.layout().width, c.layout().width);
    } else {
      std::string_view s = c.StringAt(i);
      uint64_t n = s.size();
      out->append(reinterpret_cast<const char*>(&n), sizeof n);
      out->append(s);
    }
  }
  return true;
}

void JoinTable::Build(const std::vector<ColumnPtr>& keys, size_t rows) {
  std::vector<Datum> datums;
  for (const auto& k : keys) datums.push_back({k, false});
  fixed_ = SingleFixed(datums);
  next_.assign(rows, kEnd);
  std::string buf;
  // Insert from the last row down so that each chain lists rows in ascending order.
  for (size_t r = rows; r-- > 0;) {
    uint32_t* head;
    if (fixed_) {
      if (keys[0]->IsNull(r)) continue;
      head = &fixed_head_.try_emplace(FixedAt(*keys[0], r), kEnd).first->second;
    } else {
      if (!EncodeKey(datums, r, &buf)) continue;
      head = &bytes_head_.try_emplace(buf, kEnd).first->second;
    }
    next_[r] = *head;
    *head = static_cast<uint32_t>(r);
  }
}

uint32_t JoinTable::Find(const std::vector<Datum>& keys, size_t row, std::string* buf) const {
  if (fixed_) {
    const Column& c = *keys[0].column;
    size_t i = keys[0].RowIndex(row);
    if (c.IsNull(i)) return kEnd;
    auto it = fixed_head_.find(FixedAt(c, i));
    return it == fixed_head_.end() ? kEnd : it->second;
  }
  if (!EncodeKey(keys, row, buf)) return kEnd;
  auto it = bytes_head_.find(*buf);
  return it == bytes_head_.end() ? kEnd : it->second;
}

bool JoinTable::Probe(const std::vector<Datum>& keys, size_t rows, bool keep_unmatched, uint32_t miss,
                      size_t max_pairs, ProbeCursor* cursor, std::vector<uint32_t>* probe_rows,
                      std::vector<uint32_t>* build_rows) const {
  probe_rows->clear();
  build_rows->clear();
  std::string buf;
  size_t r = cursor->row;
  uint32_t b = cursor->build;
  for (; r < rows; ++r, b = kUnset) {
    if (probe_rows->size() >= max_pairs) break;  // b is this row's next match, or kUnset
    if (b == kUnset) {
      b = Find(keys, r, &buf);
      if (b == kEnd && keep_unmatched) {
        probe_rows->push_back(static_cast<uint32_t>(r));
        build_rows->push_back(miss);
      }
    }
    for (; b != kEnd && probe_rows->size() < max_pairs; b = next_[b]) {
      probe_rows->push_back(static_cast<uint32_t>(r));
      build_rows->push_back(b);
    }
    if (b != kEnd) break;  // out of room with matches left
  }
  cursor->row = r;
  cursor->build = b;
  return r >= rows;
}

void JoinTable::Contains(const std::vector<Datum>& keys, size_t rows, uint8_t* out) const {
  std::string buf;
  for (size_t r = 0; r < rows; ++r) out[r] = Find(keys, r, &buf) != kEnd;
}

}  // namespace aurora::exec
