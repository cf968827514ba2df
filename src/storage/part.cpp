#include "storage/part.h"

#include <algorithm>
#include <cmath>

#include <absl/container/flat_hash_map.h>

#include "common/check.h"
#include "common/coding.h"
#include "common/hash.h"

namespace aurora::storage {

namespace {

constexpr char kPartMagic[8] = {'A', 'U', 'R', 'P', 'A', 'R', 'T', '1'};
constexpr char kPartEndMagic[8] = {'A', 'U', 'R', 'P', 'E', 'N', 'D', '1'};
constexpr uint32_t kPartFormatVersion = 1;
constexpr size_t kMaxStatString = 64;  // longer strings: no min/max for that granule

enum ValueTag : uint8_t { kTagNull = 0, kTagInt = 1, kTagUInt = 2, kTagDouble = 3, kTagString = 4 };

void PutValue(BufferWriter& w, const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) {
    w.PutFixed<uint8_t>(kTagInt);
    w.PutSignedVarint(*i);
  } else if (auto* u = std::get_if<uint64_t>(&v)) {
    w.PutFixed<uint8_t>(kTagUInt);
    w.PutVarint(*u);
  } else if (auto* d = std::get_if<double>(&v)) {
    w.PutFixed<uint8_t>(kTagDouble);
    w.PutFixed<double>(*d);
  } else if (auto* s = std::get_if<std::string>(&v)) {
    w.PutFixed<uint8_t>(kTagString);
    w.PutString(*s);
  } else {
    w.PutFixed<uint8_t>(kTagNull);
  }
}

bool GetValue(BufferReader& r, Value* v) {
  uint8_t tag;
  if (!r.GetFixed(&tag)) return false;
  switch (tag) {
    case kTagNull:
      *v = std::monostate{};
      return true;
    case kTagInt: {
      int64_t x;
      if (!r.GetSignedVarint(&x)) return false;
      *v = x;
      return true;
    }
    case kTagUInt: {
      uint64_t x;
      if (!r.GetVarint(&x)) return false;
      *v = x;
      return true;
    }
    case kTagDouble: {
      double x;
      if (!r.GetFixed(&x)) return false;
      *v = x;
      return true;
    }
    case kTagString: {
      std::string x;
      if (!r.GetString(&x)) return false;
      *v = std::move(x);
      return true;
    }
    default:
      return false;
  }
}

void PutBlockRef(BufferWriter& w, const BlockRef& b) {
  w.PutVarint(b.offset);
  w.PutVarint(b.size);
  w.PutFixed<uint64_t>(b.checksum);
}
bool GetBlockRef(BufferReader& r, BlockRef* b) {
  uint64_t off, size;
  if (!r.GetVarint(&off) || !r.GetVarint(&size) || !r.GetFixed(&b->checksum) || size > UINT32_MAX)
    return false;
  b->offset = off;
  b->size = static_cast<uint32_t>(size);
  return true;
}

// Serializes strings as u32 lengths followed by the bytes.
void PutStrings(const Column& c, size_t begin, size_t count, std::string* out) {
  size_t base = out->size();
  out->resize(base + 4 * count);
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    std::string_view s = c.StringAt(begin + i);
    uint32_t len = static_cast<uint32_t>(s.size());
    std::memcpy(out->data() + base + 4 * i, &len, 4);
    total += s.size();
  }
  out->reserve(out->size() + total);
  for (size_t i = 0; i < count; ++i) out->append(c.StringAt(begin + i));
}

Status GetStrings(std::string_view in, size_t count, Column* out) {
  if (in.size() < 4 * count) return AURORA_ERROR(kCorruption, "string lengths truncated");
  const char* lens = in.data();
  const char* chars = in.data() + 4 * count;
  size_t avail = in.size() - 4 * count;
  out->offsets.resize(count);
  uint64_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    uint32_t len;
    std::memcpy(&len, lens + 4 * i, 4);
    pos += len;
    out->offsets[i] = pos;
  }
  if (pos != avail) return AURORA_ERROR(kCorruption, "string bytes do not match their lengths");
  out->chars.assign(chars, avail);
  out->SetSizeUnsafe(count);
  return Status::OK();
}

// Per-column encoding state for one part.
struct ColumnEncoder {
  const ColumnDef* def = nullptr;
  const Column* col = nullptr;
  bool dictionary = false;
  std::shared_ptr<Column> dict;  // sorted values
  std::vector<uint32_t> codes;   // per row, into dict
  int bits = 1;
};

void BuildDictionary(ColumnEncoder& e, size_t rows) {
  std::vector<uint32_t> first(rows);  // a provisional code per row
  std::vector<std::string_view> values;
  if (e.col->layout().kind == ColumnLayout::Kind::kDictionary) {
    // Already dictionary codes: keep only the values in use, without hashing any row.
    const Column& src = *e.col->dictionary();
    std::vector<uint32_t> seen(src.size(), UINT32_MAX);
    const uint32_t* codes = e.col->Codes();
    for (size_t i = 0; i < rows; ++i) {
      uint32_t& slot = seen[codes[i]];
      if (slot == UINT32_MAX) {
        slot = static_cast<uint32_t>(values.size());
        values.push_back(src.StringAt(codes[i]));
      }
      first[i] = slot;
    }
  } else {
    absl::flat_hash_map<std::string_view, uint32_t> index;
    for (size_t i = 0; i < rows; ++i) {
      auto [it, ins] = index.try_emplace(e.col->StringAt(i), static_cast<uint32_t>(values.size()));
      if (ins) values.push_back(it->first);
      first[i] = it->second;
    }
  }
  // Sorted dictionary: code order is value order.
  std::vector<uint32_t> order(values.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
  std::vector<uint32_t> remap(values.size());
  e.dict = std::make_shared<Column>(DataType::Make(TypeId::kString));
  for (uint32_t i = 0; i < order.size(); ++i) {
    remap[order[i]] = i;
    e.dict->AppendString(values[order[i]]);
  }
  e.codes.resize(rows);
  for (size_t i = 0; i < rows; ++i) e.codes[i] = remap[first[i]];
  e.bits = BitsForDictionary(values.size());
}

bool ShouldAutoDictionary(const Column& c, size_t rows, uint32_t max_distinct) {
  if (rows == 0 || max_distinct == 0) return false;
  size_t limit = std::min<size_t>(max_distinct, rows / 4);
  absl::flat_hash_map<std::string_view, bool> seen;
  for (size_t i = 0; i < rows; ++i) {
    seen.emplace(c.StringAt(i), true);
    if (seen.size() > limit) return false;
  }
  return true;
}

template <typename T>
void FixedMinMax(const Column& c, size_t begin, size_t count, bool* any, T* mn, T* mx, uint32_t* nulls,
                 bool* nan) {
  const T* v = c.Data<T>();
  const bool has_nulls = !c.nulls.empty();
  for (size_t i = begin; i < begin + count; ++i) {
    if (has_nulls && c.nulls[i]) {
      ++*nulls;
      continue;
    }
    T x = v[i];
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) {
        *nan = true;
        continue;
      }
    }
    if (!*any) {
      *mn = *mx = x;
      *any = true;
    } else {
      *mn = std::min(*mn, x);
      *mx = std::max(*mx, x);
    }
  }
}

template <typename T>
Value ToValue(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<double>(x);
  else if constexpr (std::is_same_v<T, uint64_t>)
    return x;
  else
    return static_cast<int64_t>(x);
}

// Min/max of rows [begin, begin+count), ignoring NULLs. Returns false when no valid stats exist (long
// strings, NaN); both are NULL when every row is NULL. `codes` (dictionary-encoded columns) are indexes
// into the sorted `dict`, so their min/max give the values' min/max.
bool GranuleStats(const Column& c, const uint32_t* codes, const Column* dict, size_t begin, size_t count,
                  Value* mn, Value* mx, uint32_t* nulls) {
  *nulls = 0;
  *mn = std::monostate{};
  *mx = std::monostate{};
  bool any = false, nan = false;
  const ColumnLayout& l = c.layout();
  if (codes) {
    uint32_t lo = 0, hi = 0;
    for (size_t i = begin; i < begin + count; ++i) {
      if (c.IsNull(i)) {
        ++*nulls;
        continue;
      }
      if (!any) {
        lo = hi = codes[i];
        any = true;
      } else {
        lo = std::min(lo, codes[i]);
        hi = std::max(hi, codes[i]);
      }
    }
    if (!any) return true;
    if (dict->StringAt(lo).size() > kMaxStatString || dict->StringAt(hi).size() > kMaxStatString)
      return false;
    *mn = std::string(dict->StringAt(lo));
    *mx = std::string(dict->StringAt(hi));
    return true;
  }
  if (l.kind == ColumnLayout::Kind::kFixed) {
    auto run = [&](auto tag) {
      using T = decltype(tag);
      T lo{}, hi{};
      FixedMinMax<T>(c, begin, count, &any, &lo, &hi, nulls, &nan);
      if (any) {
        *mn = ToValue(lo);
        *mx = ToValue(hi);
      }
    };
    switch (l.value_id) {
      case TypeId::kBool:
      case TypeId::kUInt8:
        run(uint8_t{});
        break;
      case TypeId::kInt8:
        run(int8_t{});
        break;
      case TypeId::kInt16:
        run(int16_t{});
        break;
      case TypeId::kUInt16:
      case TypeId::kDate:
        run(uint16_t{});
        break;
      case TypeId::kInt32:
        run(int32_t{});
        break;
      case TypeId::kUInt32:
      case TypeId::kDateTime:
        run(uint32_t{});
        break;
      case TypeId::kInt64:
      case TypeId::kDateTime64:
        run(int64_t{});
        break;
      case TypeId::kUInt64:
        run(uint64_t{});
        break;
      case TypeId::kFloat32:
        run(float{});
        break;
      case TypeId::kFloat64:
        run(double{});
        break;
      default:
        return false;
    }
    if (nan) {
      *mn = std::monostate{};
      *mx = std::monostate{};
      return false;
    }
    return true;
  }
  std::string_view lo, hi;
  for (size_t i = begin; i < begin + count; ++i) {
    if (c.IsNull(i)) {
      ++*nulls;
      continue;
    }
    std::string_view s = c.StringAt(i);
    if (s.size() > kMaxStatString) return false;
    if (!any) {
      lo = hi = s;
      any = true;
    } else if (s < lo) {
      lo = s;
    } else if (s > hi) {
      hi = s;
    }
  }
  if (any) {
    *mn = std::string(lo);
    *mx = std::string(hi);
  }
  return true;
}

Status Invalid(const std::string& path, std::string_view what) {
  return AURORA_ERROR(kCorruption, "part '{}': {}", path, what);
}

}  // namespace

DataTypePtr PartColumn::ReadType() const {
  if (!dictionary || type->IsLowCardinality()) return type;
  return DataType::LowCardinality(type);
}

Result<PartWriteResult> WritePart(FileSystem& fs, const std::string& path, const TableSchema& schema,
                                  const Chunk& rows, const PartMeta& meta) {
  const size_t n = rows.num_rows;
  const uint32_t granule = schema.settings.granule_rows;
  const size_t ngranules = (n + granule - 1) / granule;
  AURORA_CHECK(rows.columns.size() == schema.columns.size());

  std::string tmp = path + ".tmp";
  AURORA_ASSIGN_OR_RETURN(auto file, fs.NewWritableFile(tmp));
  uint64_t offset = 0;
  auto write = [&](std::string_view bytes) -> Status {
    AURORA_RETURN_IF_ERROR(file->Append(bytes));
    offset += bytes.size();
    return Status::OK();
  };
  AURORA_RETURN_IF_ERROR(write(std::string_view(kPartMagic, 8)));

  std::string footer;
  BufferWriter fw(&footer);
  fw.PutFixed<uint32_t>(kPartFormatVersion);
  fw.PutVarint(meta.id);
  fw.PutVarint(meta.level);
  fw.PutSignedVarint(meta.partition);
  fw.PutVarint(n);
  fw.PutVarint(ngranules);
  for (size_t g = 0; g < ngranules; ++g) fw.PutVarint(std::min<size_t>(granule, n - g * granule));
  fw.PutVarint(schema.columns.size());

  std::string raw, encoded, nulls_encoded, block;
  const CodecSpec nulls_codec = CodecSpec::Default();
  for (size_t ci = 0; ci < schema.columns.size(); ++ci) {
    ColumnEncoder e;
    e.def = &schema.columns[ci];
    e.col = rows.columns[ci].get();
    const Column& col = *e.col;
    AURORA_CHECK(rows.names[ci] == e.def->name && col.size() == n);
    const ColumnLayout& layout = col.layout();
    CodecSpec codec = schema.CodecFor(ci);
    // Bit-packed codes and strings are not fixed-width values: only the compressor applies to them.
    CodecSpec compressor_only;
    for (const auto& step : codec.steps)
      if (step.kind != CodecKind::kDelta && step.kind != CodecKind::kDoubleDelta)
        compressor_only.steps.push_back(step);
    if (layout.kind == ColumnLayout::Kind::kDictionary ||
        (layout.kind == ColumnLayout::Kind::kString &&
         ShouldAutoDictionary(col, n, schema.settings.auto_dictionary_max))) {
      e.dictionary = true;
      BuildDictionary(e, n);
    }
    fw.PutString(e.def->name);
    fw.PutString(e.def->type->Name());
    fw.PutFixed<uint8_t>(e.dictionary ? 1 : 0);

    uint64_t compressed = 0, uncompressed = 0;
    if (e.dictionary) {
      raw.clear();
      PutStrings(*e.dict, 0, e.dict->size(), &raw);
      AURORA_RETURN_IF_ERROR(EncodeBlock(CodecSpec{{{CodecKind::kZSTD, 1}}}, 0, raw, &block));
      BlockRef ref{offset, static_cast<uint32_t>(block.size()), Hash64(block)};
      AURORA_RETURN_IF_ERROR(write(block));
      PutBlockRef(fw, ref);
      fw.PutVarint(e.dict->size());
      fw.PutFixed<uint8_t>(static_cast<uint8_t>(e.bits));
      compressed += block.size();
    }

    Value part_min, part_max;
    bool part_any = false, part_stats = true;
    for (size_t g = 0; g < ngranules; ++g) {
      size_t begin = g * granule;
      size_t count = std::min<size_t>(granule, n - begin);
      // Block: u8 flags, [varint nulls size, nulls block], values block.
      block.clear();
      uint32_t null_count = 0;
      Value mn, mx;
      bool has_stats = GranuleStats(col, e.dictionary ? e.codes.data() : nullptr, e.dict.get(), begin, count,
                                    &mn, &mx, &null_count);
      bool has_nulls = null_count > 0;
      block.push_back(static_cast<char>(has_nulls ? 1 : 0));
      if (has_nulls) {
        AURORA_RETURN_IF_ERROR(EncodeBlock(
            nulls_codec, 1, std::string_view(reinterpret_cast<const char*>(col.nulls.data() + begin), count),
            &nulls_encoded));
        BufferWriter bw(&block);
        bw.PutVarint(nulls_encoded.size());
        block.append(nulls_encoded);
      }
      raw.clear();
      int width = 0;
      if (e.dictionary) {
        PackBits(e.codes.data() + begin, count, e.bits, &raw);
      } else if (layout.kind == ColumnLayout::Kind::kFixed) {
        raw.assign(reinterpret_cast<const char*>(col.data.data() + begin * layout.width),
                   count * layout.width);
        width = layout.width;
      } else {
        PutStrings(col, begin, count, &raw);
      }
      uncompressed += raw.size();
      AURORA_RETURN_IF_ERROR(EncodeBlock(width ? codec : compressor_only, width, raw, &encoded));
      block.append(encoded);
      BlockRef ref{offset, static_cast<uint32_t>(block.size()), Hash64(block)};
      AURORA_RETURN_IF_ERROR(write(block));
      compressed += block.size();
      PutBlockRef(fw, ref);
      fw.PutFixed<uint8_t>(has_stats ? 1 : 0);
      PutValue(fw, mn);
      PutValue(fw, mx);
      fw.PutVarint(null_count);
      if (!has_stats) {
        part_stats = false;
      } else if (!IsNull(mn)) {
        if (!part_any || CompareValues(mn, part_min) < 0) part_min = mn;
        if (!part_any || CompareValues(mx, part_max) > 0) part_max = mx;
        part_any = true;
      }
    }
    fw.PutFixed<uint8_t>(part_stats ? 1 : 0);
    PutValue(fw, part_stats ? part_min : Value{});
    PutValue(fw, part_stats ? part_max : Value{});
    fw.PutVarint(compressed);
    fw.PutVarint(uncompressed);
  }

  // Primary index.
  std::vector<int> key_idx;
  for (const auto& k : schema.order_by) key_idx.push_back(rows.IndexOf(k));
  fw.PutVarint(key_idx.size());
  for (size_t k = 0; k < key_idx.size(); ++k) fw.PutString(schema.order_by[k]);
  for (size_t g = 0; g < ngranules; ++g)
    for (int k : key_idx) PutValue(fw, rows.columns[k]->ValueAt(g * granule));

  std::string tail;
  BufferWriter tw(&tail);
  tw.PutFixed<uint64_t>(footer.size());
  tw.PutFixed<uint64_t>(Hash64(footer));
  tw.PutBytes(kPartEndMagic, 8);
  AURORA_RETURN_IF_ERROR(write(footer));
  AURORA_RETURN_IF_ERROR(write(tail));
  AURORA_RETURN_IF_ERROR(file->Sync());
  AURORA_RETURN_IF_ERROR(file->Close());
  AURORA_RETURN_IF_ERROR(fs.Rename(tmp, path));
  return PartWriteResult{n, offset};
}

Result<std::shared_ptr<Part>> Part::Open(FileSystem& fs, const std::string& path) {
  std::shared_ptr<Part> part(new Part());
  part->path_ = path;
  AURORA_ASSIGN_OR_RETURN(part->file_, fs.NewRandomAccessFile(path));
  const uint64_t size = part->file_->Size();
  part->file_bytes_ = size;
  if (size < 8 + 24) return Invalid(path, "file too short");
  char tail[24];
  AURORA_RETURN_IF_ERROR(part->file_->Read(size - 24, 24, tail));
  if (std::memcmp(tail + 16, kPartEndMagic, 8) != 0)
    return Invalid(path, "missing end marker (unfinished write?)");
  uint64_t footer_size, footer_sum;
  std::memcpy(&footer_size, tail, 8);
  std::memcpy(&footer_sum, tail + 8, 8);
  if (footer_size > size - 32) return Invalid(path, "footer size out of range");
  std::string footer(footer_size, '\0');
  const uint64_t footer_offset = size - 24 - footer_size;
  AURORA_RETURN_IF_ERROR(part->file_->Read(footer_offset, footer_size, footer.data()));
  if (Hash64(footer) != footer_sum)
    return AURORA_ERROR(kCorruption, "part '{}': footer checksum mismatch at offset {}", path, footer_offset);

  BufferReader r(footer);
  uint32_t version;
  uint64_t id, level, rows, ngranules, ncols;
  int64_t partition;
  if (!r.GetFixed(&version) || version != kPartFormatVersion) return Invalid(path, "unknown format version");
  if (!r.GetVarint(&id) || !r.GetVarint(&level) || !r.GetSignedVarint(&partition) || !r.GetVarint(&rows) ||
      !r.GetVarint(&ngranules) || ngranules > rows + 1)
    return Invalid(path, "bad header");
  part->meta_ = PartMeta{id, static_cast<uint32_t>(level), partition};
  part->num_rows_ = rows;
  uint64_t start = 0;
  for (uint64_t g = 0; g < ngranules; ++g) {
    uint64_t gr;
    if (!r.GetVarint(&gr) || gr > UINT32_MAX) return Invalid(path, "bad granule sizes");
    part->granule_rows_.push_back(static_cast<uint32_t>(gr));
    part->granule_start_.push_back(start);
    start += gr;
  }
  if (start != rows) return Invalid(path, "granule sizes do not add up to the row count");
  if (!r.GetVarint(&ncols) || ncols > 100000) return Invalid(path, "bad column count");
  for (uint64_t c = 0; c < ncols; ++c) {
    PartColumn pc;
    std::string type_name;
    uint8_t dict;
    if (!r.GetString(&pc.name) || !r.GetString(&type_name) || !r.GetFixed(&dict))
      return Invalid(path, "bad column header");
    auto type = ParseDataType(type_name);
    if (!type.ok()) return Invalid(path, type.status().message());
    pc.type = *type;
    pc.dictionary = dict != 0;
    uint64_t dict_size = 0;
    uint8_t bits = 0;
    if (pc.dictionary) {
      if (!GetBlockRef(r, &pc.dict_block) || !r.GetVarint(&dict_size) || !r.GetFixed(&bits))
        return Invalid(path, "bad dictionary header");
    }
    for (uint64_t g = 0; g < ngranules; ++g) {
      BlockRef ref;
      uint8_t has_stats;
      Value mn, mx;
      uint64_t nulls;
      if (!GetBlockRef(r, &ref) || !r.GetFixed(&has_stats) || !GetValue(r, &mn) || !GetValue(r, &mx) ||
          !r.GetVarint(&nulls) || ref.offset + ref.size > footer_offset)
        return Invalid(path, fmt::format("bad block index of column '{}'", pc.name));
      pc.blocks.push_back(ref);
      pc.has_stats.push_back(has_stats);
      pc.mins.push_back(std::move(mn));
      pc.maxs.push_back(std::move(mx));
      pc.null_counts.push_back(static_cast<uint32_t>(nulls));
    }
    uint8_t part_stats;
    uint64_t compressed, uncompressed;
    if (!r.GetFixed(&part_stats) || !GetValue(r, &pc.part_min) || !GetValue(r, &pc.part_max) ||
        !r.GetVarint(&compressed) || !r.GetVarint(&uncompressed))
      return Invalid(path, "bad column statistics");
    pc.part_has_stats = part_stats != 0;
    pc.compressed_bytes = compressed;
    pc.uncompressed_bytes = uncompressed;
    if (pc.dictionary) {
      std::string payload;
      AURORA_RETURN_IF_ERROR(
          part->ReadBlock(pc.dict_block, &payload, "dictionary of column '" + pc.name + "'"));
      auto d = std::make_shared<Column>(DataType::Make(TypeId::kString));
      Status st = GetStrings(payload, dict_size, d.get());
      if (!st.ok()) return st.WithContext(fmt::format("part '{}' dictionary of column '{}'", path, pc.name));
      pc.dict = std::move(d);
      (void)bits;
    }
    part->columns_.push_back(std::move(pc));
  }
  uint64_t nkeys;
  if (!r.GetVarint(&nkeys) || nkeys > ncols) return Invalid(path, "bad primary index");
  for (uint64_t k = 0; k < nkeys; ++k) {
    std::string name;
    if (!r.GetString(&name)) return Invalid(path, "bad primary index");
    part->key_columns_.push_back(std::move(name));
  }
  for (uint64_t g = 0; g < ngranules; ++g) {
    std::vector<Value> key(nkeys);
    for (auto& v : key)
      if (!GetValue(r, &v)) return Invalid(path, "bad primary index");
    part->primary_index_.push_back(std::move(key));
  }
  if (!r.done()) return Invalid(path, "trailing bytes in the footer");
  return part;
}

int Part::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

Status Part::ReadBlock(const BlockRef& ref, std::string* out, std::string_view what) const {
  std::string block(ref.size, '\0');
  AURORA_RETURN_IF_ERROR(file_->Read(ref.offset, ref.size, block.data()));
  if (Hash64(block) != ref.checksum)
    return AURORA_ERROR(kCorruption, "checksum mismatch in part '{}' at offset {} ({} bytes, {})", path_,
                        ref.offset, ref.size, what);
  Status st = DecodeBlock(block, out);
  if (!st.ok()) return st.WithContext(fmt::format("part '{}' at offset {} ({})", path_, ref.offset, what));
  return Status::OK();
}

Result<ColumnPtr> Part::ReadColumn(size_t ci, size_t g) const {
  const PartColumn& pc = columns_[ci];
  const BlockRef& ref = pc.blocks[g];
  const size_t count = granule_rows_[g];
  std::string block(ref.size, '\0');
  AURORA_RETURN_IF_ERROR(file_->Read(ref.offset, ref.size, block.data()));
  if (Hash64(block) != ref.checksum)
    return AURORA_ERROR(kCorruption,
                        "checksum mismatch in part '{}' at offset {} ({} bytes, column '{}', granule {})",
                        path_, ref.offset, ref.size, pc.name, g);
  auto where = [&] {
    return fmt::format("part '{}' at offset {} (column '{}', granule {})", path_, ref.offset, pc.name, g);
  };
  BufferReader r(block);
  uint8_t flags;
  if (!r.GetFixed(&flags)) return AURORA_ERROR(kCorruption, "{}: empty block", where());
  auto col = std::make_shared<Column>(pc.ReadType());
  std::string payload;
  if (flags & 1) {
    std::string_view nulls_block;
    uint64_t nsize;
    if (!r.GetVarint(&nsize) || !r.GetBytes(nsize, &nulls_block))
      return AURORA_ERROR(kCorruption, "{}: bad null map", where());
    Status st = DecodeBlock(nulls_block, &payload);
    if (!st.ok() || payload.size() != count) return AURORA_ERROR(kCorruption, "{}: bad null map", where());
    col->nulls.assign(reinterpret_cast<const uint8_t*>(payload.data()), count);
  }
  std::string_view values;
  if (!r.GetBytes(r.remaining(), &values)) return AURORA_ERROR(kCorruption, "{}: truncated", where());
  Status st = DecodeBlock(values, &payload);
  if (!st.ok()) return st.WithContext(where());
  const ColumnLayout& l = col->layout();
  if (pc.dictionary) {
    col->SetDictionary(pc.dict);
    col->data.resize(count * 4);
    int bits = BitsForDictionary(pc.dict->size());
    AURORA_RETURN_IF_ERROR(UnpackBits(payload, count, bits, col->MutableData<uint32_t>()));
    const uint32_t* codes = col->Codes();
    for (size_t i = 0; i < count; ++i)
      if (codes[i] >= pc.dict->size())
        return AURORA_ERROR(kCorruption, "{}: dictionary code out of range", where());
    col->SetSizeUnsafe(count);
  } else if (l.kind == ColumnLayout::Kind::kFixed) {
    if (payload.size() != count * l.width) return AURORA_ERROR(kCorruption, "{}: wrong value count", where());
    col->data.assign(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
    col->SetSizeUnsafe(count);
  } else {
    st = GetStrings(payload, count, col.get());
    if (!st.ok()) return st.WithContext(where());
  }
  return ColumnPtr(col);
}

}  // namespace aurora::storage
