// API v1 routes: /v1/sql, /v1/events, /v1/tables. docs/api.md describes them for users.
#include <chrono>

#include <fmt/format.h>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "formats/format_writer.h"
#include "server/server.h"

namespace aurora::server {

namespace http = boost::beast::http;

namespace {

// Text of a JSON scalar, as a query parameter or setting value: strings as they are, numbers and
// booleans as written.
Result<std::string> ScalarText(const nlohmann::json& v, std::string_view what) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number()) return v.dump();
  return AURORA_ERROR(kInvalidArgument, "{} must be a string, number or boolean, not {}", what,
                      v.type_name());
}

bool ValidTableName(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

void WriteResultEnd(formats::FormatWriter& writer, const QueryResult& r, std::string* out) {
  for (const auto& chunk : r.chunks) writer.WriteChunk(chunk, out);
  formats::OutputStatistics stats;
  stats.elapsed_seconds = r.elapsed_seconds;
  stats.rows_read = r.rows_read;
  stats.bytes_read = r.bytes_read;
  writer.WriteSuffix(stats, out);
}

Result<std::string> JsonCompactText(const QueryResult& r) {
  AURORA_ASSIGN_OR_RETURN(auto writer,
                          formats::FormatWriter::Make(formats::Format::kJSONCompact, r.names, r.types));
  std::string text;
  writer->WritePrefix(&text);
  WriteResultEnd(*writer, r, &text);
  return text;
}

HttpResponse FormatResult(QueryResult result, formats::Format format) {
  auto writer = formats::FormatWriter::Make(format, result.names, result.types);
  if (!writer.ok()) return ErrorResponse(writer.status());
  HttpResponse r;
  r.content_type = std::string(formats::ContentType(format));
  struct State {
    QueryResult result;
    std::unique_ptr<formats::FormatWriter> writer;
    size_t next = 0;
  };
  auto state = std::make_shared<State>(State{std::move(result), std::move(*writer)});
  state->writer->WritePrefix(&r.body);
  if (state->result.num_rows() <= 8192) {
    WriteResultEnd(*state->writer, state->result, &r.body);
    return r;
  }
  // A chunk per call, each freed once written; the last call writes the suffix.
  r.stream = [state](std::string* out) {
    std::vector<Chunk>& chunks = state->result.chunks;
    if (state->next < chunks.size()) {
      state->writer->WriteChunk(chunks[state->next], out);
      chunks[state->next++] = Chunk{};
      return HttpResponse::Step::kMore;
    }
    chunks.clear();  // all written
    WriteResultEnd(*state->writer, state->result, out);
    return HttpResponse::Step::kEnd;
  };
  return r;
}

HttpResponse Server::ApiSql(HttpRequest& req, const Caller& caller) {
  std::string sql;
  std::string format;
  QueryOptions options;
  options.principal = caller.principal;
  auto content_type = req.Header("Content-Type");
  if (content_type.rfind("application/json", 0) == 0) {
    nlohmann::json doc = nlohmann::json::parse(req.body, nullptr, false);
    if (!doc.is_object())
      return ErrorResponse(AURORA_ERROR(
          kInvalidArgument,
          "the body is not a JSON object; send {{\"query\": \"SELECT ...\", \"params\": {{...}}}} "
          "or the SQL text as text/plain"));
    for (const auto& [key, value] : doc.items()) {
      if (key == "query" || key == "sql") {
        if (!value.is_string())
          return ErrorResponse(AURORA_ERROR(kInvalidArgument, "\"{}\" must be a string", key));
        sql = value.get<std::string>();
      } else if (key == "format") {
        if (!value.is_string())
          return ErrorResponse(AURORA_ERROR(kInvalidArgument, "\"format\" must be a string"));
        format = value.get<std::string>();
      } else if (key == "query_id") {
        if (!value.is_string())
          return ErrorResponse(AURORA_ERROR(kInvalidArgument, "\"query_id\" must be a string"));
        options.query_id = value.get<std::string>();
      } else if (key == "params" || key == "settings") {
        if (!value.is_object())
          return ErrorResponse(AURORA_ERROR(kInvalidArgument, "\"{}\" must be an object", key));
        for (const auto& [name, v] : value.items()) {
          auto text = ScalarText(v, fmt::format("{} '{}'", key, name));
          if (!text.ok()) return ErrorResponse(text.status());
          if (key == "params")
            options.params[name] = *text;
          else
            options.settings.emplace_back(name, *text);
        }
      } else {
        return ErrorResponse(AURORA_ERROR(
            kInvalidArgument,
            "unknown field \"{}\" in the request (query, params, settings, format, query_id)", key));
      }
    }
  } else {
    sql = req.body;
  }
  for (const auto& [key, value] : req.query) {
    if (key == "format" || key == "default_format") {
      format = value;
    } else if (key == "query") {
      if (sql.empty()) sql = value;
    } else if (key == "query_id") {
      options.query_id = value;
    } else if (key.rfind("param_", 0) == 0) {
      options.params[key.substr(6)] = value;
    } else {
      options.settings.emplace_back(key, value);
    }
  }
  if (sql.find_first_not_of(" \t\r\n") == std::string::npos)
    return ErrorResponse(
        AURORA_ERROR(kInvalidArgument, "no statement: send SQL in the body or the 'query' parameter"));
  StreamOptions stream;
  stream.format = format.empty() ? "JSON" : format;
  stream.error_text = [](const Status& st) { return "\n" + ErrorJson(st) + "\n"; };
  stream.on_end = [this](const Result<QueryResult>& r) {
    metrics_.RecordQuery(r.ok(), r.ok() ? r->elapsed_seconds : 0);
  };
  StreamedQuery run = RunStreaming(db_, std::move(sql), std::move(options), std::move(stream));
  if (run.response) {
    run.response->headers.emplace_back("X-Aurora-Query-Id", run.query_id);
    return std::move(*run.response);
  }
  Result<QueryResult>& result = run.result;
  if (!result.ok()) return ErrorResponse(result.status());
  HttpResponse r;
  const std::string query_id = result->query_id;
  if (result->names.empty()) {
    nlohmann::json doc = {{"query_id", result->query_id},
                          {"rows_written", result->rows_written},
                          {"statistics", {{"elapsed", result->elapsed_seconds}}}};
    r.body = doc.dump();
  } else {
    if (!result->format.empty()) format = result->format;
    auto f = formats::OutputFormat(format.empty() ? "JSON" : format);
    if (!f.ok()) return ErrorResponse(f.status());
    r = FormatResult(std::move(*result), *f);
  }
  r.headers.emplace_back("X-Aurora-Query-Id", query_id);
  return r;
}

namespace {

nlohmann::json IngestJson(const std::string& table, const ingest::IngestResult& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.first_errors) errors.push_back({{"line", e.line}, {"error", e.error}});
  return {{"table", table},
          {"rows", r.rows},
          {"quarantined", r.quarantined},
          {"created_table", r.created_table},
          {"added_columns", r.added_columns},
          {"widened_columns", r.widened_columns},
          {"errors", errors}};
}

}  // namespace

HttpResponse Server::ApiEvents(HttpRequest& req, const Caller& caller) {
  const std::string* table = req.Param("table");
  if (table == nullptr || table->empty())
    return ErrorResponse(
        AURORA_ERROR(kInvalidArgument, "the 'table' parameter is required: POST /v1/events?table=NAME"));
  ingest::IngestOptions options;
  options.source = "http";
  std::string format = req.Param("format") ? *req.Param("format") : "";
  if (format.empty()) format = req.Header("Content-Type").rfind("text/csv", 0) == 0 ? "csv" : "ndjson";
  for (auto& ch : format) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (format == "ndjson" || format == "json" || format == "jsoneachrow") {
    options.format = "JSONEachRow";
  } else if (format == "csv" || format == "csvwithnames") {
    options.format = "CSVWithNames";
  } else {
    return ErrorResponse(
        AURORA_ERROR(kInvalidArgument, "format '{}' is not an events format (ndjson or csv)", format));
  }
  bool wait = true;
  if (const std::string* w = req.Param("wait")) {
    if (*w == "true" || *w == "1" || w->empty()) {
      wait = true;
    } else if (*w == "false" || *w == "0") {
      wait = false;
    } else {
      return ErrorResponse(AURORA_ERROR(kInvalidArgument, "wait takes true or false, not '{}'", *w));
    }
  }
  if (Status st = AuthorizeIngest(caller, *table); !st.ok()) return ErrorResponse(st);
  if (!wait) {
    Status queued = ingest_queue_.Push(*table, std::move(req.body), options);
    if (!queued.ok()) {
      HttpResponse r = ErrorResponse(queued);
      r.status = 503;
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    return JsonResponse(202, nlohmann::json{{"table", *table}, {"accepted", true}}.dump());
  }
  auto result = Ingest(*table, req.body, options);
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(200, IngestJson(*table, *result).dump());
}

HttpResponse Server::ApiTables(HttpRequest& req, const Caller& caller) {
  (void)req;
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& name : db_.catalog().TableNames()) {
    if (!Allowed(caller, security::Privilege::kSelect, name).ok())
      continue;  // lists what the caller may read
    auto table = db_.catalog().GetTable(name);
    if (!table.ok()) continue;
    storage::TableStats s = (*table)->Stats();
    tables.push_back(
        {{"name", name}, {"rows", s.rows}, {"bytes_on_disk", s.bytes_on_disk}, {"parts", s.parts}});
  }
  return JsonResponse(200, nlohmann::json{{"tables", tables}}.dump());
}

HttpResponse Server::ApiTable(HttpRequest& req, const Caller& caller, const std::string& name) {
  if (!ValidTableName(name))
    return ErrorResponse(AURORA_ERROR(
        kInvalidArgument,
        "'{}' is not a table name (letters, digits and underscores, not starting with a digit)", name));
  if (req.method == http::verb::delete_) {
    if (Status st = Allowed(caller, security::Privilege::kDrop, name); !st.ok()) return ErrorResponse(st);
    Status st = db_.catalog().DropTable(name);
    if (!st.ok()) return ErrorResponse(st);
    return JsonResponse(200, nlohmann::json{{"dropped", name}}.dump());
  }
  if (Status st = Allowed(caller, security::Privilege::kSelect, name); !st.ok()) return ErrorResponse(st);
  auto table = db_.catalog().GetTable(name);
  if (!table.ok()) return ErrorResponse(table.status());
  storage::TableSchema schema = (*table)->schema();
  storage::TableStats s = (*table)->Stats();
  nlohmann::json columns = nlohmann::json::array();
  uint64_t compressed = 0, uncompressed = 0;
  for (const auto& c : schema.columns) {
    nlohmann::json col = {{"name", c.name}, {"type", c.type->Name()}};
    if (!c.comment.empty()) col["comment"] = c.comment;
    if (!c.default_expr.empty()) col["default"] = c.default_expr;
    columns.push_back(std::move(col));
  }
  for (const auto& c : s.columns) {
    compressed += c.compressed_bytes;
    uncompressed += c.uncompressed_bytes;
  }
  uint64_t quarantined = 0;
  if (auto q = db_.catalog().GetTable(name + "_quarantine"); q.ok()) quarantined = (*q)->Stats().rows;
  nlohmann::json doc = {
      {"name", name},
      {"columns", columns},
      {"order_by", schema.order_by},
      {"partition_by", schema.partition_by.ToString()},
      {"ttl", schema.ttl ? schema.ttl->ToString() : ""},
      {"rows", s.rows},
      {"buffered_rows", s.buffer_rows},
      {"parts", s.parts},
      {"bytes_on_disk", s.bytes_on_disk},
      {"uncompressed_bytes", uncompressed},
      {"compression_ratio",
       compressed ? static_cast<double>(uncompressed) / static_cast<double>(compressed) : 0.0},
      {"wal_bytes", s.wal_bytes},
      {"ingest_rows_per_second", metrics_.IngestRate(name)},
      {"quarantined_rows", quarantined},
  };
  return JsonResponse(200, doc.dump());
}

}  // namespace aurora::server
