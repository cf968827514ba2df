// Reading date and time arguments: their zone and their instants as seconds, shared by the date/time
// and interval functions.
#pragma once

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include "function/function_registry.h"
#include "function/numeric.h"

namespace aurora::function {

// The zone of a DateTime / DateTime64 type (UTC when it has none or names an unknown zone); UTC for Date.
inline absl::TimeZone ZoneOf(const DataType& t) {
  absl::TimeZone tz = absl::UTCTimeZone();
  if (t.Base().id() != TypeId::kDate && !t.Base().timezone().empty())
    absl::LoadTimeZone(t.Base().timezone(), &tz);
  return tz;
}

inline bool IsUtc(const DataType& t) {
  const std::string& z = t.Base().timezone();
  return t.Base().id() == TypeId::kDate || z.empty() || z == "UTC" || z == "Etc/UTC";
}

inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Calls f(row, seconds since the epoch) for each row of a Date, DateTime or DateTime64 datum (floor for
// negative ticks).
template <typename F>
void ForEachSecond(const Datum& d, size_t rows, F&& f) {
  const Column& c = *d.column;
  const DataType& t = *c.type();
  const int64_t per = t.TicksPerSecond();
  const bool is_date = t.Base().id() == TypeId::kDate;
  DispatchFixed(t.Base().id(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = c.template Data<T>();
    for (size_t i = 0; i < rows; ++i) {
      int64_t x = static_cast<int64_t>(v[d.RowIndex(i)]);
      f(i, is_date ? x * 86400 : FloorDiv(x, per));
    }
  });
}

// Days since 1970-01-01 of a civil day.
inline int64_t DayNumber(absl::CivilDay d) {
  return d - absl::CivilDay(1970, 1, 1);
}

// A day number as a stored Date (clamped to the Date range, as ClickHouse saturates).
inline uint16_t ToDateValue(int64_t days) {
  return static_cast<uint16_t>(days < 0 ? 0 : days > 65535 ? 65535 : days);
}

}  // namespace aurora::function
