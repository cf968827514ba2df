#include "server/live_query.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/dashboards.h"

namespace aurora::server {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14 22:13:20 UTC

TEST(TimeRangeTest, ResolvesRelativeAndAbsoluteTimes) {
  EXPECT_EQ(*ResolveTime("now", kNow), kNow);
  EXPECT_EQ(*ResolveTime("now-30s", kNow), kNow - 30'000);
  EXPECT_EQ(*ResolveTime("now-15m", kNow), kNow - 15 * 60'000);
  EXPECT_EQ(*ResolveTime("now-6h", kNow), kNow - 6 * 3'600'000);
  EXPECT_EQ(*ResolveTime("now-7d", kNow), kNow - 7 * 86'400'000LL);
  EXPECT_EQ(*ResolveTime("now-2w", kNow), kNow - 14 * 86'400'000LL);
  EXPECT_EQ(*ResolveTime("2023-11-14 22:13:20", 0), kNow);
  EXPECT_TRUE(IsRelativeTime("now-1h"));
  EXPECT_FALSE(IsRelativeTime("2023-11-14 22:13:20"));
  EXPECT_EQ(FormatDateTimeUtc(kNow + 999), "2023-11-14 22:13:20");
  for (const char* bad :
       {"", "yesterday", "now-", "now-5", "now-5y", "now-x5m", "now+5m", "2023-13-01 00:00:00"}) {
    auto r = ResolveTime(bad, kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("now-<N><s|m|h|d|w>"), std::string::npos) << r.status().message();
  }
}

TEST(DashboardSpecTest, FillsDefaultsAndNamesTheBadField) {
  nlohmann::json spec = {{"panels", {{{"id", "a"}, {"sql", "SELECT 1"}}}}};
  ASSERT_TRUE(CheckDashboardSpec(&spec).ok());
  EXPECT_EQ(spec["time_range"]["from"], "now-1h");
  EXPECT_EQ(spec["panels"][0]["chart"], "table");
  EXPECT_EQ(spec["panels"][0]["w"], 6);
  struct Case {
    nlohmann::json spec;
    std::string field;
  };
  std::vector<Case> cases = {
      {nlohmann::json::array(), "spec: must be an object"},
      {{{"panels", {{{"id", "a"}}}}}, "panels[0].sql"},
      {{{"panels", {{{"id", ""}, {"sql", "SELECT 1"}}}}}, "panels[0].id"},
      {{{"panels", {{{"id", "a"}, {"sql", "SELECT 1"}, {"x", 8}, {"w", 6}}}}}, "x + w"},
      {{{"panels", {{{"id", "a"}, {"sql", "SELECT 1"}, {"h", "4"}}}}}, "panels[0].h"},
      {{{"time_range", {{"from", "now-1h"}}}}, "time_range.to"},
      {{{"variables", {{{"name", "a b"}}}}}, "variables[0].name"},
      {{{"variables", {{{"name", "a"}}, {{"name", "a"}}}}}, "defined twice"},
  };
  for (auto& c : cases) {
    Status st = CheckDashboardSpec(&c.spec);
    ASSERT_FALSE(st.ok()) << c.field;
    EXPECT_NE(st.message().find(c.field), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace aurora::server
