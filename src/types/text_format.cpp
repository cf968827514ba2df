#include "types/text_format.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace aurora {

namespace {

absl::TimeZone Zone(std::string_view name) {
  absl::TimeZone tz = absl::UTCTimeZone();
  if (!name.empty()) absl::LoadTimeZone(std::string(name), &tz);
  return tz;
}

void FormatTime(int64_t seconds, int64_t frac, int precision, std::string_view tz, std::string* out) {
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(seconds), Zone(tz));
  fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}", cs.year(), cs.month(),
                 cs.day(), cs.hour(), cs.minute(), cs.second());
  if (precision > 0) fmt::format_to(std::back_inserter(*out), ".{:0{}}", frac, precision);
}

// Shortest text that reads back exactly; nan, inf and -inf as ClickHouse writes them.
template <typename F>
void FormatFloat(F f, std::string* out) {
  if (std::isnan(f)) {
    out->append("nan");
  } else if (std::isinf(f)) {
    out->append(f > 0 ? "inf" : "-inf");
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", f);
  }
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Appends `s` quoted as ClickHouse writes strings inside arrays: 'it\'s', with \\, \n, \t, \r, \b, \f
// and \0 escaped.
void AppendQuotedString(std::string_view s, std::string* out) {
  out->push_back('\'');
  for (char ch : s) {
    switch (ch) {
      case '\'':
        out->append("\\'");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\0':
        out->append("\\0");
        break;
      default:
        out->push_back(ch);
    }
  }
  out->push_back('\'');
}

// An element inside an array: strings, dates and times quoted, NULL as NULL, numbers as they are.
void FormatElement(const Column& c, size_t row, std::string* out) {
  if (c.IsNull(row)) {
    out->append("NULL");
    return;
  }
  const TypeId id = c.layout().value_id;
  if (id == TypeId::kString) {
    AppendQuotedString(c.StringAt(row), out);
  } else if (id == TypeId::kDate || id == TypeId::kDateTime || id == TypeId::kDateTime64) {
    out->push_back('\'');
    FormatText(c, row, out);
    out->push_back('\'');
  } else {
    FormatText(c, row, out);
  }
}

}  // namespace

bool ParseDateTimeText(std::string_view s, std::string_view timezone, int64_t* seconds, int64_t* nanos) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!ParseDigits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &d))
    return false;
  size_t pos = 10;
  *nanos = 0;
  if (pos < s.size()) {
    if (s[pos] != ' ' && s[pos] != 'T') return false;
    if (!ParseDigits(s, pos + 1, 2, &h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ParseDigits(s, pos + 4, 2, &mi))
      return false;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!ParseDigits(s, pos + 1, 2, &se)) return false;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100000000;
      size_t digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 9) *nanos += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++digits;
      }
      if (digits == 0) return false;
    }
    if (pos < s.size() && s[pos] == 'Z') ++pos;
    if (pos != s.size()) return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
  absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.day() != d || cs.month() != mo) return false;  // e.g. February 30th
  *seconds = absl::ToUnixSeconds(absl::FromCivil(cs, s.back() == 'Z' ? absl::UTCTimeZone() : Zone(timezone)));
  return true;
}

void FormatText(const Column& c, size_t row, std::string* out, std::string_view null_text) {
  if (c.IsNull(row)) {
    out->append(null_text);
    return;
  }
  const DataType& base = c.type()->Base();
  switch (c.layout().value_id) {
    case TypeId::kBool:
      out->append(c.Data<uint8_t>()[row] ? "true" : "false");
      return;
    case TypeId::kDate: {
      absl::CivilDay day = absl::CivilDay(1970, 1, 1) + c.Data<uint16_t>()[row];
      fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02}", day.year(), day.month(), day.day());
      return;
    }
    case TypeId::kDateTime:
      FormatTime(c.Data<uint32_t>()[row], 0, 0, base.timezone(), out);
      return;
    case TypeId::kDateTime64: {
      int64_t ticks = c.Data<int64_t>()[row];
      int64_t per = c.type()->TicksPerSecond();
      int64_t secs = ticks >= 0 ? ticks / per : -((-ticks + per - 1) / per);
      FormatTime(secs, ticks - secs * per, base.precision(), base.timezone(), out);
      return;
    }
    case TypeId::kFloat32:
      FormatFloat(c.Data<float>()[row], out);
      return;
    case TypeId::kFloat64:
      FormatFloat(c.Data<double>()[row], out);
      return;
    case TypeId::kString:
      out->append(c.StringAt(row));
      return;
    case TypeId::kArray: {
      out->push_back('[');
      const Column& child = c.child();
      for (uint64_t j = c.ArrayBegin(row); j < c.ArrayEnd(row); ++j) {
        if (j != c.ArrayBegin(row)) out->push_back(',');
        FormatElement(child, j, out);
      }
      out->push_back(']');
      return;
    }
    default:
      out->append(ValueToString(c.ValueAt(row)));
      return;
  }
}

Result<Value> ConvertValue(const DataType& type, const Value& v) {
  if (IsNull(v)) {
    if (type.IsNullable()) return v;
    return AURORA_ERROR(kInvalidArgument, "NULL does not fit {} (not Nullable)", type.Name());
  }
  const DataType& base = type.Base();
  const TypeId id = base.id();
  if (id == TypeId::kArray || std::holds_alternative<ArrayValuePtr>(v))
    return AURORA_ERROR(kNotSupported, "value {} does not fit {}: array values are not supported here",
                        ValueToString(v), type.Name());
  auto bad = [&]() -> Status {
    const char* quote = std::holds_alternative<std::string>(v) ? "'" : "";
    return AURORA_ERROR(kInvalidArgument, "value {}{}{} does not fit {}", quote, ValueToString(v), quote,
                        type.Name());
  };
  if (id == TypeId::kString) {
    if (auto* s = std::get_if<std::string>(&v)) return Value{*s};
    return bad();
  }
  if (type.IsTime()) {
    if (auto* s = std::get_if<std::string>(&v)) {
      int64_t secs, nanos;
      if (!ParseDateTimeText(*s, id == TypeId::kDate ? "" : base.timezone(), &secs, &nanos))
        return AURORA_ERROR(kInvalidArgument, "'{}' is not a {} (expected YYYY-MM-DD{})", *s, type.Name(),
                            id == TypeId::kDate ? "" : " hh:mm:ss");
      if (id == TypeId::kDate) {
        int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
        if (days < 0 || days > 65535) return bad();
        return Value{days};
      }
      if (id == TypeId::kDateTime) {
        if (secs < 0 || secs > UINT32_MAX) return bad();
        return Value{secs};
      }
      const int64_t per = type.TicksPerSecond();
      int64_t ticks;
      // Past about the year 2262 a DateTime64(9) no longer fits 64 bits: out of range, not a wrap.
      if (__builtin_mul_overflow(secs, per, &ticks) ||
          __builtin_add_overflow(ticks, nanos / (1000000000 / per), &ticks))
        return bad();
      return Value{ticks};
    }
  }
  // Numbers.
  if (base.IsFloat()) {
    if (auto* i = std::get_if<int64_t>(&v)) return Value{static_cast<double>(*i)};
    if (auto* u = std::get_if<uint64_t>(&v)) return Value{static_cast<double>(*u)};
    if (auto* d = std::get_if<double>(&v)) return Value{*d};
    if (auto* s = std::get_if<std::string>(&v)) {
      double d;
      auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), d);
      if (ec == std::errc() && p == s->data() + s->size()) return Value{d};
    }
    return bad();
  }
  int64_t lo = 0;
  uint64_t hi = 0;
  switch (id) {
    case TypeId::kBool:
      lo = 0, hi = 1;
      break;
    case TypeId::kInt8:
      lo = INT8_MIN, hi = INT8_MAX;
      break;
    case TypeId::kInt16:
      lo = INT16_MIN, hi = INT16_MAX;
      break;
    case TypeId::kInt32:
      lo = INT32_MIN, hi = INT32_MAX;
      break;
    case TypeId::kInt64:
      lo = INT64_MIN, hi = INT64_MAX;
      break;
    case TypeId::kUInt8:
      hi = UINT8_MAX;
      break;
    case TypeId::kUInt16:
    case TypeId::kDate:
      hi = UINT16_MAX;
      break;
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      hi = UINT32_MAX;
      break;
    case TypeId::kUInt64:
      hi = UINT64_MAX;
      break;
    case TypeId::kDateTime64:
      lo = INT64_MIN, hi = INT64_MAX;
      break;
    default:
      return bad();
  }
  if (auto* i = std::get_if<int64_t>(&v)) {
    if (*i < lo || (*i >= 0 && static_cast<uint64_t>(*i) > hi))
      return AURORA_ERROR(kInvalidArgument, "value {} is out of range for {}", *i, type.Name());
    return Value{*i};
  }
  if (auto* u = std::get_if<uint64_t>(&v)) {
    if (*u > hi) return AURORA_ERROR(kInvalidArgument, "value {} is out of range for {}", *u, type.Name());
    return Value{*u};
  }
  if (auto* s = std::get_if<std::string>(&v)) {
    if (id == TypeId::kBool && (*s == "true" || *s == "false")) return Value{int64_t{*s == "true"}};
    int64_t x;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), x);
    if (ec == std::errc() && p == s->data() + s->size()) return ConvertValue(type, Value{x});
  }
  return bad();
}

}  // namespace aurora
