#include "kafka/kafka_source.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "engine/database.h"
#include "io/test_dir.h"
#include "sources/event_generator.h"
#include "types/text_format.h"

namespace aurora::kafka {
namespace {

// A Kafka-protocol broker (librdkafka's mock cluster) in this process, and a producer for it.
class Broker {
 public:
  explicit Broker(int partitions) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "2", err, sizeof(err));
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    cluster_ = rd_kafka_mock_cluster_new(host_, 1);
    rd_kafka_mock_topic_create(cluster_, "events", partitions, 1);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "linger.ms", "1", err, sizeof(err));
    rd_kafka_conf_set(conf, "message.max.bytes", "10000000", err, sizeof(err));
    rd_kafka_conf_set(conf, "log_level", "2", err, sizeof(err));
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  }
  ~Broker() {
    rd_kafka_destroy(producer_);
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
  }
  const std::string& bootstrap() const { return bootstrap_; }

  // Sends each line of `ndjson` as a message keyed by a counter, and waits until all are acknowledged.
  void Produce(std::string_view ndjson) {
    while (!ndjson.empty()) {
      size_t nl = ndjson.find('\n');
      std::string_view line = ndjson.substr(0, nl);
      ndjson = nl == std::string_view::npos ? std::string_view() : ndjson.substr(nl + 1);
      Send(line);
    }
    rd_kafka_flush(producer_, 30000);
  }
  void Send(std::string_view value) {
    const std::string key = std::to_string(sent_++);
    while (rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC("events"), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(producer_, 10);
  }
  void Flush() { rd_kafka_flush(producer_, 30000); }

 private:
  rd_kafka_t* host_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  rd_kafka_t* producer_ = nullptr;
  std::string bootstrap_;
  uint64_t sent_ = 0;
};

class KafkaSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    db_.reset();
    auto db = Database::Open(FileSystem::Posix(), dir_.path(), Clock::System());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ingestor_ = std::make_unique<ingest::Ingestor>(db_->catalog(), Clock::System());
  }

  std::unique_ptr<KafkaSource> MakeSource(const std::string& group = "g1") {
    auto settings =
        KafkaSettings::Parse({{"brokers", broker_.bootstrap()}, {"topic", "events"}, {"group", group}});
    EXPECT_TRUE(settings.ok()) << settings.status().ToString();
    return std::make_unique<KafkaSource>("clicks", "events", *settings, "instance-1", db_->catalog(),
                                         *ingestor_, Clock::System());
  }

  std::string Scalar(const std::string& sql) {
    auto r = db_->Execute(sql);
    if (!r.ok()) return "error: " + r.status().ToString();
    if (r->num_rows() == 0) return "";
    return ValueToString(r->chunks[0].columns[0]->ValueAt(0));
  }

  // Waits until `sql` answers `want` (or 30 s pass); returns the last answer.
  std::string WaitFor(const std::string& sql, const std::string& want) {
    std::string got;
    for (int i = 0; i < 600; ++i) {
      got = Scalar(sql);
      if (got == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return got;
  }

  Broker broker_{8};
  TestDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
};

TEST_F(KafkaSourceTest, SettingsAreCheckedAndNameWhatIsWrong) {
  auto err = [](std::vector<std::pair<std::string, std::string>> s) {
    auto r = KafkaSettings::Parse(s);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(err({{"brokers", "b:9092"}, {"topic", "t"}}), "setting group is required");
  EXPECT_EQ(err({{"brokers", "b:9092"}, {"topic", "t"}, {"group", "g"}}), "ok");
  EXPECT_EQ(err({{"brokers", "b"}, {"topic", "t"}, {"group", "g"}, {"start", "middle"}}),
            "setting start = 'middle': expected 'earliest' or 'latest'");
  EXPECT_EQ(err({{"brokers", "b"},
                 {"topic", "t"},
                 {"group", "g"},
                 {"security_protocol", "sasl_ssl"},
                 {"sasl_mechanism", "PLAIN"},
                 {"sasl_username", "u"}}),
            "security_protocol sasl_ssl needs setting sasl_password");
  EXPECT_EQ(err({{"brokers", "b"}, {"topic", "t"}, {"group", "g"}, {"sasl_username", "u"}}),
            "setting sasl_username needs security_protocol sasl_plaintext or sasl_ssl, not plaintext");
  EXPECT_EQ(err({{"brokers", "b"},
                 {"topic", "t"},
                 {"group", "g"},
                 {"security_protocol", "sasl_plaintext"},
                 {"sasl_mechanism", "GSSAPI"},
                 {"sasl_username", "u"},
                 {"sasl_password", "p"}}),
            "setting sasl_mechanism = 'GSSAPI': expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
  EXPECT_EQ(
      err({{"brokers", "b"}, {"topic", "t"}, {"group", "g"}, {"ssl_ca_pem", "-----BEGIN CERTIFICATE-----"}}),
      "setting ssl_ca_pem needs security_protocol ssl or sasl_ssl, not plaintext");
  EXPECT_EQ(err({{"brokers", "b"}, {"topic", "t"}, {"group", "g"}, {"batch_rows", "0"}}),
            "setting batch_rows = '0': expected a whole number from 1 to 10000000");
  EXPECT_EQ(err({{"brokers", "b"}, {"topic", "t"}, {"group", "g"}, {"colour", "red"}}).substr(0, 22),
            "unknown setting colour");
  // Secrets are left out unless asked for.
  auto s = KafkaSettings::Parse({{"brokers", "b"},
                                 {"topic", "t"},
                                 {"group", "g"},
                                 {"security_protocol", "sasl_ssl"},
                                 {"sasl_mechanism", "SCRAM-SHA-256"},
                                 {"sasl_username", "u"},
                                 {"sasl_password", "hunter2"}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  for (const auto& [k, v] : s->ToPairs(false)) EXPECT_NE(v, "hunter2") << k;
  bool found = false;
  for (const auto& [k, v] : s->ToPairs(true)) found = found || (k == "sasl_password" && v == "hunter2");
  EXPECT_TRUE(found);
}

TEST_F(KafkaSourceTest, PositionsRoundTrip) {
  std::map<int32_t, int64_t> p = {{0, 12}, {3, 0}, {7, 123456789012}};
  EXPECT_EQ(KafkaSource::FormatPosition(p), "0:12,3:0,7:123456789012");
  auto back = KafkaSource::ParsePosition(KafkaSource::FormatPosition(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(KafkaSource::ParsePosition("0:1,x").ok());
}

TEST_F(KafkaSourceTest, IngestsTheWorkloadOnceAcrossRestarts) {
  sources::EventGenerator gen({.seed = 7, .rows = 30000});
  std::string data;
  gen.NextNdjson(10000, &data);
  broker_.Produce(data);
  auto source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "10000"), "10000");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // watermarks are sampled every 200 ms
  SourceStatus st = source->Stats();
  EXPECT_EQ(st.state, "running");
  EXPECT_EQ(st.messages, 10000u);
  EXPECT_EQ(st.rows, 10000u);
  EXPECT_EQ(st.partitions.size(), 8u);
  for (const auto& p : st.partitions) {
    EXPECT_GE(p.high_watermark, 0);
    EXPECT_EQ(p.lag, 0) << "partition " << p.partition;
  }
  // Stopped and started again, the source goes on from the table's position: nothing twice.
  source->Stop();
  data.clear();
  gen.NextNdjson(10000, &data);
  broker_.Produce(data);
  source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "20000"), "20000");
  // The database reopened (the WAL replayed, positions with it): still nothing twice.
  source->Stop();
  source.reset();
  Open();
  data.clear();
  gen.NextNdjson(10000, &data);
  broker_.Produce(data);
  source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "30000"), "30000");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Scalar("SELECT count() FROM events"), "30000");
  // Every message once: the events of the generator are distinct in (session_id, timestamp, product_id).
  EXPECT_EQ(Scalar("SELECT count() FROM (SELECT session_id, timestamp, product_id FROM events GROUP BY "
                   "session_id, timestamp, product_id)"),
            "30000");
}

TEST_F(KafkaSourceTest, BadMessagesAreQuarantinedWithWhereTheyCameFrom) {
  broker_.Send(R"({"timestamp":"2024-01-01 00:00:00","user_id":1})");
  broker_.Send("{not json");
  broker_.Send(std::string(2 << 20, 'x'));  // over max_message_bytes (1 MiB)
  broker_.Send(R"({"timestamp":"2024-01-01 00:00:01","user_id":2})");
  broker_.Flush();
  auto source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events_quarantine", "2"), "2") << source->Stats().last_error;
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "2"), "2") << source->Stats().last_error;
  EXPECT_EQ(
      Scalar(
          "SELECT count() FROM events_quarantine WHERE match(error, '^partition [0-9]+, offset [0-9]+: ')"),
      "2");
  EXPECT_EQ(Scalar("SELECT count() FROM events_quarantine WHERE match(error, 'over max_message_bytes')"),
            "1");
  EXPECT_EQ(source->Stats().quarantined, 2u);
  // They are not read again after a restart.
  source->Stop();
  source = MakeSource();
  source->Start(false);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(Scalar("SELECT count() FROM events_quarantine"), "2");
  EXPECT_EQ(Scalar("SELECT count() FROM events"), "2");
}

TEST_F(KafkaSourceTest, ResetMovesThePosition) {
  sources::EventGenerator gen({.seed = 9, .rows = 2000});
  std::string data;
  gen.NextNdjson(2000, &data);
  broker_.Produce(data);
  auto source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "2000"), "2000");
  ASSERT_TRUE(source->Reset("earliest").ok());
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "4000"), "4000");
  ASSERT_TRUE(source->Reset("latest").ok());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Scalar("SELECT count() FROM events"), "4000");
  EXPECT_FALSE(source->Reset("yesterday").ok());
}

TEST_F(KafkaSourceTest, SqlManagesSourcesThatSurviveARestart) {
  sources::EventGenerator gen({.seed = 5, .rows = 1000});
  std::string data;
  gen.NextNdjson(1000, &data);
  broker_.Produce(data);
  auto run = [&](const std::string& sql) {
    auto r = db_->Execute(sql);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  const std::string settings =
      fmt::format("brokers = '{}', topic = 'events', group = 'g7'", broker_.bootstrap());
  ASSERT_EQ(run("CREATE SOURCE clicks FROM KAFKA SETTINGS " + settings +
                ", security_protocol = 'sasl_plaintext', sasl_mechanism = 'PLAIN', sasl_username = 'u', "
                "sasl_password = 'hunter2-secret' INTO events"),
            "ok");
  // Defined, not running: nothing has started the sources yet.
  EXPECT_EQ(Scalar("SELECT state FROM system.sources WHERE name = 'clicks'"), "stopped");
  EXPECT_NE(
      run("CREATE SOURCE clicks FROM KAFKA SETTINGS " + settings + " INTO events").find("already exists"),
      std::string::npos);
  EXPECT_EQ(run("CREATE SOURCE IF NOT EXISTS clicks FROM KAFKA SETTINGS " + settings + " INTO events"), "ok");
  // The password is not printed back, not in the query log, and not in meta.db in the clear.
  const std::string shown = Scalar("SHOW CREATE SOURCE clicks");
  EXPECT_NE(shown.find("sasl_password = '[HIDDEN]'"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("hunter2"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT count() FROM system.query_log WHERE query LIKE '%hunter2%'"), "0");
  EXPECT_EQ(Scalar("SELECT count() FROM system.query_log WHERE query LIKE '%sasl_password = ''[HIDDEN]''%'"),
            "1");
  {
    std::ifstream in(dir_.path() + "/meta.db", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ifstream wal(dir_.path() + "/meta.db-wal", std::ios::binary);
    bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
    EXPECT_NE(bytes.find("g7"), std::string::npos);  // the definition is there
    EXPECT_EQ(bytes.find("hunter2"), std::string::npos);
  }
  ASSERT_EQ(run("DROP SOURCE clicks"), "ok");
  EXPECT_NE(run("DROP SOURCE clicks").find("does not exist"), std::string::npos);
  EXPECT_EQ(run("DROP SOURCE IF EXISTS clicks"), "ok");

  ASSERT_EQ(run("CREATE SOURCE clicks FROM KAFKA SETTINGS " + settings + ", batch_ms = 20 INTO events"),
            "ok");
  db_->StartSources();
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "1000"), "1000");
  EXPECT_EQ(WaitFor("SELECT state FROM system.sources", "running"), "running");
  EXPECT_EQ(Scalar("SELECT rows FROM system.sources WHERE name = 'clicks'"), "1000");
  EXPECT_EQ(Scalar("SELECT count() FROM system.source_partitions WHERE source = 'clicks'"), "8");
  EXPECT_EQ(Scalar("SELECT sum(current_offset) FROM system.source_partitions WHERE source = 'clicks'"),
            "1000");
  EXPECT_EQ(Scalar("SELECT name FROM (SHOW SOURCES)").substr(0, 5), "error");  // SHOW is not a subquery
  auto shown_sources = db_->Execute("SHOW SOURCES");
  ASSERT_TRUE(shown_sources.ok());
  EXPECT_EQ(shown_sources->num_rows(), 1u);

  // Paused survives a restart; the position does too.
  ASSERT_EQ(run("ALTER SOURCE clicks PAUSE"), "ok");
  EXPECT_EQ(WaitFor("SELECT state FROM system.sources", "paused"), "paused");
  Open();
  db_->StartSources();
  EXPECT_EQ(WaitFor("SELECT state FROM system.sources", "paused"), "paused");
  gen.NextNdjson(500, &(data = ""));
  broker_.Produce(data);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Scalar("SELECT count() FROM events"), "1000");
  ASSERT_EQ(run("ALTER SOURCE clicks RESUME"), "ok");
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "1500"), "1500");
  // Reset by SQL. (A time after every message is the end; librdkafka's mock broker finds no offset by time,
  // so times in the past cannot be tested here.)
  ASSERT_EQ(run("ALTER SOURCE clicks RESET TO EARLIEST"), "ok");
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "3000"), "3000");
  ASSERT_EQ(run("ALTER SOURCE clicks RESET TO '2100-01-01 00:00:00'"), "ok");
  gen.NextNdjson(10, &(data = ""));
  broker_.Produce(data);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "3010"), "3010");
  EXPECT_NE(run("ALTER SOURCE clicks RESET TO 'soon'").find("expected earliest, latest"), std::string::npos);

  // Dropping clears the position: a new source of the same name and a new group reads from the start.
  ASSERT_EQ(run("DROP SOURCE clicks"), "ok");
  ASSERT_EQ(run(fmt::format("CREATE SOURCE clicks FROM KAFKA SETTINGS brokers = '{}', topic = 'events', "
                            "group = 'g8' INTO events",
                            broker_.bootstrap())),
            "ok");
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "4520"), "4520");
}

TEST_F(KafkaSourceTest, CreateSourceRejectsBadSettingsWithClearErrors) {
  auto create = [&](const std::string& extra, const std::string& table = "events") {
    auto r = db_->Execute(fmt::format(
        "CREATE SOURCE s FROM KAFKA SETTINGS brokers = 'localhost:1', topic = 't', group = 'g'{} INTO {}",
        extra, table));
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_NE(create(", security_protocol = 'sasl_ssl'").find("sasl_mechanism"), std::string::npos);
  EXPECT_NE(
      create(", security_protocol = 'sasl_plaintext', sasl_mechanism = 'GSSAPI'").find("sasl_mechanism"),
      std::string::npos);
  EXPECT_NE(create(", security_protocol = 'sasl_plaintext', sasl_mechanism = 'PLAIN', sasl_username = 'u'")
                .find("sasl_password"),
            std::string::npos);
  EXPECT_NE(create(", sasl_username = 'u'").find("sasl_username"), std::string::npos);
  EXPECT_NE(create(", ssl_ca_pem = 'x'").find("ssl_ca_pem"), std::string::npos);
  EXPECT_NE(create(", security_protocol = 'ssl', ssl_ca_pem = 'not a certificate'").find("expected PEM"),
            std::string::npos);
  // Looks like PEM, but is not a certificate: the Kafka client's own check says so.
  EXPECT_NE(create(", security_protocol = 'ssl', ssl_ca_pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                   "CERTIFICATE-----'")
                .find("the Kafka client rejects these settings"),
            std::string::npos);
  EXPECT_NE(create(", format = 'CSV'").find("needs its table to exist"), std::string::npos);
  EXPECT_NE(create(", batch_rows = 0").find("batch_rows"), std::string::npos);
  EXPECT_NE(create("", "other.events").find("database 'other'"), std::string::npos);
  EXPECT_NE(create(", colour = 'blue'").find("colour"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT count() FROM system.sources"), "0");
  EXPECT_EQ(create(""), "ok");
}

// Partitions that join a running source's assignment, never consumed before (as partitions added to a topic
// are, once the client sees them), start at `start` and are read whole. Here another member of the group
// holds half the partitions without consuming them, then leaves.
TEST_F(KafkaSourceTest, PartitionsJoiningTheAssignmentWhileRunningAreReadFromTheStart) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", broker_.bootstrap().c_str()},
                      {"group.id", "g1"},
                      {"enable.auto.commit", "false"},
                      {"session.timeout.ms", "10000"},
                      {"log_level", "2"}})
    ASSERT_EQ(rd_kafka_conf_set(conf, k, v, err, sizeof(err)), RD_KAFKA_CONF_OK) << err;
  rd_kafka_t* other = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  ASSERT_NE(other, nullptr) << err;
  rd_kafka_poll_set_consumer(other);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "events", RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(other, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  std::atomic<bool> stop_other{false};
  std::thread poller([&] {
    while (!stop_other) {
      // Polls to stay in the group, and drops what it gets: nothing is committed.
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(other, 50)) rd_kafka_message_destroy(m);
    }
  });
  auto source = MakeSource("g1");
  source->Start(false);
  // Both members hold partitions.
  for (int i = 0; i < 600 && source->Stats().partitions.size() != 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(source->Stats().partitions.size(), 4u);
  sources::EventGenerator gen({.seed = 21, .rows = 800});
  std::string data;
  gen.NextNdjson(800, &data);
  broker_.Produce(data);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::string half = Scalar("SELECT count() FROM events");
  EXPECT_GT(std::stoi(half), 0);
  EXPECT_LT(std::stoi(half), 800);
  // The other member leaves: its partitions join the source's assignment and are read from the start.
  stop_other = true;
  poller.join();
  rd_kafka_consumer_close(other);
  rd_kafka_destroy(other);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "800"), "800");
  EXPECT_EQ(source->Stats().partitions.size(), 8u);
}

TEST_F(KafkaSourceTest, VirtualColumnsAreStoredWhenTheTableHasThem) {
  ASSERT_EQ(Scalar("CREATE TABLE events (id UInt64, _key String, _partition Int32, _offset Int64, "
                   "_timestamp DateTime64(3)) ENGINE = MergeTree ORDER BY id"),
            "");
  std::string data;
  for (int i = 0; i < 500; ++i) data += fmt::format("{{\"id\": {}}}\n", i);
  data += "{}\n";  // an empty object: only the virtual columns
  broker_.Produce(data);
  auto source = MakeSource();
  source->Start(false);
  EXPECT_EQ(WaitFor("SELECT count() FROM events", "501"), "501");
  EXPECT_EQ(Scalar("SELECT uniqExact(_partition * 1000000 + _offset) FROM events"), "501");
  EXPECT_EQ(Scalar("SELECT countIf(_key = toString(id)) FROM events WHERE id > 0 OR _key = '0'"), "500");
  EXPECT_EQ(Scalar("SELECT _key FROM events WHERE _key = '500'"), "500");  // the empty object's key
  EXPECT_EQ(Scalar("SELECT uniqExact(_partition) FROM events"), "8");
  // Per partition, offsets run from 0 without a gap.
  EXPECT_EQ(
      Scalar("SELECT sum(m) FROM (SELECT max(_offset) + 1 - count() AS m FROM events GROUP BY _partition)"),
      "0");
  EXPECT_EQ(Scalar("SELECT countIf(_timestamp > now() - 600 AND _timestamp <= now() + 60) FROM events"),
            "501");
  EXPECT_EQ(Scalar("SELECT count() FROM system.tables WHERE name = 'events_quarantine'"), "0");
}

TEST(KafkaSourceCsvTest, VirtualColumnsFollowACsvRecord) {
  Broker broker(4);
  TestDir dir;
  auto db = Database::Open(FileSystem::Posix(), dir.path(), Clock::System());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->Execute("CREATE TABLE events (_offset Int64, id UInt64, name String, _partition Int32) "
                            "ENGINE = MergeTree ORDER BY id")
                  .ok());
  broker.Produce("1,\"a\"\n2,\"b, with a comma\"\n3,\"c\"\n");
  auto settings = KafkaSettings::Parse(
      {{"brokers", broker.bootstrap()}, {"topic", "events"}, {"group", "g"}, {"format", "CSV"}});
  ASSERT_TRUE(settings.ok());
  ingest::Ingestor ingestor((*db)->catalog(), Clock::System());
  KafkaSource source("csv", "events", *settings, "i", (*db)->catalog(), ingestor, Clock::System());
  source.Start(false);
  std::string got;
  for (int i = 0; i < 600 && got != "3"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = (*db)->Execute("SELECT count() FROM events");
    got = r.ok() ? ValueToString(r->chunks[0].columns[0]->ValueAt(0)) : "";
  }
  ASSERT_EQ(got, "3");
  auto r = (*db)->Execute(
      "SELECT name, _offset >= 0 AND _partition >= 0 AND _partition < 4 FROM events ORDER BY id");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ValueToString(r->chunks[0].columns[0]->ValueAt(1)), "b, with a comma");
  for (size_t row = 0; row < 3; ++row) EXPECT_EQ(ValueToString(r->chunks[0].columns[1]->ValueAt(row)), "1");
}

}  // namespace
}  // namespace aurora::kafka
