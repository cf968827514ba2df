// Intervals and date/time arithmetic:
//   toIntervalSecond .. toIntervalYear(n)          IntervalSecond .. IntervalYear (INTERVAL n UNIT)
//   plus(time, interval), plus(interval, time), minus(time, interval)
//   addSeconds / Minutes / Hours / Days / Weeks / Months / Quarters / Years(time, n), subtract* twins
//   plus / minus (Date, integer) in days, (DateTime or DateTime64, integer) in seconds
//   toStartOfInterval(time, INTERVAL n unit)
// Result types: a DateTime or DateTime64 keeps its type (and zone); a Date stays a Date for days and
// longer units and becomes a DateTime for seconds, minutes and hours. Days and weeks move the calendar
// day in the value's zone keeping the local time; months, quarters and years move the calendar month and
// clamp the day to the month's end (Jan 31 + 1 month = Feb 28/29). Seconds wrap around for DateTime and
// Date results saturate at the ends of their range, as in ClickHouse.
#include "common/query_error.h"
#include "function/kernel_io.h"
#include "function/time_values.h"

namespace aurora::function {

namespace {

enum class IUnit { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

struct UnitInfo {
  IUnit unit;
  TypeId type;
  const char* interval_fn;
  const char* add_fn;
  const char* subtract_fn;
};

constexpr UnitInfo kUnits[] = {
    {IUnit::kSecond, TypeId::kIntervalSecond, "toIntervalSecond", "addSeconds", "subtractSeconds"},
    {IUnit::kMinute, TypeId::kIntervalMinute, "toIntervalMinute", "addMinutes", "subtractMinutes"},
    {IUnit::kHour, TypeId::kIntervalHour, "toIntervalHour", "addHours", "subtractHours"},
    {IUnit::kDay, TypeId::kIntervalDay, "toIntervalDay", "addDays", "subtractDays"},
    {IUnit::kWeek, TypeId::kIntervalWeek, "toIntervalWeek", "addWeeks", "subtractWeeks"},
    {IUnit::kMonth, TypeId::kIntervalMonth, "toIntervalMonth", "addMonths", "subtractMonths"},
    {IUnit::kQuarter, TypeId::kIntervalQuarter, "toIntervalQuarter", "addQuarters", "subtractQuarters"},
    {IUnit::kYear, TypeId::kIntervalYear, "toIntervalYear", "addYears", "subtractYears"},
};

IUnit UnitOf(TypeId interval) {
  for (const auto& u : kUnits)
    if (u.type == interval) return u.unit;
  return IUnit::kSecond;
}

bool IsSubDay(IUnit u) {
  return u == IUnit::kSecond || u == IUnit::kMinute || u == IUnit::kHour;
}

// Seconds per unit for second/minute/hour, days for day/week, months for month/quarter/year.
int64_t Multiplier(IUnit u) {
  switch (u) {
    case IUnit::kSecond:
      return 1;
    case IUnit::kMinute:
      return 60;
    case IUnit::kHour:
      return 3600;
    case IUnit::kDay:
      return 1;
    case IUnit::kWeek:
      return 7;
    case IUnit::kMonth:
      return 1;
    case IUnit::kQuarter:
      return 3;
    case IUnit::kYear:
      return 12;
  }
  return 1;
}

// Clamps a count so that calendar arithmetic stays far inside absl's and int64's ranges.
int64_t Clamp(int64_t v, int64_t limit) {
  return v < -limit ? -limit : v > limit ? limit : v;
}

absl::CivilDay AddMonths(absl::CivilDay d, int64_t months) {
  absl::CivilMonth m = absl::CivilMonth(d) + Clamp(months, 12 * 100000);
  int last = (absl::CivilDay(m + 1) - 1).day();
  return absl::CivilDay(m.year(), m.month(), std::min(d.day(), last));
}

// Seconds `s` moved by `n` units in `tz` (n already multiplied into seconds / days / months).
int64_t AddToSeconds(int64_t s, IUnit unit, int64_t n, const absl::TimeZone& tz, bool utc) {
  if (IsSubDay(unit)) return static_cast<int64_t>(static_cast<uint64_t>(s) + static_cast<uint64_t>(n));
  const bool months = unit == IUnit::kMonth || unit == IUnit::kQuarter || unit == IUnit::kYear;
  if (!months && utc) return s + Clamp(n, int64_t{1} << 40) * 86400;
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(s), tz);
  absl::CivilDay day(cs);
  absl::CivilDay moved = months ? AddMonths(day, n) : day + Clamp(n, int64_t{1} << 40);
  absl::CivilSecond result(moved.year(), moved.month(), moved.day(), cs.hour(), cs.minute(), cs.second());
  return absl::ToUnixSeconds(absl::FromCivil(result, tz));
}

DataTypePtr ResultTimeType(const DataTypePtr& time, IUnit unit) {
  const DataType& b = time->Base();
  if (b.id() == TypeId::kDate) return IsSubDay(unit) ? DataType::DateTime() : DataType::Make(TypeId::kDate);
  if (b.id() == TypeId::kDateTime) return DataType::DateTime(b.timezone());
  return DataType::DateTime64(b.precision(), b.timezone());
}

// time + sign * amount units, per row.
ColumnPtr ShiftTimes(const Datum& time, const Datum& amount, int sign, IUnit unit, size_t rows,
                     const DataTypePtr& result_type) {
  const DataType& t = *time.column->type();
  const TypeId from = t.Base().id();
  const TypeId to = result_type->Base().id();
  absl::TimeZone tz = ZoneOf(t);
  const bool utc = IsUtc(t);
  const int64_t mult = Multiplier(unit);
  ColumnPtr out = NewFixedColumn(result_type, rows);
  const int64_t per = t.TicksPerSecond();
  for (size_t i = 0; i < rows; ++i) {
    int64_t n = IntAt(amount, i);
    // Seconds wrap around as in ClickHouse; calendar counts saturate far outside any valid date.
    if (!IsSubDay(unit)) n = Clamp(n, int64_t{1} << 40);
    n = static_cast<int64_t>(static_cast<uint64_t>(n) * static_cast<uint64_t>(mult));
    if (sign < 0) n = static_cast<int64_t>(0 - static_cast<uint64_t>(n));
    const size_t r = time.RowIndex(i);
    if (from == TypeId::kDate) {
      int64_t days = time.column->Data<uint16_t>()[r];
      if (to == TypeId::kDate) {
        int64_t moved = unit == IUnit::kDay || unit == IUnit::kWeek
                            ? days + Clamp(n, int64_t{1} << 40)
                            : DayNumber(AddMonths(absl::CivilDay(1970, 1, 1) + days, n));
        out->MutableData<uint16_t>()[i] = ToDateValue(moved);
      } else {
        out->MutableData<uint32_t>()[i] = static_cast<uint32_t>(days * 86400 + n);
      }
    } else if (from == TypeId::kDateTime) {
      int64_t s = time.column->Data<uint32_t>()[r];
      out->MutableData<uint32_t>()[i] = static_cast<uint32_t>(AddToSeconds(s, unit, n, tz, utc));
    } else {
      int64_t ticks = time.column->Data<int64_t>()[r];
      int64_t s = FloorDiv(ticks, per), frac = ticks - s * per;
      int64_t moved = IsSubDay(unit) ? s + Clamp(n, int64_t{1} << 50) : AddToSeconds(s, unit, n, tz, utc);
      out->MutableData<int64_t>()[i] = static_cast<int64_t>(static_cast<uint64_t>(moved) * per + frac);
    }
  }
  MergeNulls({time, amount}, rows, out.get());
  return out;
}

BoundScalar MakeShift(const char* name, const DataTypePtr& time_type, const DataTypePtr& amount_type,
                      IUnit unit, int sign, bool time_first) {
  DataTypePtr result = NullableIfAny(ResultTimeType(time_type, unit), {time_type, amount_type});
  return BoundScalar{
      name, result,
      [unit, sign, time_first, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        return time_first ? ShiftTimes(in[0], in[1], sign, unit, rows, result)
                          : ShiftTimes(in[1], in[0], sign, unit, rows, result);
      }};
}

void RegisterToInterval(FunctionRegistry& r, const UnitInfo& u) {
  const char* name = u.interval_fn;
  TypeId id = u.type;
  r.Register(name, [name, id](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 1 || !IsNumberType(*args[0]))
      return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes a number", Signature(name, args), name);
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{name, result,
                       [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         ColumnPtr out = NewFixedColumn(result, rows);
                         for (size_t i = 0; i < rows; ++i) out->MutableData<int64_t>()[i] = IntAt(in[0], i);
                         MergeNulls(in, rows, out.get());
                         return out;
                       }};
  });
}

void RegisterAddUnit(FunctionRegistry& r, const UnitInfo& u, bool subtract) {
  const char* name = subtract ? u.subtract_fn : u.add_fn;
  IUnit unit = u.unit;
  r.Register(name, [name, unit, subtract](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    if (args.size() != 2 || !args[0]->IsTime() || !args[1]->IsInteger())
      return AURORA_ERROR(kInvalidArgument,
                          "no function {}: {} takes (Date, DateTime or DateTime64, integer)",
                          Signature(name, args), name);
    return MakeShift(name, args[0], args[1], unit, subtract ? -1 : 1, true);
  });
}

Result<BoundScalar> BindToStartOfInterval(const std::vector<DataTypePtr>& args) {
  const char* name = "toStartOfInterval";
  if (args.size() < 2 || args.size() > 3 || !args[0]->IsTime() || !args[1]->IsInterval() ||
      (args.size() == 3 && !IsStringType(args[2])))
    return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes (time, INTERVAL n unit[, 'timezone'])",
                        Signature(name, args), name);
  const IUnit unit = UnitOf(args[1]->Base().id());
  const DataType& b = args[0]->Base();
  DataTypePtr result;
  if (unit == IUnit::kWeek || unit == IUnit::kMonth || unit == IUnit::kQuarter || unit == IUnit::kYear ||
      (unit == IUnit::kDay && b.id() == TypeId::kDate))
    result = DataType::Make(TypeId::kDate);
  else if (b.id() == TypeId::kDateTime64)
    result = DataType::DateTime64(b.precision(), b.timezone());
  else
    result = DataType::DateTime(b.id() == TypeId::kDate ? "" : b.timezone());
  result = NullableIfAny(result, {args[0], args[1]});
  return BoundScalar{
      name, result, [unit, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        const DataType& t = *in[0].column->type();
        absl::TimeZone tz = ZoneOf(t);
        if (in.size() == 3) {
          std::string zone(in[2].column->StringAt(0));
          if (!absl::LoadTimeZone(zone, &tz))
            throw QueryError(ErrorCode::kInvalidArgument, fmt::format("unknown time zone '{}'", zone));
        }
        ColumnPtr out = NewFixedColumn(result, rows);
        const TypeId to = result->Base().id();
        const int64_t per = result->TicksPerSecond();
        ForEachSecond(in[0], rows, [&](size_t i, int64_t s) {
          if (in[1].column->IsNull(in[1].RowIndex(i))) return;
          const int64_t n = IntAt(in[1], i);
          if (n <= 0)
            throw QueryError(ErrorCode::kInvalidArgument,
                             "toStartOfInterval: the interval must be a positive number");
          absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(s), tz);
          absl::CivilDay day(cs);
          int64_t local = cs - absl::CivilSecond(1970, 1, 1, 0, 0, 0);
          absl::CivilSecond start;
          const int64_t nn = Clamp(n, int64_t{1} << 40);
          switch (unit) {
            case IUnit::kSecond:
            case IUnit::kMinute: {
              int64_t step = nn * Multiplier(unit);
              start = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + FloorDiv(local, step) * step;
              break;
            }
            case IUnit::kHour: {  // hours counted from midnight, as ClickHouse
              int64_t step = nn * 3600, of_day = cs - absl::CivilSecond(day);
              start = absl::CivilSecond(day) + of_day / step * step;
              break;
            }
            case IUnit::kDay:
              start = absl::CivilSecond(absl::CivilDay(1970, 1, 1) + FloorDiv(DayNumber(day), nn) * nn);
              break;
            case IUnit::kWeek: {
              int64_t week = FloorDiv(DayNumber(day) + 3, 7);  // Monday-based
              start = absl::CivilSecond(absl::CivilDay(1970, 1, 1) + (FloorDiv(week, nn) * nn * 7 - 3));
              break;
            }
            case IUnit::kMonth:
            case IUnit::kQuarter:
            case IUnit::kYear: {
              int64_t step = nn * Multiplier(unit);
              int64_t month = static_cast<int64_t>(cs.year()) * 12 + cs.month() - 1;
              start = absl::CivilSecond(absl::CivilMonth(0, 1) + FloorDiv(month, step) * step);
              break;
            }
          }
          if (to == TypeId::kDate) {
            out->MutableData<uint16_t>()[i] = ToDateValue(DayNumber(absl::CivilDay(start)));
            return;
          }
          int64_t secs = absl::ToUnixSeconds(absl::FromCivil(start, tz));
          if (to == TypeId::kDateTime)
            out->MutableData<uint32_t>()[i] = static_cast<uint32_t>(secs);
          else
            out->MutableData<int64_t>()[i] = secs * per;
        });
        MergeNulls({in[0], in[1]}, rows, out.get());
        return out;
      }};
}

}  // namespace

Result<BoundScalar> BindTimeArithmetic(const char* name, bool minus, const std::vector<DataTypePtr>& args) {
  const DataTypePtr& a = args[0];
  const DataTypePtr& b = args[1];
  if (a->IsTime() && b->IsInterval())
    return MakeShift(name, a, b, UnitOf(b->Base().id()), minus ? -1 : 1, true);
  if (!minus && a->IsInterval() && b->IsTime())
    return MakeShift(name, b, a, UnitOf(a->Base().id()), 1, false);
  if (a->IsTime() && b->IsInteger()) {
    IUnit unit = a->Base().id() == TypeId::kDate ? IUnit::kDay : IUnit::kSecond;
    if (a->Base().id() == TypeId::kDateTime64)
      return AURORA_ERROR(kInvalidArgument, "no function {}: add an INTERVAL to a DateTime64",
                          Signature(name, args));
    return MakeShift(name, a, b, unit, minus ? -1 : 1, true);
  }
  if (!minus && a->IsInteger() && b->IsTime() && b->Base().id() != TypeId::kDateTime64)
    return MakeShift(name, b, a, b->Base().id() == TypeId::kDate ? IUnit::kDay : IUnit::kSecond, 1, false);
  return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes numbers, or a date/time and an interval",
                      Signature(name, args), name);
}

void RegisterInterval(FunctionRegistry& r) {
  for (const auto& u : kUnits) {
    RegisterToInterval(r, u);
    RegisterAddUnit(r, u, false);
    RegisterAddUnit(r, u, true);
  }
  r.Register("toStartOfInterval", BindToStartOfInterval);
}

}  // namespace aurora::function
