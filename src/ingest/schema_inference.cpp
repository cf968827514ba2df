#include "ingest/schema_inference.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace aurora::ingest {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i)
    if (!IsDigit(s[i])) return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Field names that say "this is the event time", best first.
constexpr const char* kTimeNames[] = {"timestamp",  "event_time",  "time",     "ts",        "datetime",
                                      "event_ts",   "created_at",  "date",     "eventtime", "event_timestamp",
                                      "time_stamp", "occurred_at", "logged_at"};

absl::string_view A(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void AddJsonValue(simdjson::dom::element value, FieldStats* stats) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      stats->Add(ValueKind::kNull);
      break;
    case simdjson::dom::element_type::BOOL:
      stats->Add(ValueKind::kBool);
      break;
    case simdjson::dom::element_type::INT64: {
      int64_t v = value.get_int64().value_unsafe();
      stats->Add(ValueKind::kInt, v < 0 ? "-" : "");
      break;
    }
    case simdjson::dom::element_type::UINT64:
      stats->Add(ValueKind::kUInt);
      break;
    case simdjson::dom::element_type::DOUBLE:
      stats->Add(ValueKind::kFloat);
      break;
    case simdjson::dom::element_type::STRING: {
      std::string_view s = value.get_string().value_unsafe();
      stats->Add(LooksLikeTime(s) ? ValueKind::kTime : ValueKind::kString, s);
      break;
    }
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT:
      stats->Add(ValueKind::kNested);
      break;
  }
}

}  // namespace

void FieldStats::Add(ValueKind kind, std::string_view text) {
  ++counts_[static_cast<size_t>(kind)];
  if (kind == ValueKind::kInt && !text.empty() && text[0] == '-') negative_ = true;
  if (kind == ValueKind::kTime) {
    int digits = 0;
    LooksLikeTime(text, &digits);
    time_digits_ = std::max(time_digits_, digits);
  }
  if (kind == ValueKind::kString && !distinct_overflow_) {
    if (distinct_.size() < kLowCardinalityMaxDistinct || distinct_.contains(A(text))) {
      distinct_.emplace(A(text));
    } else {
      distinct_overflow_ = true;
      distinct_.clear();
    }
  }
}

uint64_t FieldStats::non_null() const {
  uint64_t n = 0;
  for (size_t k = 1; k < kNumValueKinds; ++k) n += counts_[k];
  return n;
}

bool FieldStats::IsTime() const {
  return InferType(false)->IsTime();
}

DataTypePtr FieldStats::InferType(bool nullable) const {
  const uint64_t numbers = count(ValueKind::kInt) + count(ValueKind::kUInt) + count(ValueKind::kFloat);
  const uint64_t strings = count(ValueKind::kString) + count(ValueKind::kNested);
  const uint64_t times = count(ValueKind::kTime);
  const uint64_t bools = count(ValueKind::kBool);
  DataTypePtr type;
  if (non_null() == 0) {
    type = DataType::Make(TypeId::kString);
  } else if (numbers > strings && numbers > times && numbers > bools) {
    if (count(ValueKind::kFloat) > 0 || (count(ValueKind::kUInt) > 0 && negative_)) {
      type = DataType::Make(TypeId::kFloat64);
    } else if (count(ValueKind::kUInt) > 0) {
      type = DataType::Make(TypeId::kUInt64);
    } else {
      type = DataType::Make(TypeId::kInt64);
    }
  } else if (times > strings && times > bools) {
    type = DataType::DateTime64(std::clamp(time_digits_, 3, 9), "UTC");
  } else if (bools > strings) {
    type = DataType::Make(TypeId::kBool);
  } else {
    type = DataType::Make(TypeId::kString);
    // Every value a string (the time-like ones included) and few distinct ones.
    const uint64_t n = count(ValueKind::kString);
    if (!distinct_overflow_ && count(ValueKind::kNested) == 0 && times == 0 && n > 0 &&
        distinct_.size() * 4 <= n)
      type = DataType::LowCardinality(type);
  }
  if (nullable && count(ValueKind::kNull) > 0) {
    type = type->IsLowCardinality() ? DataType::LowCardinality(DataType::Nullable(type->nested()))
                                    : DataType::Nullable(type);
  }
  return type;
}

FieldStats& Sample::Field(std::string_view name) {
  auto it = index_.find(A(name));
  if (it != index_.end()) return fields_[it->second].second;
  index_.emplace(std::string(name), fields_.size());
  fields_.emplace_back(std::string(name), FieldStats{});
  return fields_.back().second;
}

const FieldStats* Sample::Find(std::string_view name) const {
  auto it = index_.find(A(name));
  return it == index_.end() ? nullptr : &fields_[it->second].second;
}

bool LooksLikeTime(std::string_view s, int* fraction_digits) {
  // YYYY-MM-DD hh:mm:ss
  if (s.size() < 19 || !Digits(s, 0, 4) || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
      !Digits(s, 8, 2) || (s[10] != ' ' && s[10] != 'T') || !Digits(s, 11, 2) || s[13] != ':' ||
      !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2))
    return false;
  size_t i = 19;
  int digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
    if (digits == 0 || digits > 9) return false;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) return false;
  if (fraction_digits) *fraction_digits = digits;
  return true;
}

ValueKind ClassifyText(std::string_view text) {
  if (text.empty()) return ValueKind::kString;
  if (text == "true" || text == "false") return ValueKind::kBool;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const bool neg = text[0] == '-';
  const size_t digits_at = neg ? 1 : 0;
  // A leading zero ("007", a zip code) keeps the text as it is.
  if (text.size() > digits_at + 1 && text[digits_at] == '0' && IsDigit(text[digits_at + 1]))
    return ValueKind::kString;
  if (text.size() > digits_at && IsDigit(text[digits_at])) {
    int64_t i;
    auto r = std::from_chars(first, last, i);
    if (r.ec == std::errc() && r.ptr == last) return ValueKind::kInt;
    uint64_t u;
    auto ru = std::from_chars(first, last, u);
    if (ru.ec == std::errc() && ru.ptr == last) return ValueKind::kUInt;
    double d;
    auto rd = std::from_chars(first, last, d);
    if (rd.ec == std::errc() && rd.ptr == last) return ValueKind::kFloat;
  }
  if (LooksLikeTime(text)) return ValueKind::kTime;
  return ValueKind::kString;
}

bool AddJsonObject(std::string_view object, Sample* sample, std::string_view require_time) {
  simdjson::dom::element doc;
  simdjson::dom::object fields;
  if (Parser().parse(object.data(), object.size(), /*realloc_if_needed=*/true).get(doc)) return false;
  if (doc.get_object().get(fields)) return false;
  if (!require_time.empty()) {
    std::string_view t;
    if (fields.at_key(require_time).get_string().get(t) || !LooksLikeTime(t)) return false;
  }
  for (simdjson::dom::key_value_pair field : fields) AddJsonValue(field.value, &sample->Field(field.key));
  ++sample->rows;
  return true;
}

Sample SampleJsonEachRow(std::string_view data, size_t max_rows, std::string_view require_time) {
  Sample sample;
  size_t pos = 0;
  while (pos < data.size() && sample.rows < max_rows) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) eol = data.size();
    std::string_view line = Trim(data.substr(pos, eol - pos));
    pos = eol + 1;
    // Objects wrapped in [ ] and separated by commas, as the reader accepts them.
    if (!line.empty() && line.front() == '[') line = Trim(line.substr(1));
    if (!line.empty() && line.back() == ']' && line.front() == '{')
      line = Trim(line.substr(0, line.size() - 1));
    if (!line.empty() && line.back() == ',') line = Trim(line.substr(0, line.size() - 1));
    if (line.size() < 2 || line.front() != '{' || line.back() != '}') continue;
    AddJsonObject(line, &sample, require_time);
  }
  return sample;
}

std::string ChooseTimeColumn(const Sample& sample) {
  std::string first;
  for (const char* name : kTimeNames) {
    for (const auto& [field, stats] : sample.fields()) {
      if (!storage::IsValidIdentifier(field) || !stats.IsTime()) continue;
      if (first.empty()) first = field;
      std::string lower = field;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return std::tolower(c); });
      if (lower == name) return field;
    }
  }
  return first;
}

storage::TableSchema InferSchema(std::string name, const Sample& sample) {
  storage::TableSchema s;
  s.name = std::move(name);
  const std::string time = ChooseTimeColumn(sample);
  for (const auto& [field, stats] : sample.fields()) {
    if (!storage::IsValidIdentifier(field)) continue;
    storage::ColumnDef def;
    def.name = field;
    if (field == time) {
      def.type = stats.InferType(/*nullable=*/false);
      def.codec = storage::CodecSpec::Parse("DoubleDelta, ZSTD(1)").value();
      def.comment = "event time (inferred)";
    } else {
      def.type = stats.InferType();
    }
    s.columns.push_back(std::move(def));
  }
  if (!time.empty()) {
    s.order_by = {time};
    s.partition_by.kind = storage::PartitionSpec::Kind::kToYYYYMM;
    s.partition_by.column = time;
  }
  return s;
}

}  // namespace aurora::ingest
