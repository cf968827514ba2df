#include "ingest/schema_inference.h"

#include <gtest/gtest.h>

#include "sources/event_generator.h"

namespace aurora::ingest {
namespace {

std::string TypeOf(const storage::TableSchema& s, std::string_view column) {
  const storage::ColumnDef* def = s.Find(column);
  return def ? def->type->Name() : "(none)";
}

TEST(SchemaInferenceTest, StandardWorkloadIsTypedLikeEventsSchema) {
  sources::EventGenerator gen({.seed = 7, .rows = 10000});
  std::string data;
  gen.NextNdjson(10000, &data);
  Sample sample = SampleJsonEachRow(data, 10000);
  EXPECT_EQ(sample.rows, 10000u);
  storage::TableSchema s = InferSchema("events", sample);
  ASSERT_TRUE(s.Validate().ok()) << s.Validate().ToString();
  EXPECT_EQ(TypeOf(s, "timestamp"), "DateTime64(3, 'UTC')");
  EXPECT_EQ(TypeOf(s, "product_id"), "Int64");
  EXPECT_EQ(TypeOf(s, "price"), "Float64");
  EXPECT_EQ(TypeOf(s, "quantity"), "Int64");
  EXPECT_EQ(TypeOf(s, "user_id"), "Int64");
  EXPECT_EQ(TypeOf(s, "session_id"), "String");
  for (const char* lc : {"action_type", "region", "user_type", "category", "brand", "device_type"})
    EXPECT_EQ(TypeOf(s, lc), "LowCardinality(String)") << lc;
  ASSERT_EQ(s.columns.size(), 12u);
  EXPECT_EQ(s.columns[0].name, "timestamp");  // the input's field order
  EXPECT_EQ(s.order_by, std::vector<std::string>{"timestamp"});
  EXPECT_EQ(s.partition_by.ToString(), "toYYYYMM(timestamp)");
  ASSERT_TRUE(s.columns[0].codec.has_value());
}

TEST(SchemaInferenceTest, ClassifiesText) {
  EXPECT_EQ(ClassifyText("42"), ValueKind::kInt);
  EXPECT_EQ(ClassifyText("-42"), ValueKind::kInt);
  EXPECT_EQ(ClassifyText("18446744073709551615"), ValueKind::kUInt);
  EXPECT_EQ(ClassifyText("3.25"), ValueKind::kFloat);
  EXPECT_EQ(ClassifyText("1e10"), ValueKind::kFloat);
  EXPECT_EQ(ClassifyText("007"), ValueKind::kString);  // a leading zero is kept as text
  EXPECT_EQ(ClassifyText("0"), ValueKind::kInt);
  EXPECT_EQ(ClassifyText("true"), ValueKind::kBool);
  EXPECT_EQ(ClassifyText("2024-01-01 10:00:00.123"), ValueKind::kTime);
  EXPECT_EQ(ClassifyText("2024-01-01T10:00:00Z"), ValueKind::kTime);
  EXPECT_EQ(ClassifyText("2024-01-01"), ValueKind::kString);
  EXPECT_EQ(ClassifyText("12abc"), ValueKind::kString);
  EXPECT_EQ(ClassifyText(""), ValueKind::kString);
  int digits = 0;
  EXPECT_TRUE(LooksLikeTime("2024-01-01 10:00:00.123456", &digits));
  EXPECT_EQ(digits, 6);
  EXPECT_FALSE(LooksLikeTime("2024-01-01 10:00:00."));
  EXPECT_FALSE(LooksLikeTime("2024-01-01 10:00:00+02:00"));
}

TEST(SchemaInferenceTest, MajorityKindWinsAndNullsMakeNullable) {
  std::string data;
  for (int i = 0; i < 20; ++i)
    data += fmt::format(
        R"({{"at":"2024-01-01 00:00:{:02}.5","n":{},"f":{},"opt":{},"none":null,"obj":{{"a":{}}}}})"
        "\n",
        i, i, i % 2 ? "1.5" : "2", i % 3 ? "\"x\"" : "null", i);
  data += R"({"at":"2024-01-01 00:00:00","n":"n/a"})"
          "\n";
  Sample sample = SampleJsonEachRow(data, 1000);
  storage::TableSchema s = InferSchema("t", sample);
  EXPECT_EQ(TypeOf(s, "at"), "DateTime64(3, 'UTC')");
  EXPECT_EQ(TypeOf(s, "n"), "Int64");  // one stray string does not make it String
  EXPECT_EQ(TypeOf(s, "f"), "Float64");
  EXPECT_EQ(TypeOf(s, "opt"), "LowCardinality(Nullable(String))");
  EXPECT_EQ(TypeOf(s, "none"), "Nullable(String)");
  EXPECT_EQ(TypeOf(s, "obj"), "String");
  EXPECT_EQ(s.order_by, std::vector<std::string>{"at"});
}

TEST(SchemaInferenceTest, PrefersTimeNamesAndKeepsFractionDigits) {
  std::string data = R"({"seen":"2024-01-01 00:00:00","event_time":"2024-01-01 00:00:00.123456","x":1})"
                     "\n";
  storage::TableSchema s = InferSchema("t", SampleJsonEachRow(data, 10));
  EXPECT_EQ(s.order_by, std::vector<std::string>{"event_time"});
  EXPECT_EQ(TypeOf(s, "event_time"), "DateTime64(6, 'UTC')");
  EXPECT_EQ(TypeOf(s, "seen"), "DateTime64(3, 'UTC')");
}

TEST(SchemaInferenceTest, WithoutTimeNoKeyAndInvalidNamesLeftOut) {
  std::string data = R"({"a":1,"bad-name":2,"b":"x"})"
                     "\n[1,2]\nnot json\n";
  Sample sample = SampleJsonEachRow(data, 10);
  EXPECT_EQ(sample.rows, 1u);
  storage::TableSchema s = InferSchema("t", sample);
  EXPECT_TRUE(s.order_by.empty());
  EXPECT_EQ(s.partition_by.kind, storage::PartitionSpec::Kind::kNone);
  EXPECT_EQ(s.columns.size(), 2u);
  EXPECT_EQ(s.Find("bad-name"), nullptr);
  EXPECT_TRUE(s.Validate().ok());
}

}  // namespace
}  // namespace aurora::ingest
