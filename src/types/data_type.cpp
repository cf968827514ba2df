#include "types/data_type.h"

#include <cctype>
#include <charconv>

#include "common/check.h"

namespace aurora {

namespace {

struct NamedType {
  std::string_view name;
  TypeId id;
};
constexpr NamedType kSimpleTypes[] = {
    {"Bool", TypeId::kBool},
    {"Int8", TypeId::kInt8},
    {"Int16", TypeId::kInt16},
    {"Int32", TypeId::kInt32},
    {"Int64", TypeId::kInt64},
    {"UInt8", TypeId::kUInt8},
    {"UInt16", TypeId::kUInt16},
    {"UInt32", TypeId::kUInt32},
    {"UInt64", TypeId::kUInt64},
    {"Float32", TypeId::kFloat32},
    {"Float64", TypeId::kFloat64},
    {"String", TypeId::kString},
    {"Date", TypeId::kDate},
    {"IntervalSecond", TypeId::kIntervalSecond},
    {"IntervalMinute", TypeId::kIntervalMinute},
    {"IntervalHour", TypeId::kIntervalHour},
    {"IntervalDay", TypeId::kIntervalDay},
    {"IntervalWeek", TypeId::kIntervalWeek},
    {"IntervalMonth", TypeId::kIntervalMonth},
    {"IntervalQuarter", TypeId::kIntervalQuarter},
    {"IntervalYear", TypeId::kIntervalYear},
};

std::string_view SimpleName(TypeId id) {
  for (const auto& t : kSimpleTypes)
    if (t.id == id) return t.name;
  return "";
}

// A small recursive-descent parser over the type grammar.
class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Result<DataTypePtr> ParseAll() {
    AURORA_ASSIGN_OR_RETURN(DataTypePtr t, ParseType());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the type");
    return t;
  }

 private:
  Result<DataTypePtr> ParseType() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty()) return Error("expected a type name");
    if (name == "Nullable" || name == "LowCardinality" || name == "Array") {
      AURORA_RETURN_IF_ERROR(Expect('('));
      AURORA_ASSIGN_OR_RETURN(DataTypePtr nested, ParseType());
      AURORA_RETURN_IF_ERROR(Expect(')'));
      if (name == "Array") return DataType::Array(nested);
      if (name == "Nullable") {
        if (nested->IsNullable()) return Error("Nullable(Nullable(...)) is not a type");
        if (nested->IsArray())
          return Error("an array cannot be NULL: write Array(Nullable(T)) instead of Nullable(Array(T))");
        if (nested->IsLowCardinality())
          return Error("write LowCardinality(Nullable(T)) instead of Nullable(LowCardinality(T))");
        return DataType::Nullable(nested);
      }
      if (nested->IsLowCardinality()) return Error("LowCardinality cannot be nested");
      if (nested->IsArray()) return Error("LowCardinality(Array(...)) is not a type");
      if (nested->Base().id() != TypeId::kString)
        return Error("LowCardinality is supported for String and Nullable(String) only");
      return DataType::LowCardinality(nested);
    }
    if (name == "DateTime") {
      std::string tz;
      if (Peek('(')) {
        ++pos_;
        AURORA_ASSIGN_OR_RETURN(tz, ParseQuoted());
        AURORA_RETURN_IF_ERROR(Expect(')'));
      }
      return DataType::DateTime(tz);
    }
    if (name == "DateTime64") {
      AURORA_RETURN_IF_ERROR(Expect('('));
      SkipSpace();
      size_t digits = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (digits == pos_) return Error("DateTime64 needs a precision, e.g. DateTime64(3)");
      int precision = 0;
      auto [end, ec] = std::from_chars(text_.data() + digits, text_.data() + pos_, precision);
      if (ec != std::errc() || precision > 9) return Error("DateTime64 precision must be between 0 and 9");
      (void)end;
      std::string tz;
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
        AURORA_ASSIGN_OR_RETURN(tz, ParseQuoted());
      }
      AURORA_RETURN_IF_ERROR(Expect(')'));
      return DataType::DateTime64(precision, tz);
    }
    for (const auto& t : kSimpleTypes)
      if (t.name == name) return DataType::Make(t.id);
    if (name == "Boolean") return DataType::Make(TypeId::kBool);
    pos_ = start;
    return Error(fmt::format("unknown type '{}'", name));
  }

  Result<std::string> ParseQuoted() {
    SkipSpace();
    if (!Peek('\'')) return Error("expected a quoted time zone name");
    ++pos_;
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '\'') ++pos_;
    if (pos_ >= text_.size()) return Error("unterminated string");
    std::string s(text_.substr(start, pos_ - start));
    ++pos_;
    return s;
  }
  Status Expect(char c) {
    SkipSpace();
    if (!Peek(c)) return Error(fmt::format("expected '{}'", c));
    ++pos_;
    return Status::OK();
  }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  Status Error(std::string what) const {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("invalid type '{}': {} at position {}", text_, what, pos_ + 1));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

int FixedWidthOf(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kUInt8:
      return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16:
    case TypeId::kDate:
      return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDateTime:
      return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kDateTime64:
    case TypeId::kIntervalSecond:
    case TypeId::kIntervalMinute:
    case TypeId::kIntervalHour:
    case TypeId::kIntervalDay:
    case TypeId::kIntervalWeek:
    case TypeId::kIntervalMonth:
    case TypeId::kIntervalQuarter:
    case TypeId::kIntervalYear:
      return 8;
    default:
      return 0;
  }
}

DataTypePtr DataType::Make(TypeId id) {
  AURORA_CHECK(id != TypeId::kNullable && id != TypeId::kLowCardinality && id != TypeId::kArray);
  return std::make_shared<DataType>(id, nullptr, 0, "");
}
DataTypePtr DataType::DateTime(std::string timezone) {
  return std::make_shared<DataType>(TypeId::kDateTime, nullptr, 0, std::move(timezone));
}
DataTypePtr DataType::DateTime64(int precision, std::string timezone) {
  return std::make_shared<DataType>(TypeId::kDateTime64, nullptr, precision, std::move(timezone));
}
DataTypePtr DataType::Nullable(DataTypePtr nested) {
  return std::make_shared<DataType>(TypeId::kNullable, std::move(nested), 0, "");
}
DataTypePtr DataType::LowCardinality(DataTypePtr nested) {
  return std::make_shared<DataType>(TypeId::kLowCardinality, std::move(nested), 0, "");
}
DataTypePtr DataType::Array(DataTypePtr element) {
  return std::make_shared<DataType>(TypeId::kArray, std::move(element), 0, "");
}

std::string DataType::Name() const {
  switch (id_) {
    case TypeId::kNullable:
      return fmt::format("Nullable({})", nested_->Name());
    case TypeId::kLowCardinality:
      return fmt::format("LowCardinality({})", nested_->Name());
    case TypeId::kArray:
      return fmt::format("Array({})", nested_->Name());
    case TypeId::kDateTime:
      return timezone_.empty() ? "DateTime" : fmt::format("DateTime('{}')", timezone_);
    case TypeId::kDateTime64:
      return timezone_.empty() ? fmt::format("DateTime64({})", precision_)
                               : fmt::format("DateTime64({}, '{}')", precision_, timezone_);
    default:
      return std::string(SimpleName(id_));
  }
}

bool DataType::IsNullable() const {
  if (id_ == TypeId::kNullable) return true;
  if (id_ == TypeId::kLowCardinality) return nested_->IsNullable();
  return false;
}
bool DataType::IsLowCardinality() const {
  return id_ == TypeId::kLowCardinality;
}
bool DataType::ContainsArray() const {
  if (id_ == TypeId::kArray) return true;
  return nested_ != nullptr && nested_->ContainsArray();
}

const DataType& DataType::Base() const {
  const DataType* t = this;
  while (t->id_ == TypeId::kNullable || t->id_ == TypeId::kLowCardinality) t = t->nested_.get();
  return *t;
}

ColumnLayout DataType::Layout() const {
  const DataType& base = Base();
  ColumnLayout l;
  l.nullable = IsNullable();
  l.value_id = base.id();
  if (base.id() == TypeId::kArray) {
    l.kind = ColumnLayout::Kind::kArray;
    l.width = 0;
  } else if (IsLowCardinality()) {
    l.kind = ColumnLayout::Kind::kDictionary;
    l.width = 4;
  } else if (base.id() == TypeId::kString) {
    l.kind = ColumnLayout::Kind::kString;
    l.width = 0;
  } else {
    l.kind = ColumnLayout::Kind::kFixed;
    l.width = static_cast<uint8_t>(FixedWidthOf(base.id()));
  }
  return l;
}

bool DataType::IsInteger() const {
  TypeId id = Base().id();
  return id >= TypeId::kInt8 && id <= TypeId::kUInt64;
}
bool DataType::IsSignedInteger() const {
  TypeId id = Base().id();
  return id >= TypeId::kInt8 && id <= TypeId::kInt64;
}
bool DataType::IsFloat() const {
  TypeId id = Base().id();
  return id == TypeId::kFloat32 || id == TypeId::kFloat64;
}
bool DataType::IsTime() const {
  TypeId id = Base().id();
  return id == TypeId::kDate || id == TypeId::kDateTime || id == TypeId::kDateTime64;
}
bool DataType::IsInterval() const {
  TypeId id = Base().id();
  return id >= TypeId::kIntervalSecond && id <= TypeId::kIntervalYear;
}
int64_t DataType::TicksPerSecond() const {
  const DataType& b = Base();
  int64_t t = 1;
  if (b.id() == TypeId::kDateTime64)
    for (int i = 0; i < b.precision(); ++i) t *= 10;
  return t;
}

Result<DataTypePtr> ParseDataType(std::string_view text) {
  return TypeParser(text).ParseAll();
}

}  // namespace aurora
