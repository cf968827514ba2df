// API v1 routes for access control: users, roles, grants and tokens as JSON resources, for tools and the
// web app's admin page. They call security::AccessControl directly, the same code as the SQL
// statements (CREATE USER, GRANT, CREATE TOKEN ...), and need ADMIN, except GET /v1/me and the caller's
// own tokens: anyone may list, create and revoke tokens they own, with scopes within their own privileges
// (so a token never does more than its maker may), e.g. the web app's "HTTP events" token for a table.
//
//   GET /v1/me                                       who the caller is, with the caller's grants
//   GET /v1/users            POST /v1/users          {name, password, roles?}
//   PATCH /v1/users/NAME     {password}              DELETE /v1/users/NAME
//   GET /v1/roles            POST /v1/roles          {name}            DELETE /v1/roles/NAME
//   GET /v1/grants?name=N    POST /v1/grants         {to, grants: [{privilege, table}], roles?: [..]}
//                            DELETE /v1/grants       the same body: revokes
//   GET /v1/tokens           POST /v1/tokens         {name, owner?, scopes: [{privilege, table}],
//                                                     expires_in_seconds? | expires_at_ms?}
//   DELETE /v1/tokens/NAME
#include <fmt/format.h>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "server/server.h"

namespace aurora::server {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

HttpResponse Json(unsigned status, const json& doc) {
  return JsonResponse(status, doc.dump());
}

json GrantsJson(const std::vector<security::Grant>& grants) {
  json out = json::array();
  for (const auto& g : grants)
    out.push_back({{"privilege", std::string(security::PrivilegeName(g.privilege))}, {"table", g.table}});
  return out;
}

Result<std::string> StringField(const json& doc, const char* name, bool required = true) {
  auto it = doc.find(name);
  if (it == doc.end()) {
    if (!required) return std::string();
    return AURORA_ERROR(kInvalidArgument, "the request needs the field \"{}\"", name);
  }
  if (!it->is_string()) return AURORA_ERROR(kInvalidArgument, "\"{}\" must be a string", name);
  return it->get<std::string>();
}

Result<std::vector<std::string>> StringList(const json& doc, const char* name) {
  std::vector<std::string> out;
  auto it = doc.find(name);
  if (it == doc.end()) return out;
  if (!it->is_array()) return AURORA_ERROR(kInvalidArgument, "\"{}\" must be a list of strings", name);
  for (const auto& v : *it) {
    if (!v.is_string()) return AURORA_ERROR(kInvalidArgument, "\"{}\" must be a list of strings", name);
    out.push_back(v.get<std::string>());
  }
  return out;
}

// [{"privilege": "SELECT", "table": "events"}, ...]; the table defaults to every table.
Result<std::vector<security::Grant>> GrantList(const json& doc, const char* name) {
  std::vector<security::Grant> out;
  auto it = doc.find(name);
  if (it == doc.end()) return out;
  if (!it->is_array())
    return AURORA_ERROR(kInvalidArgument, "\"{}\" must be a list of {{privilege, table}}", name);
  for (const auto& g : *it) {
    if (!g.is_object())
      return AURORA_ERROR(kInvalidArgument, "\"{}\" must be a list of {{privilege, table}}", name);
    AURORA_ASSIGN_OR_RETURN(std::string privilege, StringField(g, "privilege"));
    AURORA_ASSIGN_OR_RETURN(std::string table, StringField(g, "table", false));
    auto p = security::ParsePrivilege(privilege);
    if (!p)
      return AURORA_ERROR(kInvalidArgument,
                          "unknown privilege '{}' (SELECT, INSERT, CREATE, ALTER, DROP or ADMIN)", privilege);
    security::Grant grant;
    grant.privilege = *p;
    grant.table =
        table.empty() || *p == security::Privilege::kAdmin ? std::string(security::kAllTables) : table;
    out.push_back(std::move(grant));
  }
  return out;
}

}  // namespace

HttpResponse Server::ApiAccess(HttpRequest& req, const Caller& caller) {
  security::AccessControl& access = db_.access();
  const std::string& path = req.path;
  const http::verb m = req.method;
  if (path == "/v1/me" && m == http::verb::get) {
    const security::Principal& p = *caller.principal;
    json doc = {{"user", p.user}};
    if (p.is_token()) {
      doc["token"] = p.token;
      doc["scopes"] = GrantsJson(p.token_scopes);
    }
    auto grants = access.ShowGrants(p.user);
    doc["grants"] = grants.ok() ? json(*grants) : json::array();
    doc["admin"] = Allowed(caller, security::Privilege::kAdmin, security::kAllTables).ok();
    return Json(200, doc);
  }
  const bool admin = Allowed(caller, security::Privilege::kAdmin, security::kAllTables).ok();
  const bool own_tokens = path == "/v1/tokens" || path.rfind("/v1/tokens/", 0) == 0;
  if (!admin && !own_tokens)
    return ErrorResponse(Allowed(caller, security::Privilege::kAdmin, security::kAllTables));
  json body;
  if (m == http::verb::post || m == http::verb::patch || (m == http::verb::delete_ && path == "/v1/grants")) {
    body = json::parse(req.body, nullptr, false);
    if (!body.is_object())
      return ErrorResponse(AURORA_ERROR(kInvalidArgument, "the body must be a JSON object"));
  }
  auto name_after = [&](std::string_view prefix) -> std::optional<std::string> {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    std::string rest = path.substr(prefix.size());
    if (rest.find('/') != std::string::npos) return std::nullopt;
    return rest;
  };
  auto done = [](const Status& st, unsigned status, json doc) {
    return st.ok() ? Json(status, doc) : ErrorResponse(st);
  };

  if (path == "/v1/users") {
    if (m == http::verb::get) {
      json users = json::array();
      for (const auto& u : access.Users())
        users.push_back({{"name", u.name}, {"roles", u.roles}, {"created_at_ms", u.created_ms}});
      return Json(200, {{"users", users}});
    }
    if (m == http::verb::post) {
      auto name = StringField(body, "name");
      auto password = StringField(body, "password");
      auto roles = StringList(body, "roles");
      for (const Status& st : {name.status(), password.status(), roles.status()})
        if (!st.ok()) return ErrorResponse(st);
      return done(access.CreateUser(*name, *password, *roles), 201, {{"created", *name}});
    }
  } else if (auto user = name_after("/v1/users/")) {
    if (m == http::verb::delete_) return done(access.DropUser(*user), 200, {{"dropped", *user}});
    if (m == http::verb::patch) {
      auto password = StringField(body, "password");
      if (!password.ok()) return ErrorResponse(password.status());
      return done(access.SetPassword(*user, *password), 200, {{"updated", *user}});
    }
  } else if (path == "/v1/roles") {
    if (m == http::verb::get) {
      json roles = json::array();
      for (const auto& r : access.Roles()) {
        auto grants = access.ShowGrants(r.name);
        roles.push_back({{"name", r.name},
                         {"built_in", r.built_in},
                         {"grants", grants.ok() ? json(*grants) : json::array()}});
      }
      return Json(200, {{"roles", roles}});
    }
    if (m == http::verb::post) {
      auto name = StringField(body, "name");
      if (!name.ok()) return ErrorResponse(name.status());
      return done(access.CreateRole(*name), 201, {{"created", *name}});
    }
  } else if (auto role = name_after("/v1/roles/")) {
    if (m == http::verb::delete_) return done(access.DropRole(*role), 200, {{"dropped", *role}});
  } else if (path == "/v1/grants") {
    if (m == http::verb::get) {
      const std::string* name = req.Param("name");
      if (name == nullptr)
        return ErrorResponse(AURORA_ERROR(kInvalidArgument, "GET /v1/grants needs ?name=USER_OR_ROLE"));
      auto grants = access.ShowGrants(*name);
      if (!grants.ok()) return ErrorResponse(grants.status());
      return Json(200, {{"name", *name}, {"grants", *grants}});
    }
    if (m == http::verb::post || m == http::verb::delete_) {
      const bool grant = m == http::verb::post;
      auto to = StringField(body, "to");
      auto grants = GrantList(body, "grants");
      auto roles = StringList(body, "roles");
      for (const Status& st : {to.status(), grants.status(), roles.status()})
        if (!st.ok()) return ErrorResponse(st);
      if (!grants->empty()) {
        Status st = grant ? access.GrantPrivileges(*grants, *to) : access.RevokePrivileges(*grants, *to);
        if (!st.ok()) return ErrorResponse(st);
      }
      for (const auto& r : *roles) {
        Status st = grant ? access.GrantRole(r, *to) : access.RevokeRole(r, *to);
        if (!st.ok()) return ErrorResponse(st);
      }
      auto now = access.ShowGrants(*to);
      return Json(200, {{"name", *to}, {"grants", now.ok() ? json(*now) : json::array()}});
    }
  } else if (path == "/v1/tokens") {
    if (m == http::verb::get) {
      json tokens = json::array();
      for (const auto& t : access.Tokens()) {
        if (!admin && t.owner != caller.principal->user) continue;
        json doc = {{"name", t.name},
                    {"owner", t.owner},
                    {"scopes", GrantsJson(t.scopes)},
                    {"created_at_ms", t.created_ms}};
        doc["expires_at_ms"] = t.expires_ms ? json(*t.expires_ms) : json(nullptr);
        tokens.push_back(std::move(doc));
      }
      return Json(200, {{"tokens", tokens}});
    }
    if (m == http::verb::post) {
      security::TokenSpec spec;
      auto name = StringField(body, "name");
      auto owner = StringField(body, "owner", false);
      auto scopes = GrantList(body, "scopes");
      for (const Status& st : {name.status(), owner.status(), scopes.status()})
        if (!st.ok()) return ErrorResponse(st);
      spec.name = *name;
      spec.owner = owner->empty() ? caller.principal->user : *owner;
      spec.scopes = *scopes;
      if (Status st = access.MayCreateToken(*caller.principal, spec.owner, spec.scopes); !st.ok())
        return ErrorResponse(st);
      if (auto in = body.find("expires_in_seconds"); in != body.end()) {
        constexpr double kMaxSeconds = 100.0 * 365 * 86400;
        if (!in->is_number() || !(in->get<double>() > 0) || in->get<double>() > kMaxSeconds)
          return ErrorResponse(AURORA_ERROR(
              kInvalidArgument, "\"expires_in_seconds\" must be a number of seconds from 1 to 100 years"));
        spec.expires_ms = Clock::System().NowMillis() + static_cast<int64_t>(in->get<double>() * 1000);
      } else if (auto at = body.find("expires_at_ms"); at != body.end()) {
        if (!at->is_number_integer())
          return ErrorResponse(
              AURORA_ERROR(kInvalidArgument, "\"expires_at_ms\" must be milliseconds since 1970"));
        spec.expires_ms = at->get<int64_t>();
      }
      auto token = access.CreateToken(spec);
      if (!token.ok()) return ErrorResponse(token.status());
      json doc = {{"name", token->name}, {"token", token->secret}};
      doc["expires_at_ms"] = token->expires_ms ? json(*token->expires_ms) : json(nullptr);
      return Json(201, doc);
    }
  } else if (auto token = name_after("/v1/tokens/")) {
    if (m == http::verb::delete_) {
      if (Status st = access.MayRevokeToken(*caller.principal, *token); !st.ok()) return ErrorResponse(st);
      return done(access.RevokeToken(*token), 200, {{"revoked", *token}});
    }
  } else {
    return ErrorResponse(AURORA_ERROR(kNotFound, "no route {} {}; GET /v1/openapi.json describes the API",
                                      std::string(http::to_string(m)), path));
  }
  HttpResponse r = ErrorResponse(
      AURORA_ERROR(kInvalidArgument, "{} does not take {}", path, std::string(http::to_string(m))));
  r.status = 405;
  return r;
}

}  // namespace aurora::server
