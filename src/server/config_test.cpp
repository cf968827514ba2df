#include "server/config.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/test_dir.h"

namespace aurora::server {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, DefaultsNeedOnlyTheDataDirectory) {
  auto c = LoadConfig("", {}, {{"data", "/tmp/x"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->clickhouse_port, 8123);
  EXPECT_EQ(c->host, "127.0.0.1");
  auto none = LoadConfig("", {}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("--data"));
}

TEST(ConfigTest, FlagsOverrideEnvironmentWhichOverridesTheFile) {
  TestDir dir;
  std::string file =
      WriteFile(dir.path(), "a.toml",
                "data = \"/from/file\"\nhttp_port = 7001\nclickhouse_port = 7002\nthreads = 3\n"
                "max_body_bytes = \"64MiB\"\n");
  auto c = LoadConfig(file, {{"AURORA_HTTP_PORT", "7101"}, {"AURORA_THREADS", "5"}, {"HOME", "/root"}},
                      {{"http_port", "7201"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/from/file");
  EXPECT_EQ(c->http_port, 7201);        // flag
  EXPECT_EQ(c->threads, 5u);            // environment
  EXPECT_EQ(c->clickhouse_port, 7002);  // file
  EXPECT_EQ(c->max_body_bytes, 64u << 20);
}

TEST(ConfigTest, InvalidValuesAreRefusedWithTheKeyTheOriginAndTheReason) {
  TestDir dir;
  auto port = LoadConfig("", {{"AURORA_HTTP_PORT", "99999"}}, {{"data", "d"}});
  ASSERT_FALSE(port.ok());
  EXPECT_THAT(port.status().message(), HasSubstr("'http_port'"));
  EXPECT_THAT(port.status().message(), HasSubstr("AURORA_HTTP_PORT"));
  EXPECT_THAT(port.status().message(), HasSubstr("0 to 65535"));

  auto timeout = LoadConfig("", {}, {{"data", "d"}, {"header_timeout_ms", "soon"}});
  ASSERT_FALSE(timeout.ok());
  EXPECT_THAT(timeout.status().message(), HasSubstr("header_timeout_ms"));

  std::string typo = WriteFile(dir.path(), "typo.toml", "data = \"d\"\nhttp_prot = 1\n");
  auto unknown = LoadConfig(typo, {}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown configuration key 'http_prot'"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("line 2"));

  std::string broken = WriteFile(dir.path(), "broken.toml", "data = \"d\nhttp_port = 1\n");
  auto syntax = LoadConfig(broken, {}, {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(syntax.status().message(), HasSubstr("line 1"));

  auto same = LoadConfig("", {}, {{"data", "d"}, {"http_port", "9000"}, {"clickhouse_port", "9000"}});
  ASSERT_FALSE(same.ok());
  EXPECT_THAT(same.status().message(), HasSubstr("must differ"));

  auto tls = LoadConfig("", {}, {{"data", "d"}, {"tls_cert", "/nonexistent.pem"}});
  ASSERT_FALSE(tls.ok());
  EXPECT_THAT(tls.status().message(), HasSubstr("tls_key"));

  auto level = LoadConfig("", {}, {{"data", "d"}, {"log_level", "loud"}});
  ASSERT_FALSE(level.ok());
  EXPECT_THAT(level.status().message(), HasSubstr("debug, info, warn, error"));

  auto rate = LoadConfig("", {}, {{"data", "d"}, {"rate_limit_rps", "-3"}});
  ASSERT_FALSE(rate.ok());
  EXPECT_THAT(rate.status().message(), HasSubstr("non-negative"));
}

TEST(ConfigTest, EveryKeyIsSettable) {
  for (const auto& key : ConfigKeys()) {
    ServerConfig c;
    std::string value = std::string(key.type) == "string"   ? "x"
                        : std::string(key.type) == "bool"   ? "true"
                        : std::string(key.type) == "level"  ? "warn"
                        : std::string(key.type) == "number" ? "2.5"
                                                            : "100";
    EXPECT_TRUE(SetConfigValue(&c, key.name, value, "test").ok()) << key.name;
  }
}

}  // namespace
}  // namespace aurora::server
