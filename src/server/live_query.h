// Live dashboard panels: LiveHub runs each subscribed panel's SELECT as its viewer and pushes the result as
// a server-sent event, then again whenever a table the panel reads changes (storage::Table::data_version),
// at most once per second per panel; with a time range relative to now, also every 30 s, as the window
// moves. The browser never polls: GET /v1/dashboards/ID/live holds one connection per open dashboard,
// which costs no thread while it waits (PushChannel).
//
// Events:
//   event: panel
//   data: {"panel":"p1","at_ms":1732500000000,"result":{JSONCompact: meta, data, rows, statistics}}
// or, when the panel's query failed, "error":{"code","message"} instead of "result". A comment line is
// sent every 15 s of silence, so that a client that went away is noticed.
//
// The hub's thread looks at the subscriptions every 100 ms and hands the panels that are due to a few
// worker threads; a panel never runs twice at once. Subscriptions end when their client goes away or
// Stop is called (server shutdown).
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/database.h"
#include "server/request.h"

namespace aurora::server {

// A time in the dashboards' grammar, as milliseconds since the epoch: "now", "now-<N><s|m|h|d|w>"
// (e.g. "now-15m"), or an absolute "YYYY-MM-DD hh:mm:ss" in UTC. kInvalidArgument otherwise.
Result<int64_t> ResolveTime(std::string_view text, int64_t now_ms);
// Whether `text` is relative to now.
bool IsRelativeTime(std::string_view text);
// "YYYY-MM-DD hh:mm:ss" in UTC: the text of a {from:DateTime} parameter.
std::string FormatDateTimeUtc(int64_t ms);

struct LivePanel {
  std::string id;
  std::string sql;
};

struct LiveRequest {
  std::shared_ptr<const security::Principal> principal;  // the viewer: queries run with their rights
  std::vector<LivePanel> panels;
  std::string from = "now-1h", to = "now";    // the time range: {from:DateTime}, {to:DateTime}
  std::map<std::string, std::string> params;  // the variables' values: {NAME:Type}
};

class LiveHub {
 public:
  LiveHub(Database& db, Clock& clock, size_t workers = 2);
  ~LiveHub();

  // Checks the time range (kInvalidArgument) and starts pushing the panels' results into the returned
  // channel, whose response body the connection sends.
  Result<std::shared_ptr<PushChannel>> Subscribe(LiveRequest request);
  // Ends every subscription and stops the threads; Subscribe fails afterwards.
  void Stop();
  size_t subscriptions() const;

  static constexpr int64_t kMinIntervalMs = 1000;        // per panel, between two runs
  static constexpr int64_t kRelativeRefreshMs = 30'000;  // per panel, when the range moves with now
  static constexpr int64_t kTickMs = 100;

 private:
  struct PanelState {
    LivePanel panel;
    std::vector<std::string> tables;  // what it reads
    Status not_select;                // when its SQL is not one SELECT: the error it shows, and it never runs
    std::vector<std::pair<const void*, uint64_t>> versions;  // of `tables` when it last ran
    int64_t last_run_ms = 0;
    bool ran = false;
    bool running = false;
  };
  struct Subscription {
    LiveRequest request;
    std::shared_ptr<PushChannel> channel;
    std::vector<PanelState> panels;
    bool relative = false;
  };

  void Loop();
  void Work();
  // The data versions of `tables` now: (the table object, its data_version); system tables change
  // every second.
  std::vector<std::pair<const void*, uint64_t>> Versions(const std::vector<std::string>& tables,
                                                         int64_t now_ms);
  // Runs one panel and pushes its event.
  void RunPanel(const std::shared_ptr<Subscription>& sub, size_t index);

  Database& db_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes the loop (stop)
  std::condition_variable work_cv_;  // wakes the workers
  bool stop_ = false;
  std::list<std::shared_ptr<Subscription>> subs_;
  std::deque<std::function<void()>> work_;
  std::thread loop_;
  std::vector<std::thread> workers_;
};

}  // namespace aurora::server
