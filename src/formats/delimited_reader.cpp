#include "formats/delimited_reader.h"

#include <cstring>

#include "common/strings.h"
#include "formats/field_converter.h"

namespace aurora::formats {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class DelimitedReader final : public FormatReader {
 public:
  DelimitedReader(Format format, std::vector<InputColumn> columns, ReadOptions options)
      : FormatReader(std::move(columns), options),
        csv_(format == Format::kCSV || format == Format::kCSVWithNames),
        with_names_(format == Format::kCSVWithNames || format == Format::kTabSeparatedWithNames) {}

 protected:
  Status ReadRows(std::string_view data) override;

 private:
  // One field of a row as it is in the input.
  struct Field {
    size_t begin, end;  // the text between the quotes for a quoted CSV field
    uint64_t line;      // where the field starts (its opening quote, if quoted)
    size_t column;
    bool quoted;   // CSV: in double quotes
    bool escaped;  // has "" (CSV) or backslash escapes (TSV) to decode
  };

  // Splits the row at `pos` into fields_; sets *next to the start of the next row and *row_end to the end
  // of this row's text. False on a framing error (a quote that does not close, text after a closing
  // quote), with *next at the line after the error.
  bool FrameRow(std::string_view data, size_t pos, size_t* row_end, size_t* next, RowError* error);
  bool FrameCsv(std::string_view data, size_t pos, size_t* row_end, size_t* next, RowError* error);
  bool FrameTsv(std::string_view data, size_t pos, size_t* row_end, size_t* next, RowError* error);
  // The text of a field after unquoting / unescaping (in scratch_ when it had to be decoded); false with a
  // message when a TSV escape is malformed.
  bool Decode(std::string_view data, const Field& f, std::string_view* text, std::string* error);
  bool IsNull(std::string_view data, const Field& f) const;
  // Appends the row in fields_ to the columns.
  bool ConvertRow(std::string_view data, RowError* error);
  Status ReadHeader(std::string_view data, size_t* pos);
  void NewLine(size_t at) {
    ++line_;
    line_begin_ = at + 1;
  }

  const bool csv_;
  const bool with_names_;
  std::vector<Field> fields_;
  std::vector<int> mapping_;   // target column of field i, -1 to skip it
  std::vector<int> unmapped_;  // target columns no field maps to (they take their defaults)
  std::string scratch_;
  uint64_t line_ = 1;
  size_t line_begin_ = 0;
};

bool DelimitedReader::FrameRow(std::string_view data, size_t pos, size_t* row_end, size_t* next,
                               RowError* error) {
  fields_.clear();
  return csv_ ? FrameCsv(data, pos, row_end, next, error) : FrameTsv(data, pos, row_end, next, error);
}

bool DelimitedReader::FrameCsv(std::string_view data, size_t pos, size_t* row_end, size_t* next,
                               RowError* error) {
  const size_t n = data.size();
  while (true) {
    size_t p = pos;
    while (p < n && (data[p] == ' ' || data[p] == '\t')) ++p;
    if (p < n && data[p] == '"') {
      Field f{p + 1, 0, line_, p - line_begin_ + 1, true, false};
      const uint64_t open_line = line_;
      const size_t open_line_begin = line_begin_;
      size_t q = p + 1;
      while (true) {
        const char* hit = static_cast<const char*>(std::memchr(data.data() + q, '"', n - q));
        size_t close = hit ? static_cast<size_t>(hit - data.data()) : n;
        for (size_t i = q; i < close; ++i) {
          const char* nl = static_cast<const char*>(std::memchr(data.data() + i, '\n', close - i));
          if (!nl) break;
          i = static_cast<size_t>(nl - data.data());
          NewLine(i);
        }
        if (!hit) {
          *error = RowError{f.line, f.column, -1, "the quoted field does not end (no closing '\"')"};
          // Go on after the line where the quote opened.
          line_ = open_line;
          line_begin_ = open_line_begin;
          size_t eol = data.find('\n', p);
          *row_end = eol == std::string_view::npos ? n : eol;
          *next = eol == std::string_view::npos ? n : eol + 1;
          if (eol != std::string_view::npos) NewLine(eol);
          return false;
        }
        if (close + 1 < n && data[close + 1] == '"') {
          f.escaped = true;
          q = close + 2;
          continue;
        }
        f.end = close;
        p = close + 1;
        break;
      }
      fields_.push_back(f);
      while (p < n && (data[p] == ' ' || data[p] == '\t')) ++p;
      if (p >= n) {
        *row_end = *next = n;
        return true;
      }
      if (data[p] == ',') {
        pos = p + 1;
        continue;
      }
      if (data[p] == '\n' || (data[p] == '\r' && p + 1 < n && data[p + 1] == '\n')) {
        *row_end = p;
        *next = p + (data[p] == '\r' ? 2 : 1);
        NewLine(*next - 1);
        return true;
      }
      *error = RowError{line_, p - line_begin_ + 1, -1,
                        fmt::format("expected ',' or a line break after the quoted field, found '{}'",
                                    Excerpt(data.substr(p, 1)))};
      size_t eol = data.find('\n', p);
      *row_end = eol == std::string_view::npos ? n : eol;
      *next = eol == std::string_view::npos ? n : eol + 1;
      if (eol != std::string_view::npos) NewLine(eol);
      return false;
    }
    // Unquoted: up to the next comma or line break, spaces and tabs around it trimmed.
    size_t e = p;
    while (e < n && data[e] != ',' && data[e] != '\n') ++e;
    size_t text_end = e;
    if (e < n && data[e] == '\n' && text_end > p && data[text_end - 1] == '\r') --text_end;
    while (text_end > p && (data[text_end - 1] == ' ' || data[text_end - 1] == '\t')) --text_end;
    fields_.push_back(Field{p, text_end, line_, p - line_begin_ + 1, false, false});
    if (e < n && data[e] == ',') {
      pos = e + 1;
      continue;
    }
    *row_end = e < n && e > pos && data[e - 1] == '\r' ? e - 1 : e;
    *next = e < n ? e + 1 : n;
    if (e < n) NewLine(e);
    return true;
  }
}

bool DelimitedReader::FrameTsv(std::string_view data, size_t pos, size_t* row_end, size_t* next,
                               RowError* error) {
  const size_t n = data.size();
  Field f{pos, 0, line_, pos - line_begin_ + 1, false, false};
  size_t p = pos;
  size_t escape_end = SIZE_MAX;  // end of the last escape sequence: a CR there is data, not a line end
  while (p < n) {
    char c = data[p];
    if (c == '\\') {
      if (p + 1 >= n) {
        *error = RowError{line_, p - line_begin_ + 1, -1, "backslash at the end of the input"};
        *row_end = *next = n;
        return false;
      }
      f.escaped = true;
      if (data[p + 1] == '\n') NewLine(p + 1);
      p += 2;
      escape_end = p;
    } else if (c == '\t') {
      f.end = p;
      fields_.push_back(f);
      ++p;
      f = Field{p, 0, line_, p - line_begin_ + 1, false, false};
    } else if (c == '\n') {
      break;
    } else {
      ++p;
    }
  }
  size_t end = p;
  if (end > f.begin && data[end - 1] == '\r' && escape_end != end) --end;  // CRLF
  f.end = end;
  fields_.push_back(f);
  *row_end = end;
  *next = p < n ? p + 1 : n;
  if (p < n) NewLine(p);
  return true;
}

bool DelimitedReader::IsNull(std::string_view data, const Field& f) const {
  if (f.quoted) return false;
  std::string_view raw = data.substr(f.begin, f.end - f.begin);
  return raw == "\\N" || (csv_ && raw == "NULL");
}

bool DelimitedReader::Decode(std::string_view data, const Field& f, std::string_view* text,
                             std::string* error) {
  std::string_view raw = data.substr(f.begin, f.end - f.begin);
  if (!f.escaped) {
    *text = raw;
    return true;
  }
  scratch_.clear();
  if (csv_) {
    for (size_t i = 0; i < raw.size(); ++i) {
      scratch_ += raw[i];
      if (raw[i] == '"') ++i;  // "" stands for "
    }
    *text = scratch_;
    return true;
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      scratch_ += c;
      continue;
    }
    char e = raw[++i];  // framing guarantees a character after a backslash
    switch (e) {
      case 't':
        scratch_ += '\t';
        break;
      case 'n':
        scratch_ += '\n';
        break;
      case 'r':
        scratch_ += '\r';
        break;
      case 'b':
        scratch_ += '\b';
        break;
      case 'f':
        scratch_ += '\f';
        break;
      case '0':
        scratch_ += '\0';
        break;
      case 'a':
        scratch_ += '\a';
        break;
      case 'v':
        scratch_ += '\v';
        break;
      case 'x': {
        int hi = i + 1 < raw.size() ? HexDigit(raw[i + 1]) : -1;
        int lo = i + 2 < raw.size() ? HexDigit(raw[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          *error =
              fmt::format("bad escape sequence in '{}' (\\x needs two hexadecimal digits)", Excerpt(raw));
          return false;
        }
        scratch_ += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      case 'N':
        *error = fmt::format("\\N (NULL) must be the whole field, found '{}'", Excerpt(raw));
        return false;
      default:
        scratch_ += e;  // \\ \' \" \<line break> and any other character stand for themselves
        break;
    }
  }
  *text = scratch_;
  return true;
}

bool DelimitedReader::ConvertRow(std::string_view data, RowError* error) {
  const size_t expected = with_names_ ? mapping_.size() : converters_.size();
  if (fields_.size() != expected) {
    const Field& at = fields_.size() > expected ? fields_[expected] : fields_.back();
    *error = RowError{
        at.line, fields_.size() > expected ? at.column : 0, -1,
        fmt::format("expected {} field{}, found {}", expected, expected == 1 ? "" : "s", fields_.size())};
    return false;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    const int target = with_names_ ? mapping_[i] : static_cast<int>(i);
    if (target < 0) continue;
    FieldConverter& conv = converters_[target];
    bool ok;
    if (IsNull(data, f) && (conv.nullable() || data.substr(f.begin, f.end - f.begin) == "\\N")) {
      ok = conv.AppendNull(&error->message);
    } else {
      std::string_view text;
      ok = Decode(data, f, &text, &error->message);
      if (ok) {
        // CSV: an empty field takes the column's default (ClickHouse's input_format_csv_empty_as_default).
        if (csv_ && text.empty() && (!f.quoted || conv.kind() != FieldConverter::Kind::kString)) {
          if (inputs_[target].required) {
            error->message = "the field is empty (a row must have a value)";
            ok = false;
          } else {
            conv.AppendDefault();
          }
        } else {
          ok = conv.AppendText(text, &error->message);
        }
      }
    }
    if (!ok) {
      error->line = f.line;
      error->column = f.column;
      error->field = target;
      return false;
    }
  }
  for (int t : unmapped_) {
    if (inputs_[t].required) {
      *error =
          RowError{fields_.front().line, 0, t, "the header does not name this field (a row must have it)"};
      return false;
    }
    converters_[t].AppendDefault();
  }
  return true;
}

Status DelimitedReader::ReadHeader(std::string_view data, size_t* pos) {
  mapping_.clear();
  unmapped_.clear();
  size_t row_end, next;
  RowError error;
  if (!FrameRow(data, *pos, &row_end, &next, &error)) {
    return Status(ErrorCode::kInvalidArgument, "header: " + FormatError(error));
  }
  std::vector<std::string> names;
  for (const auto& in : inputs_) names.push_back(in.name);
  std::vector<bool> mapped(inputs_.size(), false);
  for (const Field& f : fields_) {
    std::string_view name;
    if (!Decode(data, f, &name, &error.message)) {
      error.line = f.line, error.column = f.column;
      return Status(ErrorCode::kInvalidArgument, "header: " + FormatError(error));
    }
    int idx = ColumnIndex(name);
    if (idx >= 0 && mapped[idx]) {
      return AURORA_ERROR(kInvalidArgument, "header: line {}, column {}: column '{}' is named twice", f.line,
                          f.column, Excerpt(name));
    }
    if (idx < 0 && !options_.skip_unknown_fields) {
      return AURORA_ERROR(kInvalidArgument, "header: line {}, column {}: unknown column '{}'{}", f.line,
                          f.column, Excerpt(name), DidYouMean(name, names));
    }
    if (idx >= 0) mapped[idx] = true;
    mapping_.push_back(idx);
  }
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (!mapped[i]) unmapped_.push_back(static_cast<int>(i));
  *pos = next;
  return Status::OK();
}

Status DelimitedReader::ReadRows(std::string_view data) {
  line_ = 1;
  line_begin_ = 0;
  // Line breaks at the very end are not rows.
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.remove_suffix(1);
  size_t pos = 0;
  if (with_names_) {
    if (data.empty()) return Status::OK();
    AURORA_RETURN_IF_ERROR(ReadHeader(data, &pos));
  }
  RowError error;
  while (pos < data.size()) {
    const size_t row_begin = pos;
    const uint64_t first_line = line_;
    size_t row_end, next;
    bool ok = FrameRow(data, pos, &row_end, &next, &error) && ConvertRow(data, &error);
    if (ok) {
      ++num_rows_;
    } else if (!OnBadRow(error, first_line, data.substr(row_begin, row_end - row_begin))) {
      return Status::OK();
    }
    pos = next;
  }
  return Status::OK();
}

}  // namespace

std::unique_ptr<FormatReader> MakeDelimitedReader(Format format, std::vector<InputColumn> columns,
                                                  ReadOptions options) {
  return std::make_unique<DelimitedReader>(format, std::move(columns), options);
}

}  // namespace aurora::formats
