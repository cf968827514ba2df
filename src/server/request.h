// The parts of an HTTP request and response that handlers see, and the request-level work done before a
// handler runs: splitting and decoding the target, decoding a gzip body within a limit, and reading the
// credentials a request presents. Pure functions of their input, so the fuzz_http target covers them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include "common/status.h"

namespace aurora::server {

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;                                        // decoded, without the query string
  std::vector<std::pair<std::string, std::string>> query;  // decoded parameters, in order
  boost::beast::http::fields headers;
  std::string body;    // decoded (gzip undone)
  std::string remote;  // the client's address
  bool tls = false;

  // The first parameter called `name`, or nullptr.
  const std::string* Param(std::string_view name) const;
  std::string_view Header(std::string_view name) const;
};

// A response body that another thread produces at its own pace, for as long as it likes (server-sent
// events). The connection sends what is queued as it arrives and waits without holding a thread; when
// nothing has been queued for heartbeat_ms it sends `heartbeat` (so that a client that went away is
// noticed). It ends when the producer calls Close, or when the client goes away or falls more than
// kMaxPending bytes behind; Send then answers false and the producer should stop.
// Thread-safe.
class PushChannel {
 public:
  static constexpr size_t kMaxPending = 8 << 20;

  explicit PushChannel(std::string heartbeat = {}, uint32_t heartbeat_ms = 15'000)
      : heartbeat_(std::move(heartbeat)), heartbeat_ms_(heartbeat_ms) {}

  // Queues `piece`; false once the response has ended.
  bool Send(std::string_view piece);
  // Ends the response after what is queued.
  void Close();
  // The response has ended (closed, or the client went away).
  bool ended() const;

  // For the connection: takes what is queued; `closed` tells whether the producer has closed.
  void Take(std::string* out, bool* closed);
  // For the connection: `wake` is called (from the producer's thread) when something is queued or the
  // channel closes.
  void SetWaker(std::function<void()> wake);
  // For the connection: the client went away.
  void Abandon();
  const std::string& heartbeat() const { return heartbeat_; }
  uint32_t heartbeat_ms() const { return heartbeat_ms_; }

 private:
  const std::string heartbeat_;
  const uint32_t heartbeat_ms_;
  mutable std::mutex mu_;
  std::string pending_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::function<void()> wake_;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body continues with what this appends to `out` (it may block until it has something),
  // called until it returns kEnd or kAbort; the response is then sent with chunked transfer encoding, a
  // piece per call. kAbort: what was appended is sent, then the connection closes without the last
  // chunk, so that the client sees a cut-short response rather than a whole one.
  enum class Step { kMore, kEnd, kAbort };
  std::function<Step(std::string* out)> stream;
  // When set (and `stream` is not), the body is `body` followed by what the channel's producer sends.
  std::shared_ptr<PushChannel> push;
};

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

// Splits a request target ("/v1/sql?format=JSON&x=%20") into its decoded path and parameters.
void ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query);

// Percent-decodes a URL component ('+' is a space in a query string).
std::string UrlDecode(std::string_view s, bool plus_is_space);

// Decodes a gzip or zlib/deflate body, refusing to produce more than `limit` bytes.
Result<std::string> Inflate(std::string_view data, uint64_t limit);
// gzip-encodes `data`.
std::string Gzip(std::string_view data);

// What a request presents as credentials: Authorization Basic (user and password) or Bearer (a token);
// on the API port also the web app's session cookie (a token); on the ClickHouse port also
// X-ClickHouse-User / X-ClickHouse-Key or user / password parameters.
struct Credentials {
  enum Kind : uint8_t { kNone, kPassword, kToken } kind = kNone;
  std::string user;
  std::string secret;        // the password or the token
  bool from_cookie = false;  // the token came from the session cookie
};

// The web app's session cookie: its value is a token (docs/api.md, "Web app sessions").
inline constexpr std::string_view kSessionCookie = "aurora_session";
// The value of cookie `name` in the request's Cookie headers, or empty.
std::string CookieValue(const HttpRequest& req, std::string_view name);
// kUnauthenticated for a malformed Authorization header.
Result<Credentials> ParseCredentials(const HttpRequest& req, bool clickhouse);

}  // namespace aurora::server
