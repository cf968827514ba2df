// Helpers the load generators share (http_ingest, kafka_ingest): a keep-alive HTTP/1.1 client on Boost.Beast,
// percentiles and durations.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>

namespace aurora::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Endpoint {
  std::string host = "127.0.0.1";
  std::string port;
  std::vector<std::pair<std::string, std::string>> headers;  // sent with every request
};

// One keep-alive HTTP/1.1 connection; reconnects when the server closed it. Not thread-safe.
class Connection {
 public:
  explicit Connection(const Endpoint& endpoint) : endpoint_(endpoint), stream_(io_) {}

  // POSTs `body` to `target`; returns the status and fills `answer`.
  unsigned Post(const std::string& target, std::string_view body, std::string* answer) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connected_) Connect();
        http::request<http::span_body<const char>> req{http::verb::post, target, 11};
        req.set(http::field::host, endpoint_.host);
        req.set(http::field::content_type, "application/x-ndjson");
        for (const auto& [name, value] : endpoint_.headers) req.set(name, value);
        req.body() = http::span_body<const char>::value_type(body.data(), body.size());
        req.keep_alive(true);
        req.prepare_payload();
        http::write(stream_, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(1ull << 30);
        http::read(stream_, buffer_, parser);
        auto res = parser.release();
        if (!res.keep_alive()) Close();
        *answer = std::move(res.body());
        return res.result_int();
      } catch (const std::exception&) {
        Close();  // a keep-alive connection the server closed: one more try on a new one
        if (attempt > 0) throw;
      }
    }
  }

 private:
  void Connect() {
    asio::ip::tcp::resolver resolver(io_);
    stream_.connect(resolver.resolve(endpoint_.host, endpoint_.port));
    stream_.socket().set_option(asio::ip::tcp::no_delay(true));
    connected_ = true;
  }
  void Close() {
    beast::error_code ec;
    stream_.socket().close(ec);
    buffer_.clear();
    connected_ = false;
  }

  const Endpoint& endpoint_;
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace aurora::bench
