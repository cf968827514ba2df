// API v1 routes for sources (Kafka topics consumed into tables), for tools and the web app's Connect page.
// They call kafka::SourceManager, the same code as the SQL statements, with the same privileges: SELECT on a
// source's table to see it, CREATE and INSERT to create it, ALTER to pause, resume or reset it, DROP to
// drop it. The SASL password is accepted, never returned.
//
//   GET    /v1/sources               {"sources": [source, ...]} (those whose table the caller may read)
//   POST   /v1/sources               {name, table, type?: "kafka", settings: {brokers, topic, group, ...},
//                                     if_not_exists?}  -> 201 source; with ?validate=true only checks
//                                     (200 {"valid": true}) and creates nothing
//   GET    /v1/sources/NAME          source, with its partitions
//   DELETE /v1/sources/NAME
//   POST   /v1/sources/NAME/pause    POST /v1/sources/NAME/resume
//   POST   /v1/sources/NAME/reset    {to: "earliest" | "latest" | Unix ms | "YYYY-MM-DD hh:mm:ss" (UTC)}
//
// A source: {name, type, table, topic, group, state, paused, settings, messages, rows, quarantined,
// messages_per_second, lag, last_error, last_error_ms, created_ms, partitions: [{partition, offset,
// high_watermark, lag, messages}]}; lag and offsets are -1 while not known.
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "server/server.h"

namespace aurora::server {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

json SourceJson(const kafka::SourceInfo& info) {
  const kafka::SourceStatus& s = info.status;
  json settings = json::object();
  for (const auto& [k, v] : info.settings) settings[k] = v;
  json partitions = json::array();
  int64_t lag = 0;
  bool lag_known = !s.partitions.empty();
  for (const auto& p : s.partitions) {
    partitions.push_back({{"partition", p.partition},
                          {"offset", p.offset},
                          {"high_watermark", p.high_watermark},
                          {"lag", p.lag},
                          {"messages", p.messages}});
    if (p.lag < 0) lag_known = false;
    lag += std::max<int64_t>(0, p.lag);
  }
  return {{"name", info.name},
          {"type", info.type},
          {"table", info.table},
          {"topic", s.topic},
          {"group", s.group},
          {"state", s.state},
          {"paused", info.paused},
          {"settings", settings},
          {"messages", s.messages},
          {"rows", s.rows},
          {"quarantined", s.quarantined},
          {"messages_per_second", s.messages_per_second},
          {"lag", lag_known ? lag : -1},
          {"last_error", s.last_error},
          {"last_error_ms", s.last_error_ms},
          {"created_ms", info.created_ms},
          {"partitions", partitions}};
}

// A setting's value: a string, or a number or boolean written as text.
Result<std::string> SettingText(const std::string& name, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned() || v.is_boolean()) return v.dump();
  return AURORA_ERROR(kInvalidArgument, "setting \"{}\" must be a string or a whole number", name);
}

}  // namespace

HttpResponse MethodNotAllowed(const std::string& path, const char* allow) {
  HttpResponse r = ErrorResponse(AURORA_ERROR(kInvalidArgument, "{} takes {}", path, allow));
  r.status = 405;
  r.headers.emplace_back("Allow", allow);
  return r;
}

HttpResponse Server::ApiSources(HttpRequest& req, const Caller& caller) {
  kafka::SourceManager& sources = db_.sources();
  const bool get = req.method == http::verb::get || req.method == http::verb::head;
  std::string rest = req.path.size() > 11 ? req.path.substr(12) : "";  // after "/v1/sources/"
  if (rest.empty()) {
    if (get) {
      json list = json::array();
      for (const auto& info : sources.List())
        if (Allowed(caller, security::Privilege::kSelect, info.table).ok()) list.push_back(SourceJson(info));
      return JsonResponse(200, json{{"sources", list}}.dump());
    }
    if (req.method != http::verb::post) return MethodNotAllowed(req.path, "GET, POST");
    json doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object())
      return ErrorResponse(AURORA_ERROR(kInvalidArgument,
                                        "the body must be a JSON object: {{name, table, "
                                        "settings: {{brokers, topic, group, ...}}}}"));
    auto field = [&](const char* name) -> Result<std::string> {
      auto it = doc.find(name);
      if (it == doc.end() || !it->is_string())
        return AURORA_ERROR(kInvalidArgument, "the request needs the string field \"{}\"", name);
      return it->get<std::string>();
    };
    auto name = field("name");
    if (!name.ok()) return ErrorResponse(name.status());
    auto table = field("table");
    if (!table.ok()) return ErrorResponse(table.status());
    if (auto type = doc.find("type"); type != doc.end() && *type != "kafka")
      return ErrorResponse(
          AURORA_ERROR(kInvalidArgument, "unknown source type {} (Aurora reads \"kafka\")", type->dump()));
    auto settings_it = doc.find("settings");
    if (settings_it == doc.end() || !settings_it->is_object())
      return ErrorResponse(
          AURORA_ERROR(kInvalidArgument, "the request needs \"settings\": {{brokers, topic, group, ...}}"));
    std::vector<std::pair<std::string, std::string>> settings;
    for (const auto& [k, v] : settings_it->items()) {
      auto text = SettingText(k, v);
      if (!text.ok()) return ErrorResponse(text.status());
      settings.emplace_back(k, *text);
    }
    for (auto privilege : {security::Privilege::kCreate, security::Privilege::kInsert})
      if (Status st = Allowed(caller, privilege, *table); !st.ok()) return ErrorResponse(st);
    if (const std::string* v = req.Param("validate"); v && *v == "true") {
      if (Status st = sources.Validate(*name, *table, settings); !st.ok()) return ErrorResponse(st);
      return JsonResponse(200, R"({"valid":true})");
    }
    const bool if_not_exists = doc.value("if_not_exists", false);
    if (Status st = sources.Create(*name, *table, settings, if_not_exists); !st.ok())
      return ErrorResponse(st);
    auto info = sources.Get(*name);
    if (!info.ok()) return ErrorResponse(info.status());
    return JsonResponse(201, SourceJson(*info).dump());
  }

  const size_t slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
  auto info = sources.Get(name);
  if (!info.ok()) return ErrorResponse(info.status());
  if (action.empty()) {
    if (get) {
      if (Status st = Allowed(caller, security::Privilege::kSelect, info->table); !st.ok())
        return ErrorResponse(st);
      return JsonResponse(200, SourceJson(*info).dump());
    }
    if (req.method == http::verb::delete_) {
      if (Status st = Allowed(caller, security::Privilege::kDrop, info->table); !st.ok())
        return ErrorResponse(st);
      if (Status st = sources.Drop(name, false); !st.ok()) return ErrorResponse(st);
      return JsonResponse(200, json{{"dropped", name}}.dump());
    }
    return MethodNotAllowed(req.path, "GET, DELETE");
  }
  if (action != "pause" && action != "resume" && action != "reset")
    return ErrorResponse(
        AURORA_ERROR(kNotFound, "no route {}; a source takes pause, resume and reset", req.path));
  if (req.method != http::verb::post) return MethodNotAllowed(req.path, "POST");
  if (Status st = Allowed(caller, security::Privilege::kAlter, info->table); !st.ok())
    return ErrorResponse(st);
  Status st;
  if (action == "pause") {
    st = sources.Pause(name);
  } else if (action == "resume") {
    st = sources.Resume(name);
  } else {
    json doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    auto to = doc.is_object() ? doc.find("to") : doc.end();
    if (!doc.is_object() || to == doc.end())
      return ErrorResponse(AURORA_ERROR(kInvalidArgument,
                                        "the body must be {{\"to\": \"earliest\" | \"latest\" | "
                                        "Unix milliseconds | \"YYYY-MM-DD hh:mm:ss\"}}"));
    auto text = SettingText("to", *to);
    if (!text.ok()) return ErrorResponse(text.status());
    st = sources.Reset(name, *text);
  }
  if (!st.ok()) return ErrorResponse(st);
  auto now = sources.Get(name);
  if (!now.ok()) return ErrorResponse(now.status());
  return JsonResponse(200, SourceJson(*now).dump());
}

}  // namespace aurora::server
