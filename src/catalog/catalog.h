// Catalog: the tables of one data directory.
//
//   DATA/tables/<name>/   one table (manifest, wal/, parts/), see storage/table.h
//   DATA/trash/           dropped tables on their way out
//
// CreateTable builds the table in a temporary directory and renames it into place, so a crash leaves
// either no table or a whole one. DropTable renames the directory into trash/ (atomic) before deleting it.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/strings.h"
#include "io/file_system.h"
#include "storage/table.h"

namespace aurora {

class Catalog {
 public:
  static Result<std::unique_ptr<Catalog>> Open(FileSystem& fs, const std::string& data_dir, Clock& clock,
                                               storage::TableOptions options = {});

  // AlreadyExists unless if_not_exists (then the existing table is returned).
  Result<std::shared_ptr<storage::Table>> CreateTable(const storage::TableSchema& schema,
                                                      bool if_not_exists = false);
  Status DropTable(const std::string& name, bool if_exists = false);
  // NotFound with a did-you-mean suggestion when a table name is close.
  Result<std::shared_ptr<storage::Table>> GetTable(const std::string& name) const;
  std::vector<std::string> TableNames() const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  Catalog(FileSystem& fs, std::string data_dir, Clock& clock, storage::TableOptions options)
      : fs_(fs), data_dir_(std::move(data_dir)), clock_(clock), options_(options) {}
  std::string TablesDir() const { return JoinPath(data_dir_, "tables"); }

  FileSystem& fs_;
  const std::string data_dir_;
  Clock& clock_;
  const storage::TableOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<storage::Table>> tables_;
};

}  // namespace aurora
