#include "server/server.h"

#include <chrono>
#include <cmath>
#include <regex>

#include <fmt/format.h>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace aurora::server {

namespace net = boost::asio;
namespace http = boost::beast::http;

unsigned HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotSupported:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 422;
    case ErrorCode::kAborted:
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDiskFull:
      return 507;
    case ErrorCode::kCorruption:
    case ErrorCode::kIoError:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorJson(const Status& status) {
  nlohmann::json error = {{"code", std::string(ErrorCodeName(status.code()))}, {"message", status.message()}};
  static const std::regex kWhere(R"(at line (\d+), column (\d+))");
  std::smatch m;
  if (std::regex_search(status.message(), m, kWhere)) {
    error["line"] = std::stoll(m[1].str());
    error["column"] = std::stoll(m[2].str());
  }
  return nlohmann::json{{"error", error}}.dump();
}

HttpResponse JsonResponse(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse ErrorResponse(const Status& status) {
  return JsonResponse(HttpStatus(status.code()), ErrorJson(status));
}

int ClickHouseErrorCode(const Status& status) {
  const std::string& m = status.message();
  auto has = [&](std::string_view s) { return m.find(s) != std::string::npos; };
  switch (status.code()) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kInvalidArgument:
      if (has("yntax error") || has("expected")) return 62;  // SYNTAX_ERROR
      if (has("setting")) return 115;                        // UNKNOWN_SETTING
      if (has("cannot parse")) return 27;                    // CANNOT_PARSE_INPUT_ASSERTION_FAILED
      return 36;                                             // BAD_ARGUMENTS
    case ErrorCode::kNotFound:
      if (has("database")) return 81;  // UNKNOWN_DATABASE
      if (has("table")) return 60;     // UNKNOWN_TABLE
      if (has("function")) return 46;  // UNKNOWN_FUNCTION
      return 47;                       // UNKNOWN_IDENTIFIER
    case ErrorCode::kAlreadyExists:
      return 57;  // TABLE_ALREADY_EXISTS
    case ErrorCode::kCorruption:
      return 40;  // CHECKSUM_DOESNT_MATCH
    case ErrorCode::kIoError:
      return 74;  // CANNOT_READ_FROM_FILE_DESCRIPTOR
    case ErrorCode::kDiskFull:
      return 243;  // NOT_ENOUGH_SPACE
    case ErrorCode::kNotSupported:
      return 48;  // NOT_IMPLEMENTED
    case ErrorCode::kAborted:
      return 394;  // QUERY_WAS_CANCELLED
    case ErrorCode::kResourceExhausted:
      if (has("max_execution_time")) return 159;  // TIMEOUT_EXCEEDED
      if (has("max_result_rows")) return 396;     // TOO_MANY_ROWS_OR_BYTES
      return 241;                                 // MEMORY_LIMIT_EXCEEDED
    case ErrorCode::kInternal:
      return 49;  // LOGICAL_ERROR
    case ErrorCode::kUnauthenticated:
      return 516;  // AUTHENTICATION_FAILED
    case ErrorCode::kPermissionDenied:
      return 497;  // ACCESS_DENIED
    case ErrorCode::kUnavailable:
      return 210;  // NETWORK_ERROR
  }
  return 1000;
}

Server::Server(ServerConfig config, Database& db)
    : config_(std::move(config)),
      db_(db),
      ingest_queue_(
          std::max<uint64_t>(config_.max_body_bytes, 256ull << 20), 2,
          [this](const std::string& table, const std::string& body, const ingest::IngestOptions& o) {
            auto r = Ingest(table, body, o);
            if (!r.ok()) AURORA_LOG_WARN("background ingest into {}: {}", table, r.status().ToString());
          }) {}

Result<ingest::IngestResult> Server::Ingest(const std::string& table, std::string_view body,
                                            const ingest::IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto result = db_.Ingest(table, body, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.RecordIngest(table, result.ok() ? result->rows : 0, result.ok() ? result->quarantined : 0,
                        body.size(), seconds);
  return result;
}

Status Server::IngestLocal(const std::string& table, std::string_view ndjson) {
  ingest::IngestOptions options;
  options.source = "demo";
  auto r = Ingest(table, ndjson, options);
  return r.ok() ? Status::OK() : r.status();
}

Server::~Server() {
  if (shutdown_thread_.joinable()) shutdown_thread_.join();
}

Result<std::unique_ptr<Server>> Server::Make(ServerConfig config, Database& db) {
  std::unique_ptr<Server> s(new Server(std::move(config), db));
  const ServerConfig& c = s->config_;
  AURORA_ASSIGN_OR_RETURN(s->dashboards_, DashboardStore::Open(c.data_dir, Clock::System()));
  s->live_ = std::make_unique<LiveHub>(db, Clock::System());
  s->asker_ = std::make_unique<nl::Asker>(db);
  if (!c.tls_cert.empty()) {
    s->tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    s->tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                         net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                         net::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    s->tls_->use_certificate_chain_file(c.tls_cert, ec);
    if (ec) return AURORA_ERROR(kInvalidArgument, "tls_cert '{}': {}", c.tls_cert, ec.message());
    s->tls_->use_private_key_file(c.tls_key, net::ssl::context::pem, ec);
    if (ec) return AURORA_ERROR(kInvalidArgument, "tls_key '{}': {}", c.tls_key, ec.message());
  }
  auto options = [&](const char* name, uint16_t port) {
    HttpServerOptions o;
    o.name = name;
    o.host = c.host;
    o.port = port;
    o.max_body_bytes = c.max_body_bytes;
    o.max_header_bytes = c.max_header_bytes;
    o.header_timeout_ms = c.header_timeout_ms;
    o.body_timeout_ms = c.body_timeout_ms;
    o.tls = s->tls_.get();
    return o;
  };
  Server* raw = s.get();
  s->api_ = std::make_unique<HttpServer>(s->io_, options("api", c.http_port),
                                         [raw](HttpRequest& req) { return raw->HandleApi(req); });
  AURORA_RETURN_IF_ERROR(s->api_->Listen());
  if (c.clickhouse_enabled) {
    s->clickhouse_ =
        std::make_unique<HttpServer>(s->io_, options("clickhouse", c.clickhouse_port),
                                     [raw](HttpRequest& req) { return raw->HandleClickHouse(req); });
    AURORA_RETURN_IF_ERROR(s->clickhouse_->Listen());
  }
  return s;
}

uint16_t Server::http_port() const {
  return api_->port();
}
uint16_t Server::clickhouse_port() const {
  return clickhouse_ ? clickhouse_->port() : 0;
}

void Server::Run() {
  net::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    AURORA_LOG_INFO("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    Shutdown();
  });
  api_->Start();
  if (clickhouse_) clickhouse_->Start();
  if (config_.demo) {
    if (Status st = CreateDemoDashboard(); !st.ok())
      AURORA_LOG_WARN("demo: the ready dashboard could not be made: {}", st.ToString());
    demo_ = std::make_unique<sources::DemoFeed>(config_.demo_rate, [this](std::string_view ndjson, uint64_t) {
      return IngestLocal("events", ndjson);
    });
    demo_->Start();
  }
  db_.StartSources();
  ready_ = true;
  std::vector<std::thread> threads;
  for (uint32_t i = 1; i < config_.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& t : threads) t.join();
  if (shutdown_thread_.joinable()) shutdown_thread_.join();
}

void Server::Shutdown() {
  if (shutting_down_.exchange(true)) return;
  ready_ = false;
  shutdown_thread_ = std::thread([this] {
    if (demo_) demo_->Stop();
    live_->Stop();         // ends the live dashboards' responses
    db_.sources().Stop();  // each writes what it has read
    api_->StopAccepting();
    if (clickhouse_) clickhouse_->StopAccepting();
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdown_timeout_ms);
    auto busy = [&] {
      int64_t n = api_->active_requests() + api_->open_connections();
      if (clickhouse_) n += clickhouse_->active_requests() + clickhouse_->open_connections();
      return n;
    };
    while (busy() > 0 && std::chrono::steady_clock::now() < deadline) {
      api_->Drain();  // again: a connection may have become idle since the last pass
      if (clickhouse_) clickhouse_->Drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (busy() > 0)
      AURORA_LOG_WARN("shutdown: {} requests or connections still open after the timeout", busy());
    for (const auto& name : db_.catalog().TableNames()) {
      auto table = db_.catalog().GetTable(name);
      if (!table.ok()) continue;
      Status st = (*table)->Flush();
      if (!st.ok()) AURORA_LOG_ERROR("shutdown: flushing table {}: {}", name, st.ToString());
    }
    AURORA_LOG_INFO("shutdown complete");
    io_.stop();
  });
}

std::optional<HttpResponse> Server::RateLimit(const Caller& caller) {
  if (config_.rate_limit_rps <= 0) return std::nullopt;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(rate_mu_);
  Bucket& b = buckets_[caller.name];
  if (b.last_nanos == 0) {
    b.tokens = config_.rate_limit_burst;
  } else {
    b.tokens = std::min(config_.rate_limit_burst,
                        b.tokens + static_cast<double>(now - b.last_nanos) * 1e-9 * config_.rate_limit_rps);
  }
  b.last_nanos = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  const double wait = (1 - b.tokens) / config_.rate_limit_rps;
  HttpResponse r;
  r.status = 429;
  r.headers.emplace_back("Retry-After", std::to_string(static_cast<int64_t>(std::ceil(wait))));
  r.body = ErrorJson(
      Status(ErrorCode::kResourceExhausted,
             fmt::format("'{}' is over its rate limit of {} requests per second; retry after {:.2f} s",
                         caller.name, config_.rate_limit_rps, wait)));
  return r;
}

Result<std::shared_ptr<const security::Principal>> Server::CheckPassword(const std::string& user,
                                                                         const std::string& password,
                                                                         const std::string& remote) {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  int64_t throttled_for = 0;  // seconds, when this address failed too many sign-ins
  {
    std::lock_guard lock(sign_in_mu_);
    auto it = failed_sign_ins_.find(remote);
    if (it != failed_sign_ins_.end()) {
      std::erase_if(it->second, [&](int64_t t) { return t <= now - 60; });
      if (it->second.size() >= kMaxFailedSignIns) throttled_for = it->second.front() + 61 - now;
    }
  }
  // A throttled address still signs in with passwords verified recently (cached, no PBKDF2), so
  // clients already working behind the same address keep working.
  auto principal = db_.access().AuthenticatePassword(user, password, /*cached_only=*/throttled_for > 0);
  if (throttled_for > 0 && !principal.ok())
    return AURORA_ERROR(kResourceExhausted,
                        "too many failed sign-ins from {} in the last minute; retry in {} s", remote,
                        throttled_for);
  if (!principal.ok() && principal.status().code() == ErrorCode::kUnauthenticated) {
    std::lock_guard lock(sign_in_mu_);
    if (failed_sign_ins_.size() > 100000) failed_sign_ins_.clear();  // bounded, whatever the addresses
    failed_sign_ins_[remote].push_back(now);
  }
  return principal;
}

Result<Server::Caller> Server::Authenticate(const HttpRequest& req, bool clickhouse) {
  AURORA_ASSIGN_OR_RETURN(Credentials c, ParseCredentials(req, clickhouse));
  Result<std::shared_ptr<const security::Principal>> principal = AURORA_ERROR(
      kUnauthenticated,
      "credentials required: HTTP basic auth (user and password) or Authorization: Bearer TOKEN");
  if (c.kind == Credentials::kPassword) {
    principal = CheckPassword(c.user, c.secret, req.remote);
  } else if (c.kind == Credentials::kToken) {
    principal = db_.access().AuthenticateToken(c.secret);
    if (!principal.ok() && c.from_cookie)
      principal = AURORA_ERROR(kUnauthenticated, "the session has ended ({}); sign in again",
                               principal.status().message());
  }
  if (!principal.ok()) return principal.status();
  Caller caller;
  caller.principal = *principal;
  caller.from_cookie = c.from_cookie;
  caller.name = caller.principal->user;
  if (caller.principal->is_token()) caller.name += "/" + caller.principal->token;
  return caller;
}

Status Server::Allowed(const Caller& caller, security::Privilege privilege, std::string_view table) const {
  return db_.access().Check(*caller.principal, privilege, table);
}

Status Server::AuthorizeIngest(const Caller& caller, const std::string& table) {
  AURORA_RETURN_IF_ERROR(Allowed(caller, security::Privilege::kInsert, table));
  if (!db_.catalog().GetTable(table).ok())
    AURORA_RETURN_IF_ERROR(Allowed(caller, security::Privilege::kCreate, table));
  return Status::OK();
}

HttpResponse Server::HandleApi(HttpRequest& req) {
  HttpResponse res = [&]() -> HttpResponse {
    const std::string& path = req.path;
    const bool get = req.method == http::verb::get || req.method == http::verb::head;
    if (path == "/health" && get) return JsonResponse(200, R"({"status":"ok"})");
    if (path == "/ready" && get)
      return ready_ ? JsonResponse(200, R"({"status":"ready"})")
                    : JsonResponse(503, R"({"status":"not ready"})");
    if (get && path.rfind("/v1/", 0) != 0 && path != "/metrics") return ServeWebApp(req);
    if (path == "/v1/session") return ApiSessionSignIn(req);
    auto caller = Authenticate(req, false);
    if (!caller.ok()) {
      HttpResponse r = ErrorResponse(caller.status());
      if (caller.status().code() == ErrorCode::kResourceExhausted) {
        r.status = 429;
        r.headers.emplace_back("Retry-After", "60");
      } else {
        r.headers.emplace_back("WWW-Authenticate", R"(Basic realm="aurora", Bearer)");
      }
      return r;
    }
    // A page of another site can make a browser send the cookie, but not this header.
    if (caller->from_cookie && !get && req.Header("X-Aurora-CSRF").empty())
      return ErrorResponse(
          AURORA_ERROR(kPermissionDenied,
                       "a request signed in by the session cookie that changes something must "
                       "carry the X-Aurora-CSRF header (the web app sends it)"));
    auto method_not_allowed = [&](const char* allow) {
      HttpResponse r = ErrorResponse(AURORA_ERROR(kInvalidArgument, "{} does not take {}; it takes {}", path,
                                                  std::string(http::to_string(req.method)), allow));
      r.status = 405;
      r.headers.emplace_back("Allow", allow);
      return r;
    };
    if (path == "/metrics") {
      if (!get) return method_not_allowed("GET");
      if (Status st = Allowed(*caller, security::Privilege::kSelect, security::kAllTables); !st.ok())
        return ErrorResponse(st);
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      int64_t connections = api_->open_connections() + (clickhouse_ ? clickhouse_->open_connections() : 0);
      int64_t in_flight = api_->active_requests() + (clickhouse_ ? clickhouse_->active_requests() : 0);
      r.body = metrics_.Render(db_.catalog(), db_.sources().List(), connections, in_flight);
      r.body += fmt::format(
          "# HELP aurora_live_subscriptions Open live dashboards (server-sent event streams).\n"
          "# TYPE aurora_live_subscriptions gauge\naurora_live_subscriptions {}\n",
          live_->subscriptions());
      return r;
    }
    if (path == "/v1/openapi.json") {
      if (!get) return method_not_allowed("GET");
      return JsonResponse(200, OpenApiDocument());
    }
    if (path == "/v1/sql") {
      if (req.method != http::verb::post && !get) return method_not_allowed("POST, GET");
      if (auto limited = RateLimit(*caller)) return *limited;
      return ApiSql(req, *caller);
    }
    if (path == "/v1/events") {
      if (req.method != http::verb::post) return method_not_allowed("POST");
      if (auto limited = RateLimit(*caller)) return *limited;
      return ApiEvents(req, *caller);
    }
    if (path == "/v1/tables") {
      if (!get) return method_not_allowed("GET");
      return ApiTables(req, *caller);
    }
    if (path.rfind("/v1/tables/", 0) == 0) {
      if (!get && req.method != http::verb::delete_) return method_not_allowed("GET, DELETE");
      return ApiTable(req, *caller, path.substr(11));
    }
    if (path == "/v1/sources" || path.rfind("/v1/sources/", 0) == 0) return ApiSources(req, *caller);
    if (path == "/v1/dashboards" || path.rfind("/v1/dashboards/", 0) == 0) return ApiDashboards(req, *caller);
    if (path == "/v1/infer") return ApiInfer(req);
    if (path == "/v1/ask") {
      if (req.method != http::verb::post) return method_not_allowed("POST");
      if (auto limited = RateLimit(*caller)) return *limited;
      return ApiAsk(req, *caller);
    }
    for (const char* prefix : {"/v1/me", "/v1/users", "/v1/roles", "/v1/grants", "/v1/tokens"})
      if (path.rfind(prefix, 0) == 0) return ApiAccess(req, *caller);
    return ErrorResponse(AURORA_ERROR(kNotFound, "no route {} {}; GET /v1/openapi.json describes the API",
                                      std::string(http::to_string(req.method)), path));
  }();
  metrics_.RecordHttp("api", res.status);
  return res;
}

}  // namespace aurora::server
