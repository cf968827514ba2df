// ServerConfig: what `aurora server` is told, from three places in rising precedence:
//
//   1. a TOML file (--config FILE): flat keys, e.g. `http_port = 8080`
//   2. environment variables AURORA_<KEY>, e.g. AURORA_HTTP_PORT=8080
//   3. command-line flags: --data, --http-port ..., or --set key=value for any key
//
// Every key is listed once, in ConfigKeys(), with its type, its default and what it means; docs/api.md
// and `aurora server --help` show the same list. A value that is not valid for its key (a port of
// 99999, a timeout of "soon", an unknown key in the file) is refused at start with the key, where the
// value came from and why.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace aurora::server {

struct ServerConfig {
  std::string data_dir;
  std::string host = "127.0.0.1";   // address both listeners bind
  uint16_t http_port = 8080;        // API v1, health, metrics (0: any free port)
  uint16_t clickhouse_port = 8123;  // ClickHouse HTTP compatibility (0: any free port)
  bool clickhouse_enabled = true;
  uint32_t threads = 16;  // threads serving connections (and running their statements)
  std::string tls_cert;   // PEM files; when both are set, both ports speak TLS only
  std::string tls_key;
  uint64_t max_body_bytes = 256ull << 20;  // a request body, after gzip decoding
  uint64_t max_header_bytes = 1ull << 20;  // request line and headers (queries may travel in the URL)
  uint32_t header_timeout_ms = 30'000;     // from the end of a response (or connect) to a whole header
  uint32_t body_timeout_ms = 300'000;      // to receive a whole body once its header arrived
  uint32_t shutdown_timeout_ms = 30'000;   // how long SIGTERM waits for requests in flight
  double rate_limit_rps = 0;    // requests per second per client on /v1/sql and /v1/events; 0: none
  double rate_limit_burst = 0;  // bucket size; 0: max(1, 2 x rate)
  std::string admin_password;   // for the first start: the password of `admin`
  bool demo = false;            // run the standard-workload generator into table `events`
  double demo_rate = 1000;      // its events per second
  std::string log_level = "info";
};

struct ConfigKey {
  const char* name;
  const char* type;  // "string", "port", "count", "bytes", "milliseconds", "number", "bool", "level"
  const char* help;
};

// Every key, in the order docs list them.
const std::vector<ConfigKey>& ConfigKeys();

// Sets `key` from its text form. `origin` names where the value came from, for the error.
Status SetConfigValue(ServerConfig* config, const std::string& key, const std::string& text,
                      const std::string& origin);

// Builds the configuration: defaults, then `toml_path` (if not empty), then `env` (AURORA_* variables),
// then `flags` (key -> value, in the order given). Checks the whole (e.g. a TLS key without a certificate).
Result<ServerConfig> LoadConfig(const std::string& toml_path, const std::map<std::string, std::string>& env,
                                const std::vector<std::pair<std::string, std::string>>& flags);

// The process environment as a map, for LoadConfig.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace aurora::server
