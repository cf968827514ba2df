// HTTP ingestion load generator: the standard workload (EventGenerator, NDJSON) POSTed to an HTTP endpoint,
// Aurora's /v1/events or ClickHouse's `INSERT ... FORMAT JSONEachRow`, by synchronous keep-alive clients.
// Prints one JSON line of results on stdout; bench/ingest_http.sh runs it against both systems.
//
// throughput  Pre-generates --events events (not timed) as NDJSON cut at line boundaries into bodies of
//             about --body-bytes, then --clients connections POST all bodies (each takes the next body
//             not yet sent). The clock runs from the first send to the last answer. Every answer must be
//             200; with --expect-rows the answers' "rows" fields must add up to the events sent.
//             Prints events, seconds, events_per_s, bytes, requests and the per-request latency p50/p99.
//             --warmup-events sends one small batch of other events first (not timed, not counted), so
//             that a table created from its first batch exists before the clock starts.
//
// freshness   Sends --rate events/s for --seconds in batches every --interval-ms, round-robin over
//             --senders connections (each sender's requests are in order). Batch b is scheduled at
//             start + b * interval; its events carry "seq": b + 1 as their first field. A reader polls
//             --query-target with `SELECT (seq - 1) % S AS k, max(seq) ... GROUP BY k` as fast as it can
//             and notes when each sender's max(seq) first reached each batch. For each batch:
//             freshness = completion of the first poll that saw it - its scheduled send time, so a sender
//             that falls behind its schedule counts against the system. Prints the achieved rate and the
//             freshness p50/p95/p99/max in ms (batches never seen count as missing), and its parts: the
//             requests' time, the senders' lag (and how much of it was waiting for the sender's previous
//             answer) and the polls' own time.
//
//   http_ingest throughput --port 8080 --target '/v1/events?table=events&wait=true'
//       --header 'Authorization: Basic YWRtaW46c2VjcmV0' --expect-rows
//   http_ingest freshness --port 8080 --target '/v1/events?table=fresh&wait=true' --query-port 8080
//       --query-target /v1/sql --query-table fresh --header 'Authorization: Basic YWRtaW46c2VjcmV0'
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench_http.h"
#include "sources/event_generator.h"

namespace {

using namespace aurora::bench;  // NOLINT: the bench tools' shared helpers

// `n` events as NDJSON cut at line boundaries into bodies of about `body_bytes`; `seq` (when set) is
// written as the first field of every line.
std::vector<std::string> MakeBodies(aurora::sources::EventGenerator& gen, uint64_t n, size_t body_bytes,
                                    std::optional<uint64_t> seq = std::nullopt) {
  std::vector<std::string> bodies;
  std::string lines;
  const uint64_t kStep = 4096;
  for (uint64_t done = 0; done < n;) {
    uint64_t k = std::min(kStep, n - done);
    lines.clear();
    gen.NextNdjson(k, &lines);
    done += k;
    if (bodies.empty() || bodies.back().size() >= body_bytes) {
      bodies.emplace_back();
      bodies.back().reserve(std::min<size_t>(body_bytes, 64 << 20) + lines.size());
    }
    if (!seq) {
      bodies.back() += lines;
      continue;
    }
    std::string prefix = fmt::format("{{\"seq\":{},", *seq);
    for (size_t pos = 0; pos < lines.size();) {
      size_t end = lines.find('\n', pos) + 1;
      bodies.back() += prefix;
      bodies.back().append(lines, pos + 1, end - pos - 1);  // the line without its '{'
      pos = end;
    }
  }
  return bodies;
}

uint64_t RowsOf(const std::string& answer) {
  auto j = nlohmann::json::parse(answer, nullptr, false);
  return j.is_object() && j.contains("rows") && j["rows"].is_number() ? j["rows"].get<uint64_t>() : 0;
}

int Throughput(const Endpoint& endpoint, const std::string& target, uint64_t events, size_t body_bytes,
               int clients, uint64_t warmup_events, bool expect_rows) {
  aurora::sources::EventGenerator gen({.seed = 42, .rows = events});
  std::vector<std::string> bodies = MakeBodies(gen, events, body_bytes);
  uint64_t bytes = 0;
  for (const auto& b : bodies) bytes += b.size();
  if (warmup_events > 0) {
    aurora::sources::EventGenerator warm({.seed = 7, .rows = warmup_events});
    Connection conn(endpoint);
    std::string answer;
    for (const auto& b : MakeBodies(warm, warmup_events, body_bytes)) {
      unsigned status = conn.Post(target, b, &answer);
      if (status != 200) {
        fmt::print(stderr, "http_ingest: warm-up batch answered {}: {}\n", status, answer.substr(0, 500));
        return 1;
      }
    }
  }

  std::atomic<size_t> next{0};
  std::atomic<uint64_t> rows{0};
  std::atomic<int> failures{0};
  std::mutex mu;
  std::vector<double> latencies;
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      Connection conn(endpoint);
      std::string answer;
      std::vector<double> mine;
      for (size_t i; (i = next.fetch_add(1)) < bodies.size();) {
        auto s = Clock::now();
        unsigned status = 0;
        try {
          status = conn.Post(target, bodies[i], &answer);
        } catch (const std::exception& e) {
          answer = e.what();
        }
        mine.push_back(Seconds(Clock::now() - s) * 1e3);
        if (status != 200) {
          if (failures.fetch_add(1) < 5)
            fmt::print(stderr, "http_ingest: body {} answered {}: {}\n", i, status, answer.substr(0, 500));
          continue;
        }
        if (expect_rows) rows += RowsOf(answer);
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  double seconds = Seconds(Clock::now() - t0);
  if (expect_rows && rows != events) {
    fmt::print(stderr, "http_ingest: the answers count {} rows, {} were sent\n", rows.load(), events);
    failures++;
  }
  fmt::print(
      "{{\"mode\":\"throughput\",\"events\":{},\"seconds\":{:.3f},\"events_per_s\":{:.0f},\"bytes\":{},"
      "\"requests\":{},\"clients\":{},\"failures\":{},\"latency_ms_p50\":{:.1f},\"latency_ms_p99\":{:.1f}}}"
      "\n",
      events, seconds, static_cast<double>(events) / seconds, bytes, bodies.size(), clients, failures.load(),
      Percentile(latencies, 0.5), Percentile(latencies, 0.99));
  return failures == 0 ? 0 : 1;
}

int Freshness(const Endpoint& endpoint, const std::string& target, const Endpoint& query_endpoint,
              const std::string& query_target, const std::string& table, uint64_t rate, double seconds,
              int interval_ms, int senders) {
  const uint64_t per_batch = std::max<uint64_t>(1, rate * static_cast<uint64_t>(interval_ms) / 1000);
  const uint64_t batches = static_cast<uint64_t>(seconds * 1000 / interval_ms);
  // Every batch is made before the clock starts, so generating events never delays a send.
  aurora::sources::EventGenerator gen({.seed = 42, .rows = per_batch * (batches + 1)});
  std::vector<std::string> bodies;
  for (uint64_t b = 0; b <= batches; ++b)
    bodies.push_back(std::move(MakeBodies(gen, per_batch, SIZE_MAX, b)[0]));
  {  // Batch 0 (seq 0) creates the table where the first batch does so; not measured.
    Connection conn(endpoint);
    std::string answer;
    if (unsigned status = conn.Post(target, bodies[0], &answer); status != 200) {
      fmt::print(stderr, "http_ingest: first batch answered {}: {}\n", status, answer.substr(0, 500));
      return 1;
    }
  }

  // seen[b] = when a poll first showed batch b (seq b) visible, as seconds since start.
  std::vector<double> seen(batches + 1, -1);
  std::atomic<bool> sending_done{false};
  std::atomic<int> failures{0};
  std::atomic<uint64_t> polls{0};
  std::vector<double> poll_ms;  // written by the reader only
  // One sender's batches become visible in order, so max(seq) tells them all; several senders' may not,
  // so then each sender's max counts only for its own batches.
  const std::string sql =
      senders == 1 ? fmt::format("SELECT 0, max(seq) FROM {} FORMAT TabSeparated", table)
                   : fmt::format(
                         "SELECT toUInt64((seq - 1) % {}) AS k, max(seq) FROM {} WHERE seq > 0 GROUP BY k "
                         "FORMAT TabSeparated",
                         senders, table);
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  auto scheduled = [&](uint64_t b) { return start + std::chrono::milliseconds(interval_ms) * (b - 1); };

  std::thread reader([&] {
    std::this_thread::sleep_until(start);  // a poll before the first send could only see an old table
    Connection conn(query_endpoint);
    std::string answer;
    std::vector<uint64_t> next_unseen(senders, 0);  // per sender: index of its first batch not yet seen
    for (int k = 0; k < senders; ++k) next_unseen[k] = static_cast<uint64_t>(k) + 1;
    std::optional<Clock::time_point> drain_until;
    while (true) {
      if (sending_done && !drain_until) drain_until = Clock::now() + std::chrono::seconds(2);
      if (drain_until && Clock::now() > *drain_until) break;
      unsigned status = 0;
      auto poll_start = Clock::now();
      try {
        status = conn.Post(query_target, sql, &answer);
      } catch (const std::exception& e) {
        answer = e.what();
      }
      double t = Seconds(Clock::now() - start);
      poll_ms.push_back(Seconds(Clock::now() - poll_start) * 1e3);
      polls++;
      if (status != 200) {
        if (failures.fetch_add(1) < 5)
          fmt::print(stderr, "http_ingest: poll answered {}: {}\n", status, answer);
        continue;
      }
      bool all_seen = true;
      for (size_t pos = 0; pos < answer.size();) {
        size_t end = answer.find('\n', pos);
        if (end == std::string::npos) end = answer.size();
        uint64_t k = 0, max_seq = 0;
        if (std::sscanf(answer.c_str() + pos, "%lu\t%lu", &k, &max_seq) == 2 && k < next_unseen.size()) {
          for (uint64_t& b = next_unseen[k]; b <= std::min(max_seq, batches); b += senders) seen[b] = t;
        }
        pos = end + 1;
      }
      for (uint64_t b : next_unseen) all_seen = all_seen && b > batches;
      if (all_seen && sending_done) break;
    }
  });

  // Per batch, to tell the parts of the freshness apart: how late its request started (lag), the part of
  // that lag spent waiting for the sender's previous request to be answered (busy; the rest is the
  // sending thread waking up late), and how long the request took.
  std::vector<double> lag_ms(batches + 1), busy_ms(batches + 1), request_ms(batches + 1);
  std::vector<std::thread> threads;
  for (int k = 0; k < senders; ++k) {
    threads.emplace_back([&, k] {
      Connection conn(endpoint);
      std::string answer;
      Clock::time_point previous_answer{};
      for (uint64_t b = static_cast<uint64_t>(k) + 1; b <= batches; b += senders) {
        std::this_thread::sleep_until(scheduled(b));
        auto sent = Clock::now();
        lag_ms[b] = Seconds(sent - scheduled(b)) * 1e3;
        busy_ms[b] = std::max(0.0, Seconds(previous_answer - scheduled(b)) * 1e3);
        unsigned status = 0;
        try {
          status = conn.Post(target, bodies[b], &answer);
        } catch (const std::exception& e) {
          answer = e.what();
        }
        previous_answer = Clock::now();
        request_ms[b] = Seconds(previous_answer - sent) * 1e3;
        if (status != 200 && failures.fetch_add(1) < 5)
          fmt::print(stderr, "http_ingest: batch {} answered {}: {}\n", b, status, answer.substr(0, 500));
      }
    });
  }
  for (auto& t : threads) t.join();
  double send_seconds = Seconds(Clock::now() - start);
  sending_done = true;
  reader.join();

  std::vector<double> ms;
  uint64_t missing = 0;
  for (uint64_t b = 1; b <= batches; ++b) {
    if (seen[b] < 0) {
      missing++;
      continue;
    }
    ms.push_back(std::max(0.0, seen[b] - Seconds(scheduled(b) - start)) * 1e3);
  }
  double max_ms = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
  fmt::print(
      "{{\"mode\":\"freshness\",\"target_events_per_s\":{},\"events_per_s\":{:.0f},\"batches\":{},"
      "\"events_per_batch\":{},\"senders\":{},\"polls\":{},\"missing\":{},\"failures\":{},"
      "\"freshness_ms_p50\":{:.1f},\"freshness_ms_p95\":{:.1f},\"freshness_ms_p99\":{:.1f},"
      "\"freshness_ms_max\":{:.1f},\"request_ms_p50\":{:.1f},\"request_ms_p99\":{:.1f},"
      "\"send_lag_ms_p99\":{:.1f},\"send_busy_ms_p99\":{:.1f},\"poll_ms_p50\":{:.1f},\"poll_ms_p99\":{:.1f}}}"
      "\n",
      rate, static_cast<double>(per_batch * batches) / send_seconds, batches, per_batch, senders,
      polls.load(), missing, failures.load(), Percentile(ms, 0.5), Percentile(ms, 0.95), Percentile(ms, 0.99),
      max_ms, Percentile(request_ms, 0.5), Percentile(request_ms, 0.99), Percentile(lag_ms, 0.99),
      Percentile(busy_ms, 0.99), Percentile(poll_ms, 0.5), Percentile(poll_ms, 0.99));
  return failures == 0 && missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTP ingestion load generator (throughput and freshness)"};
  app.require_subcommand(1);
  Endpoint endpoint, query_endpoint;
  std::string target, query_target = "/v1/sql", query_table = "events";
  std::vector<std::string> headers;
  uint64_t events = 1'000'000, warmup_events = 0, rate = 100'000;
  size_t body_bytes = 4 << 20;
  int clients = 4, interval_ms = 10, senders = 4;
  double seconds = 10;
  bool expect_rows = false;
  for (CLI::App* sub : {app.add_subcommand("throughput", "events/s of concurrent clients sending big bodies"),
                        app.add_subcommand("freshness", "time from send to visible at a fixed rate")}) {
    sub->add_option("--host", endpoint.host, "server address")->capture_default_str();
    sub->add_option("--port", endpoint.port, "server port")->required();
    sub->add_option("--target", target, "request target of the inserts (path and query string)")->required();
    sub->add_option("--header", headers, "'Name: value' sent with every request (repeatable)");
  }
  CLI::App* tp = app.get_subcommand("throughput");
  tp->add_option("--events", events, "events to send")->capture_default_str();
  tp->add_option("--body-bytes", body_bytes, "approximate body size")->capture_default_str();
  tp->add_option("--clients", clients, "concurrent connections")->capture_default_str();
  tp->add_option("--warmup-events", warmup_events, "events sent before the clock starts")
      ->capture_default_str();
  tp->add_flag("--expect-rows", expect_rows, "check that the answers' \"rows\" add up to --events");
  CLI::App* fr = app.get_subcommand("freshness");
  fr->add_option("--rate", rate, "events per second")->capture_default_str();
  fr->add_option("--seconds", seconds, "duration of the sending")->capture_default_str();
  fr->add_option("--interval-ms", interval_ms, "time between batches")->capture_default_str();
  fr->add_option("--senders", senders, "sending connections")->capture_default_str();
  fr->add_option("--query-port", query_endpoint.port, "port taking SQL in a POST body")->required();
  fr->add_option("--query-target", query_target, "request target of the polls")->capture_default_str();
  fr->add_option("--query-table", query_table, "table the polls read")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  for (const auto& h : headers) {
    size_t colon = h.find(':');
    if (colon == std::string::npos) {
      fmt::print(stderr, "http_ingest: --header takes 'Name: value', not '{}'\n", h);
      return 2;
    }
    endpoint.headers.emplace_back(h.substr(0, colon), h.substr(h.find_first_not_of(' ', colon + 1)));
  }
  query_endpoint.host = endpoint.host;
  query_endpoint.headers = endpoint.headers;
  try {
    if (tp->parsed())
      return Throughput(endpoint, target, events, body_bytes, clients, warmup_events, expect_rows);
    return Freshness(endpoint, target, query_endpoint, query_target, query_table, rate, seconds, interval_ms,
                     senders);
  } catch (const std::exception& e) {
    fmt::print(stderr, "http_ingest: {}\n", e.what());
    return 1;
  }
}
