// Binder: a parsed SELECT plus a catalog snapshot -> an executable plan (exec::SelectPlan).
//
// Names resolve as in ClickHouse: SELECT aliases are visible in WHERE, GROUP BY, HAVING and ORDER BY (an
// alias wins over a column of the same name), GROUP BY and ORDER BY also take positions (1-based), and
// WITH expr AS name defines a name for the whole query. Unknown names get a did-you-mean suggestion;
// type errors name the function and the argument types. Calls whose arguments are all constants are
// evaluated here (toDateTime('2024-01-01 00:00:00') becomes a constant), string constants compared with
// date/time columns become times, and conjuncts of WHERE of the form column <op> constant or
// column IN (constants) are pushed into the scan for partition / primary-key / min-max pruning.
//
// This first version binds single-table queries (or none): JOIN, subqueries, UNION ALL, LIMIT BY and
// CTEs report NotSupported with the feature named.
#pragma once

#include "catalog/catalog.h"
#include "exec/select.h"
#include "sql/parser/ast.h"

namespace aurora::sql {

struct BindOptions {
  int64_t now_ms = 0;
};

Result<exec::SelectPlan> BindSelect(const SelectQuery& query, const Catalog& catalog,
                                    const BindOptions& options, exec::ExecOptions* exec_options);

}  // namespace aurora::sql
