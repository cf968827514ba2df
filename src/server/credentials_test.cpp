#include <gtest/gtest.h>

#include "server/server.h"

namespace aurora::server {
namespace {

HttpRequest Request(std::vector<std::pair<std::string, std::string>> headers, std::string target = "/") {
  HttpRequest r;
  for (auto& [k, v] : headers) r.headers.set(k, v);
  ParseTarget(target, &r.path, &r.query);
  return r;
}

TEST(CredentialsTest, BasicAuthWithAndWithoutPadding) {
  // admin:pw, a:b:c (the password may hold colons), ab:c (no padding needed).
  for (auto [encoded, user, password] :
       {std::tuple{"YWRtaW46cHc=", "admin", "pw"}, std::tuple{"YTpiOmM=", "a", "b:c"},
        std::tuple{"YWI6Yw==", "ab", "c"}, std::tuple{"YWJjOmRlZg", "abc", "def"}}) {
    auto c = ParseCredentials(Request({{"Authorization", std::string("Basic ") + encoded}}), false);
    ASSERT_TRUE(c.ok()) << encoded << ": " << c.status().ToString();
    EXPECT_EQ(c->kind, Credentials::kPassword);
    EXPECT_EQ(c->user, user);
    EXPECT_EQ(c->secret, password);
  }
  auto lower = ParseCredentials(Request({{"Authorization", "basic YWRtaW46cHc="}}), false);
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->user, "admin");
}

TEST(CredentialsTest, MalformedAuthorizationIsUnauthenticated) {
  for (const char* value :
       {"Basic !!!notbase64", "Basic YWRtaW4=", "Basic YWRtaW46cHc=x", "Digest abc", "Bearer"}) {
    auto c = ParseCredentials(Request({{"Authorization", value}}), true);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_EQ(c.status().code(), ErrorCode::kUnauthenticated) << value;
  }
}

TEST(CredentialsTest, BearerTokens) {
  auto c = ParseCredentials(Request({{"Authorization", "Bearer aur_abc"}}), false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, Credentials::kToken);
  EXPECT_EQ(c->secret, "aur_abc");
}

TEST(CredentialsTest, ClickHouseHeadersAndParametersOnlyOnTheClickHousePort) {
  HttpRequest headers = Request({{"X-ClickHouse-User", "u"}, {"X-ClickHouse-Key", "k"}});
  EXPECT_EQ(ParseCredentials(headers, false)->kind, Credentials::kNone);
  auto c = ParseCredentials(headers, true);
  EXPECT_EQ(c->kind, Credentials::kPassword);
  EXPECT_EQ(c->user, "u");
  EXPECT_EQ(c->secret, "k");
  HttpRequest params = Request({}, "/?query=SELECT+1&user=v&password=p%26q");
  EXPECT_EQ(ParseCredentials(params, false)->kind, Credentials::kNone);
  c = ParseCredentials(params, true);
  EXPECT_EQ(c->user, "v");
  EXPECT_EQ(c->secret, "p&q");
  // An Authorization header wins over the ClickHouse forms.
  HttpRequest both = Request({{"Authorization", "Bearer t"}, {"X-ClickHouse-User", "u"}});
  EXPECT_EQ(ParseCredentials(both, true)->kind, Credentials::kToken);
}

TEST(ErrorMappingTest, StatusesAndClickHouseCodes) {
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthenticated), 401u);
  EXPECT_EQ(HttpStatus(ErrorCode::kPermissionDenied), 403u);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404u);
  EXPECT_EQ(HttpStatus(ErrorCode::kDiskFull), 507u);
  EXPECT_EQ(ClickHouseErrorCode(Status(ErrorCode::kNotFound, "table 'x' does not exist")), 60);
  EXPECT_EQ(ClickHouseErrorCode(Status(ErrorCode::kInvalidArgument, "syntax error at line 1")), 62);
  EXPECT_EQ(ClickHouseErrorCode(Status(ErrorCode::kUnauthenticated, "wrong user name or password")), 516);
  EXPECT_EQ(
      ErrorJson(Status(ErrorCode::kInvalidArgument, "syntax error at line 3, column 14: x")),
      R"({"error":{"code":"INVALID_ARGUMENT","column":14,"line":3,"message":"syntax error at line 3, column 14: x"}})");
}

}  // namespace
}  // namespace aurora::server
