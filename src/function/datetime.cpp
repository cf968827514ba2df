// Date and time functions, time-zone aware (the column's zone, or UTC):
//   toStartOfMinute / FiveMinutes / FifteenMinutes / Hour / Day (-> DateTime), toStartOfMonth / Year
//   (-> Date), toYear, toMonth, toDayOfMonth, toHour, toMinute, toDayOfWeek (1 = Monday), toYYYYMM,
//   toYYYYMMDD, now(), today().
// Zones with a constant offset (UTC) use integer arithmetic; others go through the civil calendar.
#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include "function/function_registry.h"
#include "function/numeric.h"

namespace aurora::function {

namespace {

enum class Unit { kMinute, kFiveMinutes, kFifteenMinutes, kHour, kDay, kMonth, kYear };

absl::TimeZone ZoneOf(const DataType& t) {
  absl::TimeZone tz = absl::UTCTimeZone();
  if (!t.Base().timezone().empty()) absl::LoadTimeZone(t.Base().timezone(), &tz);
  return tz;
}

// Seconds since the epoch of each row (Date, DateTime or DateTime64), floor for negative ticks.
template <typename F>
void ForEachSecond(const Datum& d, size_t rows, F&& f) {
  const Column& c = *d.column;
  const DataType& t = *c.type();
  const int64_t per = t.TicksPerSecond();
  const bool is_date = t.Base().id() == TypeId::kDate;
  DispatchFixed(t.Base().id(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.Data<T>();
    for (size_t i = 0; i < rows; ++i) {
      int64_t x = static_cast<int64_t>(v[d.RowIndex(i)]);
      int64_t s = is_date ? x * 86400 : (x >= 0 ? x / per : -((-x + per - 1) / per));
      f(i, s);
    }
  });
}

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

bool IsUtc(const DataType& t) {
  const std::string& z = t.Base().timezone();
  return z.empty() || z == "UTC" || z == "Etc/UTC";
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

enum class Part { kYear, kMonth, kDayOfMonth, kHour, kMinute, kDayOfWeek, kYYYYMM, kYYYYMMDD };

void RegisterPart(FunctionRegistry& r, const char* name, Part part) {
  r.Register(name, [name, part](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(NeedsTime(name, args));
    TypeId id = part == Part::kYear                                  ? TypeId::kUInt16
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
