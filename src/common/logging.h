// Logging through spdlog. One process-wide logger; components log with AURORA_LOG_*.
#pragma once

#include <spdlog/spdlog.h>

#define AURORA_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define AURORA_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define AURORA_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define AURORA_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
