#include "kafka/source_manager.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/strings.h"
#include "security/crypto.h"
#include "storage/table_schema.h"
#include "types/text_format.h"

namespace aurora::kafka {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS properties (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
  name       TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  target     TEXT NOT NULL,
  settings   TEXT NOT NULL,  -- JSON [[name, value], ...], without the password
  secret     BLOB,           -- the sealed SASL password, or NULL
  paused     INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
)sql";

std::string SecretContext(const std::string& source) {
  return "kafka source " + source + " sasl_password";
}

Result<std::string> LoadInstanceId(SqliteDatabase& db) {
  std::string id;
  AURORA_RETURN_IF_ERROR(db.Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto get, db.Prepare("SELECT value FROM properties WHERE key = 'instance_id'"));
    AURORA_ASSIGN_OR_RETURN(bool row, get.Step());
    if (row) {
      id = get.ColumnText(0);
      return Status::OK();
    }
    AURORA_ASSIGN_OR_RETURN(std::string bytes, security::RandomBytes(16));
    bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
    const std::string hex = security::ToHex(bytes);
    id = fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
    AURORA_ASSIGN_OR_RETURN(auto put,
                            db.Prepare("INSERT INTO properties (key, value) VALUES ('instance_id', ?)"));
    return put.Bind(1, id).Run();
  }));
  return id;
}

}  // namespace

Result<std::unique_ptr<SourceManager>> SourceManager::Open(const std::string& data_dir, Catalog& catalog,
                                                           ingest::Ingestor& ingestor, Clock& clock) {
  AURORA_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(data_dir + "/meta.db"));
  AURORA_RETURN_IF_ERROR(db->Exec(kSchema));
  AURORA_ASSIGN_OR_RETURN(std::string key, security::LoadOrCreateKeyFile(data_dir + "/secret.key", 32));
  AURORA_ASSIGN_OR_RETURN(std::string instance_id, LoadInstanceId(*db));
  std::unique_ptr<SourceManager> m(
      new SourceManager(std::move(db), std::move(key), std::move(instance_id), catalog, ingestor, clock));
  AURORA_RETURN_IF_ERROR(m->Load());
  return m;
}

SourceManager::~SourceManager() {
  Stop();
}

Status SourceManager::Load() {
  AURORA_ASSIGN_OR_RETURN(auto q,
                          db_->Prepare("SELECT name, type, target, settings, secret, paused, created_ms "
                                       "FROM sources ORDER BY name"));
  while (true) {
    AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    const std::string name = q.ColumnText(0);
    if (q.ColumnText(1) != "kafka")
      return AURORA_ERROR(kCorruption, "source {} in meta.db has unknown type '{}'", name, q.ColumnText(1));
    std::vector<std::pair<std::string, std::string>> pairs;
    auto json = nlohmann::json::parse(q.ColumnText(3), nullptr, /*allow_exceptions=*/false);
    if (!json.is_array())
      return AURORA_ERROR(kCorruption, "source {} in meta.db: settings are not valid", name);
    for (const auto& kv : json) {
      if (!kv.is_array() || kv.size() != 2 || !kv[0].is_string() || !kv[1].is_string())
        return AURORA_ERROR(kCorruption, "source {} in meta.db: settings are not valid", name);
      pairs.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
    }
    if (!q.ColumnIsNull(4)) {
      auto password = security::Open(key_, q.ColumnText(4), SecretContext(name));
      if (!password.ok())
        return password.status().WithContext(fmt::format("source {}: its SASL password", name));
      pairs.emplace_back("sasl_password", std::move(*password));
    }
    auto settings = KafkaSettings::Parse(pairs);
    if (!settings.ok()) return settings.status().WithContext(fmt::format("source {} in meta.db", name));
    Entry e;
    e.table = q.ColumnText(2);
    e.paused = q.ColumnInt64(5) != 0;
    e.created_ms = q.ColumnInt64(6);
    e.source = std::make_shared<KafkaSource>(name, e.table, std::move(*settings), instance_id_, catalog_,
                                             ingestor_, clock_);
    sources_.emplace(name, std::move(e));
  }
  return Status::OK();
}

void SourceManager::Start() {
  std::lock_guard lock(mu_);
  running_ = true;
  for (auto& [name, e] : sources_) e.source->Start(e.paused);
}

void SourceManager::Stop() {
  std::lock_guard lock(mu_);
  running_ = false;
  for (auto& [name, e] : sources_) e.source->Stop();
}

Result<KafkaSettings> SourceManager::CheckDefinition(
    const std::string& name, const std::string& table,
    const std::vector<std::pair<std::string, std::string>>& settings) const {
  if (!storage::IsValidIdentifier(name))
    return AURORA_ERROR(kInvalidArgument, "'{}' is not a valid source name (letters, digits and _)", name);
  if (!storage::IsValidIdentifier(table))
    return AURORA_ERROR(kInvalidArgument, "'{}' is not a valid table name (letters, digits and _)", table);
  AURORA_ASSIGN_OR_RETURN(KafkaSettings parsed, KafkaSettings::Parse(settings));
  AURORA_RETURN_IF_ERROR(parsed.CheckClient());
  if (parsed.format == "CSV" && !catalog_.GetTable(table).ok())
    return AURORA_ERROR(kInvalidArgument,
                        "a CSV source needs its table to exist (CSV messages carry no field names): create "
                        "table {} first, or use format = 'JSONEachRow'",
                        table);
  return parsed;
}

Status SourceManager::Validate(const std::string& name, const std::string& table,
                               const std::vector<std::pair<std::string, std::string>>& settings) const {
  AURORA_RETURN_IF_ERROR(CheckDefinition(name, table, settings).status());
  std::lock_guard lock(mu_);
  if (sources_.count(name)) return AURORA_ERROR(kAlreadyExists, "source {} already exists", name);
  return Status::OK();
}

Status SourceManager::Create(const std::string& name, const std::string& table,
                             const std::vector<std::pair<std::string, std::string>>& settings,
                             bool if_not_exists) {
  AURORA_ASSIGN_OR_RETURN(KafkaSettings parsed, CheckDefinition(name, table, settings));
  std::lock_guard lock(mu_);
  if (sources_.count(name)) {
    if (if_not_exists) return Status::OK();
    return AURORA_ERROR(kAlreadyExists, "source {} already exists", name);
  }
  nlohmann::json json = nlohmann::json::array();
  for (const auto& [k, v] : parsed.ToPairs(/*with_secrets=*/false)) json.push_back({k, v});
  std::optional<std::string> sealed;
  if (!parsed.sasl_password.empty()) {
    AURORA_ASSIGN_OR_RETURN(sealed, security::Seal(key_, parsed.sasl_password, SecretContext(name)));
  }
  const int64_t now = clock_.NowMillis();
  AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(auto ins,
                            db_->Prepare("INSERT INTO sources (name, type, target, settings, secret, "
                                         "paused, created_ms) VALUES (?, 'kafka', ?, ?, ?, 0, ?)"));
    ins.Bind(1, name).Bind(2, table).Bind(3, json.dump()).Bind(5, now);
    if (sealed)
      ins.BindBlob(4, *sealed);
    else
      ins.BindNull(4);
    return ins.Run();
  }));
  Entry e;
  e.table = table;
  e.created_ms = now;
  e.source = std::make_shared<KafkaSource>(name, table, std::move(parsed), instance_id_, catalog_, ingestor_,
                                           clock_);
  if (running_) e.source->Start(false);
  AURORA_LOG_INFO("source {} created: topic {} into table {}", name, e.source->settings().topic, table);
  sources_.emplace(name, std::move(e));
  return Status::OK();
}

Result<SourceManager::Entry*> SourceManager::Find(const std::string& name) {
  auto it = sources_.find(name);
  if (it == sources_.end()) return AURORA_ERROR(kNotFound, "source {} does not exist", name);
  return &it->second;
}

Status SourceManager::Drop(const std::string& name, bool if_exists) {
  std::shared_ptr<KafkaSource> source;
  std::string table;
  {
    std::lock_guard lock(mu_);
    auto found = Find(name);
    if (!found.ok()) return if_exists ? Status::OK() : found.status();
    AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
      AURORA_ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM sources WHERE name = ?"));
      return del.Bind(1, name).Run();
    }));
    source = std::move((*found)->source);
    table = (*found)->table;
    sources_.erase(name);
  }
  source->Stop();
  // A source made later under the same name starts afresh, not from this one's offsets.
  if (auto t = catalog_.GetTable(table); t.ok() && (*t)->SourcePosition("kafka:" + name)) {
    if (Status st = (*t)->Append(Chunk{}, "kafka:" + name, ""); !st.ok())
      AURORA_LOG_WARN("source {} dropped; clearing its position in table {}: {}", name, table, st.ToString());
  }
  AURORA_LOG_INFO("source {} dropped", name);
  return Status::OK();
}

Status SourceManager::SetPaused(const std::string& name, bool paused) {
  std::shared_ptr<KafkaSource> source;
  {
    std::lock_guard lock(mu_);
    AURORA_ASSIGN_OR_RETURN(Entry * e, Find(name));
    AURORA_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
      AURORA_ASSIGN_OR_RETURN(auto up, db_->Prepare("UPDATE sources SET paused = ? WHERE name = ?"));
      return up.Bind(1, int64_t{paused}).Bind(2, name).Run();
    }));
    e->paused = paused;
    source = e->source;
  }
  // Outside the lock: Pause waits for the source to write what it read and stop.
  if (paused)
    source->Pause();
  else
    source->Resume();
  return Status::OK();
}

Status SourceManager::Pause(const std::string& name) {
  return SetPaused(name, true);
}

Status SourceManager::Resume(const std::string& name) {
  return SetPaused(name, false);
}

Status SourceManager::Reset(const std::string& name, const std::string& to) {
  std::string target = to;
  if (to != "earliest" && to != "latest") {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(to.data(), to.data() + to.size(), ms);
    if (ec != std::errc() || end != to.data() + to.size()) {
      int64_t seconds = 0, nanos = 0;
      if (!ParseDateTimeText(to, "UTC", &seconds, &nanos))
        return AURORA_ERROR(kInvalidArgument,
                            "reset to '{}': expected earliest, latest, Unix milliseconds or a UTC time "
                            "'YYYY-MM-DD hh:mm:ss'",
                            to);
      ms = seconds * 1000 + nanos / 1'000'000;
    }
    if (ms < 0) return AURORA_ERROR(kInvalidArgument, "reset to '{}': the time is before 1970", to);
    target = std::to_string(ms);
  }
  std::shared_ptr<KafkaSource> source;
  {
    std::lock_guard lock(mu_);
    AURORA_ASSIGN_OR_RETURN(Entry * e, Find(name));
    source = e->source;
  }
  // Outside the lock: the source stops and starts again while it moves, which may take seconds.
  return source->Reset(target).WithContext(fmt::format("source {}", name));
}

SourceInfo SourceManager::Info(const std::string& name, const Entry& e) const {
  SourceInfo info;
  info.name = name;
  info.type = "kafka";
  info.table = e.table;
  info.created_ms = e.created_ms;
  info.paused = e.paused;
  info.settings = e.source->settings().ToPairs(/*with_secrets=*/false);
  info.status = e.source->Stats();
  if (!running_) info.status.state = "stopped";
  return info;
}

std::vector<SourceInfo> SourceManager::List() const {
  std::lock_guard lock(mu_);
  std::vector<SourceInfo> out;
  for (const auto& [name, e] : sources_) out.push_back(Info(name, e));
  return out;
}

Result<SourceInfo> SourceManager::Get(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = sources_.find(name);
  if (it == sources_.end()) return AURORA_ERROR(kNotFound, "source {} does not exist", name);
  return Info(name, it->second);
}

Result<std::string> SourceManager::ShowCreate(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = sources_.find(name);
  if (it == sources_.end()) return AURORA_ERROR(kNotFound, "source {} does not exist", name);
  const KafkaSettings& s = it->second.source->settings();
  std::string out = fmt::format("CREATE SOURCE {} FROM KAFKA SETTINGS", name);
  bool first = true;
  for (const auto& [k, v] : s.ToPairs(/*with_secrets=*/false)) {
    const bool number = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
    out += fmt::format("{} {} = {}", first ? "" : ",", k, number ? v : QuoteString(v));
    first = false;
    if (k == "sasl_username") out += ", sasl_password = '[HIDDEN]'";
  }
  return out + " INTO " + it->second.table;
}

}  // namespace aurora::kafka
