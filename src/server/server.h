// Server: `aurora server`. Serves one Database over HTTP on two ports:
//
//   http_port         API v1 (docs/api.md): /v1/sql, /v1/events, /v1/tables, /v1/openapi.json,
//                     /health, /ready, /metrics
//   clickhouse_port   ClickHouse's HTTP interface (query parameter or body, FORMAT, default_format,
//                     X-ClickHouse-* headers), so ClickHouse clients and scripts work unchanged
//
// With config.demo, a DemoFeed writes the standard e-commerce workload into table `events` at
// config.demo_rate events/s through the same ingestion path as the events API.
//
// Lifecycle: Make (listens, so ports are known), Run (serves until Shutdown, typically from a SIGTERM
// handler: stop accepting, let requests in flight finish within shutdown_timeout_ms, close idle
// connections, then flush every table's buffer into parts), then destroy.
//
// Requests run on `threads` threads; the Database is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "engine/database.h"
#include "formats/format.h"
#include "formats/format_writer.h"
#include "nl/ask.h"
#include "security/access_control.h"
#include "server/config.h"
#include "server/dashboards.h"
#include "server/http_server.h"
#include "server/ingest_queue.h"
#include "server/live_query.h"
#include "server/metrics.h"
#include "sources/demo_feed.h"

namespace aurora::server {

class Server {
 public:
  static Result<std::unique_ptr<Server>> Make(ServerConfig config, Database& db);
  ~Server();

  uint16_t http_port() const;
  uint16_t clickhouse_port() const;

  // Serves on the calling thread and config.threads - 1 more until Shutdown has finished.
  void Run();
  // Begins a graceful shutdown; safe from any thread (and from a signal-handling thread).
  void Shutdown();

  // Ingests NDJSON into `table` as the events API does (for the demo feed).
  Status IngestLocal(const std::string& table, std::string_view ndjson);

 private:
  Server(ServerConfig config, Database& db);

  // Who sent a request.
  struct Caller {
    std::string name;  // "user" or "user/token"; the rate limiter's key
    std::shared_ptr<const security::Principal> principal;
    bool from_cookie = false;  // signed in by the web app's session cookie
  };
  // `caller` may use `privilege` on `table` ("*": every table).
  Status Allowed(const Caller& caller, security::Privilege privilege, std::string_view table) const;

  HttpResponse HandleApi(HttpRequest& req);
  HttpResponse HandleClickHouse(HttpRequest& req);

  // API v1 routes (api_v1.cpp).
  HttpResponse ApiSql(HttpRequest& req, const Caller& caller);
  HttpResponse ApiEvents(HttpRequest& req, const Caller& caller);
  HttpResponse ApiTables(HttpRequest& req, const Caller& caller);
  HttpResponse ApiTable(HttpRequest& req, const Caller& caller, const std::string& name);
  // /v1/sources (api_sources.cpp).
  HttpResponse ApiSources(HttpRequest& req, const Caller& caller);
  // /v1/me, /v1/users, /v1/roles, /v1/grants, /v1/tokens (api_access.cpp).
  HttpResponse ApiAccess(HttpRequest& req, const Caller& caller);
  // The web app's routes (api_web.cpp): /v1/session (before authentication), /v1/dashboards, /v1/infer.
  HttpResponse ApiSessionSignIn(HttpRequest& req);
  HttpResponse ApiDashboards(HttpRequest& req, const Caller& caller);
  HttpResponse ApiInfer(HttpRequest& req);
  // POST /v1/ask: a question in plain language, answered with SQL by the built-in engine (nl/ask.h).
  HttpResponse ApiAsk(HttpRequest& req, const Caller& caller);
  // The demo's ready dashboard, made on the first start with `demo` (when there is no dashboard yet).
  Status CreateDemoDashboard();

  // kUnauthenticated for missing or wrong credentials; kResourceExhausted (answered 429) when the client's
  // address has failed too many password sign-ins in the last minute.
  Result<Caller> Authenticate(const HttpRequest& req, bool clickhouse);
  // A user's password, from a client at `remote`, throttled as Authenticate describes.
  Result<std::shared_ptr<const security::Principal>> CheckPassword(const std::string& user,
                                                                   const std::string& password,
                                                                   const std::string& remote);
  // INSERT on `table`, and CREATE when it does not exist yet (the first batch creates it).
  Status AuthorizeIngest(const Caller& caller, const std::string& table);
  // Ingests a batch and records it in the metrics (wait=false batches, the demo feed).
  Result<ingest::IngestResult> Ingest(const std::string& table, std::string_view body,
                                      const ingest::IngestOptions& options);
  // 429 with Retry-After when `caller` is over config.rate_limit_rps, otherwise nullopt.
  std::optional<HttpResponse> RateLimit(const Caller& caller);

  ServerConfig config_;
  Database& db_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<HttpServer> api_;
  std::unique_ptr<HttpServer> clickhouse_;
  ServerMetrics metrics_;
  IngestQueue ingest_queue_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> shutting_down_{false};
  std::thread shutdown_thread_;
  std::unique_ptr<sources::DemoFeed> demo_;  // config.demo: the standard workload into table `events`
  std::unique_ptr<DashboardStore> dashboards_;
  std::unique_ptr<LiveHub> live_;     // live dashboard panels
  std::unique_ptr<nl::Asker> asker_;  // natural-language questions

  struct Bucket {
    double tokens = 0;
    int64_t last_nanos = 0;
  };
  std::mutex rate_mu_;
  std::map<std::string, Bucket> buckets_;

  // Failed password sign-ins per client address in the last minute: past kMaxFailedSignIns, sign-ins
  // from that address are refused (429) without paying PBKDF2's cost, so guessing is slow and cannot
  // burn the server's CPU.
  static constexpr size_t kMaxFailedSignIns = 20;
  std::mutex sign_in_mu_;
  std::map<std::string, std::vector<int64_t>> failed_sign_ins_;  // address -> steady-clock seconds
};

// The HTTP status an error code is answered with (401, 403, 404, 409, 413, 400, 500, 507 ...).
unsigned HttpStatus(ErrorCode code);
// {"error":{"code":"NOT_FOUND","message":"...","line":1,"column":8}}; line and column when the message
// says where ("... at line 1, column 8").
std::string ErrorJson(const Status& status);
// The result as a response body in `format`: whole when small, otherwise streamed a chunk at a time.
HttpResponse FormatResult(QueryResult result, formats::Format format);
// The end of a result's body: the rows `r` holds in its chunks, then the format's suffix (JSON's "rows" and
// "statistics" from `r`).
void WriteResultEnd(formats::FormatWriter& writer, const QueryResult& r, std::string* out);
// The whole result as one JSONCompact document (meta, data, rows, statistics), for embedding in other JSON.
Result<std::string> JsonCompactText(const QueryResult& r);
// A statement run by RunStreaming.
struct StreamedQuery {
  std::string query_id;
  // How the statement ended; not known yet when `streaming`.
  Result<QueryResult> result = QueryResult{};
  bool streaming = false;
  // When the statement produced rows: a 200 response whose body holds them in `format`, whole, or, when
  // `streaming`, sent as the executor produces them. Otherwise `result` holds whatever the statement
  // answered.
  std::optional<HttpResponse> response;
  formats::Format format{};
};
struct StreamOptions {
  std::string format;  // the output format asked for; the statement's FORMAT clause wins
  // The text an error gets at the end of a body that already holds rows (the response is then cut short).
  std::function<std::string(const Status&)> error_text;
  std::function<void(const Result<QueryResult>&)> on_end;  // when the statement ends, on its thread
};
// Runs `sql` on a thread of its own and returns once it has ended, or once it has produced 256 KiB of
// output or rows that waited 100 ms (query_stream.cpp). Dropping a streaming response before its end
// cancels the statement.
StreamedQuery RunStreaming(Database& db, std::string sql, QueryOptions options, StreamOptions stream);
// The web app's file at req.path (index.html for the app's own pages), gzip-encoded when the client takes
// it, with an ETag (304 when it matches) and caching headers (api_web.cpp).
HttpResponse ServeWebApp(const HttpRequest& req);
// The OpenAPI 3 description of API v1 (GET /v1/openapi.json).
const std::string& OpenApiDocument();
// A response with a JSON body, and the JSON error response for `status` (HttpStatus, ErrorJson).
HttpResponse JsonResponse(unsigned status, std::string body);
HttpResponse ErrorResponse(const Status& status);
// 405 naming the methods `path` takes (an Allow header too).
HttpResponse MethodNotAllowed(const std::string& path, const char* allow);
// ClickHouse's numeric error code for `status` (62 SYNTAX_ERROR, 60 UNKNOWN_TABLE, 516
// AUTHENTICATION_FAILED...).
int ClickHouseErrorCode(const Status& status);

}  // namespace aurora::server
