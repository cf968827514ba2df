#include "exec/aggregate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/hash.h"
#include "exec/hyper_log_log.h"
#include "exec/quantile_sample.h"

namespace aurora::exec {
namespace {

using function::Datum;

uint64_t HashOf(uint64_t v) {
  return Hash64(&v, sizeof(v));
}

double RelativeError(uint64_t estimate, uint64_t truth) {
  return std::abs(static_cast<double>(estimate) - static_cast<double>(truth)) / static_cast<double>(truth);
}

TEST(HyperLogLogTest, ExactWhileSmall) {
  HyperLogLog h;
  EXPECT_EQ(h.Estimate(), 0u);
  for (uint64_t i = 0; i < HyperLogLog::kSparseLimit; ++i) {
    h.Insert(HashOf(i));
    h.Insert(HashOf(i));  // duplicates count once
  }
  EXPECT_TRUE(h.exact());
  EXPECT_EQ(h.Estimate(), HyperLogLog::kSparseLimit);
  h.Insert(HashOf(HyperLogLog::kSparseLimit));
  EXPECT_FALSE(h.exact());
}

// The documented error of uniq (docs/sql.md): within 2% of the truth across the range, including the
// hand-over from exact hashes to registers and the range where raw HyperLogLog estimates are biased.
TEST(HyperLogLogTest, RelativeErrorStaysWithinTwoPercent) {
  for (uint64_t n : {1000ull, 5000ull, 20000ull, 50000ull, 100000ull, 1000000ull}) {
    HyperLogLog h;
    for (uint64_t i = 0; i < n; ++i) h.Insert(HashOf(i * 7919 + 13));
    double err = RelativeError(h.Estimate(), n);
    EXPECT_LE(err, 0.02) << "n = " << n << ", estimate " << h.Estimate();
    std::printf("uniq of %llu distinct values: %llu (%.3f%% off)\n", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(h.Estimate()), 100 * err);
  }
}

TEST(HyperLogLogTest, MergeEqualsOneSketchOverTheUnion) {
  for (uint64_t n : {1500ull, 300000ull}) {
    HyperLogLog whole, parts[4];
    for (uint64_t i = 0; i < n; ++i) {
      whole.Insert(HashOf(i));
      parts[i % 4].Insert(HashOf(i));
      parts[(i + 1) % 4].Insert(HashOf(i));  // overlapping inputs
    }
    HyperLogLog merged;
    for (const auto& p : parts) merged.Merge(p);
    EXPECT_EQ(merged.Estimate(), whole.Estimate()) << n;
    // Merge order does not matter either.
    HyperLogLog reversed;
    for (int p = 3; p >= 0; --p) reversed.Merge(parts[p]);
    EXPECT_EQ(reversed.Estimate(), whole.Estimate()) << n;
  }
}

TEST(QuantileSampleTest, ExactUpToCapacity) {
  QuantileSample s;
  uint64_t rng = 1;
  for (int i = 8192; i >= 1; --i) s.Add(i, NextPriority(&rng));
  std::vector<double> sorted = s.Sorted();
  ASSERT_EQ(sorted.size(), 8192u);
  EXPECT_EQ(QuantileSample::Interpolate(sorted, 0), 1);
  EXPECT_EQ(QuantileSample::Interpolate(sorted, 1), 8192);
  EXPECT_DOUBLE_EQ(QuantileSample::Interpolate(sorted, 0.5), 4096.5);
  s.Add(std::nan(""), NextPriority(&rng));  // ignored
  EXPECT_EQ(s.Sorted().size(), 8192u);
}

TEST(QuantileSampleTest, SampleOfManyValuesKeepsRankErrorSmall) {
  // 10^6 values 0..999999 in random order, in 4 samples merged: the quantile's rank is off by well
  // under 3% of the rows (the standard deviation at the median is 0.55%).
  std::vector<double> values(1000000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  std::mt19937_64 shuffle(7);
  std::shuffle(values.begin(), values.end(), shuffle);
  QuantileSample parts[4];
  uint64_t rng[4] = {1, 2, 3, 4};
  for (size_t i = 0; i < values.size(); ++i) parts[i % 4].Add(values[i], NextPriority(&rng[i % 4]));
  QuantileSample merged;
  for (const auto& p : parts) merged.Merge(p);
  std::vector<double> sorted = merged.Sorted();
  EXPECT_EQ(sorted.size(), QuantileSample::kCapacity);
  for (double level : {0.1, 0.5, 0.9, 0.99}) {
    double q = QuantileSample::Interpolate(sorted, level);
    EXPECT_NEAR(q / 1e6, level, 0.03) << level;
  }
}

// Runs an aggregate over `values` (UInt32 input, one group) split among `workers` states that are then
// merged, as ExecuteSelect does, and returns the result row as text.
// Parameters are given as doubles; whole numbers become integers.
std::string RunSplit(const std::string& name, const std::vector<double>& levels,
                     const std::vector<int64_t>& values, int workers, const char* type = "UInt32") {
  std::vector<Value> params;
  for (double l : levels) {
    if (l == std::floor(l))
      params.emplace_back(static_cast<int64_t>(l));
    else
      params.emplace_back(l);
  }
  DataTypePtr t = *ParseDataType(type);
  auto arg = BoundExpr::Input(0, t, "x");
  auto call = BindAggregate(name, {arg}, false, params);
  EXPECT_TRUE(call.ok()) << call.status().ToString();
  std::vector<std::unique_ptr<AggregateState>> states;
  for (int w = 0; w < workers; ++w) {
    states.push_back(call->make());
    states.back()->Resize(1);
  }
  for (int w = 0; w < workers; ++w) {
    auto col = std::make_shared<Column>(t);
    for (size_t i = w; i < values.size(); i += workers) col->AppendInt(values[i]);
    std::vector<uint32_t> groups(col->size(), 0);
    states[w]->Update(groups.data(), col->size(), {Datum{col, false}});
  }
  for (int w = 1; w < workers; ++w) states[0]->Merge(*states[w], {0});
  ColumnPtr out = states[0]->Finalize(1);
  EXPECT_EQ(out->type()->Name(), call->result_type->Name());
  return ValueToString(out->ValueAt(0));
}

TEST(AggregateTest, MergedStatesGiveTheSingleStateAnswer) {
  std::vector<int64_t> values;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) values.push_back(static_cast<int64_t>(rng() % 5000));
  for (const char* name : {"uniq", "quantileExact", "medianExact", "groupUniqArray", "argMax", "topK"}) {
    std::vector<double> params;
    if (std::string(name) == "topK") params.push_back(3);
    if (std::string(name) == "argMax") continue;  // takes two arguments; covered by SQL tests
    EXPECT_EQ(RunSplit(name, params, values, 4), RunSplit(name, params, values, 1)) << name;
  }
  // Floating-point moments agree up to rounding.
  for (const char* name : {"varPop", "varSamp", "stddevPop", "stddevSamp"}) {
    double one = std::stod(RunSplit(name, {}, values, 1));
    double four = std::stod(RunSplit(name, {}, values, 4));
    EXPECT_NEAR(four, one, 1e-9 * one) << name;
  }
}

TEST(AggregateTest, MomentsAreNumericallyStable) {
  // Values around 10^9 with variance 2/3: the naive sum-of-squares formula loses every digit here.
  std::vector<int64_t> values;
  for (int i = 0; i < 30000; ++i) values.push_back(1000000000 + i % 3);
  EXPECT_NEAR(std::stod(RunSplit("varPop", {}, values, 3)), 2.0 / 3, 1e-6);
  EXPECT_NEAR(std::stod(RunSplit("varSamp", {}, values, 1)), 2.0 / 3 * 30000 / 29999, 1e-6);
}

TEST(AggregateTest, QuantilesFollowClickHouse) {
  std::vector<int64_t> v = {1, 1, 2, 3};
  EXPECT_EQ(RunSplit("quantile", {}, v, 1), "1.5");  // ClickHouse's documented example
  EXPECT_EQ(RunSplit("quantileExact", {}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1), "5");
  EXPECT_EQ(RunSplit("quantileExact", {1.0}, {4, 9, 2}, 2), "9");
  EXPECT_EQ(RunSplit("quantiles", {0.0, 0.5, 1.0}, {10, 20, 30, 40, 50}, 2), "[10,30,50]");
  EXPECT_EQ(RunSplit("quantile", {}, {}, 2), "nan");
  EXPECT_EQ(RunSplit("quantileExact", {}, {}, 2), "0");  // ClickHouse: the type's default for integers
  EXPECT_EQ(RunSplit("quantile", {0.5}, {0, 2}, 1, "Date"), "1");
  std::vector<Value> bad_level;
  bad_level.emplace_back(1.5);
  EXPECT_FALSE(
      BindAggregate("quantile", {BoundExpr::Input(0, DataType::Make(TypeId::kUInt8), "x")}, false, bad_level)
          .ok());
}

TEST(AggregateTest, GroupArrayAndTopK) {
  EXPECT_EQ(RunSplit("groupArray", {}, {3, 1, 2}, 1), "[3,1,2]");
  EXPECT_EQ(RunSplit("groupArray", {2}, {3, 1, 2}, 1), "[3,1]");
  EXPECT_EQ(RunSplit("groupArray", {2}, {3, 1, 2, 5}, 2).size(), 5u);  // two of the values
  EXPECT_EQ(RunSplit("groupUniqArray", {}, {3, 1, 3, 2, 1}, 2), "[1,2,3]");
  EXPECT_EQ(RunSplit("topK", {2}, {5, 7, 7, 5, 9, 7, 1}, 3), "[7,5]");
  EXPECT_EQ(RunSplit("topK", {}, {}, 2), "[]");
}

}  // namespace
// Keys of every kind the group table special-cases: short and long strings (inline and arena keys),
// LowCardinality strings, dense and sparse integers (direct index and hash map). Two tables over halves of
// the rows, merged, must agree with one table over all rows.
TEST(GroupTableTest, MergeAgreesWithOneTable) {
  auto check = [](const DataTypePtr& type, const std::vector<Value>& values) {
    auto column = std::make_shared<Column>(type);
    for (const auto& v : values) column->AppendValue(v);
    const size_t n = values.size();
    GroupTable all({type});
    std::vector<uint32_t> ids;
    all.Map({{column, false}}, n, &ids);
    std::vector<uint32_t> expected = ids;

    auto half = [&](size_t begin, size_t end) {
      auto c = std::make_shared<Column>(type);
      c->AppendRange(*column, begin, end - begin);
      return c;
    };
    GroupTable a({type}), b({type});
    std::vector<uint32_t> ida, idb, remap;
    a.Map({{half(0, n / 2), false}}, n / 2, &ida);
    b.Map({{half(n / 2, n), false}}, n - n / 2, &idb);
    a.MergeInto(b, &remap);
    ASSERT_EQ(a.size(), all.size()) << type->Name();
    // Rows with equal keys in `all` have equal groups after the merge, and vice versa.
    std::vector<uint32_t> merged(n);
    for (size_t i = 0; i < n / 2; ++i) merged[i] = ida[i];
    for (size_t i = n / 2; i < n; ++i) merged[i] = remap[idb[i - n / 2]];
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; j += 7)
        ASSERT_EQ(expected[i] == expected[j], merged[i] == merged[j])
            << type->Name() << " rows " << i << ", " << j;
    // Key columns hold each group's key.
    const Column& keys = *a.KeyColumns()[0];
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(CompareValues(keys.ValueAt(merged[i]), values[i]), 0);
  };
  const size_t n = 3000;
  std::vector<Value> strings(n), ints(n), sparse(n);
  for (size_t i = 0; i < n; ++i) {
    std::string s(i % 41, static_cast<char>('a' + i % 5));
    s += std::to_string(i % 300);
    strings[i] = std::move(s);
    ints[i] = static_cast<int64_t>(i % 500);
    sparse[i] = static_cast<int64_t>((i % 500) * 1000003);
  }
  check(DataType::Make(TypeId::kString), strings);
  check(DataType::LowCardinality(DataType::Make(TypeId::kString)), strings);
  check(DataType::Make(TypeId::kUInt32), ints);
  check(DataType::Make(TypeId::kInt64), sparse);
}

// Several keys packed into 16 bytes (a fixed-width key and LowCardinality strings as interned ids): the
// dictionaries differ between the halves, so ids differ between the tables and the merge must re-intern.
TEST(GroupTableTest, PackedKeysMergeAcrossDictionaries) {
  const DataTypePtr lc = DataType::LowCardinality(DataType::Make(TypeId::kString));
  const DataTypePtr u16 = DataType::Make(TypeId::kUInt16);
  const size_t n = 4000;
  auto make = [&](size_t begin, size_t end, bool reverse_dict) {
    auto a = std::make_shared<Column>(u16);
    auto b = std::make_shared<Column>(lc);
    // The second half appends its rows in reverse, so its dictionary codes differ from the first's.
    for (size_t i = begin; i < end; ++i) {
      const size_t j = reverse_dict ? begin + end - 1 - i : i;
      a->AppendValue(Value(static_cast<int64_t>(j % 7)));
      b->AppendValue(Value(std::string("s") + std::to_string(j % 13)));
    }
    return std::vector<Datum>{{a, false}, {b, false}};
  };
  GroupTable all({u16, lc}), x({u16, lc}), y({u16, lc});
  std::vector<uint32_t> ids, idx, idy, remap;
  all.Map(make(0, n, false), n, &ids);
  x.Map(make(0, n / 2, false), n / 2, &idx);
  y.Map(make(n / 2, n, true), n - n / 2, &idy);
  x.MergeInto(y, &remap);
  EXPECT_EQ(all.size(), 7u * 13u);
  EXPECT_EQ(x.size(), all.size());
  // Every group's key columns agree with the keys that mapped to it.
  const auto keys = x.KeyColumns();
  auto half = make(n / 2, n, true);
  for (size_t i = 0; i < n - n / 2; ++i) {
    const uint32_t g = remap[idy[i]];
    EXPECT_EQ(CompareValues(keys[0]->ValueAt(g), half[0].column->ValueAt(i)), 0);
    EXPECT_EQ(CompareValues(keys[1]->ValueAt(g), half[1].column->ValueAt(i)), 0);
  }
}

}  // namespace aurora::exec
