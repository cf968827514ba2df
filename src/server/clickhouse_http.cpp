// ClickHouse's HTTP interface on its own port, so ClickHouse clients (the official JS client, curl
// scripts, tools) work unchanged:
//
//   GET  /ping, /replicas_status            "Ok.\n"
//   GET|POST /?query=...                    the query from the parameter, then the body: for INSERT ...
//                                           FORMAT the parameter holds the statement and the body the data
//   POST /  (body = query)
//
// Parameters: database (only "default"), default_format (TabSeparated when absent; a FORMAT clause
// wins), query_id, param_<name> for {name:Type}, user / password, and settings; ClickHouse's HTTP-level
// settings that do not change results are accepted and ignored. Credentials: X-ClickHouse-User /
// X-ClickHouse-Key, HTTP basic auth, or user / password parameters.
//
// Answers carry X-ClickHouse-Query-Id, X-ClickHouse-Format, X-ClickHouse-Timezone and
// X-ClickHouse-Summary. Errors are ClickHouse's text ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)")
// with X-ClickHouse-Exception-Code. enable_http_compression=1 with Accept-Encoding: gzip compresses the
// answer.
#include <set>

#include <fmt/format.h>
#include <boost/beast/http/verb.hpp>

#include "formats/format_writer.h"
#include "server/server.h"

namespace aurora::server {

namespace {

// ClickHouse's exception name for a code, shown in parentheses as recent ClickHouse versions do.
std::string_view ClickHouseErrorName(int code) {
  switch (code) {
    case 27:
      return "CANNOT_PARSE_INPUT_ASSERTION_FAILED";
    case 36:
      return "BAD_ARGUMENTS";
    case 40:
      return "CHECKSUM_DOESNT_MATCH";
    case 46:
      return "UNKNOWN_FUNCTION";
    case 47:
      return "UNKNOWN_IDENTIFIER";
    case 48:
      return "NOT_IMPLEMENTED";
    case 49:
      return "LOGICAL_ERROR";
    case 57:
      return "TABLE_ALREADY_EXISTS";
    case 60:
      return "UNKNOWN_TABLE";
    case 62:
      return "SYNTAX_ERROR";
    case 74:
      return "CANNOT_READ_FROM_FILE_DESCRIPTOR";
    case 81:
      return "UNKNOWN_DATABASE";
    case 115:
      return "UNKNOWN_SETTING";
    case 159:
      return "TIMEOUT_EXCEEDED";
    case 210:
      return "NETWORK_ERROR";
    case 241:
      return "MEMORY_LIMIT_EXCEEDED";
    case 243:
      return "NOT_ENOUGH_SPACE";
    case 394:
      return "QUERY_WAS_CANCELLED";
    case 396:
      return "TOO_MANY_ROWS_OR_BYTES";
    case 497:
      return "ACCESS_DENIED";
    case 516:
      return "AUTHENTICATION_FAILED";
    default:
      return "UNKNOWN_EXCEPTION";
  }
}

// Parameters ClickHouse's HTTP interface takes that are about the transport, not the query.
bool IsTransportParameter(const std::string& name) {
  static const std::set<std::string> kNames = {
      "query",
      "database",
      "default_format",
      "user",
      "password",
      "quota_key",
      "query_id",
      "session_id",
      "session_timeout",
      "session_check",
      "compress",
      "decompress",
      "enable_http_compression",
      "http_zlib_compression_level",
      "wait_end_of_query",
      "send_progress_in_http_headers",
      "http_headers_progress_interval_ms",
      "buffer_size",
      "http_native_compression_disable_checksumming_on_decompress",
      "add_http_cors_header",
      "cancel_http_readonly_queries_on_client_close",
      "output_format_json_quote_64bit_integers",
      "output_format_json_quote_denormals",
      "date_time_output_format",
      "input_format_skip_unknown_fields",
      "readonly",
      "max_result_bytes",
      "result_overflow_mode",
      "extremes",
      "allow_experimental_analyzer",
  };
  return kNames.count(name) > 0;
}

}  // namespace

HttpResponse Server::HandleClickHouse(HttpRequest& req) {
  namespace http = boost::beast::http;
  auto text = [](unsigned status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=UTF-8";
    r.body = std::move(body);
    return r;
  };
  auto error = [&](const Status& st) {
    const int code = ClickHouseErrorCode(st);
    HttpResponse r = text(st.code() == ErrorCode::kInvalidArgument ? 400 : HttpStatus(st.code()),
                          fmt::format("Code: {}. DB::Exception: {}. ({}) (version 0.1.0)\n", code,
                                      st.message(), ClickHouseErrorName(code)));
    if (r.status == 422 || r.status == 503) r.status = 500;
    r.headers.emplace_back("X-ClickHouse-Exception-Code", std::to_string(code));
    return r;
  };
  HttpResponse res = [&]() -> HttpResponse {
    const bool get = req.method == http::verb::get || req.method == http::verb::head;
    if ((req.path == "/ping" || req.path == "/replicas_status") && get) return text(200, "Ok.\n");
    if (req.path != "/" && !req.path.empty())
      return error(AURORA_ERROR(kNotFound, "no handler for {}; queries go to /", req.path));
    const std::string* query_param = req.Param("query");
    if (query_param == nullptr && req.body.empty()) {
      if (get) return text(200, "Ok.\n");
      return error(AURORA_ERROR(kInvalidArgument, "empty query"));
    }
    auto caller = Authenticate(req, true);
    if (!caller.ok()) {
      HttpResponse r = error(caller.status());
      if (caller.status().code() == ErrorCode::kResourceExhausted) {
        r.status = 429;
        r.headers.emplace_back("Retry-After", "60");
      } else {
        r.headers.emplace_back("WWW-Authenticate", R"(Basic realm="ClickHouse")");
      }
      return r;
    }
    if (auto limited = RateLimit(*caller)) return *limited;
    std::string sql;
    if (query_param != nullptr) {
      sql = *query_param;
      if (!req.body.empty()) {
        sql += '\n';
        sql += req.body;
      }
    } else {
      sql = std::move(req.body);
    }
    QueryOptions options;
    options.principal = caller->principal;
    std::string format = "TabSeparated";
    std::string database = std::string(req.Header("X-ClickHouse-Database"));
    if (auto f = req.Header("X-ClickHouse-Format"); !f.empty()) format = std::string(f);
    bool compress = false;
    for (const auto& [key, value] : req.query) {
      if (key == "default_format") {
        format = value;
      } else if (key == "database") {
        database = value;
      } else if (key == "query_id") {
        options.query_id = value;
      } else if (key == "enable_http_compression") {
        compress = value == "1" || value == "true";
      } else if (key.rfind("param_", 0) == 0) {
        options.params[key.substr(6)] = value;
      } else if (!IsTransportParameter(key)) {
        options.settings.emplace_back(key, value);
      }
    }
    if (!database.empty() && database != "default")
      return error(AURORA_ERROR(kNotFound, "database '{}' does not exist; Aurora has one database, 'default'",
                                database));
    const bool gzip = compress && req.Header("Accept-Encoding").find("gzip") != std::string_view::npos;
    Result<QueryResult> result = QueryResult{};
    std::optional<HttpResponse> formatted;  // the rows, when streaming formatted them
    formats::Format formatted_as{};
    if (gzip) {
      // A compressed body is made whole, then sent.
      result = db_.Execute(sql, options);
      metrics_.RecordQuery(result.ok(), result.ok() ? result->elapsed_seconds : 0);
    } else {
      StreamOptions stream;
      stream.format = format;
      stream.error_text = [](const Status& st) {
        const int code = ClickHouseErrorCode(st);
        return fmt::format("\nCode: {}. DB::Exception: {}. ({}) (version 0.1.0)\n", code, st.message(),
                           ClickHouseErrorName(code));
      };
      stream.on_end = [this](const Result<QueryResult>& r) {
        metrics_.RecordQuery(r.ok(), r.ok() ? r->elapsed_seconds : 0);
      };
      StreamedQuery run = RunStreaming(db_, std::move(sql), std::move(options), std::move(stream));
      if (run.streaming) {
        // The summary is not known yet, so there is no X-ClickHouse-Summary.
        HttpResponse& r = *run.response;
        r.headers.emplace_back("X-ClickHouse-Format", std::string(formats::FormatName(run.format)));
        r.headers.emplace_back("X-ClickHouse-Query-Id", run.query_id);
        r.headers.emplace_back("X-ClickHouse-Timezone", "UTC");
        return std::move(r);
      }
      result = std::move(run.result);
      formatted = std::move(run.response);
      formatted_as = run.format;
    }
    if (!result.ok()) return error(result.status());
    const std::string summary = fmt::format(
        R"({{"read_rows":"{}","read_bytes":"{}","written_rows":"{}","written_bytes":"0","total_rows_to_read":"{}","result_rows":"{}","result_bytes":"0"}})",
        result->rows_read, result->bytes_read, result->rows_written, result->rows_read,
        result->num_rows() + result->streamed_rows);
    const std::string query_id = result->query_id;
    HttpResponse r;
    if (formatted) {
      r = std::move(*formatted);
      r.headers.emplace_back("X-ClickHouse-Format", std::string(formats::FormatName(formatted_as)));
    } else if (result->names.empty()) {
      r = text(200, "");
    } else {
      if (!result->format.empty()) format = result->format;
      auto f = formats::OutputFormat(format);
      if (!f.ok()) return error(f.status());
      r = FormatResult(std::move(*result), *f);
      r.headers.emplace_back("X-ClickHouse-Format", std::string(formats::FormatName(*f)));
    }
    r.headers.emplace_back("X-ClickHouse-Query-Id", query_id);
    r.headers.emplace_back("X-ClickHouse-Timezone", "UTC");
    r.headers.emplace_back("X-ClickHouse-Summary", summary);
    if (gzip) {
      if (r.stream) {
        while (r.stream(&r.body) == HttpResponse::Step::kMore) {
        }
        r.stream = nullptr;
      }
      r.body = Gzip(r.body);
      r.headers.emplace_back("Content-Encoding", "gzip");
    }
    return r;
  }();
  res.headers.emplace_back("X-ClickHouse-Server-Display-Name", "aurora");
  metrics_.RecordHttp("clickhouse", res.status);
  return res;
}

}  // namespace aurora::server
