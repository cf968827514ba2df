// Type dispatch for kernels: calls f(T{}) with the C++ type that stores values of a fixed-width base
// type (Bool and UInt8 -> uint8_t, Date -> uint16_t, DateTime -> uint32_t, DateTime64 and intervals ->
// int64_t).
#pragma once

#include <cstdint>

#include "common/check.h"
#include "types/data_type.h"

namespace aurora::function {

template <typename F>
decltype(auto) DispatchFixed(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kUInt8:
      return f(uint8_t{});
    case TypeId::kUInt16:
    case TypeId::kDate:
      return f(uint16_t{});
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return f(uint32_t{});
    case TypeId::kUInt64:
      return f(uint64_t{});
    case TypeId::kInt8:
      return f(int8_t{});
    case TypeId::kInt16:
      return f(int16_t{});
    case TypeId::kInt32:
      return f(int32_t{});
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
      return f(int64_t{});
    case TypeId::kFloat32:
      return f(float{});
    case TypeId::kFloat64:
      return f(double{});
    default:
      AURORA_CHECK_MSG(false, "not a fixed-width type");
  }
}

// The TypeId that stores a C++ numeric type (for results).
template <typename T>
constexpr TypeId TypeIdOf() {
  if constexpr (std::is_same_v<T, uint8_t>)
    return TypeId::kUInt8;
  else if constexpr (std::is_same_v<T, uint16_t>)
    return TypeId::kUInt16;
  else if constexpr (std::is_same_v<T, uint32_t>)
    return TypeId::kUInt32;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return TypeId::kUInt64;
  else if constexpr (std::is_same_v<T, int8_t>)
    return TypeId::kInt8;
  else if constexpr (std::is_same_v<T, int16_t>)
    return TypeId::kInt16;
  else if constexpr (std::is_same_v<T, int32_t>)
    return TypeId::kInt32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return TypeId::kInt64;
  else if constexpr (std::is_same_v<T, float>)
    return TypeId::kFloat32;
  else
    return TypeId::kFloat64;
}

// Three-way-safe comparisons between any two numeric C++ types (signed against unsigned included).
template <typename A, typename B>
inline bool NumLess(A a, B b) {
  if constexpr (std::is_floating_point_v<A> || std::is_floating_point_v<B>) {
    return static_cast<double>(a) < static_cast<double>(b);
  } else if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    using C = std::conditional_t<std::is_signed_v<A>, int64_t, uint64_t>;
    return static_cast<C>(a) < static_cast<C>(b);
  } else if constexpr (std::is_signed_v<A>) {
    return a < 0 || static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  } else {
    return b >= 0 && static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  }
}
template <typename A, typename B>
inline bool NumEqual(A a, B b) {
  if constexpr (std::is_floating_point_v<A> || std::is_floating_point_v<B>) {
    return static_cast<double>(a) == static_cast<double>(b);
  } else if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    using C = std::conditional_t<std::is_signed_v<A>, int64_t, uint64_t>;
    return static_cast<C>(a) == static_cast<C>(b);
  } else if constexpr (std::is_signed_v<A>) {
    return a >= 0 && static_cast<uint64_t>(a) == static_cast<uint64_t>(b);
  } else {
    return b >= 0 && static_cast<uint64_t>(a) == static_cast<uint64_t>(b);
  }
}

inline bool IsNumericOrTime(const DataType& t) {
  const DataType& b = t.Base();
  return b.IsInteger() || b.IsFloat() || b.IsTime() || b.id() == TypeId::kBool;
}

}  // namespace aurora::function
