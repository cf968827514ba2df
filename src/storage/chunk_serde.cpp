#include "storage/chunk_serde.h"

#include "common/check.h"
#include "common/coding.h"

namespace aurora::storage {

namespace {

template <typename T>
void PutArray(BufferWriter& w, const PodArray<T>& a) {
  w.PutVarint(a.size());
  w.PutBytes(a.data(), a.bytes());
}

template <typename T>
bool GetArray(BufferReader& r, PodArray<T>* a, uint64_t max_elems) {
  uint64_t n;
  if (!r.GetVarint(&n) || n > max_elems || n > r.remaining() / sizeof(T)) return false;
  std::string_view bytes;
  if (!r.GetBytes(n * sizeof(T), &bytes)) return false;
  a->assign(reinterpret_cast<const T*>(bytes.data()), n);
  return true;
}

Status Bad(std::string_view what) {
  return AURORA_ERROR(kCorruption, "malformed chunk: {}", what);
}

}  // namespace

void SerializeChunk(const Chunk& chunk, std::string* out) {
  BufferWriter w(out);
  w.PutVarint(chunk.num_rows);
  w.PutVarint(chunk.columns.size());
  for (size_t i = 0; i < chunk.columns.size(); ++i) {
    const Column& c = *chunk.columns[i];
    w.PutString(chunk.names[i]);
    w.PutString(c.type()->Name());
    PutArray(w, c.nulls);
    switch (c.layout().kind) {
      case ColumnLayout::Kind::kFixed:
        PutArray(w, c.data);
        break;
      case ColumnLayout::Kind::kString:
        PutArray(w, c.offsets);
        PutArray(w, c.chars);
        break;
      case ColumnLayout::Kind::kDictionary: {
        const Column& dict = *c.dictionary();
        PutArray(w, dict.offsets);
        PutArray(w, dict.chars);
        PutArray(w, c.data);
        break;
      }
      case ColumnLayout::Kind::kArray:
        AURORA_CHECK_MSG(false, "array columns cannot be stored yet");  // CREATE TABLE rejects them
    }
  }
}

Result<Chunk> DeserializeChunk(std::string_view in) {
  BufferReader r(in);
  Chunk chunk;
  uint64_t rows, ncols;
  if (!r.GetVarint(&rows) || !r.GetVarint(&ncols) || ncols > 100000) return Bad("header");
  // Every column stores at least one byte per row, so a row count beyond the input is damage (and
  // would overflow the size checks below). A chunk without columns is only ever small.
  if (ncols > 0 ? rows > in.size() : rows > (1u << 24)) return Bad("row count out of range");
  chunk.num_rows = rows;
  for (uint64_t i = 0; i < ncols; ++i) {
    std::string name, type_name;
    if (!r.GetString(&name) || !r.GetString(&type_name)) return Bad("column header");
    auto type = ParseDataType(type_name);
    if (!type.ok()) return Bad(type.status().message());
    auto col = std::make_shared<Column>(*type);
    if (!GetArray(r, &col->nulls, rows) || (!col->nulls.empty() && col->nulls.size() != rows))
      return Bad("null map");
    const ColumnLayout& l = col->layout();
    switch (l.kind) {
      case ColumnLayout::Kind::kFixed:
        if (!GetArray(r, &col->data, rows * l.width) || col->data.size() != rows * l.width)
          return Bad("values");
        break;
      case ColumnLayout::Kind::kString:
        if (!GetArray(r, &col->offsets, rows) || col->offsets.size() != rows ||
            !GetArray(r, &col->chars, UINT64_MAX))
          return Bad("strings");
        for (size_t k = 0; k < rows; ++k)
          if (col->offsets[k] > col->chars.size() || (k && col->offsets[k] < col->offsets[k - 1]))
            return Bad("string offsets");
        break;
      case ColumnLayout::Kind::kDictionary: {
        auto dict = std::make_shared<Column>(DataType::Make(TypeId::kString));
        uint64_t dict_size;
        if (!GetArray(r, &dict->offsets, UINT64_MAX) || !GetArray(r, &dict->chars, UINT64_MAX))
          return Bad("dictionary");
        dict_size = dict->offsets.size();
        for (size_t k = 0; k < dict_size; ++k)
          if (dict->offsets[k] > dict->chars.size() || (k && dict->offsets[k] < dict->offsets[k - 1]))
            return Bad("dictionary offsets");
        dict->SetSizeUnsafe(dict_size);
        col->SetDictionary(dict);
        if (!GetArray(r, &col->data, rows * 4) || col->data.size() != rows * 4) return Bad("codes");
        const uint32_t* codes = col->Codes();
        for (size_t k = 0; k < rows; ++k)
          if (codes[k] >= dict_size) return Bad("dictionary code out of range");
        break;
      }
      case ColumnLayout::Kind::kArray:
        return Bad("array column (arrays cannot be stored yet)");
    }
    col->SetSizeUnsafe(rows);
    chunk.names.push_back(std::move(name));
    chunk.columns.push_back(std::move(col));
  }
  if (!r.done()) return Bad("trailing bytes");
  return chunk;
}

}  // namespace aurora::storage
