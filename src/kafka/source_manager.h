// SourceManager: the sources of a data directory (Kafka topics consumed into tables), defined by
// CREATE SOURCE and kept in DATA/meta.db (table `sources`), so that they run again after a restart.
//
// A definition holds the source's name, its table, its settings and whether it is paused. The SASL
// password is never stored in the clear: it is sealed with AES-256-GCM (security/crypto.h) under
// DATA/secret.key (32 random bytes, mode 0600, made on first use), with the source's name as context,
// and no listing or SHOW CREATE SOURCE prints it back.
//
// The data directory's instance id (a random UUID in meta.db, made on first use) names it in the consumer
// groups' commits (kafka_source.h), so that a source knows whether it consumed a partition last.
//
// Sources run only after Start (the server calls it; the embedded CLI does not, so there they are defined
// but `stopped`). Dropping a source stops it and clears its position in its table, so that a new source of
// the same name starts afresh.
//
// Thread-safety: every method may be called from any thread; changes are serialized.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/status.h"
#include "ingest/ingestor.h"
#include "kafka/kafka_source.h"
#include "security/sqlite.h"

namespace aurora::kafka {

struct SourceInfo {
  std::string name;
  std::string type;  // "kafka"
  std::string table;
  int64_t created_ms = 0;
  bool paused = false;                                        // as defined (ALTER SOURCE ... PAUSE)
  std::vector<std::pair<std::string, std::string>> settings;  // without the password
  SourceStatus status;  // state "stopped" when sources are not running in this process
};

class SourceManager {
 public:
  // Opens the definitions in DATA/meta.db (creating what is missing); starts nothing.
  static Result<std::unique_ptr<SourceManager>> Open(const std::string& data_dir, Catalog& catalog,
                                                     ingest::Ingestor& ingestor, Clock& clock);
  ~SourceManager();  // Stop()
  SourceManager(const SourceManager&) = delete;
  SourceManager& operator=(const SourceManager&) = delete;

  // Runs every source (paused ones stay paused), and those created from now on.
  void Start();
  // Stops every source, each writing what it has read.
  void Stop();

  // CREATE SOURCE: checks the settings (kafka_source.h: unknown, missing or contradictory ones are
  // InvalidArgument errors that name them) and that a CSV source's table exists, stores the definition and
  // runs it when sources are running. kAlreadyExists when the name is taken (unless `if_not_exists`).
  Status Create(const std::string& name, const std::string& table,
                const std::vector<std::pair<std::string, std::string>>& settings, bool if_not_exists);
  // Create's checks, without creating anything (the web app checks a form before saving it);
  // kAlreadyExists when the name is taken.
  Status Validate(const std::string& name, const std::string& table,
                  const std::vector<std::pair<std::string, std::string>>& settings) const;
  Status Drop(const std::string& name, bool if_exists);
  Status Pause(const std::string& name);
  Status Resume(const std::string& name);
  // `to`: "earliest", "latest", Unix milliseconds, or a UTC time 'YYYY-MM-DD hh:mm:ss[.fff]'.
  Status Reset(const std::string& name, const std::string& to);

  std::vector<SourceInfo> List() const;
  // kNotFound naming the source.
  Result<SourceInfo> Get(const std::string& name) const;
  // The CREATE SOURCE statement that makes this source again, with the password as '[HIDDEN]'.
  Result<std::string> ShowCreate(const std::string& name) const;

  const std::string& instance_id() const { return instance_id_; }

 private:
  struct Entry {
    std::string table;
    int64_t created_ms = 0;
    bool paused = false;
    std::shared_ptr<KafkaSource> source;  // shared: Reset runs it outside the lock
  };
  SourceManager(std::unique_ptr<SqliteDatabase> db, std::string key, std::string instance_id,
                Catalog& catalog, ingest::Ingestor& ingestor, Clock& clock)
      : db_(std::move(db)),
        key_(std::move(key)),
        instance_id_(std::move(instance_id)),
        catalog_(catalog),
        ingestor_(ingestor),
        clock_(clock) {}
  Status Load();
  SourceInfo Info(const std::string& name, const Entry& e) const;  // REQUIRES: mu_ held
  Result<Entry*> Find(const std::string& name);
  Status SetPaused(const std::string& name, bool paused);
  // The checks Create and Validate share (names, settings, a CSV source's table); the parsed settings.
  Result<KafkaSettings> CheckDefinition(
      const std::string& name, const std::string& table,
      const std::vector<std::pair<std::string, std::string>>& settings) const;

  std::unique_ptr<SqliteDatabase> db_;
  const std::string key_;  // seals the secrets
  const std::string instance_id_;
  Catalog& catalog_;
  ingest::Ingestor& ingestor_;
  Clock& clock_;

  mutable std::mutex mu_;
  bool running_ = false;
  std::map<std::string, Entry> sources_;
};

}  // namespace aurora::kafka
