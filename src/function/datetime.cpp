// Date and time functions, time-zone aware (the column's zone, or UTC):
//   toStartOfMinute / FiveMinutes / FifteenMinutes / Hour / Day (-> DateTime), toStartOfMonth / Year /
//   Quarter, toStartOfWeek(t[, mode]) (mode 0 Sunday, 1 Monday), toMonday (-> Date), toYear, toQuarter,
//   toMonth, toDayOfMonth, toDayOfYear, toHour, toMinute, toSecond, toDayOfWeek (1 = Monday), toYYYYMM,
//   toYYYYMMDD, toUnixTimestamp, dateDiff('unit', t1, t2[, tz]) (unit boundaries crossed, in local time),
//   formatDateTime(t, format[, tz]), parseDateTimeBestEffort[OrNull|OrZero](s), now(), today().
// Intervals and date arithmetic are in interval.cpp.
// Zones with a constant offset (UTC) use integer arithmetic; others go through the civil calendar.
#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include "common/query_error.h"
#include "function/kernel_io.h"
#include "function/time_values.h"

namespace aurora::function {

namespace {

enum class Unit { kMinute, kFiveMinutes, kFifteenMinutes, kHour, kDay, kMonth, kYear };

int64_t StartOf(Unit u, int64_t s, const absl::TimeZone& tz, bool utc) {
  int64_t step = u == Unit::kMinute           ? 60
                 : u == Unit::kFiveMinutes    ? 300
                 : u == Unit::kFifteenMinutes ? 900
                 : u == Unit::kHour           ? 3600
                                              : 86400;
  if (utc && u != Unit::kMonth && u != Unit::kYear)
    return s >= 0 ? s - s % step : s - ((s % step) + step) % step;
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(s), tz);
  absl::CivilSecond start;
  switch (u) {
    case Unit::kMinute:
      start = absl::CivilMinute(cs);
      break;
    case Unit::kFiveMinutes:
      start = absl::CivilMinute(cs) - cs.minute() % 5;
      break;
    case Unit::kFifteenMinutes:
      start = absl::CivilMinute(cs) - cs.minute() % 15;
      break;
    case Unit::kHour:
      start = absl::CivilHour(cs);
      break;
    case Unit::kDay:
      start = absl::CivilDay(cs);
      break;
    case Unit::kMonth:
      start = absl::CivilMonth(cs);
      break;
    case Unit::kYear:
      start = absl::CivilYear(cs);
      break;
  }
  return absl::ToUnixSeconds(absl::FromCivil(start, tz));
}

Status NeedsTime(const char* name, const std::vector<DataTypePtr>& args) {
  if (args.size() != 1 && !(args.size() == 2 && args[1]->Base().id() == TypeId::kString))
    return AURORA_ERROR(kInvalidArgument, "{} takes a date or time (and optionally a time zone)", name);
  if (!args[0]->IsTime())
    return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a Date, DateTime or DateTime64",
                        Signature(name, args), name);
  return Status::OK();
}

void RegisterStartOf(FunctionRegistry& r, const char* name, Unit unit) {
  r.Register(name, [name, unit](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(NeedsTime(name, args));
    const bool to_date = unit == Unit::kMonth || unit == Unit::kYear;
    DataTypePtr result =
        to_date ? DataType::Make(TypeId::kDate) : DataType::DateTime(args[0]->Base().timezone());
    result = NullableIfAny(result, {args[0]});
    return BoundScalar{
        name, result,
        [unit, result, to_date](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          const DataType& t = *in[0].column->type();
          absl::TimeZone tz = ZoneOf(t);
          bool utc = IsUtc(t) || t.Base().id() == TypeId::kDate;
          auto out = std::make_shared<Column>(result);
          out->data.resize(rows * (to_date ? 2 : 4));
          // Runs of the same hour repeat: cache the last input second range.
          int64_t last_in = INT64_MIN, last_out = 0;
          ForEachSecond(in[0], rows, [&](size_t i, int64_t s) {
            if (s != last_in) {
              last_in = s;
              last_out = StartOf(unit, s, tz, utc);
            }
            if (to_date) {
              int64_t days = absl::CivilDay(absl::ToCivilSecond(absl::FromUnixSeconds(last_out), tz)) -
                             absl::CivilDay(1970, 1, 1);
              out->MutableData<uint16_t>()[i] = static_cast<uint16_t>(days);
            } else {
              out->MutableData<uint32_t>()[i] = static_cast<uint32_t>(last_out);
            }
          });
          out->SetSizeUnsafe(rows);
          MergeNulls({in[0]}, rows, out.get());
          return ColumnPtr(out);
        }};
  });
}

enum class Part {
  kYear,
  kMonth,
  kDayOfMonth,
  kHour,
  kMinute,
  kDayOfWeek,
  kYYYYMM,
  kYYYYMMDD,
  kQuarter,
  kSecond,
  kDayOfYear
};

void RegisterPart(FunctionRegistry& r, const char* name, Part part) {
  r.Register(name, [name, part](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(NeedsTime(name, args));
    TypeId id = part == Part::kYear || part == Part::kDayOfYear      ? TypeId::kUInt16
                : (part == Part::kYYYYMM || part == Part::kYYYYMMDD) ? TypeId::kUInt32
                                                                     : TypeId::kUInt8;
    DataTypePtr result = NullableIfAny(DataType::Make(id), {args[0]});
    return BoundScalar{name, result,
                       [part, id, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         absl::TimeZone tz = in[0].column->type()->Base().id() == TypeId::kDate
                                                 ? absl::UTCTimeZone()
                                                 : ZoneOf(*in[0].column->type());
                         auto out = std::make_shared<Column>(result);
                         out->data.resize(rows * FixedWidthOf(id));
                         ForEachSecond(in[0], rows, [&](size_t i, int64_t s) {
                           absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(s), tz);
                           int64_t v = 0;
                           switch (part) {
                             case Part::kYear:
                               v = cs.year();
                               break;
                             case Part::kMonth:
                               v = cs.month();
                               break;
                             case Part::kDayOfMonth:
                               v = cs.day();
                               break;
                             case Part::kHour:
                               v = cs.hour();
                               break;
                             case Part::kMinute:
                               v = cs.minute();
                               break;
                             case Part::kDayOfWeek: {
                               absl::Weekday wd = absl::GetWeekday(absl::CivilDay(cs));
                               v = static_cast<int>(wd) + 1;  // absl: Monday = 0
                               break;
                             }
                             case Part::kYYYYMM:
                               v = cs.year() * 100 + cs.month();
                               break;
                             case Part::kYYYYMMDD:
                               v = cs.year() * 10000 + cs.month() * 100 + cs.day();
                               break;
                             case Part::kQuarter:
                               v = (cs.month() - 1) / 3 + 1;
                               break;
                             case Part::kSecond:
                               v = cs.second();
                               break;
                             case Part::kDayOfYear:
                               v = absl::GetYearDay(absl::CivilDay(cs));
                               break;
                           }
                           DispatchFixed(id, [&](auto tag) {
                             using T = decltype(tag);
                             out->template MutableData<T>()[i] = static_cast<T>(v);
                           });
                         });
                         out->SetSizeUnsafe(rows);
                         MergeNulls({in[0]}, rows, out.get());
                         return ColumnPtr(out);
                       }};
  });
}

// ---- toStartOfWeek / toMonday / toStartOfQuarter (-> Date)

enum class DateStart { kWeek, kMonday, kQuarter };

void RegisterDateStart(FunctionRegistry& r, const char* name, DateStart what) {
  r.Register(name, [name, what](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    bool ok = !args.empty() && args[0]->IsTime() &&
              (args.size() == 1 ||
               (what == DateStart::kWeek && args.size() <= 3 && args[1]->IsInteger() &&
                (args.size() == 2 || IsStringType(args[2]))) ||
               (what != DateStart::kWeek && args.size() == 2 && IsStringType(args[1])));
    if (!ok)
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a Date, DateTime or DateTime64{}",
                          Signature(name, args), name,
                          what == DateStart::kWeek ? " (and optionally a mode)" : "");
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kDate), {args[0]});
    return BoundScalar{name, result,
                       [what, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         absl::TimeZone tz = ZoneOf(*in[0].column->type());
                         ColumnPtr out = NewFixedColumn(result, rows);
                         uint16_t* o = out->MutableData<uint16_t>();
                         ForEachSecond(in[0], rows, [&](size_t i, int64_t s) {
                           absl::CivilDay day(absl::ToCivilSecond(absl::FromUnixSeconds(s), tz));
                           int monday0 = static_cast<int>(absl::GetWeekday(day));  // Monday = 0
                           int64_t mode = what == DateStart::kWeek && in.size() >= 2 ? IntAt(in[1], i) : 0;
                           absl::CivilDay start;
                           if (what == DateStart::kQuarter) {
                             start = absl::CivilDay(day.year(), (day.month() - 1) / 3 * 3 + 1, 1);
                           } else if (what == DateStart::kMonday || (mode & 1)) {
                             start = day - monday0;
                           } else {
                             start = day - (monday0 + 1) % 7;  // weeks start on Sunday
                           }
                           o[i] = ToDateValue(DayNumber(start));
                         });
                         MergeNulls({in[0]}, rows, out.get());
                         return out;
                       }};
  });
}

// ---- toUnixTimestamp

Result<BoundScalar> BindToUnixTimestamp(const std::vector<DataTypePtr>& args) {
  if (args.empty() || args.size() > 2 || !args[0]->IsTime() || (args.size() == 2 && !IsStringType(args[1])))
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: toUnixTimestamp takes a Date, DateTime or DateTime64",
                        Signature("toUnixTimestamp", args));
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt32), {args[0]});
  return BoundScalar{
      "toUnixTimestamp", result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        ColumnPtr out = NewFixedColumn(result, rows);
        uint32_t* o = out->MutableData<uint32_t>();
        ForEachSecond(in[0], rows, [&](size_t i, int64_t s) { o[i] = static_cast<uint32_t>(s); });
        MergeNulls({in[0]}, rows, out.get());
        return out;
      }};
}

// ---- dateDiff

enum class DiffUnit { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

DiffUnit ParseDiffUnit(std::string_view u) {
  static const std::pair<std::string_view, DiffUnit> kUnits[] = {
      {"second", DiffUnit::kSecond},   {"seconds", DiffUnit::kSecond},   {"ss", DiffUnit::kSecond},
      {"s", DiffUnit::kSecond},        {"minute", DiffUnit::kMinute},    {"minutes", DiffUnit::kMinute},
      {"mi", DiffUnit::kMinute},       {"n", DiffUnit::kMinute},         {"hour", DiffUnit::kHour},
      {"hours", DiffUnit::kHour},      {"hh", DiffUnit::kHour},          {"h", DiffUnit::kHour},
      {"day", DiffUnit::kDay},         {"days", DiffUnit::kDay},         {"dd", DiffUnit::kDay},
      {"d", DiffUnit::kDay},           {"week", DiffUnit::kWeek},        {"weeks", DiffUnit::kWeek},
      {"wk", DiffUnit::kWeek},         {"ww", DiffUnit::kWeek},          {"month", DiffUnit::kMonth},
      {"months", DiffUnit::kMonth},    {"mm", DiffUnit::kMonth},         {"m", DiffUnit::kMonth},
      {"quarter", DiffUnit::kQuarter}, {"quarters", DiffUnit::kQuarter}, {"qq", DiffUnit::kQuarter},
      {"q", DiffUnit::kQuarter},       {"year", DiffUnit::kYear},        {"years", DiffUnit::kYear},
      {"yyyy", DiffUnit::kYear},       {"yy", DiffUnit::kYear}};
  std::string lower;
  for (char c : u) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  for (const auto& [name, unit] : kUnits)
    if (lower == name) return unit;
  throw QueryError(
      ErrorCode::kInvalidArgument,
      fmt::format("dateDiff: unknown unit '{}' (expected second, minute, hour, day, week, month, "
                  "quarter or year)",
                  u));
}

// The number of `unit` boundaries from the epoch to local time `cs` (ClickHouse's toRelative*Num).
int64_t RelativeNumber(DiffUnit unit, absl::CivilSecond cs) {
  int64_t local = cs - absl::CivilSecond(1970, 1, 1, 0, 0, 0);
  switch (unit) {
    case DiffUnit::kSecond:
      return local;
    case DiffUnit::kMinute:
      return FloorDiv(local, 60);
    case DiffUnit::kHour:
      return FloorDiv(local, 3600);
    case DiffUnit::kDay:
      return FloorDiv(local, 86400);
    case DiffUnit::kWeek:
      return FloorDiv(FloorDiv(local, 86400) + 3, 7);  // weeks start on Monday; 1970-01-01 was a Thursday
    case DiffUnit::kMonth:
      return cs.year() * 12 + cs.month() - 1;
    case DiffUnit::kQuarter:
      return cs.year() * 4 + (cs.month() - 1) / 3;
    case DiffUnit::kYear:
      return cs.year();
  }
  return 0;
}

Result<BoundScalar> BindDateDiff(const char* name, const std::vector<DataTypePtr>& args) {
  if (args.size() < 3 || args.size() > 4 || !IsStringType(args[0]) || !args[1]->IsTime() ||
      !args[2]->IsTime() || (args.size() == 4 && !IsStringType(args[3])))
    return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes ('unit', start, end[, 'timezone'])",
                        Signature(name, args), name);
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kInt64), args);
  return BoundScalar{
      name, result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        ColumnPtr out = NewFixedColumn(result, rows);
        int64_t* o = out->MutableData<int64_t>();
        absl::TimeZone tz1 = ZoneOf(*in[1].column->type()), tz2 = ZoneOf(*in[2].column->type());
        if (in.size() == 4) {
          std::string zone(in[3].column->StringAt(0));
          if (!absl::LoadTimeZone(zone, &tz1))
            throw QueryError(ErrorCode::kInvalidArgument, fmt::format("unknown time zone '{}'", zone));
          tz2 = tz1;
        }
        std::vector<int64_t> start(rows);
        ForEachSecond(in[1], rows, [&](size_t i, int64_t s) { start[i] = s; });
        DiffUnit unit = DiffUnit::kSecond;
        std::string last_unit;
        ForEachSecond(in[2], rows, [&](size_t i, int64_t s) {
          std::string_view u = in[0].column->StringAt(in[0].RowIndex(i));
          if (i == 0 || u != last_unit) {
            unit = ParseDiffUnit(u);
            last_unit = std::string(u);
          }
          if (unit == DiffUnit::kSecond) {
            o[i] = s - start[i];
            return;
          }
          o[i] = RelativeNumber(unit, absl::ToCivilSecond(absl::FromUnixSeconds(s), tz2)) -
                 RelativeNumber(unit, absl::ToCivilSecond(absl::FromUnixSeconds(start[i]), tz1));
        });
        MergeNulls(in, rows, out.get());
        return out;
      }};
}

// ---- formatDateTime

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int IsoWeek(absl::CivilDay day) {
  int wd = static_cast<int>(absl::GetWeekday(day)) + 1;  // Monday = 1
  absl::CivilDay thursday = day + (4 - wd);
  return (absl::GetYearDay(thursday) - 1) / 7 + 1;
}

// Appends `t` (seconds, sub-second ticks of `per` per second) formatted by `format` in `tz`.
void FormatTimeWith(std::string_view format, int64_t s, int64_t frac, int64_t per, const absl::TimeZone& tz,
                    std::string* out) {
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(s), tz);
  absl::CivilDay day(cs);
  auto num = [out](int64_t v, int width, char pad = '0') {
    std::string digits = std::to_string(v);
    if (static_cast<int>(digits.size()) < width) out->append(width - digits.size(), pad);
    out->append(digits);
  };
  const int hour12 = cs.hour() % 12 == 0 ? 12 : cs.hour() % 12;
  const int monday0 = static_cast<int>(absl::GetWeekday(day));
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%') {
      out->push_back(c);
      continue;
    }
    if (++i == format.size())
      throw QueryError(ErrorCode::kInvalidArgument, "formatDateTime: the format ends with a lone '%'");
    switch (format[i]) {
      case 'Y':
        num(cs.year(), 4);
        break;
      case 'y':
        num(((cs.year() % 100) + 100) % 100, 2);
        break;
      case 'm':
        num(cs.month(), 2);
        break;
      case 'd':
        num(cs.day(), 2);
        break;
      case 'e':
        num(cs.day(), 2, ' ');
        break;
      case 'H':
        num(cs.hour(), 2);
        break;
      case 'I':
      case 'h':
        num(hour12, 2);
        break;
      case 'i':
        num(cs.minute(), 2);
        break;
      case 'M':
        out->append(kMonthNames[cs.month() - 1]);
        break;
      case 'b':
        out->append(std::string_view(kMonthNames[cs.month() - 1]).substr(0, 3));
        break;
      case 'a':
        out->append(kDayNames[monday0]);
        break;
      case 'S':
      case 's':
        num(cs.second(), 2);
        break;
      case 'f': {
        int64_t micros = per > 1 ? frac * 1000000 / per : 0;
        num(micros, 6);
        break;
      }
      case 'F':
        num(cs.year(), 4), out->push_back('-'), num(cs.month(), 2), out->push_back('-'), num(cs.day(), 2);
        break;
      case 'T':
        num(cs.hour(), 2), out->push_back(':'), num(cs.minute(), 2), out->push_back(':'), num(cs.second(), 2);
        break;
      case 'R':
        num(cs.hour(), 2), out->push_back(':'), num(cs.minute(), 2);
        break;
      case 'D':
        num(cs.month(), 2), out->push_back('/'), num(cs.day(), 2), out->push_back('/');
        num(((cs.year() % 100) + 100) % 100, 2);
        break;
      case 'j':
        num(absl::GetYearDay(day), 3);
        break;
      case 'p':
        out->append(cs.hour() < 12 ? "AM" : "PM");
        break;
      case 'w':
        num((monday0 + 1) % 7, 1);
        break;
      case 'u':
        num(monday0 + 1, 1);
        break;
      case 'V':
        num(IsoWeek(day), 2);
        break;
      case 'Q':
        num((cs.month() - 1) / 3 + 1, 1);
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case '%':
        out->push_back('%');
        break;
      default:
        throw QueryError(ErrorCode::kInvalidArgument,
                         fmt::format("formatDateTime: unsupported format '%{}'", format[i]));
    }
  }
}

Result<BoundScalar> BindFormatDateTime(const std::vector<DataTypePtr>& args) {
  if (args.size() < 2 || args.size() > 3 || !args[0]->IsTime() || !IsStringType(args[1]) ||
      (args.size() == 3 && !IsStringType(args[2])))
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: formatDateTime takes (time, 'format'[, 'timezone'])",
                        Signature("formatDateTime", args));
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kString), args);
  return BoundScalar{
      "formatDateTime", result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        const DataType& t = *in[0].column->type();
        absl::TimeZone tz = ZoneOf(t);
        if (in.size() == 3) {
          std::string zone(in[2].column->StringAt(0));
          if (!absl::LoadTimeZone(zone, &tz))
            throw QueryError(ErrorCode::kInvalidArgument, fmt::format("unknown time zone '{}'", zone));
        }
        const int64_t per = t.TicksPerSecond();
        const bool dt64 = t.Base().id() == TypeId::kDateTime64;
        auto out = std::make_shared<Column>(result);
        std::string buf;
        ForEachSecond(in[0], rows, [&](size_t i, int64_t s) {
          int64_t frac = 0;
          if (dt64) frac = in[0].column->Data<int64_t>()[in[0].RowIndex(i)] - s * per;
          buf.clear();
          FormatTimeWith(in[1].column->StringAt(in[1].RowIndex(i)), s, frac, per, tz, &buf);
          out->AppendString(buf);
        });
        MergeNulls(in, rows, out.get());
        return ColumnPtr(out);
      }};
}

// ---- parseDateTimeBestEffort

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// ISO 8601 and close forms: YYYY-MM-DD or YYYY/MM/DD, then optionally T or space and hh:mm[:ss[.frac]], then
// optionally Z or an offset (+hh, +hhmm, +hh:mm); YYYYMMDD, YYYYMMDDhhmmss; other digit strings (up to
// 10 digits) are unix timestamps. Times without an offset are in `tz`.
bool ParseBestEffort(std::string_view s, const absl::TimeZone& tz, int64_t* seconds) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  bool all_digits = true;
  for (char c : s) all_digits = all_digits && c >= '0' && c <= '9';
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  size_t pos = 0;
  if (all_digits && s.size() != 8 && s.size() != 14) {
    if (s.size() > 10) return false;
    *seconds = std::stoll(std::string(s));
    return true;
  }
  if (all_digits) {
    Digits(s, 0, 4, &y), Digits(s, 4, 2, &mo), Digits(s, 6, 2, &d);
    if (s.size() == 14) Digits(s, 8, 2, &h), Digits(s, 10, 2, &mi), Digits(s, 12, 2, &se);
    pos = s.size();
  } else {
    if (!Digits(s, 0, 4, &y) || s.size() < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
        !Digits(s, 5, 2, &mo) || !Digits(s, 8, 2, &d))
      return false;
    pos = 10;
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ') && pos + 1 < s.size() && s[pos + 1] >= '0' &&
        s[pos + 1] <= '9') {
      if (!Digits(s, pos + 1, 2, &h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
          !Digits(s, pos + 4, 2, &mi))
        return false;
      pos += 6;
      if (pos < s.size() && s[pos] == ':') {
        if (!Digits(s, pos + 1, 2, &se)) return false;
        pos += 3;
      }
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return false;
      }
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
  absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.day() != d) return false;  // e.g. February 30
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos == s.size()) {
    *seconds = absl::ToUnixSeconds(absl::FromCivil(cs, tz));
    return true;
  }
  int64_t offset = 0;
  if (s[pos] == 'Z' && pos + 1 == s.size()) {
    offset = 0;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1, oh = 0, om = 0;
    std::string_view rest = s.substr(pos + 1);
    if (rest.size() == 2 && Digits(rest, 0, 2, &oh)) {
    } else if (rest.size() == 4 && Digits(rest, 0, 2, &oh) && Digits(rest, 2, 2, &om)) {
    } else if (rest.size() == 5 && rest[2] == ':' && Digits(rest, 0, 2, &oh) && Digits(rest, 3, 2, &om)) {
    } else {
      return false;
    }
    if (oh > 14 || om > 59) return false;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return false;
  }
  *seconds = absl::ToUnixSeconds(absl::FromCivil(cs, absl::UTCTimeZone())) - offset;
  return true;
}

enum class OnError { kThrow, kNull, kZero };

void RegisterParseBestEffort(FunctionRegistry& r, const char* name, OnError on_error) {
  r.Register(name, [name, on_error](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1 || !IsStringType(args[0]))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a string", Signature(name, args), name);
    DataTypePtr result = on_error == OnError::kNull ? DataType::Nullable(DataType::DateTime())
                                                    : NullableIfAny(DataType::DateTime(), args);
    return BoundScalar{
        name, result, [on_error, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          ColumnPtr out = NewFixedColumn(result, rows);
          uint32_t* o = out->MutableData<uint32_t>();
          std::vector<uint8_t> bad(rows, 0);
          bool any_bad = false;
          const Column& c = *in[0].column;
          for (size_t i = 0; i < rows; ++i) {
            size_t row = in[0].RowIndex(i);
            if (c.IsNull(row)) continue;
            std::string_view s = c.StringAt(row);
            int64_t secs = 0;
            if (ParseBestEffort(s, absl::UTCTimeZone(), &secs) && secs >= 0 && secs <= UINT32_MAX) {
              o[i] = static_cast<uint32_t>(secs);
              continue;
            }
            if (on_error == OnError::kThrow)
              throw QueryError(ErrorCode::kInvalidArgument, fmt::format("cannot parse '{}' as DateTime", s));
            bad[i] = 1;
            any_bad = true;
          }
          MergeNulls(in, rows, out.get());
          if (on_error == OnError::kNull && any_bad) {
            if (out->nulls.empty()) out->nulls.resize_fill(rows, 0);
            for (size_t i = 0; i < rows; ++i) out->nulls[i] |= bad[i];
          }
          return out;
        }};
  });
}

void RegisterCalendar(FunctionRegistry& r) {
  RegisterDateStart(r, "toStartOfWeek", DateStart::kWeek);
  RegisterDateStart(r, "toMonday", DateStart::kMonday);
  RegisterDateStart(r, "toStartOfQuarter", DateStart::kQuarter);
  r.Register("toUnixTimestamp", BindToUnixTimestamp);
  r.Register("dateDiff", [](const std::vector<DataTypePtr>& a) { return BindDateDiff("dateDiff", a); });
  r.Register("date_diff", [](const std::vector<DataTypePtr>& a) { return BindDateDiff("date_diff", a); });
  r.Register("formatDateTime", BindFormatDateTime);
  RegisterParseBestEffort(r, "parseDateTimeBestEffort", OnError::kThrow);
  RegisterParseBestEffort(r, "parseDateTimeBestEffortOrNull", OnError::kNull);
  RegisterParseBestEffort(r, "parseDateTimeBestEffortOrZero", OnError::kZero);
}

}  // namespace

void RegisterDateTime(FunctionRegistry& r) {
  RegisterStartOf(r, "toStartOfMinute", Unit::kMinute);
  RegisterStartOf(r, "toStartOfFiveMinutes", Unit::kFiveMinutes);
  RegisterStartOf(r, "toStartOfFifteenMinutes", Unit::kFifteenMinutes);
  RegisterStartOf(r, "toStartOfHour", Unit::kHour);
  RegisterStartOf(r, "toStartOfDay", Unit::kDay);
  RegisterStartOf(r, "toStartOfMonth", Unit::kMonth);
  RegisterStartOf(r, "toStartOfYear", Unit::kYear);
  RegisterPart(r, "toYear", Part::kYear);
  RegisterPart(r, "toMonth", Part::kMonth);
  RegisterPart(r, "toDayOfMonth", Part::kDayOfMonth);
  RegisterPart(r, "toHour", Part::kHour);
  RegisterPart(r, "toMinute", Part::kMinute);
  RegisterPart(r, "toDayOfWeek", Part::kDayOfWeek);
  RegisterPart(r, "toYYYYMM", Part::kYYYYMM);
  RegisterPart(r, "toYYYYMMDD", Part::kYYYYMMDD);
  RegisterPart(r, "toQuarter", Part::kQuarter);
  RegisterPart(r, "toSecond", Part::kSecond);
  RegisterPart(r, "toDayOfYear", Part::kDayOfYear);
  RegisterCalendar(r);
  r.Register("now", [](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (!args.empty()) return AURORA_ERROR(kInvalidArgument, "now takes no arguments");
    return BoundScalar{"now", DataType::DateTime(),
                       [](const std::vector<Datum>&, size_t rows, const FunctionContext& ctx) {
                         auto out = std::make_shared<Column>(DataType::DateTime());
                         for (size_t i = 0; i < rows; ++i) out->AppendInt(ctx.now_ms / 1000);
                         return ColumnPtr(out);
                       }};
  });
  r.Register("today", [](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (!args.empty()) return AURORA_ERROR(kInvalidArgument, "today takes no arguments");
    return BoundScalar{"today", DataType::Make(TypeId::kDate),
                       [](const std::vector<Datum>&, size_t rows, const FunctionContext& ctx) {
                         auto out = std::make_shared<Column>(DataType::Make(TypeId::kDate));
                         for (size_t i = 0; i < rows; ++i) out->AppendInt(ctx.now_ms / 86400000);
                         return ColumnPtr(out);
                       }};
  });
}

}  // namespace aurora::function
