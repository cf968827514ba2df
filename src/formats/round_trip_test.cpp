// Writing a chunk in a format and reading the text back gives the same values, for every type and for the
// strings that need quoting or escaping.
#include <gtest/gtest.h>

#include <limits>

#include "formats/format_writer.h"
#include "formats/test_util.h"

namespace aurora::formats {
namespace {

std::vector<InputColumn> AllTypes() {
  return Schema({{"b", "Bool"},
                 {"i8", "Int8"},
                 {"i16", "Int16"},
                 {"i32", "Int32"},
                 {"i64", "Int64"},
                 {"u8", "UInt8"},
                 {"u16", "UInt16"},
                 {"u32", "UInt32"},
                 {"u64", "UInt64"},
                 {"f32", "Float32"},
                 {"f64", "Float64"},
                 {"s", "String"},
                 {"ns", "Nullable(String)"},
                 {"lc", "LowCardinality(String)"},
                 {"d", "Date"},
                 {"t", "DateTime('Asia/Kolkata')"},
                 {"t64", "DateTime64(3, 'UTC')"},
                 {"ni", "Nullable(Int64)"}});
}

const std::vector<std::string> kStrings = {
    "",           "plain",
    "tab\there",  "new\nline",
    "cr\rlf\r\n", "quote\"s\"",
    "'single'",   "back\\slash",
    "comma,",     "\\N",
    "NULL",       "ünïcödé 😀",
    " spaced ",   "{\"json\":[1]}",
    "/slash/",    std::string("nul\0", 4),
};

Chunk MakeChunk(const std::vector<InputColumn>& schema, bool json) {
  std::vector<ColumnPtr> cols;
  for (const auto& in : schema) cols.push_back(std::make_shared<Column>(in.type));
  const size_t n = kStrings.size();
  for (size_t r = 0; r < n; ++r) {
    const bool odd = r % 2;
    cols[0]->AppendInt(odd);
    cols[1]->AppendInt(odd ? INT8_MIN : INT8_MAX);
    cols[2]->AppendInt(odd ? INT16_MIN : static_cast<int64_t>(r));
    cols[3]->AppendInt(odd ? INT32_MIN : INT32_MAX);
    cols[4]->AppendInt(odd ? INT64_MIN : INT64_MAX - static_cast<int64_t>(r));
    cols[5]->AppendInt(odd ? 0 : UINT8_MAX);
    cols[6]->AppendInt(odd ? 0 : UINT16_MAX);
    cols[7]->AppendInt(odd ? 0 : UINT32_MAX);
    cols[8]->AppendUInt(odd ? 0 : UINT64_MAX - r);
    const float floats32[] = {0.1f, -3.4e38f, 1.17549435e-38f, 0.0f};
    cols[9]->AppendFloat(floats32[r % 4]);
    double f64[] = {0.1,
                    -1e300,
                    5e-324,
                    1.0 / 3,
                    -0.0,
                    123456789.125,
                    std::numeric_limits<double>::infinity(),
                    std::numeric_limits<double>::quiet_NaN()};
    double f = f64[r % 8];
    // JSON has no nan or inf (they are written as null), and -0 reads back as the integer 0.
    if (json && (!std::isfinite(f) || f == 0)) f = 2.5;
    cols[10]->AppendFloat(f);
    cols[11]->AppendString(kStrings[r]);
    if (r % 3 == 0) {
      cols[12]->AppendNull();
    } else {
      cols[12]->AppendString(kStrings[n - 1 - r]);
    }
    cols[13]->AppendString(kStrings[r % 5]);
    cols[14]->AppendInt(static_cast<int64_t>(r * 1000));                // days
    cols[15]->AppendInt(static_cast<int64_t>(1700000000 + r * 86399));  // seconds
    cols[16]->AppendInt(static_cast<int64_t>(r) * 123456789 - 5000);    // ms, some before 1970
    if (odd) {
      cols[17]->AppendNull();
    } else {
      cols[17]->AppendInt(-static_cast<int64_t>(r));
    }
  }
  Chunk c;
  for (size_t i = 0; i < schema.size(); ++i) c.Add(schema[i].name, cols[i]);
  return c;
}

void ExpectRoundTrip(std::string_view format, bool json) {
  SCOPED_TRACE(format);
  auto schema = AllTypes();
  Chunk chunk = MakeChunk(schema, json);
  std::vector<std::string> names;
  std::vector<DataTypePtr> types;
  for (const auto& in : schema) names.push_back(in.name), types.push_back(in.type);
  auto text = WriteRows(format, names, types, {chunk});
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto back = ReadRows(format, *text, schema);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << *text;
  ASSERT_EQ(back->chunk.num_rows, chunk.num_rows);
  for (size_t c = 0; c < schema.size(); ++c)
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      EXPECT_EQ(chunk.columns[c]->IsNull(r), back->chunk.columns[c]->IsNull(r)) << names[c] << " row " << r;
      EXPECT_EQ(Cell(chunk, c, r), Cell(back->chunk, c, r)) << names[c] << " row " << r;
    }
}

TEST(RoundTripTest, TabSeparated) {
  ExpectRoundTrip("TSV", false);
  ExpectRoundTrip("TabSeparatedWithNames", false);
}

TEST(RoundTripTest, Csv) {
  ExpectRoundTrip("CSV", false);
  ExpectRoundTrip("CSVWithNames", false);
}

TEST(RoundTripTest, JsonEachRow) {
  ExpectRoundTrip("JSONEachRow", true);
}

TEST(RoundTripTest, ReorderedColumnsReadBackByName) {
  auto schema = AllTypes();
  Chunk chunk = MakeChunk(schema, true);
  // Write the columns in reverse order; the readers map them back by name.
  std::vector<std::string> names;
  std::vector<DataTypePtr> types;
  Chunk reversed;
  for (size_t i = schema.size(); i-- > 0;) {
    names.push_back(schema[i].name);
    types.push_back(schema[i].type);
    reversed.Add(schema[i].name, chunk.columns[i]);
  }
  for (std::string_view format : {"JSONEachRow", "CSVWithNames", "TSVWithNames"}) {
    auto text = WriteRows(format, names, types, {reversed});
    ASSERT_TRUE(text.ok());
    auto back = ReadRows(format, *text, schema);
    ASSERT_TRUE(back.ok()) << format << ": " << back.status().ToString();
    EXPECT_EQ(Rows(back->chunk), Rows(chunk)) << format;
  }
}

}  // namespace
}  // namespace aurora::formats
