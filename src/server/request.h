// The parts of an HTTP request and response that handlers see, and the request-level work done before a
// handler runs: splitting and decoding the target, decoding a gzip body within a limit, and reading the
// credentials a request presents. Pure functions of their input, so the fuzz_http target covers them.
#pragma once

#include <cstdint>
#include <functional>
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
// on the ClickHouse port also X-ClickHouse-User / X-ClickHouse-Key or user / password parameters.
struct Credentials {
  enum Kind : uint8_t { kNone, kPassword, kToken } kind = kNone;
  std::string user;
  std::string secret;  // the password or the token
};
// kUnauthenticated for a malformed Authorization header.
Result<Credentials> ParseCredentials(const HttpRequest& req, bool clickhouse);

}  // namespace aurora::server
