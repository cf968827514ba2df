#include "kafka/kafka_source.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "common/logging.h"
#include "common/strings.h"

namespace aurora::kafka {

namespace {

Result<uint64_t> ParseCount(const std::string& key, const std::string& value, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < min || v > max)
    return AURORA_ERROR(kInvalidArgument, "setting {} = '{}': expected a whole number from {} to {}", key,
                        value, min, max);
  return v;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sets a librdkafka property; its own error message names what was wrong.
Status SetConf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK)
    return AURORA_ERROR(kInvalidArgument, "Kafka client setting {}: {}", key, err);
  return Status::OK();
}

// The consumer's configuration for `s`.
Result<rd_kafka_conf_t*> MakeConf(const KafkaSettings& s) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> kv = {
      {"bootstrap.servers", s.brokers},
      {"group.id", s.group},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", s.start == "latest" ? "latest" : "earliest"},
      {"session.timeout.ms", std::to_string(s.session_timeout_ms)},
      {"heartbeat.interval.ms", std::to_string(std::max<int64_t>(100, s.session_timeout_ms / 5))},
      // New partitions are found within seconds, and the group rebalances to take them.
      {"topic.metadata.refresh.interval.ms", "2000"},
      // A source never creates its topic (a mistyped name would otherwise become a new, empty topic).
      {"allow.auto.create.topics", "false"},
      // A message up to the limit (and a little more, to be able to quarantine what is over it).
      {"fetch.message.max.bytes", std::to_string(std::max<uint64_t>(1 << 20, s.max_message_bytes + 1024))},
      // A fetch the broker holds for want of data ends within 100 ms (a broker answers at once when data
      // comes; some, such as librdkafka's mock cluster, only when the wait ends).
      {"fetch.wait.max.ms", "100"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "5000"},
      {"log_level", "3"},
      {"security.protocol", s.security_protocol},
  };
  if (!s.sasl_mechanism.empty()) {
    kv.emplace_back("sasl.mechanisms", s.sasl_mechanism);
    kv.emplace_back("sasl.username", s.sasl_username);
    kv.emplace_back("sasl.password", s.sasl_password);
  }
  if (!s.ssl_ca_pem.empty()) kv.emplace_back("ssl.ca.pem", s.ssl_ca_pem);
  for (const auto& [k, v] : kv) {
    if (Status st = SetConf(conf, k, v); !st.ok()) {
      rd_kafka_conf_destroy(conf);
      return st;
    }
  }
  return conf;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<KafkaSettings> KafkaSettings::Parse(const std::vector<std::pair<std::string, std::string>>& settings) {
  KafkaSettings s;
  std::map<std::string, std::string> seen;
  for (const auto& [raw_key, value] : settings) {
    const std::string key = Lower(raw_key);
    if (!seen.emplace(key, value).second)
      return AURORA_ERROR(kInvalidArgument, "setting {} is given twice", key);
    if (key == "brokers") {
      s.brokers = value;
    } else if (key == "topic") {
      s.topic = value;
    } else if (key == "group") {
      s.group = value;
    } else if (key == "format") {
      if (Lower(value) == "jsoneachrow" || Lower(value) == "json" || Lower(value) == "ndjson") {
        s.format = "JSONEachRow";
      } else if (Lower(value) == "csv") {
        s.format = "CSV";
      } else {
        return AURORA_ERROR(kInvalidArgument, "setting format = '{}': expected 'JSONEachRow' or 'CSV'",
                            value);
      }
    } else if (key == "start") {
      s.start = Lower(value);
      if (s.start != "earliest" && s.start != "latest")
        return AURORA_ERROR(kInvalidArgument, "setting start = '{}': expected 'earliest' or 'latest'", value);
    } else if (key == "security_protocol") {
      s.security_protocol = Lower(value);
      if (s.security_protocol != "plaintext" && s.security_protocol != "ssl" &&
          s.security_protocol != "sasl_plaintext" && s.security_protocol != "sasl_ssl")
        return AURORA_ERROR(kInvalidArgument,
                            "setting security_protocol = '{}': expected plaintext, ssl, sasl_plaintext or "
                            "sasl_ssl",
                            value);
    } else if (key == "sasl_mechanism") {
      s.sasl_mechanism = value;
      for (auto& c : s.sasl_mechanism) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (s.sasl_mechanism != "PLAIN" && s.sasl_mechanism != "SCRAM-SHA-256" &&
          s.sasl_mechanism != "SCRAM-SHA-512")
        return AURORA_ERROR(kInvalidArgument,
                            "setting sasl_mechanism = '{}': expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
                            value);
    } else if (key == "sasl_username") {
      s.sasl_username = value;
    } else if (key == "sasl_password") {
      s.sasl_password = value;
    } else if (key == "ssl_ca_pem") {
      if (value.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        return AURORA_ERROR(kInvalidArgument,
                            "setting ssl_ca_pem: expected PEM certificates (-----BEGIN CERTIFICATE-----)");
      s.ssl_ca_pem = value;
    } else if (key == "batch_rows") {
      AURORA_ASSIGN_OR_RETURN(s.batch_rows, ParseCount(key, value, 1, 10'000'000));
    } else if (key == "batch_ms") {
      AURORA_ASSIGN_OR_RETURN(auto v, ParseCount(key, value, 0, 600'000));
      s.batch_ms = static_cast<int64_t>(v);
    } else if (key == "max_message_bytes") {
      AURORA_ASSIGN_OR_RETURN(s.max_message_bytes, ParseCount(key, value, 1, 256u << 20));
    } else if (key == "session_timeout_ms") {
      AURORA_ASSIGN_OR_RETURN(auto v, ParseCount(key, value, 1000, 3'600'000));
      s.session_timeout_ms = static_cast<int64_t>(v);
    } else {
      return AURORA_ERROR(kInvalidArgument,
                          "unknown setting {} (brokers, topic, group, format, start, security_protocol, "
                          "sasl_mechanism, sasl_username, sasl_password, ssl_ca_pem, batch_rows, batch_ms, "
                          "max_message_bytes, session_timeout_ms)",
                          key);
    }
  }
  for (const char* required : {"brokers", "topic", "group"})
    if (seen.count(required) == 0 || seen[required].empty())
      return AURORA_ERROR(kInvalidArgument, "setting {} is required", required);
  const bool sasl = s.security_protocol.rfind("sasl_", 0) == 0;
  const bool ssl = s.security_protocol == "ssl" || s.security_protocol == "sasl_ssl";
  if (sasl) {
    for (const char* required : {"sasl_mechanism", "sasl_username", "sasl_password"})
      if (seen.count(required) == 0)
        return AURORA_ERROR(kInvalidArgument, "security_protocol {} needs setting {}", s.security_protocol,
                            required);
  } else {
    for (const char* sasl_only : {"sasl_mechanism", "sasl_username", "sasl_password"})
      if (seen.count(sasl_only) != 0)
        return AURORA_ERROR(kInvalidArgument,
                            "setting {} needs security_protocol sasl_plaintext or sasl_ssl, not {}",
                            sasl_only, s.security_protocol);
  }
  if (!ssl && !s.ssl_ca_pem.empty())
    return AURORA_ERROR(kInvalidArgument,
                        "setting ssl_ca_pem needs security_protocol ssl or sasl_ssl, not {}",
                        s.security_protocol);
  // librdkafka checks the rest (e.g. that it was built with what the settings need).
  AURORA_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(s));
  rd_kafka_conf_destroy(conf);
  return s;
}

Status KafkaSettings::CheckClient() const {
  AURORA_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(*this));
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return AURORA_ERROR(kInvalidArgument, "the Kafka client rejects these settings: {}", err);
  }
  rd_kafka_destroy(rk);
  return Status::OK();
}

std::vector<std::pair<std::string, std::string>> KafkaSettings::ToPairs(bool with_secrets) const {
  std::vector<std::pair<std::string, std::string>> out = {
      {"brokers", brokers},
      {"topic", topic},
      {"group", group},
      {"format", format},
      {"start", start},
      {"security_protocol", security_protocol},
      {"batch_rows", std::to_string(batch_rows)},
      {"batch_ms", std::to_string(batch_ms)},
      {"max_message_bytes", std::to_string(max_message_bytes)},
      {"session_timeout_ms", std::to_string(session_timeout_ms)},
  };
  if (!sasl_mechanism.empty()) {
    out.emplace_back("sasl_mechanism", sasl_mechanism);
    out.emplace_back("sasl_username", sasl_username);
    if (with_secrets) out.emplace_back("sasl_password", sasl_password);
  }
  if (!ssl_ca_pem.empty()) out.emplace_back("ssl_ca_pem", ssl_ca_pem);
  return out;
}

std::string KafkaSource::FormatPosition(const std::map<int32_t, int64_t>& offsets) {
  std::string out;
  for (const auto& [p, o] : offsets) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}:{}", p, o);
  }
  return out;
}

Result<std::map<int32_t, int64_t>> KafkaSource::ParsePosition(std::string_view text) {
  std::map<int32_t, int64_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t colon = item.find(':');
    int32_t p = 0;
    int64_t o = 0;
    if (colon == std::string_view::npos ||
        std::from_chars(item.data(), item.data() + colon, p).ec != std::errc() ||
        std::from_chars(item.data() + colon + 1, item.data() + item.size(), o).ec != std::errc())
      return AURORA_ERROR(kCorruption, "malformed Kafka position '{}'", item);
    out[p] = o;
  }
  return out;
}

namespace {

// The virtual columns (_key, _partition, _offset, _timestamp) that a source's table has, and so stores.
struct VirtualColumns {
  bool key = false, key_nullable = false, partition = false, offset = false, timestamp = false;
  TypeId timestamp_type = TypeId::kInt64;
  bool any() const { return key || partition || offset || timestamp; }
  std::string csv_header;  // CSVWithNames header: the other columns in table order, then these

  static VirtualColumns Of(const storage::TableSchema& schema) {
    VirtualColumns v;
    std::string others, virtuals;
    for (const auto& c : schema.columns) {
      bool is_virtual = true;
      if (c.name == "_key") {
        v.key = true;
        v.key_nullable = c.type->IsNullable();
      } else if (c.name == "_partition") {
        v.partition = true;
      } else if (c.name == "_offset") {
        v.offset = true;
      } else if (c.name == "_timestamp") {
        v.timestamp = true;
        v.timestamp_type = c.type->Base().id();
      } else {
        is_virtual = false;
      }
      std::string& list = is_virtual ? virtuals : others;
      list += (list.empty() ? "" : ",") + c.name;
    }
    v.csv_header = others + (others.empty() || virtuals.empty() ? "" : ",") + virtuals;
    return v;
  }

  // The message's time as the column takes it: seconds with milliseconds for DateTime64, seconds for
  // DateTime, milliseconds otherwise.
  std::string Timestamp(int64_t ms) const {
    if (timestamp_type == TypeId::kDateTime64) return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
    if (timestamp_type == TypeId::kDateTime) return std::to_string(ms / 1000);
    return std::to_string(ms);
  }

  // `"_partition":3,"_offset":7,...` for a JSON object (no trailing comma).
  std::string JsonFields(const rd_kafka_message_t* m) const {
    std::string out;
    auto add = [&](std::string_view name, const std::string& value) {
      out += (out.empty() ? "\"" : ",\"") + std::string(name) + "\":" + value;
    };
    if (partition) add("_partition", std::to_string(m->partition));
    if (offset) add("_offset", std::to_string(m->offset));
    if (timestamp) {
      const int64_t ms = std::max<int64_t>(0, rd_kafka_message_timestamp(m, nullptr));
      const std::string t = Timestamp(ms);
      add("_timestamp", timestamp_type == TypeId::kDateTime64 ? "\"" + t + "\"" : t);
    }
    if (key) {
      if (!m->key) {
        add("_key", key_nullable ? "null" : "\"\"");
      } else {
        std::string k = "\"";
        for (unsigned char c : std::string_view(static_cast<const char*>(m->key), m->key_len)) {
          if (c == '"' || c == '\\') {
            k += '\\';
            k += static_cast<char>(c);
          } else if (c < 0x20) {
            k += fmt::format("\\u{:04x}", c);
          } else {
            k += static_cast<char>(c);
          }
        }
        add("_key", k + "\"");
      }
    }
    return out;
  }

  // `,3,7,...` after a CSV record, in the header's order (the table's order of these columns).
  std::string CsvFields(const storage::TableSchema& schema, const rd_kafka_message_t* m) const {
    std::string out;
    for (const auto& c : schema.columns) {
      if (c.name == "_partition") {
        out += "," + std::to_string(m->partition);
      } else if (c.name == "_offset") {
        out += "," + std::to_string(m->offset);
      } else if (c.name == "_timestamp") {
        out += "," + Timestamp(std::max<int64_t>(0, rd_kafka_message_timestamp(m, nullptr)));
      } else if (c.name == "_key") {
        out += ",\"";
        if (m->key)
          for (char ch : std::string_view(static_cast<const char*>(m->key), m->key_len))
            out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out += '"';
      }
    }
    return out;
  }
};

}  // namespace

// Messages read and not yet written.
struct KafkaSource::Batch {
  std::string data;                                // one line per message
  std::vector<std::pair<int32_t, int64_t>> lines;  // line -> (partition, offset)
  std::vector<formats::BadRow> unreadable;         // over the size limit, or empty
  std::map<int32_t, int64_t> next;                 // partition -> offset after the batch
  std::map<int32_t, uint64_t> per_partition;       // messages per partition
  uint64_t messages = 0;
  int64_t first_ms = 0;
  // The table's virtual columns when the batch began; with any, a CSV batch is written as CSVWithNames.
  VirtualColumns virtuals;
  std::optional<storage::TableSchema> schema;
  std::string format;
  bool empty() const { return messages == 0; }
};

KafkaSource::KafkaSource(std::string name, std::string table, KafkaSettings settings, std::string instance_id,
                         Catalog& catalog, ingest::Ingestor& ingestor, Clock& clock)
    : name_(std::move(name)),
      table_(std::move(table)),
      settings_(std::move(settings)),
      instance_id_(std::move(instance_id)),
      catalog_(catalog),
      ingestor_(ingestor),
      clock_(clock) {
  status_.name = name_;
  status_.table = table_;
  status_.topic = settings_.topic;
  status_.group = settings_.group;
  status_.state = "starting";
}

KafkaSource::~KafkaSource() {
  Stop();
}

void KafkaSource::Start(bool paused) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  paused_ = paused;
  status_.state = paused ? "paused" : "starting";
  thread_ = std::thread([this] { Run(); });
}

void KafkaSource::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void KafkaSource::Pause() {
  std::unique_lock lock(mu_);
  paused_ = true;
  cv_.notify_all();
  // Returns once the source has written what it had read and left the group, so that nothing produced
  // from now on is ingested; at most 10 s (a write that keeps failing is retried meanwhile).
  if (thread_.joinable())
    cv_.wait_for(lock, std::chrono::seconds(10),
                 [&] { return stop_ || !paused_ || status_.state == "paused"; });
}

void KafkaSource::Resume() {
  {
    std::lock_guard lock(mu_);
    paused_ = false;
  }
  cv_.notify_all();
}

void KafkaSource::SetState(const std::string& state) {
  std::lock_guard lock(mu_);
  status_.state = state;
}

void KafkaSource::SetError(const std::string& state, const std::string& error) {
  std::lock_guard lock(mu_);
  if (status_.last_error != error || status_.state != state)
    AURORA_LOG_WARN("source {}: {}: {}", name_, state, error);
  status_.state = state;
  status_.last_error = error;
  status_.last_error_ms = NowMs();
}

SourceStatus KafkaSource::Stats() const {
  std::lock_guard lock(mu_);
  SourceStatus s = status_;
  for (const auto& [p, ps] : partitions_) {
    s.partitions.push_back(ps);
    if (ps.offset >= 0 && ps.high_watermark >= 0)
      s.partitions.back().lag = std::max<int64_t>(0, ps.high_watermark - ps.offset);
  }
  if (rate_samples_.size() >= 2) {
    const auto& [t0, m0] = rate_samples_.front();
    const auto& [t1, m1] = rate_samples_.back();
    if (t1 > t0) s.messages_per_second = static_cast<double>(m1 - m0) * 1000.0 / static_cast<double>(t1 - t0);
  }
  return s;
}

namespace {

// The consumer, with what the rebalance callback needs.
struct Consumer {
  rd_kafka_t* rk = nullptr;
  std::function<void(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*)> rebalance;
  std::function<void(int, const char*)> error;
  // Leaves the group (the revoke callback runs first) and frees the client.
  ~Consumer() {
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

}  // namespace

Status KafkaSource::Reset(const std::string& to) {
  int64_t timestamp = -1;
  if (to != "earliest" && to != "latest") {
    auto [end, ec] = std::from_chars(to.data(), to.data() + to.size(), timestamp);
    if (ec != std::errc() || end != to.data() + to.size() || timestamp < 0)
      return AURORA_ERROR(kInvalidArgument,
                          "reset to '{}': expected earliest, latest or a time in Unix milliseconds", to);
  }
  bool was_paused;
  {
    std::lock_guard lock(mu_);
    was_paused = paused_;
  }
  Stop();
  auto restart = [&] { Start(was_paused); };
  // A plain consumer handle (no group) finds the offsets.
  auto conf = MakeConf(settings_);
  if (!conf.ok()) {
    restart();
    return conf.status();
  }
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof(err));
  if (!rk) {
    restart();
    return AURORA_ERROR(kUnavailable, "Kafka client: {}", err);
  }
  Consumer c;
  c.rk = rk;
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, settings_.topic.c_str(), nullptr);
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, topic, &md, 5000);
  rd_kafka_topic_destroy(topic);
  if (e || md->topic_cnt != 1 || md->topics[0].err) {
    const std::string why = e ? rd_kafka_err2str(e) : rd_kafka_err2str(md->topics[0].err);
    if (md) rd_kafka_metadata_destroy(md);
    restart();
    return AURORA_ERROR(kUnavailable, "reset: topic '{}': {}", settings_.topic, why);
  }
  std::map<int32_t, int64_t> offsets;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
  for (int i = 0; i < md->topics[0].partition_cnt; ++i)
    rd_kafka_topic_partition_list_add(list, settings_.topic.c_str(), md->topics[0].partitions[i].id)->offset =
        timestamp;
  rd_kafka_metadata_destroy(md);
  Status st;
  if (timestamp >= 0) {
    e = rd_kafka_offsets_for_times(rk, list, 5000);
    if (e) st = AURORA_ERROR(kUnavailable, "reset: finding offsets by time: {}", rd_kafka_err2str(e));
  }
  for (int i = 0; st.ok() && i < list->cnt; ++i) {
    int64_t low = 0, high = 0;
    const int32_t p = list->elems[i].partition;
    e = rd_kafka_query_watermark_offsets(rk, settings_.topic.c_str(), p, &low, &high, 5000);
    if (e) {
      st = AURORA_ERROR(kUnavailable, "reset: partition {}: {}", p, rd_kafka_err2str(e));
      break;
    }
    if (timestamp >= 0)
      offsets[p] = list->elems[i].offset >= 0 ? list->elems[i].offset : high;
    else
      offsets[p] = to == "earliest" ? low : high;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (st.ok()) {
    // The new position commits like a batch without rows.
    auto table = catalog_.GetTable(table_);
    if (table.ok()) {
      st = (*table)->Append(Chunk{}, "kafka:" + name_, FormatPosition(offsets));
    } else {
      st = table.status().WithContext("reset");
    }
  }
  if (st.ok()) {
    std::lock_guard lock(mu_);
    reset_to_ = offsets;
  }
  restart();
  return st;
}

void KafkaSource::Run() {
  // Everything below runs on this thread; librdkafka calls the callbacks from rd_kafka_consumer_poll.
  const std::string source_key = "kafka:" + name_;
  std::map<int32_t, int64_t> position;  // what the table holds, as this thread last wrote or read it
  std::shared_ptr<storage::Table> table;
  auto load_position = [&]() -> aurora::Status {
    auto t = catalog_.GetTable(table_);
    if (!t.ok()) {
      if (t.status().code() == ErrorCode::kNotFound) return aurora::Status::OK();  // made by the first batch
      return t.status();
    }
    table = *t;
    if (auto text = table->SourcePosition(source_key)) {
      AURORA_ASSIGN_OR_RETURN(auto stored, ParsePosition(*text));
      for (const auto& [p, o] : stored) position[p] = o;
    }
    return aurora::Status::OK();
  };

  std::unique_ptr<Consumer> consumer;
  Batch batch;
  int64_t backoff_ms = 1000;
  int64_t last_probe_ms = 0, last_trouble_probe_ms = 0;
  bool broker_trouble = false;

  // Writes the batch: rows and position in one Append, then the unreadable messages to quarantine, then
  // the offsets to the group.
  auto write = [&](rd_kafka_t* rk) -> aurora::Status {
    if (batch.empty()) return aurora::Status::OK();
    std::map<int32_t, int64_t> next = position;
    for (const auto& [p, o] : batch.next) next[p] = o;
    ingest::IngestOptions o;
    o.format = batch.format.empty() ? settings_.format : batch.format;
    o.source = source_key;
    o.position_source = source_key;
    o.position = FormatPosition(next);
    o.locate = [&](uint64_t line) {
      if (line == 0 || line > batch.lines.size()) return fmt::format("line {}", line);
      return fmt::format("partition {}, offset {}", batch.lines[line - 1].first,
                         batch.lines[line - 1].second);
    };
    uint64_t rows = 0, quarantined = 0;
    if (!batch.data.empty() || table) {
      AURORA_ASSIGN_OR_RETURN(ingest::IngestResult r, ingestor_.Ingest(table_, batch.data, o));
      rows = r.rows;
      quarantined = r.quarantined;
    }
    if (!batch.unreadable.empty()) {
      quarantined += batch.unreadable.size();
      AURORA_RETURN_IF_ERROR(ingestor_.QuarantineRows(table_, std::move(batch.unreadable), source_key));
    }
    position = next;
    if (!table) {
      if (auto t = catalog_.GetTable(table_); t.ok()) table = *t;
    }
    // The group's offsets: for the hand-over to other members and for Kafka's lag tools.
    if (rk) {
      rd_kafka_topic_partition_list_t* list =
          rd_kafka_topic_partition_list_new(static_cast<int>(batch.next.size()));
      for (const auto& [p, off] : batch.next) {
        rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_add(list, settings_.topic.c_str(), p);
        tp->offset = off;
        tp->metadata = strdup(instance_id_.c_str());
        tp->metadata_size = instance_id_.size();
      }
      rd_kafka_commit(rk, list, /*async=*/1);
      rd_kafka_topic_partition_list_destroy(list);
    }
    {
      std::lock_guard lock(mu_);
      status_.rows += rows;
      status_.quarantined += quarantined;
      status_.messages += batch.messages;  // counted here, not under the lock per message
      for (const auto& [p, off] : batch.next) partitions_[p].offset = off;
      for (const auto& [p, n] : batch.per_partition) partitions_[p].messages += n;
    }
    batch = Batch{};
    return aurora::Status::OK();
  };
  // Writes the batch, retrying with backoff until it is written or the source stops.
  auto write_retrying = [&]() {
    for (;;) {
      aurora::Status st = write(consumer ? consumer->rk : nullptr);
      if (st.ok()) {
        backoff_ms = 1000;
        return true;
      }
      SetError("retrying", "writing to table '" + table_ + "': " + st.message());
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [&] { return stop_; })) return false;
      backoff_ms = std::min<int64_t>(backoff_ms * 2, 30000);
    }
  };

  auto on_rebalance = [&](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (aurora::Status st = load_position(); !st.ok()) SetError("retrying", st.message());
      // The group's committed offsets, with who committed them.
      rd_kafka_topic_partition_list_t* committed = rd_kafka_topic_partition_list_copy(parts);
      const bool have_committed = rd_kafka_committed(rk, committed, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR;
      std::map<int32_t, int64_t> reset;
      {
        std::lock_guard lock(mu_);
        reset.swap(reset_to_);
      }
      for (int i = 0; i < parts->cnt; ++i) {
        rd_kafka_topic_partition_t& tp = parts->elems[i];
        const rd_kafka_topic_partition_t* c = have_committed ? &committed->elems[i] : nullptr;
        const bool ours =
            !c || c->offset < 0 || c->metadata_size == 0 ||
            std::string_view(static_cast<const char*>(c->metadata), c->metadata_size) == instance_id_;
        auto mine = position.find(tp.partition);
        if (auto r = reset.find(tp.partition); r != reset.end()) {
          tp.offset = r->second;
        } else if (ours && mine != position.end()) {
          tp.offset = mine->second;
        } else if (c && c->offset >= 0) {
          tp.offset = c->offset;
        } else {
          tp.offset = RD_KAFKA_OFFSET_INVALID;  // auto.offset.reset: `start`
        }
        if (tp.offset >= 0) position[tp.partition] = tp.offset;
      }
      rd_kafka_topic_partition_list_destroy(committed);
      {
        std::lock_guard lock(mu_);
        partitions_.clear();
        for (int i = 0; i < parts->cnt; ++i) {
          PartitionStatus& ps = partitions_[parts->elems[i].partition];
          ps.partition = parts->elems[i].partition;
          ps.offset = parts->elems[i].offset;
        }
      }
      rd_kafka_assign(rk, parts);
    } else {
      // Revoked: what was read of these partitions is written now, or dropped when it cannot be (the
      // offsets were not committed, so whoever gets them reads them again).
      if (!batch.empty() && !write(rk).ok()) batch = Batch{};
      {
        std::lock_guard lock(mu_);
        partitions_.clear();
      }
      rd_kafka_assign(rk, nullptr);
    }
  };

  auto open_consumer = [&]() -> aurora::Status {
    AURORA_ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeConf(settings_));
    consumer = std::make_unique<Consumer>();
    consumer->rebalance = on_rebalance;
    consumer->error = [&](int err, const char* reason) {
      if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
          err == RD_KAFKA_RESP_ERR__RESOLVE || err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
        broker_trouble = true;
        SetError("retrying", fmt::format("broker: {}", reason));
      } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
        SetError("failed", fmt::format("Kafka client: {}", reason));
      } else {
        SetError("retrying", fmt::format("Kafka: {}", reason));
      }
    };
    rd_kafka_conf_set_opaque(conf, consumer.get());
    rd_kafka_conf_set_rebalance_cb(
        conf, [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                 void* opaque) { static_cast<Consumer*>(opaque)->rebalance(rk, err, parts); });
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int err, const char* reason, void* opaque) {
      static_cast<Consumer*>(opaque)->error(err, reason);
    });
    char err[512];
    consumer->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (!consumer->rk) {
      consumer.reset();
      return AURORA_ERROR(kInvalidArgument, "Kafka client: {}", err);
    }
    rd_kafka_poll_set_consumer(consumer->rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, settings_.topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(consumer->rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) {
      consumer.reset();
      return AURORA_ERROR(kInvalidArgument, "subscribing to '{}': {}", settings_.topic, rd_kafka_err2str(e));
    }
    return aurora::Status::OK();
  };

  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stop_) break;
      if (paused_) {
        lock.unlock();
        if (!batch.empty()) write_retrying();
        consumer.reset();  // leaves the group: its partitions go to the other members meanwhile
        lock.lock();
        status_.state = "paused";
        partitions_.clear();
        cv_.notify_all();  // Pause() waits for this
        cv_.wait(lock, [&] { return stop_ || !paused_; });
        continue;
      }
    }
    if (!consumer) {
      if (aurora::Status st = open_consumer(); !st.ok()) {
        SetError("failed", st.message());
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [&] { return stop_ || paused_; });
        backoff_ms = std::min<int64_t>(backoff_ms * 2, 30000);
        continue;
      }
      SetState("running");
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer->rk, 100);
    const int64_t now = NowMs();
    if (m != nullptr) {
      if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
            m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
          broker_trouble = true;
          SetError("retrying", fmt::format("topic '{}': {}", settings_.topic, rd_kafka_message_errstr(m)));
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          broker_trouble = true;
          SetError("retrying", rd_kafka_message_errstr(m));
        }
      } else {
        if (broker_trouble) {
          broker_trouble = false;
          SetState("running");
        }
        const int32_t p = m->partition;
        const int64_t off = m->offset;
        if (batch.empty()) {
          batch.first_ms = now;
          if (auto t = catalog_.GetTable(table_); t.ok()) {
            batch.schema = (*t)->schema();
            batch.virtuals = VirtualColumns::Of(*batch.schema);
          }
          if (batch.virtuals.any() && settings_.format == "CSV") {
            batch.format = "CSVWithNames";
            batch.data = batch.virtuals.csv_header + "\n";
            batch.lines.emplace_back(-1, -1);  // the header's line
          }
        }
        ++batch.messages;
        ++batch.per_partition[p];
        batch.next[p] = off + 1;
        if (m->len > settings_.max_message_bytes || m->len == 0) {
          formats::BadRow bad;
          bad.line = 0;
          bad.error = m->len == 0 ? fmt::format("partition {}, offset {}: empty message", p, off)
                                  : fmt::format(
                                        "partition {}, offset {}: message of {} bytes is over "
                                        "max_message_bytes ({})",
                                        p, off, m->len, settings_.max_message_bytes);
          bad.text.assign(static_cast<const char*>(m->payload), std::min<size_t>(m->len, 1024));
          batch.unreadable.push_back(std::move(bad));
        } else {
          const char* payload = static_cast<const char*>(m->payload);
          const size_t start = batch.data.size();
          batch.data.append(payload, m->len);
          if (batch.virtuals.any()) {
            if (settings_.format == "JSONEachRow") {
              // The message's own fields follow the virtual ones: {"_partition":3,...,"price":1}.
              const size_t brace = batch.data.find_first_not_of(" \t\r\n", start);
              if (brace != std::string::npos && batch.data[brace] == '{') {
                const size_t next = batch.data.find_first_not_of(" \t\r\n", brace + 1);
                const bool empty_object = next != std::string::npos && batch.data[next] == '}';
                batch.data.insert(brace + 1, batch.virtuals.JsonFields(m) + (empty_object ? "" : ","));
              }
            } else {
              while (batch.data.size() > start && (batch.data.back() == '\n' || batch.data.back() == '\r'))
                batch.data.pop_back();
              batch.data += batch.virtuals.CsvFields(*batch.schema, m);
            }
          }
          if (settings_.format == "JSONEachRow") {
            // A JSON message is one line (newlines outside strings are only whitespace).
            for (size_t i = start; i < batch.data.size(); ++i)
              if (batch.data[i] == '\n' || batch.data[i] == '\r') batch.data[i] = ' ';
            batch.lines.emplace_back(p, off);
          } else {
            const size_t newlines =
                std::count(batch.data.begin() + static_cast<long>(start), batch.data.end(), '\n');
            for (size_t i = 0; i <= newlines; ++i) batch.lines.emplace_back(p, off);
          }
          batch.data += '\n';
        }
      }
      rd_kafka_message_destroy(m);
    }
    // Write when the batch is full or old enough, or when the topic has nothing more right now.
    if (!batch.empty() && (batch.messages >= settings_.batch_rows ||
                           now - batch.first_ms >= settings_.batch_ms || m == nullptr)) {
      if (!write_retrying()) break;
    }
    // Watermarks (cached by the client, no request) and the rate, at most every 200 ms; a broker in
    // trouble is probed once a second.
    if (now - last_probe_ms >= 200) {
      last_probe_ms = now;
      std::lock_guard lock(mu_);
      for (auto& [p, ps] : partitions_) {
        int64_t low = 0, high = 0;
        if (rd_kafka_get_watermark_offsets(consumer->rk, settings_.topic.c_str(), p, &low, &high) == 0 &&
            high >= 0)
          ps.high_watermark = high;
      }
      rate_samples_.emplace_back(now, status_.messages);
      while (rate_samples_.size() > 2 && now - rate_samples_.front().first > 5000)
        rate_samples_.erase(rate_samples_.begin());
    }
    // Once a second while in trouble or without partitions, the broker is asked about the topic: a topic
    // that does not exist (yet) or a broker that does not answer is `retrying` with the reason, until both
    // are back. (librdkafka itself only waits for the topic, silently.)
    // (The lock is taken once a second, not per message.)
    auto unassigned = [&] {
      std::lock_guard lock(mu_);
      return partitions_.empty();
    };
    if (now - last_trouble_probe_ms >= 1000 && (broker_trouble || unassigned())) {
      last_trouble_probe_ms = now;
      // Every topic is listed, rather than asking for this one by name: a request naming a topic makes
      // brokers that auto-create topics create it.
      const rd_kafka_metadata_t* md = nullptr;
      const rd_kafka_resp_err_t e = rd_kafka_metadata(consumer->rk, 1, nullptr, &md, 500);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        for (int i = 0; i < md->topic_cnt; ++i)
          if (settings_.topic == md->topics[i].topic) topic_err = md->topics[i].err;
        rd_kafka_metadata_destroy(md);
        if (topic_err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          if (broker_trouble) {
            broker_trouble = false;
            SetState("running");
          }
        } else {
          broker_trouble = true;
          SetError("retrying",
                   topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                       ? fmt::format("topic '{}' does not exist (yet); waiting for it", settings_.topic)
                       : fmt::format("topic '{}': {}", settings_.topic, rd_kafka_err2str(topic_err)));
        }
      } else if (broker_trouble || e != RD_KAFKA_RESP_ERR__TIMED_OUT) {
        broker_trouble = true;
        SetError("retrying", fmt::format("broker: {}", rd_kafka_err2str(e)));
      }
    }
  }
  if (!batch.empty()) write_retrying();
  consumer.reset();
}

}  // namespace aurora::kafka
