#include "storage/table_schema.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "common/check.h"

namespace aurora::storage {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

absl::TimeZone ZoneOf(const DataType& type) {
  absl::TimeZone tz = absl::UTCTimeZone();
  const std::string& name = type.Base().timezone();
  if (!name.empty()) absl::LoadTimeZone(name, &tz);
  return tz;
}

}  // namespace

bool CanWiden(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return true;
  if (from.IsNullable() && !to.IsNullable()) return false;
  const DataType& fb = from.Base();
  const DataType& tb = to.Base();
  if (fb.id() == TypeId::kString && tb.id() == TypeId::kString) return true;
  if (from.IsLowCardinality() || to.IsLowCardinality()) return false;
  if (fb.Equals(tb)) return true;  // only Nullable added
  if (tb.id() != TypeId::kFloat64) return false;
  return (fb.IsInteger() && fb.id() != TypeId::kBool) || fb.id() == TypeId::kFloat32;
}

namespace {

template <typename T>
void AppendAsDouble(const Column& from, Column& to) {
  const T* v = from.Data<T>();
  for (size_t i = 0; i < from.size(); ++i) {
    if (from.IsNull(i)) {
      to.AppendNull();
    } else {
      to.AppendFloat(static_cast<double>(v[i]));
    }
  }
}

}  // namespace

ColumnPtr WidenColumn(const ColumnPtr& column, const DataTypePtr& to) {
  if (column->type()->Equals(*to)) return column;
  auto out = std::make_shared<Column>(to);
  out->Reserve(column->size());
  const TypeId from_id = column->layout().value_id;
  if (to->Base().id() != TypeId::kFloat64 || from_id == TypeId::kFloat64) {
    out->AppendRange(*column, 0, column->size());
    return out;
  }
  switch (from_id) {
    case TypeId::kInt8:
      AppendAsDouble<int8_t>(*column, *out);
      break;
    case TypeId::kInt16:
      AppendAsDouble<int16_t>(*column, *out);
      break;
    case TypeId::kInt32:
      AppendAsDouble<int32_t>(*column, *out);
      break;
    case TypeId::kInt64:
      AppendAsDouble<int64_t>(*column, *out);
      break;
    case TypeId::kUInt8:
      AppendAsDouble<uint8_t>(*column, *out);
      break;
    case TypeId::kUInt16:
      AppendAsDouble<uint16_t>(*column, *out);
      break;
    case TypeId::kUInt32:
      AppendAsDouble<uint32_t>(*column, *out);
      break;
    case TypeId::kUInt64:
      AppendAsDouble<uint64_t>(*column, *out);
      break;
    case TypeId::kFloat32:
      AppendAsDouble<float>(*column, *out);
      break;
    default:
      AURORA_CHECK_MSG(false, "WidenColumn: the column's type cannot become Float64");
  }
  return out;
}

bool IsValidIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

Result<PartitionSpec> PartitionSpec::Parse(std::string_view text) {
  std::string_view s = Trim(text);
  PartitionSpec spec;
  if (s.empty() || Lower(s) == "tuple()") return spec;
  size_t open = s.find('(');
  if (open == std::string_view::npos || s.back() != ')')
    return AURORA_ERROR(kInvalidArgument,
                        "PARTITION BY '{}': expected toYYYYMM(column), toYYYYMMDD(column) or toDate(column)",
                        text);
  std::string fn(Trim(s.substr(0, open)));
  spec.column = std::string(Trim(s.substr(open + 1, s.size() - open - 2)));
  if (fn == "toYYYYMM") {
    spec.kind = Kind::kToYYYYMM;
  } else if (fn == "toYYYYMMDD") {
    spec.kind = Kind::kToYYYYMMDD;
  } else if (fn == "toDate") {
    spec.kind = Kind::kToDate;
  } else {
    return AURORA_ERROR(kNotSupported,
                        "PARTITION BY '{}': supported are toYYYYMM, toYYYYMMDD and toDate of a time column",
                        text);
  }
  if (!IsValidIdentifier(spec.column))
    return AURORA_ERROR(kInvalidArgument, "PARTITION BY '{}': expected a column name", text);
  return spec;
}

std::string PartitionSpec::ToString() const {
  switch (kind) {
    case Kind::kNone:
      return "";
    case Kind::kToYYYYMM:
      return fmt::format("toYYYYMM({})", column);
    case Kind::kToYYYYMMDD:
      return fmt::format("toYYYYMMDD({})", column);
    case Kind::kToDate:
      return fmt::format("toDate({})", column);
  }
  return "";
}

Result<TtlSpec> TtlSpec::Parse(std::string_view text) {
  // column + INTERVAL n UNIT
  std::string_view s = Trim(text);
  size_t plus = s.find('+');
  if (plus == std::string_view::npos)
    return AURORA_ERROR(kInvalidArgument, "TTL '{}': expected 'column + INTERVAL n UNIT'", text);
  TtlSpec ttl;
  ttl.column = std::string(Trim(s.substr(0, plus)));
  std::string_view rest = Trim(s.substr(plus + 1));
  if (Lower(rest.substr(0, 8)) != "interval")
    return AURORA_ERROR(kInvalidArgument, "TTL '{}': expected INTERVAL after '+'", text);
  rest = Trim(rest.substr(8));
  int64_t n = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || n <= 0)
    return AURORA_ERROR(kInvalidArgument, "TTL '{}': expected a positive number", text);
  std::string unit = Lower(Trim(std::string_view(p, rest.data() + rest.size() - p)));
  if (!unit.empty() && unit.back() == 's') unit.pop_back();
  int64_t mult = unit == "second"   ? 1
                 : unit == "minute" ? 60
                 : unit == "hour"   ? 3600
                 : unit == "day"    ? 86400
                 : unit == "week"   ? 7 * 86400
                 : unit == "month"  ? 30 * 86400
                 : unit == "year"   ? 365 * 86400
                                    : 0;
  if (mult == 0) return AURORA_ERROR(kInvalidArgument, "TTL '{}': unknown unit '{}'", text, unit);
  if (!IsValidIdentifier(ttl.column))
    return AURORA_ERROR(kInvalidArgument, "TTL '{}': expected a column name", text);
  ttl.seconds = n * mult;
  return ttl;
}

std::string TtlSpec::ToString() const {
  if (seconds % 86400 == 0) return fmt::format("{} + INTERVAL {} DAY", column, seconds / 86400);
  if (seconds % 3600 == 0) return fmt::format("{} + INTERVAL {} HOUR", column, seconds / 3600);
  return fmt::format("{} + INTERVAL {} SECOND", column, seconds);
}

Status TableSettings::Set(std::string_view key, std::string_view value) {
  auto parse_int = [&](int64_t lo, int64_t hi, auto* out) -> Status {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size() || v < lo || v > hi)
      return AURORA_ERROR(kInvalidArgument, "setting {} = '{}': expected an integer from {} to {}", key,
                          value, lo, hi);
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(v);
    return Status::OK();
  };
  if (key == "index_granularity") return parse_int(16, 1 << 20, &granule_rows);
  if (key == "flush_rows") return parse_int(1, int64_t{1} << 32, &flush_rows);
  if (key == "flush_interval_ms") return parse_int(1, int64_t{86400} * 1000, &flush_interval_ms);
  if (key == "fsync_interval_ms") return parse_int(1, 60'000, &fsync_interval_ms);
  if (key == "merge_min_parts") return parse_int(2, 100, &merge_min_parts);
  if (key == "merge_max_parts") return parse_int(2, 1000, &merge_max_parts);
  if (key == "merge_max_rows") return parse_int(1, int64_t{1} << 40, &merge_max_rows);
  if (key == "auto_dictionary_max") return parse_int(0, 1 << 20, &auto_dictionary_max);
  if (key == "fsync") {
    std::string v = Lower(value);
    if (v == "batch")
      fsync = FsyncPolicy::kBatch;
    else if (v == "interval")
      fsync = FsyncPolicy::kInterval;
    else if (v == "never")
      fsync = FsyncPolicy::kNever;
    else
      return AURORA_ERROR(kInvalidArgument, "setting fsync = '{}': expected batch, interval or never", value);
    return Status::OK();
  }
  return AURORA_ERROR(kInvalidArgument, "unknown table setting '{}'", key);
}

int TableSchema::IndexOf(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const ColumnDef* TableSchema::Find(std::string_view column) const {
  int i = IndexOf(column);
  return i < 0 ? nullptr : &columns[i];
}

CodecSpec TableSchema::CodecFor(size_t column) const {
  return columns[column].codec ? *columns[column].codec : CodecSpec::Default();
}

Status TableSchema::Validate() const {
  if (!IsValidIdentifier(name)) return AURORA_ERROR(kInvalidArgument, "invalid table name '{}'", name);
  if (columns.empty()) return AURORA_ERROR(kInvalidArgument, "table '{}' needs at least one column", name);
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    if (!IsValidIdentifier(c.name)) return AURORA_ERROR(kInvalidArgument, "invalid column name '{}'", c.name);
    for (size_t j = 0; j < i; ++j)
      if (columns[j].name == c.name)
        return AURORA_ERROR(kInvalidArgument, "column '{}' is defined twice", c.name);
    if (c.type->IsInterval())
      return AURORA_ERROR(kInvalidArgument,
                          "column '{}': {} cannot be stored in a table (intervals exist in expressions only)",
                          c.name, c.type->Name());
    if (c.codec && c.codec->HasTransform() && c.type->Layout().kind != ColumnLayout::Kind::kFixed)
      return AURORA_ERROR(kInvalidArgument,
                          "column '{}': Delta and DoubleDelta apply to numeric and time columns, not {}",
                          c.name, c.type->Name());
  }
  for (const auto& k : order_by) {
    const ColumnDef* c = Find(k);
    if (!c) return AURORA_ERROR(kInvalidArgument, "ORDER BY names unknown column '{}'", k);
  }
  auto check_time = [&](const std::string& col, std::string_view what) -> Status {
    const ColumnDef* c = Find(col);
    if (!c) return AURORA_ERROR(kInvalidArgument, "{} names unknown column '{}'", what, col);
    if (!c->type->IsTime() || c->type->IsNullable())
      return AURORA_ERROR(kInvalidArgument,
                          "{} needs a non-Nullable Date, DateTime or DateTime64 column; '{}' is {}", what,
                          col, c->type->Name());
    return Status::OK();
  };
  if (partition_by.kind != PartitionSpec::Kind::kNone)
    AURORA_RETURN_IF_ERROR(check_time(partition_by.column, "PARTITION BY"));
  if (ttl) AURORA_RETURN_IF_ERROR(check_time(ttl->column, "TTL"));
  return Status::OK();
}

nlohmann::json TableSchema::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : columns) {
    nlohmann::json jc = {{"name", c.name}, {"type", c.type->Name()}};
    if (c.codec) jc["codec"] = c.codec->ToString();
    if (!c.default_expr.empty()) jc["default"] = c.default_expr;
    if (!c.comment.empty()) jc["comment"] = c.comment;
    cols.push_back(std::move(jc));
  }
  nlohmann::json j = {
      {"name", name}, {"columns", cols}, {"order_by", order_by}, {"partition_by", partition_by.ToString()}};
  if (ttl) j["ttl"] = ttl->ToString();
  if (!comment.empty()) j["comment"] = comment;
  const char* fsync_names[] = {"batch", "interval", "never"};
  j["settings"] = {{"index_granularity", settings.granule_rows},
                   {"flush_rows", settings.flush_rows},
                   {"flush_interval_ms", settings.flush_interval_ms},
                   {"fsync", fsync_names[static_cast<int>(settings.fsync)]},
                   {"fsync_interval_ms", settings.fsync_interval_ms},
                   {"merge_min_parts", settings.merge_min_parts},
                   {"merge_max_parts", settings.merge_max_parts},
                   {"merge_max_rows", settings.merge_max_rows},
                   {"auto_dictionary_max", settings.auto_dictionary_max}};
  return j;
}

Result<TableSchema> TableSchema::FromJson(const nlohmann::json& j) {
  try {
    TableSchema s;
    s.name = j.at("name").get<std::string>();
    for (const auto& jc : j.at("columns")) {
      ColumnDef c;
      c.name = jc.at("name").get<std::string>();
      AURORA_ASSIGN_OR_RETURN(c.type, ParseDataType(jc.at("type").get<std::string>()));
      if (jc.contains("codec")) {
        AURORA_ASSIGN_OR_RETURN(CodecSpec codec, CodecSpec::Parse(jc["codec"].get<std::string>()));
        c.codec = codec;
      }
      c.default_expr = jc.value("default", "");
      c.comment = jc.value("comment", "");
      s.columns.push_back(std::move(c));
    }
    s.order_by = j.at("order_by").get<std::vector<std::string>>();
    AURORA_ASSIGN_OR_RETURN(s.partition_by, PartitionSpec::Parse(j.value("partition_by", "")));
    if (j.contains("ttl")) {
      AURORA_ASSIGN_OR_RETURN(TtlSpec ttl, TtlSpec::Parse(j["ttl"].get<std::string>()));
      s.ttl = ttl;
    }
    s.comment = j.value("comment", "");
    if (j.contains("settings")) {
      for (const auto& [k, v] : j["settings"].items())
        AURORA_RETURN_IF_ERROR(s.settings.Set(k, v.is_string() ? v.get<std::string>() : v.dump()));
    }
    AURORA_RETURN_IF_ERROR(s.Validate());
    return s;
  } catch (const nlohmann::json::exception& e) {
    return AURORA_ERROR(kCorruption, "table schema: {}", e.what());
  }
}

int64_t TimeValueToSeconds(const DataType& type, int64_t v) {
  switch (type.Base().id()) {
    case TypeId::kDate:
      return v * 86400;
    case TypeId::kDateTime:
      return v;
    case TypeId::kDateTime64: {
      int64_t t = type.TicksPerSecond();
      return v >= 0 ? v / t : -((-v + t - 1) / t);
    }
    default:
      return v;
  }
}

int64_t PartitionIdOf(const PartitionSpec& spec, const DataType& type, int64_t stored_value) {
  if (spec.kind == PartitionSpec::Kind::kNone) return 0;
  int64_t secs = TimeValueToSeconds(type, stored_value);
  absl::TimeZone tz = type.Base().id() == TypeId::kDate ? absl::UTCTimeZone() : ZoneOf(type);
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(secs), tz);
  switch (spec.kind) {
    case PartitionSpec::Kind::kToYYYYMM:
      return cs.year() * 100 + cs.month();
    case PartitionSpec::Kind::kToYYYYMMDD:
      return cs.year() * 10000 + cs.month() * 100 + cs.day();
    case PartitionSpec::Kind::kToDate:
      return (absl::CivilDay(cs) - absl::CivilDay(1970, 1, 1));
    default:
      return 0;
  }
}

}  // namespace aurora::storage
