// Kafka ingestion measurements, for bench/kafka.sh. Prints one JSON line of results on stdout.
//
// ceiling    A bare librdkafka consumer (the same client and settings a source uses, in a new group) reads
//            --events messages of --topic. The clock runs from the first message to the last; this is the
//            rate at which the broker can hand the topic to one consumer, the ceiling of any source.
//
// visible    Polls --table over HTTP (/v1/sql, SELECT count()) every 10 ms until it holds --events rows.
//            The clock runs from the first poll that sees rows to the one that sees them all; a source
//            reading the topic from the start is measured at its steady rate, without the group's join.
//
// fresh      (with --bare, a bare consumer in a new group receives the events instead of a table, for the
//            floor the broker and client set.)
//            Produces the standard workload at --rate events/s for --seconds, each event with "seq" as its
//            first field and key; event k is scheduled at start + k / rate. A reader polls
//            SELECT max(seq) FROM --table as fast as it can; an event's freshness is the completion of the
//            first poll that saw it minus its scheduled send time (so a producer behind its schedule counts
//            against the system). The events of the first --warmup-seconds (2) are sent but not counted:
//            the consumer's fetchers start on the first data. Prints the achieved rate and freshness
//            p50/p95/p99/max in ms.
//
//   kafka_ingest ceiling --brokers HOST:PORT --topic events --events 1000000
//   kafka_ingest visible --port 8080 --header 'Authorization: Basic ...' --table events --events 1000000
//   kafka_ingest fresh --brokers HOST:PORT --topic live --rate 50000 --seconds 10 --port 8080
//       --header 'Authorization: Basic ...' --table live
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench_http.h"
#include "sources/event_generator.h"

namespace {

using namespace aurora::bench;  // NOLINT: the bench tools' shared helpers

rd_kafka_t* NewClient(rd_kafka_type_t type, const std::vector<std::pair<std::string, std::string>>& kv) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : kv)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK)
      throw std::runtime_error(err);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (!rk) throw std::runtime_error(err);
  return rk;
}

int Ceiling(const std::string& brokers, const std::string& topic, uint64_t events) {
  // As a source configures its consumer (kafka/kafka_source.cpp), in a group of its own.
  rd_kafka_t* rk = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                                 {"group.id", fmt::format("ceiling-{}", ::getpid())},
                                                 {"enable.auto.commit", "false"},
                                                 {"auto.offset.reset", "earliest"},
                                                 {"fetch.message.max.bytes", "1048576"},
                                                 {"log_level", "3"}});
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  uint64_t n = 0, bytes = 0;
  Clock::time_point first{};
  Clock::time_point last{};
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  while (n < events && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) {
      if (n == 0) first = Clock::now();
      ++n;
      bytes += m->len;
      last = Clock::now();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  const double secs = Seconds(last - first);
  nlohmann::json out = {{"events", n},
                        {"bytes", bytes},
                        {"seconds", secs},
                        {"events_per_s", secs > 0 ? static_cast<double>(n - 1) / secs : 0}};
  std::printf("%s\n", out.dump().c_str());
  return n == events ? 0 : 1;
}

// The single number an SQL answer (FORMAT TSV) holds.
uint64_t Number(Connection& c, const std::string& sql) {
  std::string answer;
  if (c.Post("/v1/sql?format=TSV", sql, &answer) != 200) return 0;
  return std::strtoull(answer.c_str(), nullptr, 10);
}

int Visible(const Endpoint& endpoint, const std::string& table, uint64_t events) {
  Connection c(endpoint);
  const std::string sql = fmt::format("SELECT count() FROM {}", table);
  uint64_t first_count = 0, n = 0;
  Clock::time_point first{};
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  while (n < events && Clock::now() < deadline) {
    n = Number(c, sql);
    if (n > 0 && first_count == 0) {
      first_count = n;
      first = Clock::now();
    }
    if (n < events) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double secs = Seconds(Clock::now() - first);
  nlohmann::json out = {{"events", n},
                        {"first_poll_rows", first_count},
                        {"seconds", secs},
                        {"events_per_s", secs > 0 ? static_cast<double>(n - first_count) / secs : 0}};
  std::printf("%s\n", out.dump().c_str());
  return n == events ? 0 : 1;
}

int Fresh(const std::string& brokers, const std::string& topic, double rate, double seconds,
          double warmup_seconds, const Endpoint& endpoint, const std::string& table) {
  const uint64_t total = static_cast<uint64_t>(rate * seconds);
  aurora::sources::EventGenerator gen({.seed = 77, .rows = total});
  std::vector<std::string> lines;
  lines.reserve(total);
  {
    std::string ndjson;
    gen.NextNdjson(total, &ndjson);
    size_t pos = 0;
    for (uint64_t k = 1; k <= total; ++k) {
      const size_t nl = ndjson.find('\n', pos);
      lines.push_back(fmt::format("{{\"seq\":{},{}", k, ndjson.substr(pos + 1, nl - pos - 1)));
      pos = nl + 1;
    }
  }
  rd_kafka_t* producer = NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", brokers},
                                                       {"linger.ms", "5"},
                                                       {"queue.buffering.max.messages", "1000000"},
                                                       {"log_level", "3"}});
  std::atomic<bool> done{false};
  std::vector<double> freshness_ms(total + 1, -1);
  // The bare consumer: joined and assigned before the first event is sent.
  rd_kafka_t* consumer = nullptr;
  if (table.empty()) {
    consumer = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                             {"group.id", fmt::format("fresh-{}", ::getpid())},
                                             {"fetch.wait.max.ms", "100"},  // as a source
                                             {"enable.auto.commit", "false"},
                                             {"auto.offset.reset", "earliest"},
                                             {"log_level", "3"}});
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    for (int i = 0; i < 600; ++i) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100)) rd_kafka_message_destroy(m);
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      rd_kafka_assignment(consumer, &assigned);
      const bool ready = assigned && assigned->cnt > 0;
      if (assigned) rd_kafka_topic_partition_list_destroy(assigned);
      if (ready) break;
    }
  }
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(100);
  auto scheduled = [&](uint64_t k) {
    return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((k - 1) / rate));
  };
  std::thread reader([&] {
    if (consumer) {
      uint64_t received = 0;
      const auto end = scheduled(total) + std::chrono::seconds(30);
      while (received < total && Clock::now() < end) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
        if (!m) continue;
        if (!m->err && m->len > 7) {
          const uint64_t k = std::strtoull(static_cast<const char*>(m->payload) + 7, nullptr, 10);
          if (k >= 1 && k <= total && freshness_ms[k] < 0) {
            freshness_ms[k] = std::chrono::duration<double, std::milli>(Clock::now() - scheduled(k)).count();
            ++received;
          }
        }
        rd_kafka_message_destroy(m);
      }
      done = true;
      return;
    }
    Connection c(endpoint);
    const std::string sql = fmt::format("SELECT max(seq) FROM {}", table);
    uint64_t seen = 0;
    const auto end = scheduled(total) + std::chrono::seconds(30);
    while (seen < total && Clock::now() < end) {
      const uint64_t m = std::min<uint64_t>(Number(c, sql), total);
      const Clock::time_point t = Clock::now();
      for (uint64_t k = seen + 1; k <= m; ++k)
        freshness_ms[k] = std::chrono::duration<double, std::milli>(t - scheduled(k)).count();
      seen = std::max(seen, m);
    }
    done = true;
  });
  uint64_t late = 0;
  for (uint64_t k = 1; k <= total; ++k) {
    const auto due = scheduled(k);
    if (due > Clock::now())
      std::this_thread::sleep_until(due);
    else if (Clock::now() - due > std::chrono::milliseconds(10))
      ++late;
    const std::string key = std::to_string(k);
    while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(lines[k - 1].data(), lines[k - 1].size()),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(producer, 1);
    rd_kafka_poll(producer, 0);
  }
  const double send_seconds = Seconds(Clock::now() - start);
  rd_kafka_flush(producer, 60000);
  rd_kafka_destroy(producer);
  reader.join();
  if (consumer) {
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
  }
  std::vector<double> seen;
  uint64_t missing = 0;
  const uint64_t warm = static_cast<uint64_t>(rate * warmup_seconds);
  for (uint64_t k = warm + 1; k <= total; ++k) {
    if (freshness_ms[k] < 0)
      ++missing;
    else
      seen.push_back(freshness_ms[k]);
  }
  nlohmann::json out = {{"events", total},
                        {"counted", total - warm},
                        {"rate", rate},
                        {"achieved_rate", static_cast<double>(total) / send_seconds},
                        {"sent_late_over_10ms", late},
                        {"missing", missing},
                        {"freshness_ms_p50", Percentile(seen, 0.50)},
                        {"freshness_ms_p95", Percentile(seen, 0.95)},
                        {"freshness_ms_p99", Percentile(seen, 0.99)},
                        {"freshness_ms_max", Percentile(seen, 1.0)}};
  std::printf("%s\n", out.dump().c_str());
  return missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kafka ingestion measurements"};
  app.require_subcommand(1);
  std::string brokers, topic, table = "events";
  uint64_t events = 1000000;
  double rate = 50000, seconds = 10;
  Endpoint endpoint;
  std::vector<std::string> headers;
  auto* ceiling = app.add_subcommand("ceiling", "A bare consumer's rate");
  ceiling->add_option("--brokers", brokers)->required();
  ceiling->add_option("--topic", topic)->required();
  ceiling->add_option("--events", events);
  auto* visible = app.add_subcommand("visible", "A table's rate of filling up");
  auto* fresh = app.add_subcommand("fresh", "Produce-to-visible times at a steady rate");
  fresh->add_option("--brokers", brokers)->required();
  fresh->add_option("--topic", topic)->required();
  fresh->add_option("--rate", rate);
  fresh->add_option("--seconds", seconds);
  bool bare = false;
  double warmup = 2;
  fresh->add_option("--warmup-seconds", warmup, "Events of the first seconds are sent, not counted");
  fresh->add_flag("--bare", bare, "A bare consumer receives the events (no server)");
  visible->add_option("--port", endpoint.port)->required();
  fresh->add_option("--port", endpoint.port);
  for (auto* sub : {visible, fresh}) {
    sub->add_option("--header", headers, "Name: value, sent with every request");
    sub->add_option("--table", table);
  }
  visible->add_option("--events", events);
  CLI11_PARSE(app, argc, argv);
  for (const auto& h : headers) {
    const size_t colon = h.find(':');
    endpoint.headers.emplace_back(h.substr(0, colon), h.substr(colon + 2));
  }
  try {
    if (*ceiling) return Ceiling(brokers, topic, events);
    if (*visible) return Visible(endpoint, table, events);
    return Fresh(brokers, topic, rate, seconds, warmup, endpoint, bare ? "" : table);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_ingest: %s\n", e.what());
    return 1;
  }
}
