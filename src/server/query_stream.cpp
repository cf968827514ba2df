// RunStreaming: a statement's rows go out in the HTTP response as the executor produces them.
//
// The statement runs on a thread of its own. Its ResultSink formats each chunk of rows into text and
// queues it for the connection, which takes the text out as it writes; when the queue holds
// kMaxQueuedBytes the executor's workers wait, so a slow client slows the query instead of the server
// holding the result. The formatted text is made outside the query's memory accounting (it is freed by the
// connection's thread), and the chunks it came from are freed as soon as they are formatted, so a result
// of any size passes through a query's max_memory_usage.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/memory_tracker.h"
#include "formats/format_writer.h"
#include "server/server.h"

namespace aurora::server {

namespace {

// The response starts streaming once this much output is ready, or once the first rows have waited
// kStreamAfter for the statement to end; until then the statement may still end with an error status.
constexpr size_t kStreamAfterBytes = 256u << 10;
constexpr auto kStreamAfter = std::chrono::milliseconds(100);
// Output queued at most; the workers wait beyond it.
constexpr size_t kMaxQueuedBytes = 4u << 20;

struct Pipe {
  Database* db = nullptr;
  std::string query_id;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> pieces;
  size_t queued_bytes = 0;
  bool started = false;  // rows were queued (at `first_rows`)
  std::chrono::steady_clock::time_point first_rows;
  bool ended = false;  // the statement ended; `result` holds how
  bool gone = false;   // the response was dropped (the client went away)
  std::optional<Result<QueryResult>> result;
  std::unique_ptr<formats::FormatWriter> writer;
  formats::Format format{};
  std::string prefix;
  std::thread thread;

  ~Pipe() {
    bool cancel = false;
    {
      std::lock_guard lock(mu);
      gone = true;
      cancel = started && !ended;
    }
    cv.notify_all();
    // The sink refuses rows from now on, and a cancelled query ends at its next check.
    if (cancel) db->Cancel(query_id);
    if (thread.joinable()) thread.join();
  }

  // Queues text for the connection, waiting while the queue is full. False when the client is gone.
  bool Push(std::string text) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return gone || queued_bytes < kMaxQueuedBytes; });
    if (gone) return false;
    queued_bytes += text.size();
    pieces.push_back(std::move(text));
    if (!started) first_rows = std::chrono::steady_clock::now();
    started = true;
    lock.unlock();
    cv.notify_all();
    return true;
  }
};

}  // namespace

StreamedQuery RunStreaming(Database& db, std::string sql, QueryOptions options, StreamOptions stream) {
  if (options.query_id.empty()) options.query_id = NewQueryId();
  auto pipe = std::make_shared<Pipe>();
  pipe->db = &db;
  pipe->query_id = options.query_id;
  Pipe* p = pipe.get();
  auto sink = std::make_shared<ResultSink>();
  const std::string requested = stream.format;
  sink->begin = [p, requested](const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
                               const std::string& format) -> Status {
    AURORA_ASSIGN_OR_RETURN(p->format, formats::OutputFormat(format.empty() ? requested : format));
    MemoryTracker::Scope untracked(nullptr);
    AURORA_ASSIGN_OR_RETURN(p->writer, formats::FormatWriter::Make(p->format, names, types));
    p->writer->WritePrefix(&p->prefix);  // sent with the first rows
    return Status::OK();
  };
  sink->rows = [p](const Chunk& rows) -> Status {
    std::string text;
    text.swap(p->prefix);
    {
      MemoryTracker::Scope untracked(nullptr);
      p->writer->WriteChunk(rows, &text);
    }
    if (!p->Push(std::move(text))) return AURORA_ERROR(kAborted, "the client closed the connection");
    return Status::OK();
  };
  options.sink = sink.get();
  auto on_end = stream.on_end;
  pipe->thread = std::thread([p, &db, sql = std::move(sql), options, sink, on_end] {
    Result<QueryResult> r = db.Execute(sql, options);
    if (on_end) on_end(r);
    {
      std::lock_guard lock(p->mu);
      p->result = std::move(r);
      p->ended = true;
    }
    p->cv.notify_all();
  });

  // Wait for the statement to end, or for enough rows, or for rows that waited long enough, to start
  // streaming; a small result goes out whole, with its real status and a Content-Length.
  StreamedQuery out;
  out.query_id = options.query_id;
  {
    std::unique_lock lock(p->mu);
    while (!p->ended && p->queued_bytes < kStreamAfterBytes) {
      if (!p->started) {
        p->cv.wait(lock);
      } else if (p->cv.wait_until(lock, p->first_rows + kStreamAfter) == std::cv_status::timeout) {
        break;
      }
    }
    if (p->ended) {
      lock.unlock();
      p->thread.join();
      out.result = std::move(*p->result);
      if (!out.result.ok() || !p->started) return out;
      HttpResponse r;
      r.content_type = std::string(formats::ContentType(p->format));
      for (const auto& piece : p->pieces) r.body += piece;
      WriteResultEnd(*p->writer, *out.result, &r.body);
      out.format = p->format;
      out.response = std::move(r);
      return out;
    }
  }
  out.streaming = true;
  out.format = p->format;
  out.response.emplace();
  out.response->content_type = std::string(formats::ContentType(p->format));
  auto error_text = stream.error_text;
  out.response->stream = [pipe, error_text](std::string* body) {
    Pipe& q = *pipe;
    std::unique_lock lock(q.mu);
    q.cv.wait(lock, [&] { return !q.pieces.empty() || q.ended; });
    if (!q.pieces.empty()) {
      // Everything queued so far goes out in one write.
      while (!q.pieces.empty()) {
        q.queued_bytes -= q.pieces.front().size();
        if (body->empty())
          body->swap(q.pieces.front());
        else
          *body += q.pieces.front();
        q.pieces.pop_front();
      }
      lock.unlock();
      q.cv.notify_all();
      return HttpResponse::Step::kMore;
    }
    lock.unlock();
    q.thread.join();
    const Result<QueryResult>& r = *q.result;
    if (!r.ok()) {
      *body += error_text(r.status());
      return HttpResponse::Step::kAbort;
    }
    WriteResultEnd(*q.writer, *r, body);
    return HttpResponse::Step::kEnd;
  };
  return out;
}

}  // namespace aurora::server
