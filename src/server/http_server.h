// HttpServer: HTTP/1.1 (optionally over TLS) on Boost.Beast/Asio, one listener per port.
//
// Each connection is a C++20 coroutine on its own strand, so an idle or slow connection costs no thread.
// A request is read with limits (header bytes: 431, body bytes: 413 — checked against Content-Length
// before the body is read, and again while it arrives) and deadlines (the header must arrive within
// header_timeout of the previous response, the body within body_timeout; a client that trickles bytes is
// disconnected). `Expect: 100-continue` is answered. A `Content-Encoding: gzip` (or deflate) body is
// decoded, within the body limit. Keep-alive follows the client.
//
// The handler runs synchronously on the connection's thread (the pool's threads block in statements and
// WAL fsyncs; the pool size is the number of requests served at once). Its HttpResponse either carries
// the whole body or a `stream` callback that produces it piece by piece; a streamed body goes out with
// chunked transfer encoding as the pieces are produced.
//
// Shutdown: StopAccepting() closes the listener; Drain() makes every connection close after the
// response in progress and closes the ones waiting for a request. active_requests() tells when the
// requests in flight have finished.
//
// Thread-safe: the public methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/status.h"
#include "server/request.h"

namespace aurora::server {

struct HttpServerOptions {
  std::string name;  // for logs: "api", "clickhouse"
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  uint64_t max_body_bytes = 256ull << 20;
  uint64_t max_header_bytes = 1ull << 20;
  uint32_t header_timeout_ms = 30'000;
  uint32_t body_timeout_ms = 300'000;
  boost::asio::ssl::context* tls = nullptr;  // TLS only, when set
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();

  // Binds and listens; port 0 picks a free port (port() tells which).
  Status Listen();
  uint16_t port() const { return port_; }
  // Starts accepting connections (on the io_context's threads).
  void Start();

  void StopAccepting();
  void Drain();
  int64_t active_requests() const { return active_requests_.load(); }
  int64_t open_connections() const { return open_connections_.load(); }

 private:
  struct Connection;
  template <typename Stream>
  friend class Session;

  boost::asio::io_context& io_;
  const HttpServerOptions options_;
  const HttpHandler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> active_requests_{0};
  std::atomic<int64_t> open_connections_{0};
  std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;  // for Drain
};

}  // namespace aurora::server
