#include "server/live_query.h"

#include <absl/time/civil_time.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "server/server.h"
#include "types/text_format.h"

namespace aurora::server {

namespace {

// The JSON of a failed run: {"code":"...","message":"..."}.
std::string ErrorObject(const Status& status) {
  std::string body = ErrorJson(status);  // {"error":{...}}
  const size_t open = body.find(':');
  return body.substr(open + 1, body.size() - open - 2);
}

// `json` as the data lines of one server-sent event.
std::string Event(std::string_view name, std::string_view json) {
  std::string out = fmt::format("event: {}\n", name);
  size_t start = 0;
  while (start <= json.size()) {
    size_t end = json.find('\n', start);
    if (end == std::string_view::npos) end = json.size();
    if (end > start) {
      out += "data: ";
      out.append(json.substr(start, end - start));
      out += '\n';
    }
    start = end + 1;
  }
  out += '\n';
  return out;
}

}  // namespace

Result<int64_t> ResolveTime(std::string_view text, int64_t now_ms) {
  if (text == "now") return now_ms;
  if (text.substr(0, 4) == "now-") {
    std::string_view n = text.substr(4);
    if (n.size() >= 2 && n.size() <= 8) {
      int64_t amount = 0;
      bool digits = true;
      for (char c : n.substr(0, n.size() - 1)) {
        if (c < '0' || c > '9') digits = false;
        amount = amount * 10 + (c - '0');
      }
      int64_t unit = 0;
      switch (n.back()) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60'000;
          break;
        case 'h':
          unit = 3'600'000;
          break;
        case 'd':
          unit = 86'400'000;
          break;
        case 'w':
          unit = 7 * 86'400'000LL;
          break;
        default:
          break;
      }
      if (digits && unit) return now_ms - amount * unit;
    }
  } else {
    int64_t seconds = 0, nanos = 0;
    if (text.size() >= 10 && ParseDateTimeText(text, "", &seconds, &nanos))
      return seconds * 1000 + nanos / 1'000'000;
  }
  return AURORA_ERROR(
      kInvalidArgument,
      "'{}' is not a time: use now, now-<N><s|m|h|d|w> (e.g. now-15m) or YYYY-MM-DD hh:mm:ss (UTC)", text);
}

bool IsRelativeTime(std::string_view text) {
  return text.substr(0, 3) == "now";
}

std::string FormatDateTimeUtc(int64_t ms) {
  const absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMillis(ms), absl::UTCTimeZone());
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", cs.year(), cs.month(), cs.day(), cs.hour(),
                     cs.minute(), cs.second());
}

LiveHub::LiveHub(Database& db, Clock& clock, size_t workers) : db_(db), clock_(clock) {
  loop_ = std::thread([this] { Loop(); });
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

LiveHub::~LiveHub() {
  Stop();
}

void LiveHub::Stop() {
  std::list<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(mu_);
    if (stop_ && !loop_.joinable()) return;
    stop_ = true;
    subs.swap(subs_);
  }
  cv_.notify_all();
  work_cv_.notify_all();
  for (auto& s : subs) s->channel->Close();
  if (loop_.joinable()) loop_.join();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
}

size_t LiveHub::subscriptions() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

Result<std::shared_ptr<PushChannel>> LiveHub::Subscribe(LiveRequest request) {
  const int64_t now = clock_.NowMillis();
  AURORA_ASSIGN_OR_RETURN(int64_t from, ResolveTime(request.from, now));
  AURORA_ASSIGN_OR_RETURN(int64_t to, ResolveTime(request.to, now));
  if (from > to)
    return AURORA_ERROR(kInvalidArgument, "the time range ends ({}) before it starts ({})", request.to,
                        request.from);
  auto sub = std::make_shared<Subscription>();
  sub->relative = IsRelativeTime(request.from) || IsRelativeTime(request.to);
  for (const auto& p : request.panels) {
    PanelState st;
    st.panel = p;
    if (auto tables = db_.TablesReadBy(p.sql); tables.ok())
      st.tables = std::move(*tables);
    else
      st.not_select = tables.status();
    sub->panels.push_back(std::move(st));
  }
  sub->request = std::move(request);
  sub->channel = std::make_shared<PushChannel>(": ping\n\n", 15'000);
  {
    std::lock_guard lock(mu_);
    if (stop_) return AURORA_ERROR(kAborted, "the server is shutting down");
    subs_.push_back(sub);
  }
  cv_.notify_all();
  return sub->channel;
}

std::vector<std::pair<const void*, uint64_t>> LiveHub::Versions(const std::vector<std::string>& tables,
                                                                int64_t now_ms) {
  std::vector<std::pair<const void*, uint64_t>> out;
  for (const auto& name : tables) {
    if (name.rfind("system.", 0) == 0) {
      out.emplace_back(nullptr, static_cast<uint64_t>(now_ms / 1000));
      continue;
    }
    auto t = db_.catalog().GetTable(name);
    if (t.ok())
      out.emplace_back(t->get(), (*t)->data_version());
    else
      out.emplace_back(nullptr, 0);
  }
  return out;
}

void LiveHub::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(kTickMs));
    if (stop_) break;
    const int64_t now = clock_.NowMillis();
    for (auto it = subs_.begin(); it != subs_.end();) {
      std::shared_ptr<Subscription> sub = *it;
      if (sub->channel->ended()) {
        it = subs_.erase(it);
        continue;
      }
      for (size_t i = 0; i < sub->panels.size(); ++i) {
        PanelState& p = sub->panels[i];
        if (p.running) continue;
        bool due = !p.ran;
        if (!due && now - p.last_run_ms >= kMinIntervalMs) {
          due = (sub->relative && now - p.last_run_ms >= kRelativeRefreshMs) ||
                (!p.tables.empty() && Versions(p.tables, now) != p.versions);
        }
        if (!due) continue;
        p.running = true;
        work_.emplace_back([this, sub, i] { RunPanel(sub, i); });
      }
      ++it;
    }
    if (!work_.empty()) work_cv_.notify_all();
  }
}

void LiveHub::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stop_ || !work_.empty(); });
    if (stop_) return;
    std::function<void()> task = std::move(work_.front());
    work_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

void LiveHub::RunPanel(const std::shared_ptr<Subscription>& sub, size_t index) {
  LivePanel panel;
  std::vector<std::string> tables;
  Status not_select;
  {
    std::lock_guard lock(mu_);
    panel = sub->panels[index].panel;
    tables = sub->panels[index].tables;
    not_select = sub->panels[index].not_select;
  }
  const int64_t now = clock_.NowMillis();
  // Taken before the query runs, so that a change made while it runs triggers another run.
  auto versions = Versions(tables, now);
  const LiveRequest& r = sub->request;
  QueryOptions options;
  options.principal = r.principal;
  options.params = r.params;
  // Checked at Subscribe; `now` moved since, but the grammar did not change.
  auto from = ResolveTime(r.from, now);
  auto to = ResolveTime(r.to, now);
  options.params["from"] = FormatDateTimeUtc(from.ok() ? *from : now);
  options.params["to"] = FormatDateTimeUtc(to.ok() ? *to : now);
  options.settings = {{"max_result_rows", "10000"}, {"max_execution_time", "30"}};
  // Only a SELECT runs: a panel never changes data, whatever its SQL says.
  Result<QueryResult> result =
      not_select.ok() ? db_.Execute(panel.sql, options) : Result<QueryResult>(not_select);
  std::string payload = fmt::format(R"({{"panel":{},"at_ms":{},)", nlohmann::json(panel.id).dump(), now);
  Result<std::string> text = result.ok() ? JsonCompactText(*result) : Result<std::string>(result.status());
  if (text.ok())
    payload += R"("result":)" + *text;
  else
    payload += R"("error":)" + ErrorObject(text.status());
  payload += "}";
  // The writer lays JSON out over lines; whitespace outside strings is all it adds (inside strings, tabs
  // and newlines are escaped), so dropping it leaves one line of the same JSON.
  std::erase_if(payload, [](char c) { return c == '\n' || c == '\t'; });
  sub->channel->Send(Event("panel", payload));
  std::lock_guard lock(mu_);
  PanelState& p = sub->panels[index];
  p.versions = std::move(versions);
  p.last_run_ms = now;
  p.ran = true;
  p.running = false;
}

}  // namespace aurora::server
