// The web app's routes: its files, sign-in sessions, dashboards with their live results, and schema
// inference for uploads.
//
//   GET    /, /index.html, /assets/...   the app (web_assets.h); no credentials: the files hold no data
//   POST   /v1/session                   {user, password} -> {user, expires_ms} and the session cookie
//   DELETE /v1/session                   signs out: revokes the session's token and clears the cookie
//   GET    /v1/dashboards                {"dashboards": [{id, name, panels, updated_ms, updated_by}]}
//   POST   /v1/dashboards                {name, spec} -> 201 dashboard
//   GET    /v1/dashboards/ID             dashboard: {id, name, spec, created_ms, updated_ms, updated_by}
//   PUT    /v1/dashboards/ID             {name?, spec?} -> dashboard
//   DELETE /v1/dashboards/ID             -> 204
//   POST   /v1/dashboards/ID/duplicate   {name} -> 201 dashboard
//   GET    /v1/dashboards/ID/live        ?from=&to=&var_NAME=  server-sent events (live_query.h)
//   POST   /v1/infer?table=T&format=csv|ndjson   body: data -> the schema the events API would create
//
// A session is a token named web-session-<random> owned by the user, with scope ADMIN (so it has exactly
// its owner's rights), expiring after kSessionTtlMs; its secret travels only in an HttpOnly, SameSite=Strict
// cookie. Requests authenticated by that cookie that change something must carry the X-Aurora-CSRF
// header, which a page of another site cannot add. Revoking the token (Admin page) signs the browser out.
//
// Anyone signed in may view dashboards (each panel's query runs with the viewer's rights); changing them
// needs CREATE on every table (roles admin and analyst).
#include <openssl/rand.h>
#include <chrono>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "server/live_query.h"
#include "server/server.h"
#include "server/web_assets.h"

namespace aurora::server {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr int64_t kSessionTtlMs = 12 * 3600 * 1000;
using security::kSessionTokenPrefix;

std::string SessionCookie(std::string_view value, int64_t max_age_s, bool tls) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie, value,
                     max_age_s, tls ? "; Secure" : "");
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  std::string out;
  for (unsigned char c : raw) out += fmt::format("{:02x}", c);
  return out;
}

Result<json> JsonBody(const HttpRequest& req, std::string_view expected) {
  json doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return AURORA_ERROR(kInvalidArgument, "the body must be a JSON object: {}", expected);
  return doc;
}

json DashboardSummary(const Dashboard& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"panels", d.spec["panels"].size()},
          {"updated_ms", d.updated_ms},
          {"updated_by", d.updated_by}};
}

}  // namespace

HttpResponse ServeWebApp(const HttpRequest& req) {
  const auto& assets = WebAssets();
  if (assets.empty())
    return ErrorResponse(
        AURORA_ERROR(kNotFound,
                     "this aurora binary was built without the web app (AURORA_WEB_APP=OFF); "
                     "the API is under /v1/ (GET /v1/openapi.json)"));
  std::string path = req.path == "/" ? "/index.html" : req.path;
  const WebAsset* found = nullptr;
  for (const auto& a : assets)
    if (a.path == path) found = &a;
  // Paths of the app's own pages (no file extension) get the app.
  if (!found && path.find('.', path.rfind('/')) == std::string::npos)
    for (const auto& a : assets)
      if (a.path == "/index.html") found = &a;
  if (!found) return ErrorResponse(AURORA_ERROR(kNotFound, "no file {}", req.path));
  HttpResponse r;
  r.content_type = std::string(found->content_type);
  r.headers.emplace_back("ETag", std::string(found->etag));
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  const bool immutable = found->path.rfind("/assets/", 0) == 0;  // names carry a hash of the content
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (found->path == "/index.html") {
    r.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (req.Header("If-None-Match") == found->etag) {
    r.status = 304;
    return r;
  }
  if (req.Header("Accept-Encoding").find("gzip") != std::string_view::npos) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body = std::string(found->gzip);
  } else {
    auto plain = Inflate(found->gzip, 64ull << 20);
    if (!plain.ok()) return ErrorResponse(plain.status());
    r.body = std::move(*plain);
  }
  return r;
}

HttpResponse Server::ApiSessionSignIn(HttpRequest& req) {
  if (req.method == http::verb::delete_) {
    // Signing out needs no valid session: the cookie is cleared whatever it held.
    HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, req.tls));
    std::string secret = CookieValue(req, kSessionCookie);
    if (!secret.empty()) {
      auto principal = db_.access().AuthenticateToken(secret);
      if (principal.ok() && (*principal)->token.rfind(kSessionTokenPrefix, 0) == 0) {
        if (Status st = db_.access().RevokeToken((*principal)->token, true); !st.ok())
          return ErrorResponse(st);
      }
    }
    return r;
  }
  if (req.method != http::verb::post) return MethodNotAllowed(req.path, "POST, DELETE");
  auto doc = JsonBody(req, R"({"user": "...", "password": "..."})");
  if (!doc.ok()) return ErrorResponse(doc.status());
  auto user = doc->find("user");
  auto password = doc->find("password");
  if (user == doc->end() || !user->is_string() || password == doc->end() || !password->is_string())
    return ErrorResponse(
        AURORA_ERROR(kInvalidArgument, "the body needs the strings \"user\" and \"password\""));
  auto principal = CheckPassword(user->get<std::string>(), password->get<std::string>(), req.remote);
  if (!principal.ok()) {
    HttpResponse r = ErrorResponse(principal.status());
    if (principal.status().code() == ErrorCode::kResourceExhausted) {
      r.status = 429;
      r.headers.emplace_back("Retry-After", "60");
    }
    return r;
  }
  const std::string name = user->get<std::string>();
  const int64_t now = Clock::System().NowMillis();
  // Sessions that expired are of no use to anyone: their tokens go.
  for (const auto& t : db_.access().Tokens())
    if (t.owner == name && t.name.rfind(kSessionTokenPrefix, 0) == 0 && t.expires_ms && *t.expires_ms <= now)
      (void)db_.access().RevokeToken(t.name, true);
  security::TokenSpec spec;
  spec.session = true;
  spec.name = std::string(kSessionTokenPrefix) + RandomHex(8);
  spec.owner = name;
  spec.scopes = {security::Grant{security::Privilege::kAdmin, std::string(security::kAllTables)}};
  spec.expires_ms = now + kSessionTtlMs;
  auto token = db_.access().CreateToken(spec);
  if (!token.ok()) return ErrorResponse(token.status());
  HttpResponse r = JsonResponse(200, json{{"user", name}, {"expires_ms", *spec.expires_ms}}.dump());
  r.headers.emplace_back("Set-Cookie", SessionCookie(token->secret, kSessionTtlMs / 1000, req.tls));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse Server::ApiDashboards(HttpRequest& req, const Caller& caller) {
  const bool get = req.method == http::verb::get || req.method == http::verb::head;
  auto may_change = [&] { return Allowed(caller, security::Privilege::kCreate, security::kAllTables); };
  const std::string user = caller.principal->user;
  std::string rest = req.path.size() > 15 ? req.path.substr(15) : "";  // after "/v1/dashboards/"
  if (rest.empty()) {
    if (get) {
      json list = json::array();
      for (const auto& d : dashboards_->List()) list.push_back(DashboardSummary(d));
      return JsonResponse(200, json{{"dashboards", list}}.dump());
    }
    if (req.method != http::verb::post) return MethodNotAllowed(req.path, "GET, POST");
    if (Status st = may_change(); !st.ok()) return ErrorResponse(st);
    auto doc = JsonBody(req, R"({"name": "...", "spec": {...}})");
    if (!doc.ok()) return ErrorResponse(doc.status());
    if (!doc->contains("name") || !(*doc)["name"].is_string())
      return ErrorResponse(AURORA_ERROR(kInvalidArgument, "the body needs the string \"name\""));
    auto d = dashboards_->Create((*doc)["name"], doc->value("spec", json::object()), user);
    if (!d.ok()) return ErrorResponse(d.status());
    return JsonResponse(201, d->ToJson().dump());
  }
  const size_t slash = rest.find('/');
  const std::string id_text = rest.substr(0, slash);
  const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
  int64_t id = 0;
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos)
    return ErrorResponse(AURORA_ERROR(kNotFound, "'{}' is not a dashboard id (a number)", id_text));
  id = std::stoll(id_text);
  auto d = dashboards_->Get(id);
  if (!d.ok()) return ErrorResponse(d.status());
  if (action.empty()) {
    if (get) return JsonResponse(200, d->ToJson().dump());
    if (req.method == http::verb::delete_) {
      if (Status st = may_change(); !st.ok()) return ErrorResponse(st);
      if (Status st = dashboards_->Delete(id); !st.ok()) return ErrorResponse(st);
      HttpResponse r;
      r.status = 204;
      return r;
    }
    if (req.method != http::verb::put) return MethodNotAllowed(req.path, "GET, PUT, DELETE");
    if (Status st = may_change(); !st.ok()) return ErrorResponse(st);
    auto doc = JsonBody(req, R"({"name"?: "...", "spec"?: {...}})");
    if (!doc.ok()) return ErrorResponse(doc.status());
    std::optional<std::string> name;
    std::optional<json> spec;
    if (auto it = doc->find("name"); it != doc->end()) {
      if (!it->is_string()) return ErrorResponse(AURORA_ERROR(kInvalidArgument, "\"name\" must be a string"));
      name = it->get<std::string>();
    }
    if (auto it = doc->find("spec"); it != doc->end()) spec = *it;
    auto updated = dashboards_->Update(id, name, spec, user);
    if (!updated.ok()) return ErrorResponse(updated.status());
    return JsonResponse(200, updated->ToJson().dump());
  }
  if (action == "duplicate") {
    if (req.method != http::verb::post) return MethodNotAllowed(req.path, "POST");
    if (Status st = may_change(); !st.ok()) return ErrorResponse(st);
    auto doc = JsonBody(req, R"({"name": "..."})");
    std::string name = d->name + " (copy)";
    if (doc.ok() && doc->contains("name") && (*doc)["name"].is_string()) name = (*doc)["name"];
    auto copy = dashboards_->Create(name, d->spec, user);
    if (!copy.ok()) return ErrorResponse(copy.status());
    return JsonResponse(201, copy->ToJson().dump());
  }
  if (action == "live") {
    if (!get) return MethodNotAllowed(req.path, "GET");
    LiveRequest live;
    live.principal = caller.principal;
    const json& spec = d->spec;
    for (const auto& p : spec["panels"])
      live.panels.push_back({p["id"].get<std::string>(), p["sql"].get<std::string>()});
    live.from = req.Param("from") ? *req.Param("from") : spec["time_range"]["from"].get<std::string>();
    live.to = req.Param("to") ? *req.Param("to") : spec["time_range"]["to"].get<std::string>();
    for (const auto& v : spec["variables"])
      live.params[v["name"].get<std::string>()] = v["value"].get<std::string>();
    for (const auto& [k, v] : req.query)
      if (k.rfind("var_", 0) == 0) live.params[k.substr(4)] = v;
    auto channel = live_->Subscribe(std::move(live));
    if (!channel.ok()) return ErrorResponse(channel.status());
    HttpResponse r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("X-Accel-Buffering", "no");
    r.body = "retry: 3000\n\n";  // how long a browser waits before reconnecting
    r.push = std::move(*channel);
    return r;
  }
  return ErrorResponse(
      AURORA_ERROR(kNotFound, "no route {}; a dashboard takes duplicate and live", req.path));
}

HttpResponse Server::ApiInfer(HttpRequest& req) {
  if (req.method != http::verb::post) return MethodNotAllowed(req.path, "POST");
  std::string table = req.Param("table") ? *req.Param("table") : "uploaded";
  std::string format = req.Param("format") ? *req.Param("format") : "ndjson";
  for (auto& ch : format) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (format == "ndjson" || format == "json" || format == "jsoneachrow")
    format = "JSONEachRow";
  else if (format == "csv" || format == "csvwithnames")
    format = "CSVWithNames";
  else
    return ErrorResponse(
        AURORA_ERROR(kInvalidArgument, "format '{}' is not an events format (ndjson or csv)", format));
  uint64_t rows = 0;
  auto schema = db_.InferTable(table, req.body, format, &rows);
  if (!schema.ok()) return ErrorResponse(schema.status());
  json columns = json::array();
  for (const auto& c : schema->columns) columns.push_back({{"name", c.name}, {"type", c.type->Name()}});
  std::string order_by;
  for (const auto& k : schema->order_by) order_by += (order_by.empty() ? "" : ", ") + k;
  json doc = {{"table", table},
              {"columns", columns},
              {"order_by", order_by.empty() ? "tuple()" : order_by},
              {"partition_by", schema->partition_by.ToString()},
              {"rows_sampled", rows}};
  return JsonResponse(200, doc.dump());
}

HttpResponse Server::ApiAsk(HttpRequest& req, const Caller& caller) {
  auto doc = JsonBody(req, R"({"question": "...", "table"?: "...", "run"?: true})");
  if (!doc.ok()) return ErrorResponse(doc.status());
  auto question = doc->find("question");
  if (question == doc->end() || !question->is_string() || question->get<std::string>().empty())
    return ErrorResponse(AURORA_ERROR(kInvalidArgument, "the body needs the string \"question\""));
  const std::string table =
      doc->contains("table") && (*doc)["table"].is_string() ? (*doc)["table"].get<std::string>() : "";
  const bool run = doc->value("run", true);
  const auto t0 = std::chrono::steady_clock::now();
  auto answer = asker_->Ask(question->get<std::string>(), table, caller.principal);
  if (!answer.ok()) return ErrorResponse(answer.status());
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  json out = {{"question", *question},
              {"answered", answer->answered},
              {"sql", answer->sql},
              {"explanation", answer->explanation},
              {"confidence", answer->confidence},
              {"ms", ms}};
  if (!answer->answered) {
    out["sql"] = nullptr;
    out["suggestions"] = answer->suggestions;
    out["message"] =
        "Aurora can't answer that question with confidence; the suggestions say what it did not understand.";
    return JsonResponse(200, out.dump());
  }
  if (!run) return JsonResponse(200, out.dump());
  QueryOptions options;
  options.principal = caller.principal;
  options.settings = {{"max_result_rows", "10000"}, {"max_execution_time", "30"}};
  auto result = db_.Execute(answer->sql, options);
  auto text = result.ok() ? JsonCompactText(*result) : Result<std::string>(result.status());
  if (!text.ok()) {
    out["error"] = json::parse(ErrorJson(text.status()))["error"];
    return JsonResponse(200, out.dump());
  }
  std::string body = out.dump();  // an object: its result goes in before the closing brace, as written
  body.pop_back();
  body += R"(,"result":)" + *text + "}";
  return JsonResponse(200, body);
}

Status Server::CreateDemoDashboard() {
  if (!dashboards_->List().empty()) return Status::OK();
  const std::string range = "timestamp >= {from:DateTime} AND timestamp <= {to:DateTime}";
  auto panel = [&](const char* id, const char* title, const char* chart, std::string sql, int x, int y, int w,
                   int h) {
    return json{{"id", id}, {"title", title}, {"chart", chart}, {"sql", std::move(sql)},
                {"x", x},   {"y", y},         {"w", w},         {"h", h}};
  };
  json panels = json::array({
      panel("events", "Events", "stat", "SELECT count() AS events FROM events WHERE " + range, 0, 0, 3, 3),
      panel("revenue", "Revenue", "stat",
            "SELECT round(sum(price * quantity), 2) AS revenue FROM events WHERE action_type = 'purchase' "
            "AND " +
                range,
            3, 0, 3, 3),
      panel("buyers", "Buyers", "stat",
            "SELECT uniq(user_id) AS buyers FROM events WHERE action_type = 'purchase' AND " + range, 6, 0, 3,
            3),
      panel("conversion", "Conversion (%)", "stat",
            "SELECT round(100 * countIf(action_type = 'purchase') / count(), 2) AS conversion FROM events "
            "WHERE " +
                range,
            9, 0, 3, 3),
      panel("per_minute", "Events per minute", "line",
            "SELECT toStartOfMinute(timestamp) AS minute, count() AS events FROM events WHERE " + range +
                " GROUP BY minute ORDER BY minute",
            0, 3, 8, 5),
      panel("actions", "Actions", "pie",
            "SELECT action_type, count() AS events FROM events WHERE " + range +
                " GROUP BY action_type ORDER BY events DESC",
            8, 3, 4, 5),
      panel("regions", "Revenue by region", "bar",
            "SELECT region, round(sum(price * quantity), 2) AS revenue FROM events WHERE action_type = "
            "'purchase' "
            "AND " +
                range + " GROUP BY region ORDER BY revenue DESC",
            0, 8, 6, 5),
      panel("brands", "Top brands by purchases", "bar",
            "SELECT brand, count() AS purchases FROM events WHERE action_type = 'purchase' AND " + range +
                " GROUP BY brand ORDER BY purchases DESC LIMIT 10",
            6, 8, 6, 5),
  });
  json spec = {
      {"time_range", {{"from", "now-15m"}, {"to", "now"}}}, {"variables", json::array()}, {"panels", panels}};
  return dashboards_->Create("E-commerce live", std::move(spec), "admin").status();
}

}  // namespace aurora::server
