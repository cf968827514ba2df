// Micro-benchmarks of scalar function kernels on one granule (8192 rows) of the standard workload:
// comparisons against constants (numbers, times, LowCardinality strings), arithmetic and logic.
//   build/release/bench/function_micro
#include <benchmark/benchmark.h>

#include "function/function_registry.h"
#include "sources/event_generator.h"

using namespace aurora;
using namespace aurora::function;

namespace {

const Chunk& Granule() {
  static const Chunk chunk = [] {
    sources::EventGenerator gen({.seed = 42, .rows = 1 << 20});
    return gen.Next(8192);
  }();
  return chunk;
}

Datum Column(const char* name) {
  return Datum{Granule().columns[Granule().IndexOf(name)], false};
}

Datum Const(const char* type, Value v) {
  auto c = std::make_shared<aurora::Column>(*ParseDataType(type));
  c->AppendValue(v);
  return Datum::Const(c);
}

void Run(benchmark::State& state, const char* fn, std::vector<Datum> args) {
  std::vector<DataTypePtr> types;
  for (const auto& a : args) types.push_back(a.column->type());
  auto bound = FunctionRegistry::Default().BindScalar(fn, types);
  if (!bound.ok()) {
    state.SkipWithError(bound.status().ToString().c_str());
    return;
  }
  FunctionContext ctx;
  for (auto _ : state) {
    ColumnPtr out = bound->kernel(args, 8192, ctx);
    benchmark::DoNotOptimize(out->data.data());
  }
  state.SetItemsProcessed(state.iterations() * 8192);
}

void BM_EqualsLowCardinalityConst(benchmark::State& s) {
  Run(s, "equals", {Column("action_type"), Const("String", Value{std::string("purchase")})});
}
void BM_GreaterOrEqualsTimeConst(benchmark::State& s) {
  Run(s, "greaterOrEquals",
      {Column("timestamp"), Const("DateTime64(3, 'UTC')", Value{int64_t{1706655600000}})});
}
void BM_GreaterOrEqualsTimeVsDateTime(benchmark::State& s) {
  Run(s, "greaterOrEquals", {Column("timestamp"), Const("DateTime('UTC')", Value{int64_t{1706655600}})});
}
void BM_EqualsUInt32Const(benchmark::State& s) {
  Run(s, "equals", {Column("user_id"), Const("UInt16", Value{int64_t{4242}})});
}
void BM_MultiplyFloatUInt8(benchmark::State& s) {
  Run(s, "multiply", {Column("price"), Column("quantity")});
}
void BM_AndOfTwo(benchmark::State& s) {
  Run(s, "and", {Column("quantity"), Column("quantity")});
}

BENCHMARK(BM_EqualsLowCardinalityConst);
BENCHMARK(BM_GreaterOrEqualsTimeConst);
BENCHMARK(BM_GreaterOrEqualsTimeVsDateTime);
BENCHMARK(BM_EqualsUInt32Const);
BENCHMARK(BM_MultiplyFloatUInt8);
BENCHMARK(BM_AndOfTwo);

}  // namespace

BENCHMARK_MAIN();
