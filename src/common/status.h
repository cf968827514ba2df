// Status and Result<T>: how every function that touches files, the network or a module boundary
// reports failure. One ErrorCode enum for the whole program; each code has one stable name that clients
// can match on (and, from the server on, one HTTP status).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace aurora {

enum class ErrorCode : uint8_t {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong (bad type name, bad setting)
  kNotFound,           // a table, column, file that does not exist
  kAlreadyExists,      // creating something that is there
  kCorruption,         // a checksum or structure check failed on stored data
  kIoError,            // the operating system refused a read, write, fsync, rename
  kDiskFull,           // ENOSPC / EDQUOT
  kNotSupported,       // valid request we do not do
  kAborted,            // cancelled, or the process is shutting down
  kResourceExhausted,  // a limit was hit (memory, rows, time)
  kInternal,           // a broken invariant: a bug
  kUnauthenticated,    // bad credentials: wrong user or password, unknown, expired or revoked token
  kPermissionDenied,   // the principal is known but lacks the privilege for the action
  kUnavailable,        // a service Aurora depends on (a Kafka broker) cannot be reached now
};

// The stable, client-visible name of a code, e.g. "CORRUPTION".
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Returns a copy with `context: ` prefixed to the message, e.g. the file that was being read.
  Status WithContext(std::string_view context) const;

  void IgnoreError() const {}

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename... Args>
Status MakeError(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  return Status(code, fmt::format(f, std::forward<Args>(args)...));
}
#define AURORA_ERROR(code, ...) ::aurora::MakeError(::aurora::ErrorCode::code, __VA_ARGS__)

// Result<T> holds a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

#define AURORA_CONCAT_INNER(a, b) a##b
#define AURORA_CONCAT(a, b) AURORA_CONCAT_INNER(a, b)

#define AURORA_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::aurora::Status _aurora_st = (expr);    \
    if (!_aurora_st.ok()) return _aurora_st; \
  } while (0)

#define AURORA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#define AURORA_ASSIGN_OR_RETURN(lhs, expr) \
  AURORA_ASSIGN_OR_RETURN_IMPL(AURORA_CONCAT(_aurora_result_, __LINE__), lhs, expr)

}  // namespace aurora
