// QueryError: how code inside sql/, exec/ and function kernels ends a query. Only the engine's statement
// entry point (and the public parse functions) catch it and turn it into a Status.
#pragma once

#include <exception>
#include <string>

#include "common/status.h"

namespace aurora {

struct QueryError : std::exception {
  QueryError(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
  ErrorCode code;
  std::string message;
};

}  // namespace aurora
