// Invariant checks. AURORA_CHECK is always on and aborts with a message where continuing could corrupt
// data; AURORA_DCHECK guards programmer errors in debug builds only.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace aurora::detail {
[[noreturn]] inline void CheckFailed(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "aurora: invariant violated at %s:%d: %s %s\n", file, line, expr, msg ? msg : "");
  std::fflush(stderr);
  std::abort();
}
}  // namespace aurora::detail

#define AURORA_CHECK(cond)                                                          \
  do {                                                                              \
    if (!(cond)) ::aurora::detail::CheckFailed(#cond, __FILE__, __LINE__, nullptr); \
  } while (0)
#define AURORA_CHECK_MSG(cond, msg)                                             \
  do {                                                                          \
    if (!(cond)) ::aurora::detail::CheckFailed(#cond, __FILE__, __LINE__, msg); \
  } while (0)

#ifdef NDEBUG
#define AURORA_DCHECK(cond) \
  do {                      \
  } while (false && (cond))
#else
#define AURORA_DCHECK(cond) AURORA_CHECK(cond)
#endif
