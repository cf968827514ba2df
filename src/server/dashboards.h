// Dashboards of the web app: a name and a spec (time range, variables, panels), kept in DATA/meta.db
// (table `dashboards`, one transaction per change, synchronous=FULL: a change is either whole or absent
// after a crash).
//
// A spec is JSON:
//   {"time_range": {"from": "now-1h", "to": "now"},
//    "variables": [{"name": "region", "type": "String", "value": "us-west"}],
//    "panels": [{"id": "p1", "title": "Events per minute", "sql": "SELECT ...", "chart": "line",
//                "x": 0, "y": 0, "w": 6, "h": 4}]}
// Panels sit on a 12-column grid. Panel SQL may use {from:DateTime} and {to:DateTime} (the time range,
// live_query.h resolves it) and {NAME:Type} for the variables. Save checks the spec's shape, so what is
// stored is always well formed; the SQL itself is checked when it runs, as the viewer.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "security/sqlite.h"

namespace aurora::server {

struct Dashboard {
  int64_t id = 0;
  std::string name;
  nlohmann::json spec;  // checked by CheckDashboardSpec
  int64_t created_ms = 0, updated_ms = 0;
  std::string updated_by;
  nlohmann::json ToJson() const;  // {"id","name","spec","created_ms","updated_ms","updated_by"}
};

// OK when `spec` is a well-formed dashboard spec (see above); otherwise kInvalidArgument naming the
// field ("panels[2].w: must be an integer from 1 to 12"). Fills defaults for missing optional fields.
Status CheckDashboardSpec(nlohmann::json* spec);

class DashboardStore {
 public:
  // Opens (creating the table if needed) DATA_DIR/meta.db.
  static Result<std::unique_ptr<DashboardStore>> Open(const std::string& data_dir, Clock& clock);

  std::vector<Dashboard> List() const;  // by name
  Result<Dashboard> Get(int64_t id) const;
  // kAlreadyExists when the name is taken.
  Result<Dashboard> Create(const std::string& name, nlohmann::json spec, const std::string& user);
  // Renames and/or replaces the spec.
  Result<Dashboard> Update(int64_t id, const std::optional<std::string>& name,
                           const std::optional<nlohmann::json>& spec, const std::string& user);
  Status Delete(int64_t id);

 private:
  DashboardStore(std::unique_ptr<SqliteDatabase> db, Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Status Load();
  static Status CheckName(const std::string& name);

  std::unique_ptr<SqliteDatabase> db_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::map<int64_t, Dashboard> dashboards_;  // the table, as committed
};

}  // namespace aurora::server
