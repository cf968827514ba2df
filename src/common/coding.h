// Little-endian fixed-width and varint encoding for the on-disk formats (docs/formats/).
// BufferWriter appends to a std::string; BufferReader reads with bounds checks and reports truncation
// as Corruption instead of reading past the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/status.h"

namespace aurora {

class BufferWriter {
 public:
  explicit BufferWriter(std::string* out) : out_(out) {}

  template <typename T>
  void PutFixed(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));  // x86-64 and aarch64 are little-endian; formats are LE.
    out_->append(buf, sizeof(T));
  }
  void PutVarint(uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }
  void PutSignedVarint(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void PutString(std::string_view s) {
    PutVarint(s.size());
    out_->append(s.data(), s.size());
  }
  void PutBytes(const void* p, size_t n) { out_->append(static_cast<const char*>(p), n); }
  size_t size() const { return out_->size(); }

 private:
  std::string* out_;
};

class BufferReader {
 public:
  BufferReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  explicit BufferReader(std::string_view s) : BufferReader(s.data(), s.size()) {}

  template <typename T>
  [[nodiscard]] bool GetFixed(T* v) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) return Fail();
    std::memcpy(v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  [[nodiscard]] bool GetVarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (p_ >= end_) return Fail();
      uint64_t byte = static_cast<unsigned char>(*p_++);
      result |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        *v = result;
        return true;
      }
    }
    return Fail();
  }
  [[nodiscard]] bool GetSignedVarint(int64_t* v) {
    uint64_t u;
    if (!GetVarint(&u)) return false;
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  [[nodiscard]] bool GetString(std::string_view* s) {
    uint64_t n;
    if (!GetVarint(&n)) return false;
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail();
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  [[nodiscard]] bool GetString(std::string* s) {
    std::string_view v;
    if (!GetString(&v)) return false;
    s->assign(v);
    return true;
  }
  [[nodiscard]] bool GetBytes(size_t n, std::string_view* s) {
    if (static_cast<size_t>(end_ - p_) < n) return Fail();
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  size_t remaining() const { return end_ - p_; }
  bool failed() const { return failed_; }
  bool done() const { return p_ == end_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  const char* p_;
  const char* end_;
  bool failed_ = false;
};

}  // namespace aurora
