// kafka_tool: a Kafka-protocol broker and a producer for tests and benchmarks, both on librdkafka.
//
//   kafka_tool broker [--brokers N] [--topic NAME:PARTITIONS ...]
//       Runs librdkafka's mock cluster (a real Kafka-protocol broker, kept in memory) on random local
//       ports and prints "bootstrap HOST:PORT,..." once it listens. Then reads commands, one per line, from
//       standard input, answering each with "ok" or "error: ...":
//         create TOPIC PARTITIONS    down BROKER_ID    up BROKER_ID
//         hide TOPIC    show TOPIC
//       `hide` makes the broker answer "unknown topic or partition" for TOPIC, as a broker answers for a
//       topic that does not exist; `show` makes it appear. (The mock cluster creates any topic a client
//       asks about, so a topic that does not exist yet is modelled this way.)
//       It exits at the end of its input or on SIGTERM.
//   kafka_tool produce --brokers LIST --topic NAME [--rate N] [--key-prefix P]
//       Sends each line of standard input as one message, keyed by its line number (so messages spread
//       evenly over the partitions), at most N messages per second when --rate is given. Prints
//       "produced N" when every message is acknowledged; exits 1 if any was not.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

std::atomic<bool> stop{false};

int Usage() {
  std::fprintf(stderr,
               "usage: kafka_tool broker [--brokers N] [--topic NAME:PARTITIONS ...]\n"
               "       kafka_tool produce --brokers LIST --topic NAME [--rate N] [--key-prefix P]\n");
  return 2;
}

rd_kafka_t* NewProducer(rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) std::fprintf(stderr, "kafka_tool: %s\n", err);
  return rk;
}

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "kafka_tool: %s\n", err);
    return false;
  }
  return true;
}

int Broker(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (a == "--topic" && i + 1 < argc) {
      std::string t = argv[++i];
      auto colon = t.rfind(':');
      if (colon == std::string::npos) return Usage();
      topics.emplace_back(t.substr(0, colon), std::atoi(t.c_str() + colon + 1));
    } else {
      return Usage();
    }
  }
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "log_level", "3");
  rd_kafka_t* rk = NewProducer(conf);
  if (!rk) return 1;
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) {
    std::fprintf(stderr, "kafka_tool: cannot start the mock cluster\n");
    return 1;
  }
  for (const auto& [name, partitions] : topics) {
    if (rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1)) {
      std::fprintf(stderr, "kafka_tool: create %s: %s\n", name.c_str(), rd_kafka_err2str(e));
      return 1;
    }
  }
  std::printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);
  std::signal(SIGTERM, [](int) { stop = true; });
  std::string line;
  while (!stop && std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, name;
    in >> cmd;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (cmd == "create") {
      int partitions = 0;
      in >> name >> partitions;
      e = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1);
    } else if (cmd == "down" || cmd == "up") {
      int id = 0;
      in >> id;
      e = cmd == "down" ? rd_kafka_mock_broker_set_down(cluster, id)
                        : rd_kafka_mock_broker_set_up(cluster, id);
    } else if (cmd == "hide" || cmd == "show") {
      in >> name;
      rd_kafka_mock_topic_set_error(
          cluster, name.c_str(),
          cmd == "hide" ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART : RD_KAFKA_RESP_ERR_NO_ERROR);
    } else if (cmd.empty()) {
      continue;
    } else {
      std::printf("error: unknown command '%s'\n", cmd.c_str());
      std::fflush(stdout);
      continue;
    }
    if (e)
      std::printf("error: %s\n", rd_kafka_err2str(e));
    else
      std::printf("ok\n");
    std::fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}

std::atomic<long> delivered{0}, failed{0};

int Produce(int argc, char** argv) {
  std::string brokers, topic, key_prefix;
  double rate = 0;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = argv[++i];
    } else if (a == "--topic" && i + 1 < argc) {
      topic = argv[++i];
    } else if (a == "--rate" && i + 1 < argc) {
      rate = std::atof(argv[++i]);
    } else if (a == "--key-prefix" && i + 1 < argc) {
      key_prefix = argv[++i];
    } else {
      return Usage();
    }
  }
  if (brokers.empty() || topic.empty()) return Usage();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", brokers) || !Set(conf, "linger.ms", "5") ||
      !Set(conf, "enable.idempotence", "true") || !Set(conf, "message.timeout.ms", "120000") ||
      !Set(conf, "log_level", "3"))
    return 1;
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    if (m->err) {
      ++failed;
      std::fprintf(stderr, "kafka_tool: delivery failed: %s\n", rd_kafka_err2str(m->err));
    } else {
      ++delivered;
    }
  });
  rd_kafka_t* rk = NewProducer(conf);
  if (!rk) return 1;
  std::string line;
  long n = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::getline(std::cin, line)) {
    const std::string key = key_prefix + std::to_string(n);
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(line.data(), line.size()), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 10);
        continue;
      }
      if (e) {
        std::fprintf(stderr, "kafka_tool: produce: %s\n", rd_kafka_err2str(e));
        return 1;
      }
      break;
    }
    ++n;
    rd_kafka_poll(rk, 0);
    if (rate > 0) {
      const auto due = start + std::chrono::duration<double>(n / rate);
      if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
    }
  }
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 50);
  rd_kafka_destroy(rk);
  std::printf("produced %ld\n", delivered.load());
  return failed > 0 || delivered != n ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  if (std::strcmp(argv[1], "broker") == 0) return Broker(argc, argv);
  if (std::strcmp(argv[1], "produce") == 0) return Produce(argc, argv);
  return Usage();
}
