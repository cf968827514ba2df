#include "common/memory_tracker.h"

#include <malloc.h>

#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AURORA_NO_COUNTING_NEW 1
#endif
#endif

namespace aurora {

namespace {

struct ThreadState {
  MemoryTracker* tracker;
  int64_t pending;
};
constinit thread_local ThreadState t_state{nullptr, 0};

void Flush() {
  if (t_state.tracker && t_state.pending != 0) t_state.tracker->Add(t_state.pending);
  t_state.pending = 0;
}

}  // namespace

void MemoryTracker::Count(void* p, bool allocated) {
  if (!t_state.tracker || !p) return;
  const int64_t n = static_cast<int64_t>(malloc_usable_size(p));
  t_state.pending += allocated ? n : -n;
  if (t_state.pending > kBatch || t_state.pending < -kBatch) Flush();
}
void MemoryTracker::Add(int64_t bytes) {
  int64_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

MemoryTracker::Scope::Scope(MemoryTracker* tracker) : previous_(t_state.tracker) {
  Flush();
  t_state.tracker = tracker;
}

MemoryTracker::Scope::~Scope() {
  Flush();
  t_state.tracker = previous_;
}

bool MemoryTracker::Enabled() {
#ifdef AURORA_NO_COUNTING_NEW
  return false;
#else
  return true;
#endif
}

}  // namespace aurora

#ifndef AURORA_NO_COUNTING_NEW

// Replacements of the global allocation functions: malloc underneath, as the standard library's own, with
// the usable size counted to the calling thread's tracker.
namespace {

void* Allocate(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  aurora::MemoryTracker::CountMalloc(p);
  return p;
}

void* AllocateAligned(std::size_t n, std::align_val_t align) {
  void* p = nullptr;
  if (posix_memalign(&p, static_cast<std::size_t>(align), n ? n : 1) != 0) return nullptr;
  aurora::MemoryTracker::CountMalloc(p);
  return p;
}

void Free(void* p) {
  aurora::MemoryTracker::CountFree(p);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = Allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return Allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return Allocate(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = AllocateAligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = AllocateAligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return AllocateAligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return AllocateAligned(n, a);
}
void operator delete(void* p) noexcept {
  Free(p);
}
void operator delete[](void* p) noexcept {
  Free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  Free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  Free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  Free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  Free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  Free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  Free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  Free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  Free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  Free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  Free(p);
}

#endif
