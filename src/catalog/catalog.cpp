#include "catalog/catalog.h"

#include <algorithm>

#include "common/logging.h"

namespace aurora {

Result<std::unique_ptr<Catalog>> Catalog::Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                               storage::TableOptions options) {
  std::unique_ptr<Catalog> c(new Catalog(fs, data_dir, clock, options));
  AURORA_RETURN_IF_ERROR(fs.CreateDirs(c->TablesDir()));
  const std::string trash = JoinPath(data_dir, "trash");
  if (fs.Exists(trash)) AURORA_RETURN_IF_ERROR(fs.RemoveDirRecursive(trash));
  AURORA_ASSIGN_OR_RETURN(auto names, fs.ListDir(c->TablesDir()));
  for (const auto& n : names) {
    const std::string dir = JoinPath(c->TablesDir(), n);
    if (!storage::IsValidIdentifier(n)) {
      // A table that was being created when the process stopped.
      AURORA_LOG_INFO("removing unfinished table directory '{}'", dir);
      AURORA_RETURN_IF_ERROR(fs.RemoveDirRecursive(dir));
      continue;
    }
    auto table = storage::Table::Open(fs, dir, clock, options);
    if (!table.ok()) return table.status().WithContext(fmt::format("table '{}'", n));
    c->tables_[n] = std::shared_ptr<storage::Table>(std::move(*table));
  }
  return c;
}

Result<std::shared_ptr<storage::Table>> Catalog::CreateTable(const storage::TableSchema& schema,
                                                             bool if_not_exists) {
  AURORA_RETURN_IF_ERROR(schema.Validate());
  std::lock_guard lock(mu_);
  if (auto it = tables_.find(schema.name); it != tables_.end()) {
    if (if_not_exists) return it->second;
    return AURORA_ERROR(kAlreadyExists, "table '{}' already exists", schema.name);
  }
  const std::string tmp = JoinPath(TablesDir(), "." + schema.name + ".creating");
  if (fs_.Exists(tmp)) AURORA_RETURN_IF_ERROR(fs_.RemoveDirRecursive(tmp));
  {
    // Build the table's files in the temporary directory, then move them into place.
    storage::TableOptions no_bg = options_;
    no_bg.background = false;
    AURORA_ASSIGN_OR_RETURN(auto t, storage::Table::Create(fs_, tmp, schema, clock_, no_bg));
  }
  const std::string dir = JoinPath(TablesDir(), schema.name);
  AURORA_RETURN_IF_ERROR(fs_.Rename(tmp, dir));
  AURORA_RETURN_IF_ERROR(fs_.SyncDir(TablesDir()));
  AURORA_ASSIGN_OR_RETURN(auto table, storage::Table::Open(fs_, dir, clock_, options_));
  auto shared = std::shared_ptr<storage::Table>(std::move(table));
  tables_[schema.name] = shared;
  return shared;
}

Status Catalog::DropTable(const std::string& name, bool if_exists) {
  std::shared_ptr<storage::Table> table;
  {
    std::lock_guard lock(mu_);
    auto it = tables_.find(name);
    if (it == tables_.end()) {
      if (if_exists) return Status::OK();
      return AURORA_ERROR(kNotFound, "table '{}' does not exist", name);
    }
    table = it->second;
    tables_.erase(it);
  }
  table.reset();  // running queries keep their snapshots; open files stay readable after the rename
  const std::string trash = JoinPath(data_dir_, "trash");
  AURORA_RETURN_IF_ERROR(fs_.CreateDirs(trash));
  const std::string doomed = JoinPath(trash, fmt::format("{}.{}", name, clock_.NowMillis()));
  AURORA_RETURN_IF_ERROR(fs_.Rename(JoinPath(TablesDir(), name), doomed));
  AURORA_RETURN_IF_ERROR(fs_.SyncDir(TablesDir()));
  return fs_.RemoveDirRecursive(doomed);
}

Result<std::shared_ptr<storage::Table>> Catalog::GetTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(name);
  if (it != tables_.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [n, t] : tables_) names.push_back(n);
  return AURORA_ERROR(kNotFound, "table '{}' does not exist{}", name, DidYouMean(name, names));
}

std::vector<std::string> Catalog::TableNames() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [n, t] : tables_) out.push_back(n);
  return out;
}

}  // namespace aurora
