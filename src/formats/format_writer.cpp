#include "formats/format_writer.h"

#include "types/text_format.h"

namespace aurora::formats {

namespace {

// How a column's values are written where formats differ: quoted or not, and JSON's special cases.
enum class Style : uint8_t {
  kNumber,  // integers up to 32 bits
  kInt64,   // 64-bit integers: quoted in JSON
  kFloat,   // nan and inf are null in JSON
  kBool,
  kString,
  kTime,  // Date, DateTime, DateTime64: quoted in CSV and JSON
};

Style StyleOf(const DataType& type) {
  switch (type.Base().id()) {
    case TypeId::kInt64:
    case TypeId::kUInt64:
      return Style::kInt64;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return Style::kFloat;
    case TypeId::kBool:
      return Style::kBool;
    case TypeId::kString:
      return Style::kString;
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kDateTime64:
      return Style::kTime;
    default:
      return Style::kNumber;
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not one.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

class ValueWriter {
 public:
  explicit ValueWriter(const std::vector<DataTypePtr>& types) {
    for (const auto& t : types) styles_.push_back(StyleOf(*t));
  }

  void Tsv(const Column& c, size_t row, std::string* out) const {
    if (c.IsNull(row)) {
      out->append("\\N");
    } else if (c.layout().value_id == TypeId::kString) {
      AppendTsvEscaped(c.StringAt(row), out);
    } else {
      FormatText(c, row, out);
    }
  }

  void Csv(const Column& c, size_t col, size_t row, std::string* out) const {
    if (c.IsNull(row)) {
      out->append("\\N");
    } else if (c.layout().value_id == TypeId::kString) {
      AppendCsvQuoted(c.StringAt(row), out);
    } else if (styles_[col] == Style::kTime) {
      out->push_back('"');
      FormatText(c, row, out);
      out->push_back('"');
    } else {
      FormatText(c, row, out);
    }
  }

  void Json(const Column& c, size_t col, size_t row, std::string* out) {
    if (c.IsNull(row)) {
      out->append("null");
      return;
    }
    switch (styles_[col]) {
      case Style::kString:
        AppendJsonString(c.StringAt(row), out);
        return;
      case Style::kInt64:
      case Style::kTime:
        out->push_back('"');
        FormatText(c, row, out);
        out->push_back('"');
        return;
      case Style::kFloat: {
        size_t at = out->size();
        FormatText(c, row, out);
        std::string_view text(out->data() + at, out->size() - at);
        if (text == "nan" || text == "inf" || text == "-inf") {
          out->resize(at);
          out->append("null");
        }
        return;
      }
      default:
        FormatText(c, row, out);
        return;
    }
  }

 private:
  std::vector<Style> styles_;
};

class TsvWriter final : public FormatWriter {
 public:
  TsvWriter(std::vector<std::string> names, std::vector<DataTypePtr> types, bool with_names, bool with_types)
      : FormatWriter(std::move(names), std::move(types)),
        values_(types_),
        with_names_(with_names),
        with_types_(with_types) {}

  void WritePrefix(std::string* out) override {
    if (with_names_) WriteLine(names_, out);
    if (with_types_) {
      std::vector<std::string> types;
      for (const auto& t : types_) types.push_back(t->Name());
      WriteLine(types, out);
    }
  }
  void WriteChunk(const Chunk& chunk, std::string* out) override {
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        if (c) out->push_back('\t');
        values_.Tsv(*chunk.columns[c], r, out);
      }
      out->push_back('\n');
    }
    rows_ += chunk.num_rows;
  }
  void WriteSuffix(const OutputStatistics&, std::string*) override {}

 private:
  static void WriteLine(const std::vector<std::string>& fields, std::string* out) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out->push_back('\t');
      AppendTsvEscaped(fields[i], out);
    }
    out->push_back('\n');
  }

  ValueWriter values_;
  bool with_names_, with_types_;
};

class CsvWriter final : public FormatWriter {
 public:
  CsvWriter(std::vector<std::string> names, std::vector<DataTypePtr> types, bool with_names)
      : FormatWriter(std::move(names), std::move(types)), values_(types_), with_names_(with_names) {}

  void WritePrefix(std::string* out) override {
    if (!with_names_) return;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (i) out->push_back(',');
      AppendCsvQuoted(names_[i], out);
    }
    out->push_back('\n');
  }
  void WriteChunk(const Chunk& chunk, std::string* out) override {
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        if (c) out->push_back(',');
        values_.Csv(*chunk.columns[c], c, r, out);
      }
      out->push_back('\n');
    }
    rows_ += chunk.num_rows;
  }
  void WriteSuffix(const OutputStatistics&, std::string*) override {}

 private:
  ValueWriter values_;
  bool with_names_;
};

class JsonEachRowWriter final : public FormatWriter {
 public:
  JsonEachRowWriter(std::vector<std::string> names, std::vector<DataTypePtr> types)
      : FormatWriter(std::move(names), std::move(types)), values_(types_) {
    for (const auto& n : names_) {
      std::string key;
      AppendJsonString(n, &key);
      keys_.push_back(key + ":");
    }
  }

  void WritePrefix(std::string*) override {}
  void WriteChunk(const Chunk& chunk, std::string* out) override {
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      out->push_back('{');
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        if (c) out->push_back(',');
        out->append(keys_[c]);
        values_.Json(*chunk.columns[c], c, r, out);
      }
      out->append("}\n");
    }
    rows_ += chunk.num_rows;
  }
  void WriteSuffix(const OutputStatistics&, std::string*) override {}

 private:
  ValueWriter values_;
  std::vector<std::string> keys_;  // "name":
};

// ClickHouse's JSON and JSONCompact layout: tab-indented, a blank line between the sections.
class JsonWriter final : public FormatWriter {
 public:
  JsonWriter(std::vector<std::string> names, std::vector<DataTypePtr> types, bool compact)
      : FormatWriter(std::move(names), std::move(types)), values_(types_), compact_(compact) {
    for (const auto& n : names_) {
      std::string key = "\t\t\t";
      AppendJsonString(n, &key);
      keys_.push_back(key + ": ");
    }
  }

  void WritePrefix(std::string* out) override {
    out->append("{\n\t\"meta\":\n\t[");
    for (size_t i = 0; i < names_.size(); ++i) {
      out->append(i ? ",\n" : "\n");
      out->append("\t\t{\n\t\t\t\"name\": ");
      AppendJsonString(names_[i], out);
      out->append(",\n\t\t\t\"type\": ");
      AppendJsonString(types_[i]->Name(), out);
      out->append("\n\t\t}");
    }
    out->append("\n\t],\n\n\t\"data\":\n\t[\n");
  }
  void WriteChunk(const Chunk& chunk, std::string* out) override {
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      if (rows_ + r > 0) out->append(",\n");
      if (compact_) {
        out->append("\t\t[");
        for (size_t c = 0; c < chunk.columns.size(); ++c) {
          if (c) out->append(", ");
          values_.Json(*chunk.columns[c], c, r, out);
        }
        out->push_back(']');
      } else {
        out->append("\t\t{\n");
        for (size_t c = 0; c < chunk.columns.size(); ++c) {
          if (c) out->append(",\n");
          out->append(keys_[c]);
          values_.Json(*chunk.columns[c], c, r, out);
        }
        out->append("\n\t\t}");
      }
    }
    rows_ += chunk.num_rows;
  }
  void WriteSuffix(const OutputStatistics& stats, std::string* out) override {
    fmt::format_to(
        std::back_inserter(*out),
        "\n\t],\n\n\t\"rows\": {},\n\n\t\"statistics\":\n\t{{\n\t\t\"elapsed\": {},\n\t\t\"rows_read\": "
        "{},\n\t\t\"bytes_read\": {}\n\t}}\n}}\n",
        rows_, stats.elapsed_seconds, stats.rows_read, stats.bytes_read);
  }

 private:
  ValueWriter values_;
  bool compact_;
  std::vector<std::string> keys_;  // \t\t\t"name":<space>
};

}  // namespace

Result<std::unique_ptr<FormatWriter>> FormatWriter::Make(Format format, std::vector<std::string> names,
                                                         std::vector<DataTypePtr> types) {
  if (names.size() != types.size())
    return AURORA_ERROR(kInvalidArgument, "{} column names for {} types", names.size(), types.size());
  for (const auto& t : types)
    if (!t) return AURORA_ERROR(kInvalidArgument, "a result column has no type");
  switch (format) {
    case Format::kTabSeparated:
    case Format::kTabSeparatedWithNames:
    case Format::kTabSeparatedWithNamesAndTypes:
      return std::unique_ptr<FormatWriter>(new TsvWriter(std::move(names), std::move(types),
                                                         format != Format::kTabSeparated,
                                                         format == Format::kTabSeparatedWithNamesAndTypes));
    case Format::kCSV:
    case Format::kCSVWithNames:
      return std::unique_ptr<FormatWriter>(
          new CsvWriter(std::move(names), std::move(types), format == Format::kCSVWithNames));
    case Format::kJSONEachRow:
      return std::unique_ptr<FormatWriter>(new JsonEachRowWriter(std::move(names), std::move(types)));
    case Format::kJSON:
    case Format::kJSONCompact:
      return std::unique_ptr<FormatWriter>(
          new JsonWriter(std::move(names), std::move(types), format == Format::kJSONCompact));
  }
  return AURORA_ERROR(kInternal, "unhandled output format");
}

Result<std::string> WriteRows(std::string_view format, const std::vector<std::string>& names,
                              const std::vector<DataTypePtr>& types, const std::vector<Chunk>& chunks,
                              const OutputStatistics& stats) {
  AURORA_ASSIGN_OR_RETURN(Format f, OutputFormat(format));
  AURORA_ASSIGN_OR_RETURN(auto writer, FormatWriter::Make(f, names, types));
  std::string out;
  writer->WritePrefix(&out);
  for (const auto& c : chunks) writer->WriteChunk(c, &out);
  writer->WriteSuffix(stats, &out);
  return out;
}

std::string_view ContentType(Format format) {
  switch (format) {
    case Format::kTabSeparated:
    case Format::kTabSeparatedWithNames:
    case Format::kTabSeparatedWithNamesAndTypes:
      return "text/tab-separated-values; charset=UTF-8";
    case Format::kCSV:
      return "text/csv; charset=UTF-8; header=absent";
    case Format::kCSVWithNames:
      return "text/csv; charset=UTF-8; header=present";
    case Format::kJSONEachRow:
      return "application/x-ndjson; charset=UTF-8";
    case Format::kJSON:
    case Format::kJSONCompact:
      return "application/json; charset=UTF-8";
  }
  return "text/plain; charset=UTF-8";
}

void AppendTsvEscaped(std::string_view s, std::string* out) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    char e;
    switch (s[i]) {
      case '\t':
        e = 't';
        break;
      case '\n':
        e = 'n';
        break;
      case '\r':
        e = 'r';
        break;
      case '\\':
        e = '\\';
        break;
      case '\'':
        e = '\'';
        break;
      case '\b':
        e = 'b';
        break;
      case '\f':
        e = 'f';
        break;
      case '\0':
        e = '0';
        break;
      default:
        continue;
    }
    out->append(s.data() + run, i - run);
    out->push_back('\\');
    out->push_back(e);
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
}

void AppendCsvQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"') continue;
    out->append(s.data() + run, i + 1 - run);
    out->push_back('"');
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  auto flush = [&](size_t i) { out->append(s.data() + run, i - run); };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '/') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8Length(s, i);
      if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
          (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        // U+2028 and U+2029 are valid JSON but end lines in JavaScript.
        flush(i);
        out->append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
        i += 3;
        run = i;
      } else if (n == 0) {
        flush(i);
        out->append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not UTF-8
        run = ++i;
      } else {
        i += n;
      }
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '/':
        out->append("\\/");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
        break;
    }
    run = ++i;
  }
  flush(s.size());
  out->push_back('"');
}

}  // namespace aurora::formats
