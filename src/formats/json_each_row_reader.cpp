#include "formats/json_each_row_reader.h"

#include <absl/container/flat_hash_map.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/strings.h"
#include "formats/field_converter.h"

namespace aurora::formats {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// End (one past the closing brace) of the JSON object that opens at data[begin], or npos when it does not
// close (before a line break, with `one_line`). Strings end at a raw line break (invalid JSON), so one bad
// quote cannot swallow the input.
size_t FindObjectEnd(std::string_view data, size_t begin, bool one_line) {
  int64_t depth = 0;
  for (size_t i = begin; i < data.size(); ++i) {
    char c = data[i];
    if (c == '"') {
      for (++i; i < data.size() && data[i] != '"'; ++i) {
        if (data[i] == '\n') return std::string_view::npos;
        if (data[i] == '\\') ++i;
      }
      if (i >= data.size()) return std::string_view::npos;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    } else if (c == '\n' && one_line) {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// One top-level field of an object as written: the key without its quotes (still escaped) and the value.
struct RawField {
  std::string_view key;
  size_t key_offset;  // of the opening quote
  std::string_view value;
  size_t value_offset;
};

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// End of the JSON string whose opening quote is at s[i] (one past the closing quote), or npos.
size_t StringEnd(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The top-level fields of the object text `s`, as far as they can be found; used only to say where an
// error is, so it is lenient.
std::vector<RawField> SplitFields(std::string_view s) {
  std::vector<RawField> out;
  size_t i = SkipSpace(s, 0);
  if (i >= s.size() || s[i] != '{') return out;
  i = SkipSpace(s, i + 1);
  while (i < s.size() && s[i] == '"') {
    RawField f;
    f.key_offset = i;
    size_t key_end = StringEnd(s, i);
    if (key_end == std::string_view::npos) break;
    f.key = s.substr(i + 1, key_end - i - 2);
    i = SkipSpace(s, key_end);
    if (i >= s.size() || s[i] != ':') break;
    i = SkipSpace(s, i + 1);
    f.value_offset = i;
    int depth = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        size_t e = StringEnd(s, i);
        i = e == std::string_view::npos ? s.size() : e;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      }
      if (c == ',' && depth == 0) break;
      ++i;
    }
    f.value = TrimRight(s.substr(f.value_offset, i - f.value_offset));
    out.push_back(f);
    if (i >= s.size() || s[i] != ',') break;
    i = SkipSpace(s, i + 1);
  }
  return out;
}

class JsonEachRowReader final : public FormatReader {
 public:
  JsonEachRowReader(std::vector<InputColumn> columns, ReadOptions options)
      : FormatReader(std::move(columns), options) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      index_.emplace(inputs_[i].name, static_cast<int>(i));
      names_.push_back(inputs_[i].name);
    }
    seen_.assign(inputs_.size(), 0);
  }

 protected:
  Status ReadRows(std::string_view data) override;

 private:
  enum class Outcome : uint8_t { kOk, kBadValue, kBadJson };

  Outcome ParseObject(std::string_view data, size_t begin, size_t end, RowError* error);
  // Appends `value` to the column of `conv`; false with the reason when it does not fit.
  bool Convert(FieldConverter& conv, simdjson::dom::element value, std::string* error);
  // A number simdjson could not read (too large): the column's own error for it, if a column takes it.
  bool ExplainNumberError(std::string_view object, RowError* error);
  // Sets the line and 1-based column of data[offset] in *error; data[from] is on line `line`.
  void Locate(std::string_view data, size_t from, uint64_t line, size_t offset, RowError* error) const;
  int IndexOf(std::string_view key) const {
    auto it = index_.find(absl::string_view(key.data(), key.size()));
    return it == index_.end() ? -1 : it->second;
  }

  // DidYouMean for an unknown field name, remembered: a batch with a new field has it in many rows.
  const std::string& Suggestion(std::string_view key) {
    const absl::string_view k(key.data(), key.size());
    auto it = suggestions_.find(k);
    if (it != suggestions_.end()) return it->second;
    if (suggestions_.size() >= 1024) suggestions_.clear();
    return suggestions_.emplace(k, DidYouMean(key, names_)).first->second;
  }

  absl::flat_hash_map<std::string, int> index_;
  absl::flat_hash_map<std::string, std::string> suggestions_;
  std::vector<std::string> names_;
  std::vector<int> order_;  // target column of the k-th field of the last object: the guess for the next
  std::vector<uint32_t> seen_;
  uint32_t generation_ = 0;
  // The DOM parser picks the fastest kernels for the CPU at run time (On-Demand would be compiled for the
  // build's baseline instruction set only).
  simdjson::dom::parser parser_;
  std::string padded_;  // an object near the end of the input, with SIMDJSON_PADDING bytes after it
  size_t line_begin_ = 0;
  uint64_t line_ = 1;
};

void JsonEachRowReader::Locate(std::string_view data, size_t from, uint64_t line, size_t offset,
                               RowError* error) const {
  size_t line_start = line_begin_;
  for (size_t i = from; i < offset && i < data.size(); ++i) {
    if (data[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  error->line = line;
  error->column = offset - line_start + 1;
}

Status JsonEachRowReader::ReadRows(std::string_view data) {
  size_t pos = 0;
  line_ = 1;
  line_begin_ = 0;
  bool in_array = false, array_closed = false;
  // Objects may span lines until one never closes: scanning again from every later line could then take
  // quadratic time, so from there on an object must end on the line where it starts.
  bool multiline = true;
  bool line_has_object = false;  // an object (or '[', ',') came before `pos` on its line
  auto skip_space = [&]() {
    while (pos < data.size() && IsSpace(data[pos])) {
      if (data[pos] == '\n') {
        ++line_;
        line_begin_ = pos + 1;
        line_has_object = false;
      }
      ++pos;
    }
  };
  auto line_end = [&]() { return std::min(data.size(), data.find('\n', pos)); };
  skip_space();
  if (pos < data.size() && data[pos] == '[') {
    in_array = true;
    line_has_object = true;
    ++pos;
  }
  while (true) {
    skip_space();
    if (pos >= data.size()) break;
    const uint64_t first_line = line_;
    if (data[pos] != '{' || array_closed) {
      if (in_array && !array_closed && data[pos] == ']') {
        array_closed = true;
        line_has_object = true;
        ++pos;
        continue;
      }
      RowError e{
          line_, pos - line_begin_ + 1, -1,
          fmt::format("expected '{{' (one JSON object per row), found '{}'", Excerpt(data.substr(pos, 1)))};
      const size_t eol = line_end();
      if (!OnBadRow(e, first_line, TrimRight(data.substr(pos, eol - pos)))) return Status::OK();
      pos = eol;
      continue;
    }
    RowError error;
    Outcome outcome = Outcome::kBadJson;
    size_t end = std::string_view::npos;
    if (!line_has_object) {
      // Fast path: the object is the rest of the line (maybe with a comma after it).
      std::string_view line = TrimRight(data.substr(pos, line_end() - pos));
      if (line.back() == ',') line = TrimRight(line.substr(0, line.size() - 1));
      if (line.back() == '}') {
        end = pos + line.size();
        outcome = ParseObject(data, pos, end, &error);
      }
    }
    if (outcome == Outcome::kBadJson) {
      // Not one object on one line: find where the object really ends.
      const size_t real_end = FindObjectEnd(data, pos, !multiline);
      if (real_end == std::string_view::npos) {
        multiline = false;
        if (end == std::string_view::npos) {
          error = RowError{line_, pos - line_begin_ + 1, -1, "the JSON object does not end"};
          end = pos + TrimRight(data.substr(pos, line_end() - pos)).size();
        }
      } else if (real_end != end) {
        end = real_end;
        outcome = ParseObject(data, pos, end, &error);
      }
    }
    if (outcome != Outcome::kOk) {
      if (!OnBadRow(error, first_line, data.substr(pos, end - pos))) return Status::OK();
    } else {
      ++num_rows_;
    }
    // Move past the object, keeping the line count (an object that spans lines has line breaks).
    for (size_t i = pos; i < end; ++i) {
      const char* nl = static_cast<const char*>(std::memchr(data.data() + i, '\n', end - i));
      if (!nl) break;
      i = static_cast<size_t>(nl - data.data());
      ++line_;
      line_begin_ = i + 1;
    }
    pos = end;
    line_has_object = true;
    while (pos < data.size() && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r')) ++pos;
    if (pos < data.size() && data[pos] == ',') ++pos;
  }
  return Status::OK();
}

JsonEachRowReader::Outcome JsonEachRowReader::ParseObject(std::string_view data, size_t begin, size_t end,
                                                          RowError* error) {
  const size_t len = end - begin;
  const std::string_view object = data.substr(begin, len);
  const char* buf = object.data();
  if (data.size() - begin < len + simdjson::SIMDJSON_PADDING) {
    padded_.assign(buf, len);
    padded_.resize(len + simdjson::SIMDJSON_PADDING, ' ');
    buf = padded_.data();
  }
  simdjson::dom::element doc;
  simdjson::dom::object fields;
  simdjson::error_code code = parser_.parse(buf, len, /*realloc_if_needed=*/false).get(doc);
  if (!code) code = doc.get_object().get(fields);
  if (code) {
    if (code == simdjson::NUMBER_ERROR && ExplainNumberError(object, error)) {
      Locate(data, begin, line_, begin + error->column, error);
      return Outcome::kBadValue;
    }
    Locate(data, begin, line_, begin, error);
    error->field = -1;
    error->message = fmt::format("invalid JSON: {}", simdjson::error_message(code));
    return Outcome::kBadJson;
  }
  if (++generation_ == 0) {
    std::fill(seen_.begin(), seen_.end(), 0);
    generation_ = 1;
  }
  size_t k = 0;
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string_view key = field.key;
    int idx;
    if (k < order_.size() && order_[k] >= 0 && inputs_[order_[k]].name == key) {
      idx = order_[k];
    } else {
      idx = IndexOf(key);
      if (k >= order_.size()) order_.resize(k + 1, -1);
      order_[k] = idx;
    }
    if (idx < 0 && options_.skip_unknown_fields) {
      ++k;
      continue;
    }
    std::string message;
    bool at_key = true;  // the key for a field that does not belong, the value for one that does not fit
    if (idx < 0) {
      message = fmt::format("unknown field '{}'{}", Excerpt(key), Suggestion(key));
    } else if (seen_[idx] == generation_) {
      message = "the field appears twice in the object";
    } else {
      seen_[idx] = generation_;
      if (Convert(converters_[idx], field.value, &message)) {
        ++k;
        continue;
      }
      at_key = false;
    }
    std::vector<RawField> raw = SplitFields(object);
    size_t at = k < raw.size() ? (at_key ? raw[k].key_offset : raw[k].value_offset) : 0;
    Locate(data, begin, line_, begin + at, error);
    error->field = idx;
    error->message = std::move(message);
    return Outcome::kBadValue;
  }
  for (size_t i = 0; i < converters_.size(); ++i) {
    if (seen_[i] == generation_) continue;
    if (inputs_[i].required) {
      Locate(data, begin, line_, begin, error);
      error->field = static_cast<int>(i);
      error->message = "the field is missing (a row must have it)";
      return Outcome::kBadValue;
    }
    converters_[i].AppendDefault();
  }
  return Outcome::kOk;
}

bool JsonEachRowReader::ExplainNumberError(std::string_view object, RowError* error) {
  for (const RawField& f : SplitFields(object)) {
    if (f.value.empty() || !(f.value[0] == '-' || (f.value[0] >= '0' && f.value[0] <= '9'))) continue;
    const char* first = f.value.data();
    const char* last = first + f.value.size();
    bool ok;
    if (f.value.find_first_of(".eE") == std::string_view::npos) {
      int64_t i;
      uint64_t u;
      auto r = std::from_chars(first, last, i);
      ok = r.ec == std::errc() && r.ptr == last;
      if (!ok) {
        auto ru = std::from_chars(first, last, u);
        ok = ru.ec == std::errc() && ru.ptr == last;
      }
    } else {
      double d;
      auto r = std::from_chars(first, last, d);
      ok = r.ec == std::errc() && r.ptr == last;
    }
    if (ok) continue;  // this one is fine
    int idx = IndexOf(f.key);
    if (idx < 0) return false;
    // The column's converter says what is wrong with the number (and appends nothing: it does not fit).
    std::string message;
    if (converters_[idx].AppendText(f.value, &message)) {
      DropPartialRow();
      return false;
    }
    error->column = f.value_offset;  // relative to the object; the caller locates it
    error->field = idx;
    error->message = std::move(message);
    return true;
  }
  return false;
}

bool JsonEachRowReader::Convert(FieldConverter& conv, simdjson::dom::element value, std::string* error) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return conv.AppendNull(error);
    case simdjson::dom::element_type::STRING:
      return conv.AppendText(value.get_string().value_unsafe(), error);
    case simdjson::dom::element_type::INT64: {
      int64_t v = value.get_int64().value_unsafe();
      if (conv.kind() == FieldConverter::Kind::kSigned || conv.kind() == FieldConverter::Kind::kUnsigned ||
          conv.kind() == FieldConverter::Kind::kFloat)
        return conv.AppendInt64(v, {}, error);
      char buf[24];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return conv.AppendText(std::string_view(buf, p - buf), error);
    }
    case simdjson::dom::element_type::UINT64: {
      uint64_t v = value.get_uint64().value_unsafe();
      if (conv.kind() == FieldConverter::Kind::kSigned || conv.kind() == FieldConverter::Kind::kUnsigned ||
          conv.kind() == FieldConverter::Kind::kFloat)
        return conv.AppendUInt64(v, {}, error);
      char buf[24];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return conv.AppendText(std::string_view(buf, p - buf), error);
    }
    case simdjson::dom::element_type::DOUBLE: {
      double v = value.get_double().value_unsafe();
      if (conv.kind() == FieldConverter::Kind::kFloat) return conv.AppendDouble(v, {}, error);
      // Strings keep the number; integers and times refuse a fraction (the text path says so).
      std::string text = simdjson::minify(value);
      return conv.AppendText(text, error);
    }
    case simdjson::dom::element_type::BOOL:
      return conv.AppendBool(value.get_bool().value_unsafe(), error);
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT: {
      std::string text = simdjson::minify(value);
      if (conv.kind() != FieldConverter::Kind::kString) {
        *error = conv.CannotParse(text);
        return false;
      }
      return conv.AppendText(text, error);
    }
  }
  *error = "unexpected JSON value";
  return false;
}

}  // namespace

std::unique_ptr<FormatReader> MakeJsonEachRowReader(std::vector<InputColumn> columns, ReadOptions options) {
  return std::make_unique<JsonEachRowReader>(std::move(columns), options);
}

}  // namespace aurora::formats
