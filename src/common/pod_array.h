// PodArray<T>: a growable array of trivially copyable values that, unlike std::vector, does not
// zero-initialize on resize. Column vectors are built on it: decoding writes every element anyway. Its
// blocks are counted to the thread's MemoryTracker like those of operator new.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "common/memory_tracker.h"

namespace aurora {

template <typename T>
class PodArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodArray() = default;
  explicit PodArray(size_t n) { resize(n); }
  PodArray(const PodArray& o) { assign(o.data_, o.size_); }
  PodArray(PodArray&& o) noexcept { swap(o); }
  PodArray& operator=(const PodArray& o) {
    if (this != &o) assign(o.data_, o.size_);
    return *this;
  }
  PodArray& operator=(PodArray&& o) noexcept {
    swap(o);
    return *this;
  }
  ~PodArray() {
    MemoryTracker::CountFree(data_);
    std::free(data_);
  }

  void swap(PodArray& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }
  void reserve(size_t n) {
    if (n <= capacity_) return;
    size_t cap = std::max(n, capacity_ * 2);
    MemoryTracker::CountFree(data_);
    void* p = std::realloc(static_cast<void*>(data_), std::max<size_t>(cap, 1) * sizeof(T));
    if (!p) {
      MemoryTracker::CountMalloc(data_);
      throw std::bad_alloc();
    }
    MemoryTracker::CountMalloc(p);
    data_ = static_cast<T*>(p);
    capacity_ = cap;
  }
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  void resize_fill(size_t n, T v) {
    size_t old = size_;
    resize(n);
    std::fill(data_ + old, data_ + n, v);
  }
  void clear() { size_ = 0; }
  void push_back(T v) {
    if (size_ == capacity_) reserve(size_ + 1);
    data_[size_++] = v;
  }
  void append(const T* p, size_t n) {
    reserve(size_ + n);
    if (n) std::memcpy(static_cast<void*>(data_ + size_), p, n * sizeof(T));
    size_ += n;
  }
  void assign(const T* p, size_t n) {
    size_ = 0;
    append(p, n);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  size_t bytes() const { return size_ * sizeof(T); }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace aurora
