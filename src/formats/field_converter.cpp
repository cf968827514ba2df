#include "formats/field_converter.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "types/text_format.h"

namespace aurora::formats {

namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// from_chars does not take a leading '+'; ClickHouse does.
std::string_view StripPlus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return s;
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  return true;
}

}  // namespace

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  size_t n = kMax;
  // Do not cut a UTF-8 sequence in two.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n)) + "...";
}

FieldConverter::FieldConverter(const InputColumn& input, Column* column)
    : column_(column),
      type_(input.type),
      name_(input.name),
      default_value_(input.default_value),
      nullable_(input.type->IsNullable()) {
  const DataType& base = input.type->Base();
  switch (base.id()) {
    case TypeId::kBool:
      kind_ = Kind::kBool;
      break;
    case TypeId::kInt8:
      kind_ = Kind::kSigned, lo_ = INT8_MIN, hi_ = INT8_MAX;
      break;
    case TypeId::kInt16:
      kind_ = Kind::kSigned, lo_ = INT16_MIN, hi_ = INT16_MAX;
      break;
    case TypeId::kInt32:
      kind_ = Kind::kSigned, lo_ = INT32_MIN, hi_ = INT32_MAX;
      break;
    case TypeId::kInt64:
      kind_ = Kind::kSigned, lo_ = INT64_MIN, hi_ = INT64_MAX;
      break;
    case TypeId::kUInt8:
      kind_ = Kind::kUnsigned, hi_ = UINT8_MAX;
      break;
    case TypeId::kUInt16:
      kind_ = Kind::kUnsigned, hi_ = UINT16_MAX;
      break;
    case TypeId::kUInt32:
      kind_ = Kind::kUnsigned, hi_ = UINT32_MAX;
      break;
    case TypeId::kUInt64:
      kind_ = Kind::kUnsigned, hi_ = UINT64_MAX;
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      kind_ = Kind::kFloat;
      break;
    case TypeId::kDate:
      kind_ = Kind::kDate;
      break;
    case TypeId::kDateTime:
      kind_ = Kind::kDateTime;
      break;
    case TypeId::kDateTime64:
      kind_ = Kind::kDateTime64;
      ticks_per_second_ = input.type->TicksPerSecond();
      break;
    default:
      kind_ = Kind::kString;
      break;
  }
  // UTC is the default zone; naming it would make every parse look the zone up.
  timezone_ = base.timezone() == "UTC" ? "" : base.timezone();
}

std::string FieldConverter::CannotParse(std::string_view text) const {
  return fmt::format("cannot parse '{}' as {}", Excerpt(text), type_->Name());
}

bool FieldConverter::OutOfRange(std::string_view text, std::string* error) const {
  *error = fmt::format("value {} is out of range for {}", Excerpt(text), type_->Name());
  return false;
}

bool FieldConverter::AppendNull(std::string* error) {
  if (!nullable_) {
    *error = fmt::format("NULL does not fit {} (not Nullable)", type_->Name());
    return false;
  }
  column_->AppendNull();
  return true;
}

void FieldConverter::AppendDefault() {
  if (!IsNull(default_value_)) {
    column_->AppendValue(default_value_);
    return;
  }
  if (nullable_) {
    column_->AppendNull();
  } else if (kind_ == Kind::kString) {
    column_->AppendString("");
  } else {
    column_->AppendInt(0);
  }
}

bool FieldConverter::AppendInt64(int64_t v, std::string_view raw, std::string* error) {
  switch (kind_) {
    case Kind::kSigned:
      if (v < lo_ || (v > 0 && static_cast<uint64_t>(v) > hi_))
        return OutOfRange(raw.empty() ? fmt::format("{}", v) : raw, error);
      column_->AppendInt(v);
      return true;
    case Kind::kUnsigned:
      if (v < 0 || static_cast<uint64_t>(v) > hi_)
        return OutOfRange(raw.empty() ? fmt::format("{}", v) : raw, error);
      column_->AppendInt(v);
      return true;
    case Kind::kFloat:
      column_->AppendFloat(static_cast<double>(v));
      return true;
    default:
      return AppendText(raw.empty() ? fmt::format("{}", v) : raw, error);
  }
}

bool FieldConverter::AppendUInt64(uint64_t v, std::string_view raw, std::string* error) {
  switch (kind_) {
    case Kind::kSigned:
    case Kind::kUnsigned:
      if (v > hi_) return OutOfRange(raw.empty() ? fmt::format("{}", v) : raw, error);
      column_->AppendUInt(v);
      return true;
    case Kind::kFloat:
      column_->AppendFloat(static_cast<double>(v));
      return true;
    default:
      return AppendText(raw.empty() ? fmt::format("{}", v) : raw, error);
  }
}

bool FieldConverter::AppendDouble(double v, std::string_view raw, std::string* error) {
  if (kind_ != Kind::kFloat) return AppendText(raw.empty() ? fmt::format("{}", v) : raw, error);
  if (type_->Base().id() == TypeId::kFloat32 && std::isfinite(v) &&
      std::fabs(v) > std::numeric_limits<float>::max())
    return OutOfRange(raw.empty() ? fmt::format("{}", v) : raw, error);
  column_->AppendFloat(v);
  return true;
}

bool FieldConverter::AppendBool(bool v, std::string* error) {
  if (kind_ == Kind::kBool || (kind_ == Kind::kUnsigned && hi_ == UINT8_MAX)) {
    column_->AppendInt(v ? 1 : 0);
    return true;
  }
  if (kind_ == Kind::kString) {
    column_->AppendString(v ? "true" : "false");
    return true;
  }
  *error = CannotParse(v ? "true" : "false");
  return false;
}

bool FieldConverter::AppendText(std::string_view text, std::string* error) {
  switch (kind_) {
    case Kind::kString:
      column_->AppendString(text);
      return true;
    case Kind::kSigned: {
      std::string_view s = StripPlus(text);
      int64_t v;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range && p == s.data() + s.size()) return OutOfRange(text, error);
      if (ec != std::errc() || p != s.data() + s.size()) {
        *error = CannotParse(text);
        return false;
      }
      return AppendInt64(v, text, error);
    }
    case Kind::kUnsigned: {
      std::string_view s = StripPlus(text);
      if (!s.empty() && s[0] == '-') {
        int64_t v;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (p == s.data() + s.size() && (ec == std::errc() || ec == std::errc::result_out_of_range))
          return v == 0 && ec == std::errc() ? AppendInt64(0, text, error) : OutOfRange(text, error);
        *error = CannotParse(text);
        return false;
      }
      uint64_t v;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range && p == s.data() + s.size()) return OutOfRange(text, error);
      if (ec != std::errc() || p != s.data() + s.size()) {
        *error = CannotParse(text);
        return false;
      }
      return AppendUInt64(v, text, error);
    }
    case Kind::kFloat: {
      std::string_view s = StripPlus(text);
      double v;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range && p == s.data() + s.size()) {
        // Too small to represent is zero, as ClickHouse reads it; too large is an error.
        size_t e = s.find_first_of("eE");
        bool tiny = e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-';
        if (!tiny) return OutOfRange(text, error);
        v = 0.0;
      } else if (ec != std::errc() || p != s.data() + s.size()) {
        *error = CannotParse(text);
        return false;
      }
      return AppendDouble(v, text, error);
    }
    case Kind::kBool:
      if (text == "1" || EqualsLower(text, "true")) {
        column_->AppendInt(1);
        return true;
      }
      if (text == "0" || EqualsLower(text, "false")) {
        column_->AppendInt(0);
        return true;
      }
      *error = CannotParse(text);
      return false;
    case Kind::kDate:
    case Kind::kDateTime:
    case Kind::kDateTime64:
      return AppendTime(text, error);
  }
  *error = CannotParse(text);
  return false;
}

bool FieldConverter::AppendTime(std::string_view text, std::string* error) {
  int64_t seconds = 0, nanos = 0;
  if (IsDigits(text)) {
    // A number: days for Date, seconds since the epoch for DateTime and DateTime64.
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    // DateTime64 up to 9999-12-31 23:59:59, the last time the text formats can write.
    uint64_t max = kind_ == Kind::kDate ? UINT16_MAX : kind_ == Kind::kDateTime ? UINT32_MAX : 253402300799;
    if (ec != std::errc() || v > max) return OutOfRange(text, error);
    if (kind_ != Kind::kDateTime64) {
      column_->AppendInt(static_cast<int64_t>(v));
      return true;
    }
    seconds = static_cast<int64_t>(v);
  } else if (size_t dot = text.find('.'); kind_ == Kind::kDateTime64 && dot != std::string_view::npos &&
                                          IsDigits(text.substr(0, dot)) && IsDigits(text.substr(dot + 1))) {
    // Unix seconds with a fraction.
    auto [p, ec] = std::from_chars(text.data(), text.data() + dot, seconds);
    if (ec != std::errc() || seconds > 253402300799) return OutOfRange(text, error);
    int64_t scale = 100000000;
    for (size_t i = dot + 1; i < text.size() && scale > 0; ++i, scale /= 10) nanos += (text[i] - '0') * scale;
  } else if (!ParseDateTimeText(text, kind_ == Kind::kDate ? "" : timezone_, &seconds, &nanos)) {
    *error = fmt::format("cannot parse '{}' as {} (expected YYYY-MM-DD{})", Excerpt(text), type_->Name(),
                         kind_ == Kind::kDate ? "" : " hh:mm:ss");
    return false;
  }
  switch (kind_) {
    case Kind::kDate: {
      int64_t days = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
      if (days < 0 || days > UINT16_MAX) return OutOfRange(text, error);
      column_->AppendInt(days);
      return true;
    }
    case Kind::kDateTime:
      if (seconds < 0 || seconds > UINT32_MAX) return OutOfRange(text, error);
      column_->AppendInt(seconds);
      return true;
    default: {
      int64_t ticks;
      const int64_t per = ticks_per_second_;
      const int64_t frac = per >= 1000000000 ? nanos * (per / 1000000000) : nanos / (1000000000 / per);
      if (__builtin_mul_overflow(seconds, per, &ticks) || __builtin_add_overflow(ticks, frac, &ticks))
        return OutOfRange(text, error);
      column_->AppendInt(ticks);
      return true;
    }
  }
}

}  // namespace aurora::formats
