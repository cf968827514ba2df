// KafkaSource: one Kafka topic consumed into one table, exactly once, by a member of a consumer group.
//
// A thread polls the topic (librdkafka's high-level consumer) and gathers messages into a batch, which
// goes to the table when it holds `batch_rows` messages or its first message is `batch_ms` old, or when
// the topic has nothing more to give right now (so a quiet topic is visible at once and a busy one goes in
// big batches). A batch goes through the same Ingestor as HTTP events (inference, evolution, quarantine),
// and its rows commit in one Table::Append together with the source's position: the next offset of every
// partition (source key "kafka:NAME" in the table's WAL record and manifest). So a crash leaves either the
// rows and the position, or neither.
//
// Where to read from, on start and after every rebalance, for each assigned partition:
//   - the table's position, when this data directory consumed the partition last; that is when the
//     group's committed offset for it carries this directory's instance id (or there is none);
//   - otherwise the group's committed offset (another member consumed it since, and committed after its
//     rows were durable), and for a partition never consumed, `start` (earliest or latest).
// After each batch the offsets are committed to the group with the instance id as metadata, for the
// hand-over above and so that Kafka tools see the lag.
//
// A message that cannot be read is quarantined with "partition P, offset O" in its error; one over
// `max_message_bytes` too (with its first KiB). Neither stops the source. Broker errors put the source in
// `retrying` (librdkafka reconnects with backoff) until the broker answers again; a batch that cannot be
// written is retried with backoff (1 s doubling to 30 s), holding back consumption meanwhile.
//
// Thread-safety: every public method is thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/status.h"
#include "ingest/ingestor.h"

namespace aurora::kafka {

struct KafkaSettings {
  std::string brokers;
  std::string topic;
  std::string group;
  std::string format = "JSONEachRow";  // JSONEachRow, or CSV (one record per message, existing table)
  std::string start = "earliest";      // where a partition never consumed starts: earliest or latest
  std::string security_protocol = "plaintext";  // plaintext, ssl, sasl_plaintext, sasl_ssl
  std::string sasl_mechanism;                   // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
  std::string sasl_username;
  std::string sasl_password;  // a secret
  std::string ssl_ca_pem;     // the CA certificate(s), PEM
  uint64_t batch_rows = 100000;
  int64_t batch_ms = 50;
  uint64_t max_message_bytes = 1 << 20;
  int64_t session_timeout_ms = 10000;

  // The SETTINGS of CREATE SOURCE, checked: an unknown, missing, malformed or contradictory setting is an
  // InvalidArgument error that names it.
  static Result<KafkaSettings> Parse(const std::vector<std::pair<std::string, std::string>>& settings);
  // Makes (and frees) a Kafka client with these settings, which checks what only librdkafka can (e.g. that
  // ssl_ca_pem holds a certificate, that the SASL mechanism is built in); needs no broker.
  Status CheckClient() const;
  // As name/value pairs that Parse reads back; secrets left out unless `with_secrets`.
  std::vector<std::pair<std::string, std::string>> ToPairs(bool with_secrets) const;
};

struct PartitionStatus {
  int32_t partition = 0;
  int64_t offset = -1;          // the next offset to read (-1: not known yet)
  int64_t high_watermark = -1;  // the partition's end, as last seen (-1: not known yet)
  int64_t lag = -1;             // messages behind the end (-1: not known yet)
  uint64_t messages = 0;        // read and written since the source started
};

struct SourceStatus {
  std::string name;
  std::string table;
  std::string topic;
  std::string group;
  std::string state;  // starting, running, paused, retrying, failed
  std::string last_error;
  int64_t last_error_ms = 0;  // when (Unix milliseconds), 0: never
  uint64_t messages = 0;      // read and written since the source started
  uint64_t rows = 0;          // appended to the table
  uint64_t quarantined = 0;   // put in quarantine
  double messages_per_second = 0;
  std::vector<PartitionStatus> partitions;  // assigned to this member
};

class KafkaSource {
 public:
  // `instance_id` names this data directory in the group's commits.
  KafkaSource(std::string name, std::string table, KafkaSettings settings, std::string instance_id,
              Catalog& catalog, ingest::Ingestor& ingestor, Clock& clock);
  ~KafkaSource();  // Stop()
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  const std::string& name() const { return name_; }
  const std::string& table() const { return table_; }
  const KafkaSettings& settings() const { return settings_; }

  // Starts consuming (paused: joins nothing until Resume).
  void Start(bool paused);
  // Writes what it has read, leaves the group and stops the thread.
  void Stop();
  // Stops consuming: returns once what was read is written and the group left (at most 10 s), so that
  // nothing produced after it returns is ingested until Resume.
  void Pause();
  void Resume();
  // Moves the table's position of every partition to `to`: "earliest", "latest", or a time (Unix
  // milliseconds: the first message at or after it). The source stops while it moves, then goes on from
  // there. The new position is committed to the group too.
  Status Reset(const std::string& to);

  SourceStatus Stats() const;

  // The position text stored in the table ("0:120,1:98"), and back.
  static std::string FormatPosition(const std::map<int32_t, int64_t>& offsets);
  static Result<std::map<int32_t, int64_t>> ParsePosition(std::string_view text);

 private:
  struct Batch;
  void Run();
  void SetState(const std::string& state);
  void SetError(const std::string& state, const std::string& error);

  const std::string name_;
  const std::string table_;
  const KafkaSettings settings_;
  const std::string instance_id_;
  Catalog& catalog_;
  ingest::Ingestor& ingestor_;
  Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool paused_ = false;
  std::thread thread_;
  SourceStatus status_;
  std::map<int32_t, PartitionStatus> partitions_;
  std::vector<std::pair<int64_t, uint64_t>> rate_samples_;  // (ms, messages) of the last seconds
  std::map<int32_t, int64_t> reset_to_;  // where Reset moved the partitions, for the next assignment
};

}  // namespace aurora::kafka
