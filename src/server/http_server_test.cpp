#include "server/http_server.h"

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace aurora::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;

// A server on a free port, served by two threads, with a handler that echoes what it got.
class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options, HttpHandler handler = nullptr) {
    if (!handler) {
      handler = [](HttpRequest& req) {
        HttpResponse r;
        r.content_type = "text/plain";
        r.body = req.path + "|" + (req.Param("q") ? *req.Param("q") : "") + "|" + req.body;
        return r;
      };
    }
    options.port = 0;
    server_ = std::make_unique<HttpServer>(io_, options, handler);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->StopAccepting();
      server_->Drain();
    }
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  tcp::socket Connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return s;
  }
  // Sends raw bytes and reads one response.
  http::response<http::string_body> RoundTrip(tcp::socket& s, const std::string& raw) {
    net::write(s, net::buffer(raw));
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(s, buffer_, res, ec);
    EXPECT_FALSE(ec) << ec.message();
    return res;
  }
  // True when the server closes the connection within `within`.
  bool ClosedWithin(tcp::socket& s, std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    char c;
    while (std::chrono::steady_clock::now() < deadline) {
      s.non_blocking(true);
      beast::error_code ec;
      size_t n = s.read_some(net::buffer(&c, 1), ec);
      if (ec == net::error::eof || ec == net::error::connection_reset) return true;
      if (!ec && n > 0) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  net::io_context io_;
  net::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::vector<std::thread> threads_;
  beast::flat_buffer buffer_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start({});
  tcp::socket s = Connect();
  for (int i = 0; i < 3; ++i) {
    auto res = RoundTrip(s, "POST /a%20b?q=x+y%26z HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "/a b|x y&z|abc");
    EXPECT_TRUE(res.keep_alive());
  }
  EXPECT_EQ(server_->open_connections(), 1);
  auto last = RoundTrip(s, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(ClosedWithin(s, std::chrono::seconds(2)));
}

// A big body arrives intact, and is read in large pieces: Beast reads at most what the connection's buffer
// has room for (at least 512 bytes), so a buffer sized for the headers alone made a 4 MB body cost
// thousands of reads, each a trip through the strand and the timer. Counted as context switches of the
// process (client and server): about 57,000 for these 16 MB before, 1,000 to 2,500 since.
TEST_F(HttpServerTest, BigBodiesAreReadInLargePieces) {
  Start({});
  tcp::socket s = Connect();
  std::string body(8 << 20, 'x');
  for (size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>('a' + (i / 4096) % 26);
  const std::string raw =
      "POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  auto switches = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_nvcsw + u.ru_nivcsw;
  };
  const long before = switches();
  for (int i = 0; i < 2; ++i) {
    auto res = RoundTrip(s, raw);
    ASSERT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.body() == "/big||" + body) << "the body arrived changed";
  }
  EXPECT_LT(switches() - before, 12000);
}

TEST_F(HttpServerTest, GzipBodiesAreDecoded) {
  Start({});
  std::string body(100000, 'x');
  std::string gz = Gzip(body);
  ASSERT_LT(gz.size(), body.size() / 10);
  tcp::socket s = Connect();
  auto res = RoundTrip(s, "POST /g HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: " +
                              std::to_string(gz.size()) + "\r\n\r\n" + gz);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "/g||" + body);

  tcp::socket bad = Connect();
  auto corrupt = RoundTrip(
      bad, "POST /g HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(corrupt.result_int(), 400u);
  EXPECT_THAT(corrupt.body(), HasSubstr("gzip"));
}

TEST_F(HttpServerTest, BodiesOverTheLimitGet413) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  Start(o);
  {
    tcp::socket s = Connect();  // announced by Content-Length: refused before the body is read
    auto res = RoundTrip(s, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n");
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_THAT(res.body(), HasSubstr("max_body_bytes"));
  }
  {
    tcp::socket s = Connect();  // chunked, no length announced
    std::string chunk(800, 'a');
    auto res = RoundTrip(s, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
                                chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(res.result_int(), 413u);
  }
  {
    tcp::socket s = Connect();  // small when compressed, too large when decoded
    std::string gz = Gzip(std::string(100000, 'z'));
    auto res = RoundTrip(s, "POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: " +
                                std::to_string(gz.size()) + "\r\n\r\n" + gz);
    EXPECT_EQ(res.result_int(), 413u);
  }
}

TEST_F(HttpServerTest, HeadersOverTheLimitGet431) {
  HttpServerOptions o;
  o.max_header_bytes = 2048;
  Start(o);
  tcp::socket s = Connect();
  auto res = RoundTrip(s, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  EXPECT_EQ(res.result_int(), 431u);
}

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  Start({});
  tcp::socket s = Connect();
  auto res = RoundTrip(s, "GET / HTTP/1.1\r\nHost h\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400u);
}

TEST_F(HttpServerTest, ASlowClientIsDisconnected) {
  HttpServerOptions o;
  o.header_timeout_ms = 300;
  Start(o);
  tcp::socket s = Connect();
  // Trickles the header a byte at a time: the header deadline ends the connection.
  const std::string header = "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + std::string(100, 's');
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (char c : header) {
    beast::error_code ec;
    net::write(s, net::buffer(&c, 1), ec);
    if (ec) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(1)) break;
  }
  EXPECT_TRUE(closed || ClosedWithin(s, std::chrono::seconds(2)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  // The server still answers others.
  tcp::socket other = Connect();
  EXPECT_EQ(RoundTrip(other, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n").body(), "/ok||");
}

TEST_F(HttpServerTest, StreamedResponsesUseChunkedEncoding) {
  Start({}, [](HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/plain";
    r.body = "begin\n";
    auto n = std::make_shared<int>(0);
    r.stream = [n](std::string* out) {
      for (int i = 0; i < 1000; ++i) *out += std::to_string((*n)++) + "\n";
      return *n < 100000 ? HttpResponse::Step::kMore : HttpResponse::Step::kEnd;
    };
    return r;
  });
  tcp::socket s = Connect();
  auto res = RoundTrip(s, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_TRUE(res.chunked());
  std::string expected = "begin\n";
  for (int i = 0; i < 100000; ++i) expected += std::to_string(i) + "\n";
  EXPECT_EQ(res.body(), expected);
}

TEST_F(HttpServerTest, AnAbortedStreamIsCutShort) {
  Start({}, [](HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/plain";
    auto n = std::make_shared<int>(0);
    r.stream = [n](std::string* out) {
      if (++*n == 3) {
        *out += "error: disk on fire\n";
        return HttpResponse::Step::kAbort;
      }
      *out += "row\n";
      return HttpResponse::Step::kMore;
    };
    return r;
  });
  tcp::socket s = Connect();
  net::write(s, net::buffer(std::string("GET / HTTP/1.1\r\nHost: h\r\n\r\n")));
  // The body is sent up to the error, and then the connection closes without the last chunk: reading
  // the whole response fails, and what arrived ends with the error.
  http::response_parser<http::string_body> parser;
  beast::error_code ec;
  http::read(s, buffer_, parser, ec);
  EXPECT_EQ(ec, http::error::partial_message);
  EXPECT_FALSE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "row\nrow\nerror: disk on fire\n");
}

TEST_F(HttpServerTest, ExpectContinueIsAnswered) {
  Start({});
  tcp::socket s = Connect();
  net::write(s, net::buffer(std::string(
                    "POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")));
  http::response<http::empty_body> cont;
  http::read(s, buffer_, cont);
  EXPECT_EQ(cont.result_int(), 100u);
  auto res = RoundTrip(s, "body");
  EXPECT_EQ(res.body(), "/e||body");
}

TEST_F(HttpServerTest, HandlerExceptionsBecome500WithoutInternals) {
  Start({}, [](HttpRequest&) -> HttpResponse { throw std::runtime_error("secret internals at 0xdeadbeef"); });
  tcp::socket s = Connect();
  auto res = RoundTrip(s, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_THAT(res.body(), ::testing::Not(HasSubstr("deadbeef")));
}

TEST_F(HttpServerTest, DrainClosesIdleConnectionsAndFinishesBusyOnes) {
  std::atomic<bool> entered{false};
  Start({}, [&](HttpRequest& req) {
    if (req.path == "/slow") {
      entered = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    HttpResponse r;
    r.body = "done";
    return r;
  });
  tcp::socket idle = Connect();
  tcp::socket busy = Connect();
  net::write(busy, net::buffer(std::string("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")));
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->StopAccepting();
  server_->Drain();
  EXPECT_TRUE(ClosedWithin(idle, std::chrono::seconds(2)));
  http::response<http::string_body> res;
  http::read(busy, buffer_, res);
  EXPECT_EQ(res.body(), "done");   // the request in flight finished...
  EXPECT_FALSE(res.keep_alive());  // ...and its connection closes after it
  EXPECT_TRUE(ClosedWithin(busy, std::chrono::seconds(2)));
}

TEST(UrlDecodeTest, DecodesPercentAndPlus) {
  EXPECT_EQ(UrlDecode("a%20b+c%2", true), "a b c%2");
  EXPECT_EQ(UrlDecode("a+b", false), "a+b");
  EXPECT_EQ(UrlDecode("%zz", true), "%zz");
}

TEST(InflateTest, ConcatenatedMembersAndLimits) {
  std::string two = Gzip("hello ") + Gzip("world");
  auto r = Inflate(two, 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello world");
  EXPECT_FALSE(Inflate(Gzip(std::string(1000, 'a')), 999).ok());
  EXPECT_TRUE(Inflate(Gzip(std::string(1000, 'a')), 1000).ok());
  std::string truncated = Gzip(std::string(5000, 'q')).substr(0, 10);
  EXPECT_FALSE(Inflate(truncated, 10000).ok());
}

// A pushed response: pieces reach the client as the producer sends them, with no thread held in
// between; a heartbeat fills silences; the producer learns when the client went away.
TEST_F(HttpServerTest, PushedResponsesArriveAsProducedAndEndWhenTheClientLeaves) {
  std::shared_ptr<PushChannel> channel;
  std::mutex mu;
  Start({}, [&](HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/event-stream";
    r.body = "first\n";
    std::lock_guard lock(mu);
    channel = std::make_shared<PushChannel>(":hb\n", 200);
    r.push = channel;
    return r;
  });
  tcp::socket s = Connect();
  net::write(s, net::buffer(std::string("GET /live HTTP/1.1\r\nHost: x\r\n\r\n")));
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  beast::flat_buffer buf;
  http::read_header(s, buf, parser);
  ASSERT_EQ(parser.get().result_int(), 200);
  EXPECT_TRUE(parser.chunked());
  std::string got;
  auto read_until = [&](std::string_view want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    char data[4096];
    while (got.find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      parser.get().body().data = data;
      parser.get().body().size = sizeof(data);
      beast::error_code ec;
      http::read_some(s, buf, parser, ec);
      if (ec && ec != http::error::need_buffer) break;
      got.append(data, sizeof(data) - parser.get().body().size);
    }
    return got.find(want) != std::string::npos;
  };
  EXPECT_TRUE(read_until("first\n"));
  std::shared_ptr<PushChannel> ch;
  {
    std::lock_guard lock(mu);
    ch = channel;
  }
  // Many responses may wait at once on two threads: the wait holds none.
  EXPECT_TRUE(ch->Send("second\n"));
  EXPECT_TRUE(read_until("second\n"));
  EXPECT_TRUE(read_until(":hb\n"));  // 200 ms of silence
  s.close();
  // The next write fails, after which the producer is told.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ch->Send("more\n") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(ch->ended());
}

// Drain (shutdown) ends pushed responses, which otherwise never end.
TEST_F(HttpServerTest, DrainEndsPushedResponses) {
  std::shared_ptr<PushChannel> channel = std::make_shared<PushChannel>();
  Start({}, [&](HttpRequest&) {
    HttpResponse r;
    r.push = channel;
    return r;
  });
  tcp::socket s = Connect();
  net::write(s, net::buffer(std::string("GET /live HTTP/1.1\r\nHost: x\r\n\r\n")));
  http::response_parser<http::string_body> parser;
  beast::flat_buffer buf;
  http::read_header(s, buf, parser);
  EXPECT_TRUE(channel->Send("x"));
  server_->Drain();
  beast::error_code ec;
  http::read(s, buf, parser, ec);  // the whole response: it ended
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(parser.get().body(), "x");
  EXPECT_TRUE(ClosedWithin(s, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace aurora::server
