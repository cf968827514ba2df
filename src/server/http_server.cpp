#include "server/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/logging.h"

namespace aurora::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// What Drain needs to reach a connection: its strand and a way to close it while it waits for a
// request. Both fields are touched only on the strand.
struct HttpServer::Connection {
  net::any_io_executor executor;
  std::function<void()> close;
  bool idle = true;
  std::shared_ptr<PushChannel> push;  // while it sends a pushed response
};

namespace {

// Room kept in a connection's read buffer while a request body arrives: the most Beast reads at once.
constexpr size_t kBodyReadBytes = 64 << 10;

HttpRequest MakeRequest(http::request<http::string_body>&& req, std::string remote, bool tls) {
  HttpRequest r;
  r.method = req.method();
  ParseTarget(std::string_view(req.target().data(), req.target().size()), &r.path, &r.query);
  r.body = std::move(req.body());
  r.headers = std::move(req.base());
  r.remote = std::move(remote);
  r.tls = tls;
  return r;
}

template <typename Stream>
tcp::socket& Socket(Stream& s) {
  return beast::get_lowest_layer(s).socket();
}

}  // namespace

// One connection's coroutine. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>.
template <typename Stream>
class Session {
 public:
  Session(HttpServer* server, std::shared_ptr<HttpServer::Connection> conn, bool tls)
      : server_(server), conn_(std::move(conn)), tls_(tls) {}

  net::awaitable<void> Run(Stream& stream) {
    const auto& o = server_->options_;
    auto& lowest = beast::get_lowest_layer(stream);
    beast::error_code ec;
    std::string remote;
    {
      auto ep = Socket(stream).remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    conn_->close = [&lowest] { lowest.cancel(); };
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<uint64_t>(o.max_header_bytes, UINT32_MAX)));
      parser.body_limit(o.max_body_bytes);
      conn_->idle = true;
      if (server_->draining_) break;
      lowest.expires_after(std::chrono::milliseconds(o.header_timeout_ms));
      co_await http::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      conn_->idle = false;
      if (ec) {
        if (ec == http::error::header_limit) {
          co_await Reply(stream, 431,
                         fmt::format("the request line and headers exceed max_header_bytes ({} bytes)",
                                     o.max_header_bytes));
        } else if (ec == http::error::body_limit) {  // a Content-Length over the limit
          co_await Reply(stream, 413,
                         fmt::format("the request body (Content-Length) exceeds max_body_bytes ({} bytes)",
                                     o.max_body_bytes));
        } else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
          co_await Reply(stream, 400, fmt::format("malformed HTTP request: {}", ec.message()));
        }
        break;
      }
      auto content_length = parser.content_length();
      if (content_length && *content_length > o.max_body_bytes) {
        co_await Reply(stream, 413,
                       fmt::format("the request body of {} bytes exceeds max_body_bytes ({} bytes)",
                                   *content_length, o.max_body_bytes));
        break;
      }
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
        co_await http::async_write(stream, cont, net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
      }
      lowest.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
      // Beast reads at most the buffer's free room (at least 512 bytes) at a time, and the buffer was
      // sized by the headers: without room a 4 MB body took ~4,000 reads, each a trip through the strand
      // and the stream's timer that woke other threads (docs/benchmarks.md, "HTTP ingestion").
      if (!parser.is_done()) buffer.reserve(kBodyReadBytes);
      co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == http::error::body_limit)
          co_await Reply(stream, 413,
                         fmt::format("the request body exceeds max_body_bytes ({} bytes)", o.max_body_bytes));
        else if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
                 ec != http::error::partial_message)
          co_await Reply(stream, 400, fmt::format("malformed HTTP request: {}", ec.message()));
        break;
      }
      ++server_->active_requests_;
      bool keep_alive = co_await Handle(stream, parser.release(), remote);
      --server_->active_requests_;
      if (!keep_alive) break;
    }
    conn_->close = nullptr;
    co_await Close(stream);
  }

 private:
  // Runs the handler and writes its response. Returns whether the connection stays open.
  net::awaitable<bool> Handle(Stream& stream, http::request<http::string_body> req,
                              const std::string& remote) {
    const auto& o = server_->options_;
    const unsigned version = req.version();
    bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    HttpRequest request = MakeRequest(std::move(req), remote, tls_);
    HttpResponse res;
    const std::string encoding(request.Header("Content-Encoding"));
    if (!encoding.empty() && !beast::iequals(encoding, "identity")) {
      if (beast::iequals(encoding, "gzip") || beast::iequals(encoding, "deflate") ||
          beast::iequals(encoding, "x-gzip")) {
        auto body = Inflate(request.body, o.max_body_bytes);
        if (!body.ok()) {
          const bool too_big = body.status().code() == ErrorCode::kResourceExhausted;
          co_await Reply(stream, too_big ? 413 : 400, body.status().message(), version);
          co_return false;
        }
        request.body = std::move(*body);
      } else {
        co_await Reply(stream, 415,
                       fmt::format("unsupported Content-Encoding '{}' (gzip and deflate are)", encoding),
                       version);
        co_return false;
      }
    }
    try {
      res = server_->handler_(request);
    } catch (const std::exception& e) {
      AURORA_LOG_ERROR("{}: {} {}: unexpected exception: {}", o.name,
                       request.method == http::verb::get ? "GET" : "POST", request.path, e.what());
      res = HttpResponse{};
      res.status = 500;
      res.body =
          R"({"error":{"code":"INTERNAL","message":"internal error; the server log has the details"}})";
      res.stream = nullptr;
    }
    if (server_->draining_) keep_alive = false;
    beast::error_code ec;
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
    if (!res.stream && res.push) co_return co_await Push(stream, res, version, head, keep_alive);
    if (!res.stream) {
      http::response<http::string_body> r{static_cast<http::status>(res.status), version};
      r.set(http::field::server, "Aurora");
      r.set(http::field::content_type, res.content_type);
      for (const auto& [k, v] : res.headers) r.set(k, v);
      r.keep_alive(keep_alive);
      if (!head) r.body() = std::move(res.body);
      r.prepare_payload();
      co_await http::async_write(stream, r, net::redirect_error(net::use_awaitable, ec));
      co_return !ec && keep_alive;
    }
    http::response<http::empty_body> r{static_cast<http::status>(res.status), version};
    r.set(http::field::server, "Aurora");
    r.set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) r.set(k, v);
    r.keep_alive(keep_alive);
    r.chunked(true);
    http::response_serializer<http::empty_body> sr{r};
    co_await http::async_write_header(stream, sr, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return false;
    std::string piece = std::move(res.body);
    HttpResponse::Step step = HttpResponse::Step::kMore;
    while (true) {
      if (step == HttpResponse::Step::kMore) step = res.stream(&piece);
      if (!piece.empty()) {
        lowest.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
        co_await net::async_write(stream, http::make_chunk(net::buffer(piece)),
                                  net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return false;  // the client went away: dropping `res` stops the producer
        piece.clear();
      }
      if (step != HttpResponse::Step::kMore) break;
    }
    if (step == HttpResponse::Step::kAbort) co_return false;
    co_await net::async_write(stream, http::make_chunk_last(), net::redirect_error(net::use_awaitable, ec));
    co_return !ec && keep_alive;
  }

  // Sends a response whose body comes from res.push: the header, res.body, then each piece the producer
  // queues, as it is queued, waiting on a timer (no thread held) in between.
  net::awaitable<bool> Push(Stream& stream, HttpResponse& res, unsigned version, bool head, bool keep_alive) {
    const auto& o = server_->options_;
    auto& lowest = beast::get_lowest_layer(stream);
    beast::error_code ec;
    http::response<http::empty_body> r{static_cast<http::status>(res.status), version};
    r.set(http::field::server, "Aurora");
    r.set(http::field::content_type, res.content_type);
    r.set(http::field::cache_control, "no-cache");
    for (const auto& [k, v] : res.headers) r.set(k, v);
    r.keep_alive(keep_alive);
    r.chunked(true);
    std::shared_ptr<PushChannel> push = res.push;
    // Drain sets draining_ and then looks for conn_->push on this strand: one of the two sees the other.
    conn_->push = push;
    if (server_->draining_) push->Close();
    http::response_serializer<http::empty_body> sr{r};
    co_await http::async_write_header(stream, sr, net::redirect_error(net::use_awaitable, ec));
    if (ec || head) {
      conn_->push = nullptr;
      push->Abandon();
      co_return false;
    }
    auto executor = co_await net::this_coro::executor;
    auto timer = std::make_shared<net::steady_timer>(executor);
    // Wakes the wait below. Posted to this connection's strand, so it runs when the coroutine is
    // suspended: either in the wait (which it ends) or in a write (after which the queue is read again).
    push->SetWaker([executor, weak = std::weak_ptr<net::steady_timer>(timer)] {
      net::post(executor, [weak] {
        if (auto t = weak.lock()) t->cancel();
      });
    });
    std::string piece = std::move(res.body);
    bool closed = false;
    while (true) {
      if (piece.empty()) {
        std::string more;
        push->Take(&more, &closed);
        piece = std::move(more);
      }
      if (piece.empty() && !closed) {
        timer->expires_after(std::chrono::milliseconds(push->heartbeat_ms()));
        beast::error_code wait_ec;
        co_await timer->async_wait(net::redirect_error(net::use_awaitable, wait_ec));
        if (wait_ec != net::error::operation_aborted) piece = push->heartbeat();  // quiet for a while
        if (piece.empty()) continue;
      }
      if (!piece.empty()) {
        lowest.expires_after(std::chrono::milliseconds(o.body_timeout_ms));
        co_await net::async_write(stream, http::make_chunk(net::buffer(piece)),
                                  net::redirect_error(net::use_awaitable, ec));
        piece.clear();
        if (ec) break;
      }
      if (closed) break;
    }
    conn_->push = nullptr;
    push->Abandon();
    if (ec) co_return false;
    co_await net::async_write(stream, http::make_chunk_last(), net::redirect_error(net::use_awaitable, ec));
    co_return !ec && keep_alive && !server_->draining_;
  }

  // A plain-text error before a request could be handled, after which the connection closes.
  net::awaitable<void> Reply(Stream& stream, unsigned status, std::string message, unsigned version = 11) {
    http::response<http::string_body> r{static_cast<http::status>(status), version};
    r.set(http::field::server, "Aurora");
    r.set(http::field::content_type, "application/json");
    std::string body = R"({"error":{"code":")";
    body += status == 413 || status == 431 ? "LIMIT_EXCEEDED" : "BAD_REQUEST";
    body += R"(","message":")";
    for (char c : message) {
      if (c == '"' || c == '\\') body += '\\';
      body += c;
    }
    body += "\"}}";
    r.body() = std::move(body);
    r.keep_alive(false);
    r.prepare_payload();
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream, r, net::redirect_error(net::use_awaitable, ec));
  }

  net::awaitable<void> Close(Stream& stream) {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
    }
    Socket(stream).shutdown(tcp::socket::shutdown_send, ec);
    Socket(stream).close(ec);
  }

  HttpServer* server_;
  std::shared_ptr<HttpServer::Connection> conn_;
  bool tls_;
};

HttpServer::HttpServer(net::io_context& io, HttpServerOptions options, HttpHandler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)), acceptor_(io) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return AURORA_ERROR(kInvalidArgument, "'{}' is not an IP address to listen on", options_.host);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return AURORA_ERROR(kIoError, "cannot listen on {}:{} ({}): {}", options_.host, options_.port,
                        options_.name, ec.message());
  port_ = acceptor_.local_endpoint().port();
  return Status::OK();
}

void HttpServer::Start() {
  net::co_spawn(
      acceptor_.get_executor(),
      [this]() -> net::awaitable<void> {
        for (;;) {
          beast::error_code ec;
          tcp::socket socket = co_await acceptor_.async_accept(net::make_strand(io_),
                                                               net::redirect_error(net::use_awaitable, ec));
          if (ec) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
            AURORA_LOG_WARN("{}: accept failed: {}", options_.name, ec.message());
            continue;
          }
          socket.set_option(tcp::no_delay(true), ec);
          auto conn = std::make_shared<Connection>();
          conn->executor = socket.get_executor();
          {
            std::lock_guard lock(mu_);
            connections_.insert(conn);
          }
          ++open_connections_;
          auto done = [this, conn](std::exception_ptr e) {
            if (e) {
              try {
                std::rethrow_exception(e);
              } catch (const std::exception& ex) {
                AURORA_LOG_ERROR("{}: connection ended by an exception: {}", options_.name, ex.what());
              }
            }
            --open_connections_;
            std::lock_guard lock(mu_);
            connections_.erase(conn);
          };
          auto executor = socket.get_executor();
          if (options_.tls != nullptr) {
            net::co_spawn(
                executor,
                [this, conn, s = std::move(socket)]() mutable -> net::awaitable<void> {
                  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(s)), *options_.tls);
                  beast::error_code hec;
                  beast::get_lowest_layer(stream).expires_after(
                      std::chrono::milliseconds(options_.header_timeout_ms));
                  co_await stream.async_handshake(net::ssl::stream_base::server,
                                                  net::redirect_error(net::use_awaitable, hec));
                  if (hec) co_return;
                  Session<beast::ssl_stream<beast::tcp_stream>> session(this, conn, true);
                  co_await session.Run(stream);
                },
                done);
          } else {
            net::co_spawn(
                executor,
                [this, conn, s = std::move(socket)]() mutable -> net::awaitable<void> {
                  beast::tcp_stream stream(std::move(s));
                  Session<beast::tcp_stream> session(this, conn, false);
                  co_await session.Run(stream);
                },
                done);
          }
        }
      },
      net::detached);
}

void HttpServer::StopAccepting() {
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

void HttpServer::Drain() {
  draining_ = true;
  std::lock_guard lock(mu_);
  for (const auto& conn : connections_) {
    net::post(conn->executor, [conn] {
      if (conn->idle && conn->close) conn->close();
      if (conn->push) conn->push->Close();  // a pushed response ends; the connection closes after it
    });
  }
}

}  // namespace aurora::server
