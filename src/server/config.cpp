#include "server/config.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <toml++/toml.h>

extern char** environ;

namespace aurora::server {
namespace {

// Where each key lives in ServerConfig, by type.
struct Binding {
  std::string* text = nullptr;
  uint16_t* port = nullptr;
  uint32_t* u32 = nullptr;
  uint64_t* u64 = nullptr;
  double* number = nullptr;
  bool* flag = nullptr;
};

Binding Bind(ServerConfig* c, const std::string& key) {
  Binding b;
  if (key == "data") b.text = &c->data_dir;
  if (key == "host") b.text = &c->host;
  if (key == "http_port") b.port = &c->http_port;
  if (key == "clickhouse_port") b.port = &c->clickhouse_port;
  if (key == "clickhouse_enabled") b.flag = &c->clickhouse_enabled;
  if (key == "threads") b.u32 = &c->threads;
  if (key == "tls_cert") b.text = &c->tls_cert;
  if (key == "tls_key") b.text = &c->tls_key;
  if (key == "max_body_bytes") b.u64 = &c->max_body_bytes;
  if (key == "max_header_bytes") b.u64 = &c->max_header_bytes;
  if (key == "header_timeout_ms") b.u32 = &c->header_timeout_ms;
  if (key == "body_timeout_ms") b.u32 = &c->body_timeout_ms;
  if (key == "shutdown_timeout_ms") b.u32 = &c->shutdown_timeout_ms;
  if (key == "rate_limit_rps") b.number = &c->rate_limit_rps;
  if (key == "rate_limit_burst") b.number = &c->rate_limit_burst;
  if (key == "admin_password") b.text = &c->admin_password;
  if (key == "demo") b.flag = &c->demo;
  if (key == "demo_rate") b.number = &c->demo_rate;
  if (key == "log_level") b.text = &c->log_level;
  return b;
}

bool ParseUnsigned(const std::string& text, uint64_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

// "64MiB", "1 GB", "4096": a byte count with an optional binary or decimal suffix.
bool ParseBytes(const std::string& text, uint64_t* out) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  uint64_t n = 0;
  if (!ParseUnsigned(text.substr(0, digits), &n)) return false;
  std::string unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  for (auto& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::pair<const char*, uint64_t> kUnits[] = {{"", 1},
                                                            {"b", 1},
                                                            {"kb", 1000},
                                                            {"kib", 1024},
                                                            {"mb", 1000000},
                                                            {"mib", 1ull << 20},
                                                            {"gb", 1000000000ull},
                                                            {"gib", 1ull << 30},
                                                            {"k", 1024},
                                                            {"m", 1ull << 20},
                                                            {"g", 1ull << 30}};
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (n > UINT64_MAX / scale) return false;
    *out = n * scale;
    return true;
  }
  return false;
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      {"data", "string", "the data directory (created if missing)"},
      {"host", "string", "the address both ports listen on (0.0.0.0 for every interface)"},
      {"http_port", "port", "the API, health, metrics and web app port (0: any free port)"},
      {"clickhouse_port", "port", "the ClickHouse HTTP compatibility port (0: any free port)"},
      {"clickhouse_enabled", "bool", "whether to serve the ClickHouse HTTP compatibility port"},
      {"threads", "count", "threads serving connections and running their statements"},
      {"tls_cert", "string", "PEM certificate chain; with tls_key, both ports speak only TLS"},
      {"tls_key", "string", "PEM private key for tls_cert"},
      {"max_body_bytes", "bytes", "largest request body accepted, after gzip decoding (larger: 413)"},
      {"max_header_bytes", "bytes", "largest request line plus headers accepted (larger: 431)"},
      {"header_timeout_ms", "milliseconds", "time a connection gets to send a whole request header"},
      {"body_timeout_ms", "milliseconds", "time a request gets to send its whole body"},
      {"shutdown_timeout_ms", "milliseconds", "how long SIGTERM waits for requests in flight"},
      {"rate_limit_rps", "number", "requests per second per client on /v1/sql and /v1/events (0: no limit)"},
      {"rate_limit_burst", "number", "requests a client may send at once (0: twice the rate)"},
      {"admin_password", "string", "password of user admin when the first start creates it (else random)"},
      {"demo", "bool", "generate the standard e-commerce workload into table events"},
      {"demo_rate", "number", "events per second the demo generator writes"},
      {"log_level", "level", "debug, info, warn or error"},
  };
  return keys;
}

Status SetConfigValue(ServerConfig* config, const std::string& key, const std::string& text,
                      const std::string& origin) {
  const ConfigKey* spec = nullptr;
  for (const auto& k : ConfigKeys())
    if (key == k.name) spec = &k;
  if (spec == nullptr)
    return AURORA_ERROR(kInvalidArgument, "unknown configuration key '{}' ({})", key, origin);
  auto bad = [&](std::string_view why) {
    return AURORA_ERROR(kInvalidArgument, "invalid value for '{}' ({}): '{}' {}", key, origin, text, why);
  };
  Binding b = Bind(config, key);
  std::string_view type = spec->type;
  if (b.text != nullptr) {
    if (type == "level" && text != "debug" && text != "info" && text != "warn" && text != "error")
      return bad("is not one of debug, info, warn, error");
    *b.text = text;
    return Status::OK();
  }
  if (b.flag != nullptr) {
    if (text == "true" || text == "1" || text == "yes" || text == "on") {
      *b.flag = true;
    } else if (text == "false" || text == "0" || text == "no" || text == "off") {
      *b.flag = false;
    } else {
      return bad("is not a boolean (true or false)");
    }
    return Status::OK();
  }
  if (b.port != nullptr) {
    uint64_t n = 0;
    if (!ParseUnsigned(text, &n) || n > 65535) return bad("is not a port number (0 to 65535)");
    *b.port = static_cast<uint16_t>(n);
    return Status::OK();
  }
  if (b.u64 != nullptr) {
    uint64_t n = 0;
    if (!ParseBytes(text, &n) || n == 0)
      return bad("is not a positive size in bytes (e.g. 1048576 or 64MiB)");
    *b.u64 = n;
    return Status::OK();
  }
  if (b.u32 != nullptr) {
    uint64_t n = 0;
    const bool ok = ParseUnsigned(text, &n) && n > 0 && n <= (type == "count" ? 1024u : 86'400'000u);
    if (!ok)
      return bad(type == "count" ? "is not a count from 1 to 1024"
                                 : "is not a time in milliseconds (1 to 86400000)");
    *b.u32 = static_cast<uint32_t>(n);
    return Status::OK();
  }
  if (b.number != nullptr) {
    double d = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !std::isfinite(d) || d < 0)
      return bad("is not a non-negative number");
    *b.number = d;
    return Status::OK();
  }
  return AURORA_ERROR(kInternal, "configuration key '{}' has no binding", key);
}

Result<ServerConfig> LoadConfig(const std::string& toml_path, const std::map<std::string, std::string>& env,
                                const std::vector<std::pair<std::string, std::string>>& flags) {
  ServerConfig config;
  if (!toml_path.empty()) {
    toml::table table;
    try {
      table = toml::parse_file(toml_path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return AURORA_ERROR(kInvalidArgument, "configuration file {}: line {}, column {}: {}", toml_path,
                          where.line, where.column, e.description());
    }
    for (const auto& [k, node] : table) {
      const std::string key(k.str());
      const std::string origin = fmt::format("{}, line {}", toml_path, node.source().begin.line);
      std::string text;
      if (auto s = node.value_exact<std::string>()) {
        text = *s;
      } else if (auto i = node.value_exact<int64_t>()) {
        text = std::to_string(*i);
      } else if (auto d = node.value_exact<double>()) {
        text = fmt::format("{}", *d);
      } else if (auto f = node.value_exact<bool>()) {
        text = *f ? "true" : "false";
      } else {
        return AURORA_ERROR(kInvalidArgument,
                            "configuration key '{}' ({}) must be a string, number or boolean", key, origin);
      }
      AURORA_RETURN_IF_ERROR(SetConfigValue(&config, key, text, origin));
    }
  }
  for (const auto& k : ConfigKeys()) {
    std::string var = "AURORA_";
    for (const char* p = k.name; *p; ++p)
      var += static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
    auto it = env.find(var);
    if (it != env.end())
      AURORA_RETURN_IF_ERROR(SetConfigValue(&config, k.name, it->second, "environment " + var));
  }
  for (const auto& [key, value] : flags)
    AURORA_RETURN_IF_ERROR(SetConfigValue(&config, key, value, "command line"));

  if (config.data_dir.empty())
    return AURORA_ERROR(kInvalidArgument, "no data directory: pass --data DIR (or set 'data' / AURORA_DATA)");
  if (config.tls_cert.empty() != config.tls_key.empty())
    return AURORA_ERROR(kInvalidArgument, "TLS needs both tls_cert and tls_key; only {} is set",
                        config.tls_cert.empty() ? "tls_key" : "tls_cert");
  for (const std::string* path : {&config.tls_cert, &config.tls_key}) {
    if (path->empty()) continue;
    std::ifstream in(*path);
    if (!in) return AURORA_ERROR(kInvalidArgument, "cannot read TLS file '{}'", *path);
  }
  if (config.clickhouse_enabled && config.http_port != 0 && config.http_port == config.clickhouse_port)
    return AURORA_ERROR(kInvalidArgument, "http_port and clickhouse_port are both {}; they must differ",
                        config.http_port);
  if (config.rate_limit_burst == 0) config.rate_limit_burst = std::max(1.0, 2 * config.rate_limit_rps);
  return config;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

}  // namespace aurora::server
