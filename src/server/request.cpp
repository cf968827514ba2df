#include "server/request.h"

#include <zlib.h>
#include <boost/beast/core/detail/base64.hpp>

namespace aurora::server {

namespace beast = boost::beast;

const std::string* HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

std::string_view HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(beast::string_view(name.data(), name.size()));
  if (it == headers.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

std::string UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
  }
  return out;
}

void ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* query) {
  size_t q = target.find('?');
  *path = UrlDecode(target.substr(0, q), false);
  query->clear();
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    query->emplace_back(UrlDecode(kv.substr(0, eq), true),
                        eq == std::string_view::npos ? std::string() : UrlDecode(kv.substr(eq + 1), true));
  }
}

Result<std::string> Inflate(std::string_view data, uint64_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return AURORA_ERROR(kInternal, "cannot start gzip decoding");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  Status error;
  for (;;) {
    if (out.size() >= limit + 1) {
      error = AURORA_ERROR(kResourceExhausted,
                           "the decoded request body is larger than max_body_bytes ({} bytes)", limit);
      break;
    }
    const size_t old = out.size();
    const size_t step = std::min<uint64_t>(std::max<size_t>(data.size() * 4, 64 << 10), limit + 1 - old);
    out.resize(old + step);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    zs.avail_out = static_cast<uInt>(step);
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + step - zs.avail_out);
    if (out.size() > limit) continue;  // reported at the top of the loop
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      error = AURORA_ERROR(kInvalidArgument, "the gzip request body is truncated");
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = AURORA_ERROR(kInvalidArgument, "the request body is not valid gzip/deflate data: {}",
                           zs.msg ? zs.msg : "corrupt stream");
      break;
    }
  }
  inflateEnd(&zs);
  if (!error.ok()) return error;
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Result<Credentials> ParseCredentials(const HttpRequest& req, bool clickhouse) {
  Credentials c;
  std::string_view authorization = req.Header("Authorization");
  auto scheme = [&](std::string_view name) {
    if (authorization.size() <= name.size()) return false;
    for (size_t i = 0; i < name.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(authorization[i])) != name[i]) return false;
    return true;
  };
  if (scheme("basic ")) {
    std::string_view encoded = authorization.substr(6);
    std::string decoded(encoded.size() + 3, '\0');  // more than any decoding of it needs
    auto [written, read] =
        boost::beast::detail::base64::decode(decoded.data(), encoded.data(), encoded.size());
    if (encoded.substr(read).find_first_not_of('=') != std::string_view::npos || encoded.size() - read > 2)
      return AURORA_ERROR(kUnauthenticated, "malformed basic authorization: the credentials are not base64");
    decoded.resize(written);
    size_t colon = decoded.find(':');
    if (colon == std::string::npos)
      return AURORA_ERROR(kUnauthenticated,
                          "malformed basic authorization: expected base64 of user:password");
    c.kind = Credentials::kPassword;
    c.user = decoded.substr(0, colon);
    c.secret = decoded.substr(colon + 1);
    return c;
  }
  if (scheme("bearer ")) {
    c.kind = Credentials::kToken;
    c.secret = std::string(authorization.substr(7));
    return c;
  }
  if (!authorization.empty())
    return AURORA_ERROR(kUnauthenticated,
                        "unsupported Authorization scheme; use Basic (user and password) or Bearer");
  if (clickhouse) {
    std::string_view user = req.Header("X-ClickHouse-User");
    if (!user.empty()) {
      c.kind = Credentials::kPassword;
      c.user = std::string(user);
      c.secret = std::string(req.Header("X-ClickHouse-Key"));
    } else if (const std::string* u = req.Param("user")) {
      const std::string* p = req.Param("password");
      c.kind = Credentials::kPassword;
      c.user = *u;
      c.secret = p ? *p : "";
    }
  } else if (std::string session = CookieValue(req, kSessionCookie); !session.empty()) {
    c.kind = Credentials::kToken;
    c.secret = std::move(session);
    c.from_cookie = true;
  }
  return c;
}

std::string CookieValue(const HttpRequest& req, std::string_view name) {
  // Cookie: a=1; b=2 (a request may carry several Cookie headers).
  auto [first, last] = req.headers.equal_range(boost::beast::http::field::cookie);
  for (auto it = first; it != last; ++it) {
    std::string_view rest(it->value().data(), it->value().size());
    while (!rest.empty()) {
      size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        std::string_view value = pair.substr(eq + 1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        return std::string(value);
      }
    }
  }
  return {};
}

bool PushChannel::Send(std::string_view piece) {
  std::function<void()> wake;
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (closed_ || abandoned_) return false;
    if (pending_.size() + piece.size() > kMaxPending) {
      closed_ = true;  // the client reads too slowly: end the response
    } else {
      pending_.append(piece);
      queued = true;
    }
    wake = wake_;
  }
  if (wake) wake();
  return queued;
}

void PushChannel::Close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool PushChannel::ended() const {
  std::lock_guard lock(mu_);
  return closed_ || abandoned_;
}

void PushChannel::Take(std::string* out, bool* closed) {
  std::lock_guard lock(mu_);
  out->swap(pending_);
  pending_.clear();
  *closed = closed_;
}

void PushChannel::SetWaker(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

void PushChannel::Abandon() {
  std::lock_guard lock(mu_);
  abandoned_ = true;
  wake_ = nullptr;
}

}  // namespace aurora::server
