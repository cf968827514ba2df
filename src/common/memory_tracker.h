// MemoryTracker: how much memory a query holds. While a thread is attached to a tracker (a Scope),
// every operator new and delete it makes is counted to that tracker, whoever allocates: hash tables,
// columns, sort buffers, strings. Counts are batched per thread (up to kBatch bytes stay local) so that
// threads do not contend on every allocation; used() is therefore exact to within kBatch per thread.
//
// The tracker only counts. The query checks used() against its limit at safe points (between morsels
// and phases, see exec/query_context.h) and ends with an error there, so no allocation ever throws on
// its account. Builds with AddressSanitizer under clang keep the sanitizer's own operator new and count
// nothing.
#pragma once

#include <atomic>
#include <cstdint>

namespace aurora {

class MemoryTracker {
 public:
  static constexpr int64_t kBatch = 1 << 20;

  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }

  // Counts `bytes` more (negative: fewer).
  void Add(int64_t bytes);

  // Attaches the calling thread to `tracker` (nullptr: to none) until the scope ends, then restores the
  // previous attachment. Pending counts are flushed on both changes.
  class Scope {
   public:
    explicit Scope(MemoryTracker* tracker);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    MemoryTracker* previous_;
  };

  // Whether operator new and delete are counted in this build.
  static bool Enabled();

  // Counts a block from malloc / realloc (its usable size) to the calling thread's tracker, or uncounts
  // one before it is freed or reallocated: for containers that allocate without operator new (PodArray).
  static void CountMalloc(void* p) { Count(p, true); }
  static void CountFree(void* p) { Count(p, false); }

 private:
  static void Count(void* p, bool allocated);

  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
};

}  // namespace aurora
