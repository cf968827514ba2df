#include "server/dashboards.h"

#include <set>

#include "server/live_query.h"

namespace aurora::server {

using json = nlohmann::json;

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS dashboards (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
)";

const std::set<std::string> kCharts = {"line", "area", "bar", "pie", "stat", "table"};

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64 || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

}  // namespace

json Dashboard::ToJson() const {
  return {{"id", id},
          {"name", name},
          {"spec", spec},
          {"created_ms", created_ms},
          {"updated_ms", updated_ms},
          {"updated_by", updated_by}};
}

Status CheckDashboardSpec(json* spec) {
  if (!spec->is_object()) return AURORA_ERROR(kInvalidArgument, "spec: must be an object");
  json& s = *spec;
  if (!s.contains("time_range")) s["time_range"] = {{"from", "now-1h"}, {"to", "now"}};
  json& range = s["time_range"];
  if (!range.is_object()) return AURORA_ERROR(kInvalidArgument, "spec.time_range: must be an object");
  for (const char* end : {"from", "to"}) {
    if (!range.contains(end) || !range[end].is_string())
      return AURORA_ERROR(kInvalidArgument, "spec.time_range.{}: must be a string such as \"now-1h\"", end);
    auto t = ResolveTime(range[end].get<std::string>(), 0);
    if (!t.ok()) return AURORA_ERROR(kInvalidArgument, "spec.time_range.{}: {}", end, t.status().message());
  }
  if (!s.contains("variables")) s["variables"] = json::array();
  if (!s["variables"].is_array()) return AURORA_ERROR(kInvalidArgument, "spec.variables: must be an array");
  std::set<std::string> names;
  for (size_t i = 0; i < s["variables"].size(); ++i) {
    json& v = s["variables"][i];
    const std::string at = "spec.variables[" + std::to_string(i) + "]";
    if (!v.is_object() || !v.contains("name") || !v["name"].is_string() ||
        !IsIdentifier(v["name"].get<std::string>()))
      return AURORA_ERROR(kInvalidArgument, "{}.name: must be a name of letters, digits and underscores", at);
    const std::string name = v["name"];
    if (name == "from" || name == "to")
      return AURORA_ERROR(kInvalidArgument, "{}.name: '{}' is the time range's; pick another name", at, name);
    if (!names.insert(name).second)
      return AURORA_ERROR(kInvalidArgument, "{}.name: '{}' is defined twice", at, name);
    if (!v.contains("type")) v["type"] = "String";
    if (!v["type"].is_string()) return AURORA_ERROR(kInvalidArgument, "{}.type: must be a type name", at);
    if (!v.contains("value")) v["value"] = "";
    if (v["value"].is_number()) v["value"] = v["value"].dump();
    if (!v["value"].is_string()) return AURORA_ERROR(kInvalidArgument, "{}.value: must be a string", at);
  }
  if (!s.contains("panels")) s["panels"] = json::array();
  if (!s["panels"].is_array()) return AURORA_ERROR(kInvalidArgument, "spec.panels: must be an array");
  if (s["panels"].size() > 100) return AURORA_ERROR(kInvalidArgument, "spec.panels: at most 100 panels");
  std::set<std::string> ids;
  for (size_t i = 0; i < s["panels"].size(); ++i) {
    json& p = s["panels"][i];
    const std::string at = "spec.panels[" + std::to_string(i) + "]";
    if (!p.is_object()) return AURORA_ERROR(kInvalidArgument, "{}: must be an object", at);
    if (!p.contains("id") || !p["id"].is_string() || p["id"].get<std::string>().empty() ||
        p["id"].get<std::string>().size() > 64)
      return AURORA_ERROR(kInvalidArgument, "{}.id: must be a non-empty string of at most 64 bytes", at);
    if (!ids.insert(p["id"].get<std::string>()).second)
      return AURORA_ERROR(kInvalidArgument, "{}.id: '{}' is used by another panel", at,
                          p["id"].get<std::string>());
    if (!p.contains("sql") || !p["sql"].is_string() || p["sql"].get<std::string>().empty())
      return AURORA_ERROR(kInvalidArgument, "{}.sql: must be a SELECT statement", at);
    if (!p.contains("title")) p["title"] = "";
    if (!p["title"].is_string()) return AURORA_ERROR(kInvalidArgument, "{}.title: must be a string", at);
    if (!p.contains("chart")) p["chart"] = "table";
    if (!p["chart"].is_string() || !kCharts.count(p["chart"].get<std::string>()))
      return AURORA_ERROR(kInvalidArgument, "{}.chart: must be one of line, area, bar, pie, stat, table", at);
    struct Field {
      const char* name;
      int64_t low, high, fallback;
    };
    for (const Field& f :
         {Field{"x", 0, 11, 0}, Field{"y", 0, 1000, 0}, Field{"w", 1, 12, 6}, Field{"h", 1, 24, 4}}) {
      if (!p.contains(f.name)) p[f.name] = f.fallback;
      if (!p[f.name].is_number_integer() || p[f.name].get<int64_t>() < f.low ||
          p[f.name].get<int64_t>() > f.high)
        return AURORA_ERROR(kInvalidArgument, "{}.{}: must be an integer from {} to {}", at, f.name, f.low,
                            f.high);
    }
    if (p["x"].get<int64_t>() + p["w"].get<int64_t>() > 12)
      return AURORA_ERROR(kInvalidArgument, "{}: x + w must be at most 12 (the grid has 12 columns)", at);
  }
  return Status::OK();
}

Result<std::unique_ptr<DashboardStore>> DashboardStore::Open(const std::string& data_dir, Clock& clock) {
  AURORA_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(data_dir + "/meta.db"));
  AURORA_RETURN_IF_ERROR(db->Exec(kSchema));
  std::unique_ptr<DashboardStore> store(new DashboardStore(std::move(db), clock));
  AURORA_RETURN_IF_ERROR(store->Load());
  return store;
}

Status DashboardStore::Load() {
  AURORA_ASSIGN_OR_RETURN(
      auto q, db_->Prepare("SELECT id, name, spec, created_ms, updated_ms, updated_by FROM dashboards"));
  while (true) {
    AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Dashboard d;
    d.id = q.ColumnInt64(0);
    d.name = q.ColumnText(1);
    d.spec = json::parse(q.ColumnText(2), nullptr, /*allow_exceptions=*/false);
    if (d.spec.is_discarded() || !CheckDashboardSpec(&d.spec).ok())
      return AURORA_ERROR(kCorruption, "meta.db: dashboard {} ('{}') has a malformed spec", d.id, d.name);
    d.created_ms = q.ColumnInt64(3);
    d.updated_ms = q.ColumnInt64(4);
    d.updated_by = q.ColumnText(5);
    dashboards_[d.id] = std::move(d);
  }
  return Status::OK();
}

Status DashboardStore::CheckName(const std::string& name) {
  if (name.empty() || name.size() > 200)
    return AURORA_ERROR(kInvalidArgument, "a dashboard name must have 1 to 200 bytes");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return AURORA_ERROR(kInvalidArgument, "dashboard name '{}' has a control character", name);
  return Status::OK();
}

std::vector<Dashboard> DashboardStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<Dashboard> out;
  for (const auto& [id, d] : dashboards_) out.push_back(d);
  std::sort(out.begin(), out.end(), [](const Dashboard& a, const Dashboard& b) { return a.name < b.name; });
  return out;
}

Result<Dashboard> DashboardStore::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = dashboards_.find(id);
  if (it == dashboards_.end()) return AURORA_ERROR(kNotFound, "dashboard {} does not exist", id);
  return it->second;
}

Result<Dashboard> DashboardStore::Create(const std::string& name, json spec, const std::string& user) {
  AURORA_RETURN_IF_ERROR(CheckName(name));
  AURORA_RETURN_IF_ERROR(CheckDashboardSpec(&spec));
  std::lock_guard lock(mu_);
  for (const auto& [id, d] : dashboards_)
    if (d.name == name) return AURORA_ERROR(kAlreadyExists, "dashboard '{}' already exists", name);
  Dashboard d;
  d.name = name;
  d.spec = std::move(spec);
  d.created_ms = d.updated_ms = clock_.NowMillis();
  d.updated_by = user;
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto ins,
                            db_->Prepare("INSERT INTO dashboards (name, spec, created_ms, updated_ms, "
                                         "updated_by) VALUES (?, ?, ?, ?, ?) RETURNING id"));
    ins.Bind(1, d.name)
        .Bind(2, d.spec.dump())
        .Bind(3, d.created_ms)
        .Bind(4, d.updated_ms)
        .Bind(5, d.updated_by);
    AURORA_ASSIGN_OR_RETURN(bool row, ins.Step());
    if (!row) return AURORA_ERROR(kInternal, "INSERT ... RETURNING gave no id");
    d.id = ins.ColumnInt64(0);
    return Status::OK();
  }));
  dashboards_[d.id] = d;
  return d;
}

Result<Dashboard> DashboardStore::Update(int64_t id, const std::optional<std::string>& name,
                                         const std::optional<json>& spec, const std::string& user) {
  std::optional<json> checked = spec;
  if (checked) AURORA_RETURN_IF_ERROR(CheckDashboardSpec(&*checked));
  if (name) AURORA_RETURN_IF_ERROR(CheckName(*name));
  std::lock_guard lock(mu_);
  auto it = dashboards_.find(id);
  if (it == dashboards_.end()) return AURORA_ERROR(kNotFound, "dashboard {} does not exist", id);
  Dashboard d = it->second;
  if (name && *name != d.name) {
    for (const auto& [other, o] : dashboards_)
      if (o.name == *name) return AURORA_ERROR(kAlreadyExists, "dashboard '{}' already exists", *name);
    d.name = *name;
  }
  if (checked) d.spec = std::move(*checked);
  d.updated_ms = clock_.NowMillis();
  d.updated_by = user;
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(
        auto up,
        db_->Prepare(
            "UPDATE dashboards SET name = ?, spec = ?, updated_ms = ?, updated_by = ? WHERE id = ?"));
    up.Bind(1, d.name).Bind(2, d.spec.dump()).Bind(3, d.updated_ms).Bind(4, d.updated_by).Bind(5, d.id);
    return up.Run();
  }));
  it->second = d;
  return d;
}

Status DashboardStore::Delete(int64_t id) {
  std::lock_guard lock(mu_);
  if (!dashboards_.count(id)) return AURORA_ERROR(kNotFound, "dashboard {} does not exist", id);
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM dashboards WHERE id = ?"));
    del.Bind(1, id);
    return del.Run();
  }));
  dashboards_.erase(id);
  return Status::OK();
}

}  // namespace aurora::server
