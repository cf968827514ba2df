#include "types/column.h"

#include <cmath>

#include "common/check.h"

namespace aurora {

Column::Column(DataTypePtr type) : type_(std::move(type)), layout_(type_->Layout()) {
  if (layout_.kind == ColumnLayout::Kind::kDictionary) {
    own_dictionary_ = std::make_shared<Column>(DataType::Make(TypeId::kString));
    dict_index_ = std::make_shared<absl::flat_hash_map<std::string, uint32_t>>();
    dictionary_ = own_dictionary_;
    // Code 0 is always the empty string: the default value of NULL rows.
    CodeFor("");
  }
  if (layout_.kind == ColumnLayout::Kind::kArray) child_ = std::make_shared<Column>(type_->Base().nested());
}

bool Column::HasNulls() const {
  for (size_t i = 0; i < nulls.size(); ++i)
    if (nulls[i]) return true;
  return false;
}

std::string_view Column::StringAt(size_t i) const {
  if (layout_.kind == ColumnLayout::Kind::kDictionary) return dictionary_->StringAt(Codes()[i]);
  AURORA_DCHECK(layout_.kind == ColumnLayout::Kind::kString);
  uint64_t begin = i == 0 ? 0 : offsets[i - 1];
  return std::string_view(chars.data() + begin, offsets[i] - begin);
}

Value Column::ValueAt(size_t i) const {
  if (IsNull(i)) return std::monostate{};
  switch (layout_.value_id) {
    case TypeId::kBool:
    case TypeId::kUInt8:
      return static_cast<int64_t>(Data<uint8_t>()[i]);
    case TypeId::kInt8:
      return static_cast<int64_t>(Data<int8_t>()[i]);
    case TypeId::kInt16:
      return static_cast<int64_t>(Data<int16_t>()[i]);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return static_cast<int64_t>(Data<uint16_t>()[i]);
    case TypeId::kInt32:
      return static_cast<int64_t>(Data<int32_t>()[i]);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return static_cast<int64_t>(Data<uint32_t>()[i]);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
    case TypeId::kIntervalSecond:
    case TypeId::kIntervalMinute:
    case TypeId::kIntervalHour:
    case TypeId::kIntervalDay:
    case TypeId::kIntervalWeek:
    case TypeId::kIntervalMonth:
    case TypeId::kIntervalQuarter:
    case TypeId::kIntervalYear:
      return Data<int64_t>()[i];
    case TypeId::kUInt64:
      return Data<uint64_t>()[i];
    case TypeId::kFloat32:
      return static_cast<double>(Data<float>()[i]);
    case TypeId::kFloat64:
      return Data<double>()[i];
    case TypeId::kString:
      return std::string(StringAt(i));
    case TypeId::kArray: {
      std::vector<Value> items;
      items.reserve(ArraySize(i));
      for (uint64_t j = ArrayBegin(i); j < ArrayEnd(i); ++j) items.push_back(child_->ValueAt(j));
      return MakeArray(std::move(items));
    }
    default:
      AURORA_CHECK_MSG(false, "unexpected base type");
  }
}

namespace {
template <typename T>
int Cmp3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}
}  // namespace

int Column::CompareAt(size_t i, const Column& other, size_t j) const {
  bool na = IsNull(i), nb = other.IsNull(j);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  switch (layout_.value_id) {
    case TypeId::kBool:
    case TypeId::kUInt8:
      return Cmp3(Data<uint8_t>()[i], other.Data<uint8_t>()[j]);
    case TypeId::kInt8:
      return Cmp3(Data<int8_t>()[i], other.Data<int8_t>()[j]);
    case TypeId::kInt16:
      return Cmp3(Data<int16_t>()[i], other.Data<int16_t>()[j]);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return Cmp3(Data<uint16_t>()[i], other.Data<uint16_t>()[j]);
    case TypeId::kInt32:
      return Cmp3(Data<int32_t>()[i], other.Data<int32_t>()[j]);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return Cmp3(Data<uint32_t>()[i], other.Data<uint32_t>()[j]);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
    case TypeId::kIntervalSecond:
    case TypeId::kIntervalMinute:
    case TypeId::kIntervalHour:
    case TypeId::kIntervalDay:
    case TypeId::kIntervalWeek:
    case TypeId::kIntervalMonth:
    case TypeId::kIntervalQuarter:
    case TypeId::kIntervalYear:
      return Cmp3(Data<int64_t>()[i], other.Data<int64_t>()[j]);
    case TypeId::kUInt64:
      return Cmp3(Data<uint64_t>()[i], other.Data<uint64_t>()[j]);
    case TypeId::kFloat32: {
      float a = Data<float>()[i], b = other.Data<float>()[j];
      if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) == std::isnan(b) ? 0 : (std::isnan(a) ? 1 : -1);
      return Cmp3(a, b);
    }
    case TypeId::kFloat64: {
      double a = Data<double>()[i], b = other.Data<double>()[j];
      if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) == std::isnan(b) ? 0 : (std::isnan(a) ? 1 : -1);
      return Cmp3(a, b);
    }
    case TypeId::kString: {
      if (layout_.kind == ColumnLayout::Kind::kDictionary && dictionary_ == other.dictionary_ &&
          Codes()[i] == other.Codes()[j])
        return 0;
      int c = StringAt(i).compare(other.StringAt(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kArray: {
      uint64_t a = ArrayBegin(i), a_end = ArrayEnd(i), b = other.ArrayBegin(j), b_end = other.ArrayEnd(j);
      for (; a < a_end && b < b_end; ++a, ++b)
        if (int c = child_->CompareAt(a, *other.child_, b); c != 0) return c;
      return Cmp3(a_end - a, b_end - b);
    }
    default:
      AURORA_CHECK_MSG(false, "unexpected base type");
  }
}

size_t Column::ByteSize() const {
  return data.bytes() + offsets.bytes() + chars.bytes() + nulls.bytes() + (child_ ? child_->ByteSize() : 0);
}

void Column::Reserve(size_t n) {
  if (layout_.kind == ColumnLayout::Kind::kString || layout_.kind == ColumnLayout::Kind::kArray) {
    offsets.reserve(n);
  } else {
    data.reserve(n * layout_.width);
  }
}

void Column::MarkNotNull() {
  if (!nulls.empty()) nulls.push_back(0);
}

void Column::AppendNull() {
  AURORA_CHECK_MSG(layout_.nullable, "NULL appended to a column that is not Nullable");
  AURORA_CHECK_MSG(layout_.kind != ColumnLayout::Kind::kArray, "an array column is never nullable");
  if (nulls.empty()) nulls.resize_fill(size_, 0);
  AppendEmptyValue();
  nulls.push_back(1);
  ++size_;
}

void Column::AppendEmptyValue() {
  switch (layout_.kind) {
    case ColumnLayout::Kind::kFixed:
      data.resize_fill(data.size() + layout_.width, 0);
      break;
    case ColumnLayout::Kind::kString:
      offsets.push_back(chars.size());
      break;
    case ColumnLayout::Kind::kDictionary: {
      uint32_t code = CodeFor("");
      data.append(reinterpret_cast<const uint8_t*>(&code), 4);
      break;
    }
    case ColumnLayout::Kind::kArray:
      offsets.push_back(child_->size());
      break;
  }
}

void Column::AppendDefault() {
  if (layout_.nullable) {
    AppendNull();
    return;
  }
  AppendEmptyValue();
  MarkNotNull();
  ++size_;
}

void Column::AppendInt(int64_t v) {
  AURORA_DCHECK(layout_.kind == ColumnLayout::Kind::kFixed);
  switch (layout_.width) {
    case 1:
      data.push_back(static_cast<uint8_t>(v));
      break;
    case 2: {
      auto x = static_cast<uint16_t>(v);
      data.append(reinterpret_cast<const uint8_t*>(&x), 2);
      break;
    }
    case 4: {
      if (layout_.value_id == TypeId::kFloat32) {
        float f = static_cast<float>(v);
        data.append(reinterpret_cast<const uint8_t*>(&f), 4);
      } else {
        auto x = static_cast<uint32_t>(v);
        data.append(reinterpret_cast<const uint8_t*>(&x), 4);
      }
      break;
    }
    case 8: {
      if (layout_.value_id == TypeId::kFloat64) {
        double f = static_cast<double>(v);
        data.append(reinterpret_cast<const uint8_t*>(&f), 8);
      } else {
        data.append(reinterpret_cast<const uint8_t*>(&v), 8);
      }
      break;
    }
  }
  MarkNotNull();
  ++size_;
}

void Column::AppendUInt(uint64_t v) {
  if (layout_.value_id == TypeId::kFloat64 || layout_.value_id == TypeId::kFloat32) {
    AppendFloat(static_cast<double>(v));
    return;
  }
  AppendInt(static_cast<int64_t>(v));
}

void Column::AppendFloat(double v) {
  if (layout_.value_id == TypeId::kFloat32) {
    float f = static_cast<float>(v);
    data.append(reinterpret_cast<const uint8_t*>(&f), 4);
  } else if (layout_.value_id == TypeId::kFloat64) {
    data.append(reinterpret_cast<const uint8_t*>(&v), 8);
  } else {
    AppendInt(static_cast<int64_t>(v));
    return;
  }
  MarkNotNull();
  ++size_;
}

uint32_t Column::CodeFor(std::string_view s) {
  if (own_dictionary_ == nullptr) {
    // Shared dictionary: take a copy of our own before adding to it (the codes keep their meaning).
    auto own = std::make_shared<Column>(DataType::Make(TypeId::kString));
    own->AppendRange(*dictionary_, 0, dictionary_->size());
    auto index = std::make_shared<absl::flat_hash_map<std::string, uint32_t>>();
    for (size_t code = 0; code < own->size(); ++code)
      index->emplace(std::string(own->StringAt(code)), static_cast<uint32_t>(code));
    own_dictionary_ = own;
    dict_index_ = std::move(index);
    dictionary_ = own_dictionary_;
  }
  // Look up before inserting: most values are already in the dictionary, and a lookup by view does not
  // allocate a key.
  auto it = dict_index_->find(absl::string_view(s.data(), s.size()));
  if (it != dict_index_->end()) return it->second;
  const auto code = static_cast<uint32_t>(own_dictionary_->size());
  dict_index_->emplace(std::string(s), code);
  own_dictionary_->AppendString(s);
  return code;
}

uint32_t Column::RemapCode(const Column& other, uint32_t code) {
  if (remap_from_ != other.dictionary_) {
    remap_from_ = other.dictionary_;
    remap_.assign(remap_from_->size(), UINT32_MAX);
  }
  uint32_t& mapped = remap_[code];
  if (mapped == UINT32_MAX) mapped = CodeFor(remap_from_->StringAt(code));
  return mapped;
}

void Column::AppendString(std::string_view s) {
  if (layout_.kind == ColumnLayout::Kind::kDictionary) {
    uint32_t code = CodeFor(s);
    data.append(reinterpret_cast<const uint8_t*>(&code), 4);
  } else {
    AURORA_DCHECK(layout_.kind == ColumnLayout::Kind::kString);
    chars.append(s.data(), s.size());
    offsets.push_back(chars.size());
  }
  MarkNotNull();
  ++size_;
}

bool Column::AppendValue(const Value& v) {
  if (::aurora::IsNull(v)) {
    if (!layout_.nullable) return false;
    AppendNull();
    return true;
  }
  if (layout_.value_id == TypeId::kString) {
    if (auto* s = std::get_if<std::string>(&v)) {
      AppendString(*s);
      return true;
    }
    return false;
  }
  if (layout_.kind == ColumnLayout::Kind::kArray) {
    auto* a = std::get_if<ArrayValuePtr>(&v);
    if (!a) return false;
    for (const Value& item : (*a)->items)
      if (!child_->AppendValue(item)) return false;
    FinishArray();
    return true;
  }
  if (std::holds_alternative<std::string>(v) || std::holds_alternative<ArrayValuePtr>(v)) return false;
  if (auto* i = std::get_if<int64_t>(&v)) {
    AppendInt(*i);
  } else if (auto* u = std::get_if<uint64_t>(&v)) {
    AppendUInt(*u);
  } else if (auto* d = std::get_if<double>(&v)) {
    AppendFloat(*d);
  } else {
    return false;
  }
  return true;
}

void Column::AppendRange(const Column& other, size_t begin, size_t count) {
  if (count == 0) return;
  if (!other.nulls.empty() || !nulls.empty()) {
    if (nulls.empty()) nulls.resize_fill(size_, 0);
    if (other.nulls.empty()) {
      nulls.resize_fill(nulls.size() + count, 0);
    } else {
      nulls.append(other.nulls.data() + begin, count);
    }
  }
  switch (layout_.kind) {
    case ColumnLayout::Kind::kFixed:
      data.append(other.data.data() + begin * layout_.width, count * layout_.width);
      break;
    case ColumnLayout::Kind::kString: {
      if (other.layout_.kind == ColumnLayout::Kind::kDictionary) {  // decode a dictionary column
        offsets.reserve(offsets.size() + count);
        for (size_t i = 0; i < count; ++i) {
          std::string_view s = other.StringAt(begin + i);
          chars.append(s.data(), s.size());
          offsets.push_back(chars.size());
        }
        break;
      }
      uint64_t start = begin == 0 ? 0 : other.offsets[begin - 1];
      uint64_t end = other.offsets[begin + count - 1];
      uint64_t base = chars.size();
      chars.append(other.chars.data() + start, end - start);
      offsets.reserve(offsets.size() + count);
      for (size_t i = 0; i < count; ++i) offsets.push_back(base + other.offsets[begin + i] - start);
      break;
    }
    case ColumnLayout::Kind::kDictionary: {
      if (other.layout_.kind == ColumnLayout::Kind::kString) {  // encode a plain String column
        for (size_t i = 0; i < count; ++i) {
          uint32_t code = CodeFor(other.StringAt(begin + i));
          data.append(reinterpret_cast<const uint8_t*>(&code), 4);
        }
      } else if (other.dictionary_ == dictionary_ && own_dictionary_ == nullptr) {
        data.append(other.data.data() + begin * 4, count * 4);
      } else {
        const uint32_t* codes = other.Codes();
        for (size_t i = 0; i < count; ++i) {
          uint32_t code = RemapCode(other, codes[begin + i]);
          data.append(reinterpret_cast<const uint8_t*>(&code), 4);
        }
      }
      break;
    }
    case ColumnLayout::Kind::kArray: {
      uint64_t start = other.ArrayBegin(begin);
      uint64_t end = other.ArrayEnd(begin + count - 1);
      uint64_t base = child_->size();
      child_->AppendRange(*other.child_, start, end - start);
      offsets.reserve(offsets.size() + count);
      for (size_t i = 0; i < count; ++i) offsets.push_back(base + other.offsets[begin + i] - start);
      break;
    }
  }
  size_ += count;
}

void Column::AppendGather(const Column& other, const uint32_t* indices, size_t count) {
  if (!other.nulls.empty()) {
    if (nulls.empty()) nulls.resize_fill(size_, 0);
    for (size_t i = 0; i < count; ++i) nulls.push_back(other.nulls[indices[i]]);
  } else if (!nulls.empty()) {
    nulls.resize_fill(nulls.size() + count, 0);
  }
  switch (layout_.kind) {
    case ColumnLayout::Kind::kFixed: {
      size_t w = layout_.width;
      size_t old = data.size();
      data.resize(old + count * w);
      uint8_t* dst = data.data() + old;
      const uint8_t* src = other.data.data();
      switch (w) {
        case 1:
          for (size_t i = 0; i < count; ++i) dst[i] = src[indices[i]];
          break;
        case 2:
          for (size_t i = 0; i < count; ++i) std::memcpy(dst + 2 * i, src + 2 * size_t{indices[i]}, 2);
          break;
        case 4:
          for (size_t i = 0; i < count; ++i) std::memcpy(dst + 4 * i, src + 4 * size_t{indices[i]}, 4);
          break;
        default:
          for (size_t i = 0; i < count; ++i) std::memcpy(dst + 8 * i, src + 8 * size_t{indices[i]}, 8);
          break;
      }
      break;
    }
    case ColumnLayout::Kind::kString: {
      offsets.reserve(offsets.size() + count);
      for (size_t i = 0; i < count; ++i) {
        std::string_view s = other.StringAt(indices[i]);
        chars.append(s.data(), s.size());
        offsets.push_back(chars.size());
      }
      break;
    }
    case ColumnLayout::Kind::kDictionary: {
      if (other.layout_.kind == ColumnLayout::Kind::kString) {
        for (size_t i = 0; i < count; ++i) {
          uint32_t code = CodeFor(other.StringAt(indices[i]));
          data.append(reinterpret_cast<const uint8_t*>(&code), 4);
        }
      } else if (other.dictionary_ == dictionary_ && own_dictionary_ == nullptr) {
        const uint32_t* codes = other.Codes();
        for (size_t i = 0; i < count; ++i)
          data.append(reinterpret_cast<const uint8_t*>(&codes[indices[i]]), 4);
      } else {
        const uint32_t* codes = other.Codes();
        for (size_t i = 0; i < count; ++i) {
          uint32_t code = RemapCode(other, codes[indices[i]]);
          data.append(reinterpret_cast<const uint8_t*>(&code), 4);
        }
      }
      break;
    }
    case ColumnLayout::Kind::kArray: {
      offsets.reserve(offsets.size() + count);
      for (size_t i = 0; i < count; ++i) {
        uint64_t start = other.ArrayBegin(indices[i]);
        child_->AppendRange(*other.child_, start, other.ArrayEnd(indices[i]) - start);
        offsets.push_back(child_->size());
      }
      break;
    }
  }
  size_ += count;
}

void Column::SetDictionary(std::shared_ptr<const Column> dict) {
  AURORA_CHECK(layout_.kind == ColumnLayout::Kind::kDictionary && size_ == 0);
  dictionary_ = std::move(dict);
  own_dictionary_.reset();
  dict_index_.reset();
}

ColumnPtr Column::Slice(size_t begin, size_t count) const {
  auto out = std::make_shared<Column>(type_);
  if (layout_.kind == ColumnLayout::Kind::kDictionary) out->SetDictionary(dictionary_);
  out->AppendRange(*this, begin, count);
  return out;
}

ColumnPtr MakeStringColumn(DataTypePtr type, std::initializer_list<std::string_view> values) {
  auto c = std::make_shared<Column>(std::move(type));
  for (auto v : values) c->AppendString(v);
  return c;
}

}  // namespace aurora
