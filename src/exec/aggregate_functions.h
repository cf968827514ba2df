// The aggregate functions beyond count, sum, avg, min, max, any, anyLast and uniqExact:
//
//   argMin(arg, val), argMax(arg, val)        arg of the row with the least / greatest val
//   uniq(x, ...), uniqCombined(x, ...)        approximate distinct count (HyperLogLog, hyper_log_log.h)
//   quantile[(p)](x), median(x), quantiles(p1, ...)(x)
//                                             approximate quantiles: exact up to 8192 values, then a
//                                             uniform sample of 8192 values (QuantileSample)
//   quantileExact[(p)](x), medianExact(x), quantilesExact(p1, ...)(x)
//   varPop, varSamp, stddevPop, stddevSamp (x), covarPop, covarSamp, corr (x, y)
//                                             Welford / Chan updates: numerically stable and mergeable
//   groupArray[(max_size)](x), groupUniqArray[(max_size)](x), topK[(n)](x)
//
// Each takes the -If combinator. Rows where any value argument is NULL are skipped; a function with a
// scalar result over a Nullable argument returns NULL when no row counted, as ClickHouse does.
// Internal to exec: aggregate.cpp binds these through BindExtendedAggregate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "exec/aggregate.h"

namespace aurora::exec {

// Marks the rows of a chunk an aggregate folds in: no value argument (the first `value_args`) is NULL,
// and the -If condition (the last argument) is true. Returns false, leaving `mask` alone, when every
// row counts.
bool RowMask(const std::vector<function::Datum>& args, size_t value_args, bool has_if, size_t rows,
             std::vector<uint8_t>* mask);

// Appends a byte encoding of row `row` of `c` that is equal exactly for equal values (NULL, strings and
// arrays included): the key of group tables, of distinct-value states and of uniq's hashes.
void EncodeKey(const Column& c, size_t row, std::string* out);

// Whether `base` (a name without -If) is one of the functions above.
bool IsExtendedAggregate(std::string_view base);
// The names IsExtendedAggregate accepts.
std::vector<std::string> ExtendedAggregateNames();

// Fills call->result_type and call->make for `base` over arguments of `types` (the -If condition not
// included); errors name the function and the argument types.
Status BindExtendedAggregate(const std::string& base, const std::string& name, bool has_if,
                             const std::vector<DataTypePtr>& types, const std::vector<Value>& params,
                             AggregateCall* call);

}  // namespace aurora::exec
