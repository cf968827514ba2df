#include "exec/query_context.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "common/query_error.h"
#include "common/strings.h"

namespace aurora::exec {

double QueryContext::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void QueryContext::Check() const {
  if (cancelled()) throw QueryError(ErrorCode::kAborted, "query was cancelled");
  if (settings.max_execution_time > 0) {
    double elapsed = elapsed_seconds();
    if (elapsed > settings.max_execution_time)
      throw QueryError(ErrorCode::kResourceExhausted,
                       fmt::format("timeout exceeded: elapsed {:.3f} seconds, maximum {:g} (setting "
                                   "max_execution_time)",
                                   elapsed, settings.max_execution_time));
  }
  if (settings.max_memory_usage > 0) {
    int64_t used = memory_.used();
    if (used > static_cast<int64_t>(settings.max_memory_usage))
      throw QueryError(
          ErrorCode::kResourceExhausted,
          fmt::format("memory limit exceeded: the query holds {}, maximum {} (setting "
                      "max_memory_usage)",
                      HumanBytes(static_cast<uint64_t>(used)), HumanBytes(settings.max_memory_usage)));
  }
}

Status QuerySettings::Set(std::string_view name, const Value& value) {
  // The value as a number: integers and floats as they are, text parsed whole.
  double number = 0;
  bool integral = false;
  if (auto* i = std::get_if<int64_t>(&value)) {
    number = static_cast<double>(*i);
    integral = true;
  } else if (auto* u = std::get_if<uint64_t>(&value)) {
    number = static_cast<double>(*u);
    integral = true;
  } else if (auto* d = std::get_if<double>(&value)) {
    number = *d;
    integral = std::floor(*d) == *d;
  } else if (auto* text = std::get_if<std::string>(&value)) {
    const char* end = text->data() + text->size();
    auto [p, ec] = std::from_chars(text->data(), end, number);
    if (ec != std::errc() || p != end || text->empty())
      return AURORA_ERROR(kInvalidArgument, "setting '{}' takes a number, not '{}'", name, *text);
    integral = std::floor(number) == number;
  } else {
    return AURORA_ERROR(kInvalidArgument, "setting '{}' takes a number, not {}", name, ValueToString(value));
  }
  if (!(number >= 0) || !std::isfinite(number))
    return AURORA_ERROR(kInvalidArgument, "setting '{}' takes a non-negative number, not {}", name,
                        ValueToString(value));
  auto count = [&](uint64_t* out) -> Status {
    if (!integral || number > 1.8e19)
      return AURORA_ERROR(kInvalidArgument, "setting '{}' takes a non-negative integer, not {}", name,
                          ValueToString(value));
    *out =
        std::holds_alternative<uint64_t>(value) ? std::get<uint64_t>(value) : static_cast<uint64_t>(number);
    return Status::OK();
  };
  if (name == "max_threads") return count(&max_threads);
  if (name == "max_memory_usage") return count(&max_memory_usage);
  if (name == "max_result_rows") return count(&max_result_rows);
  auto flag = [&](bool* out) -> Status {
    uint64_t v = 0;
    AURORA_RETURN_IF_ERROR(count(&v));
    if (v > 1) return AURORA_ERROR(kInvalidArgument, "setting '{}' takes 0 or 1, not {}", name, v);
    *out = v == 1;
    return Status::OK();
  };
  if (name == "join_use_nulls") return flag(&join_use_nulls);
  if (name == "join_reorder") return flag(&join_reorder);
  if (name == "max_execution_time") {
    max_execution_time = number;
    return Status::OK();
  }
  return AURORA_ERROR(kNotSupported,
                      "setting '{}' is not supported (supported: max_threads, join_use_nulls, join_reorder, "
                      "max_execution_time, max_memory_usage, max_result_rows)",
                      name);
}

}  // namespace aurora::exec
