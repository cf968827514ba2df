// Binder: a parsed SELECT plus a catalog snapshot -> an executable plan (exec::QueryPlan).
//
// Names resolve as in ClickHouse: SELECT aliases are visible in WHERE, GROUP BY, HAVING and ORDER BY (an
// alias wins over a column of the same name), GROUP BY and ORDER BY also take positions (1-based), and
// WITH expr AS name defines a name for the whole query. Unknown names get a did-you-mean suggestion;
// type errors name the function and the argument types. Calls whose arguments are all constants are
// evaluated here (toDateTime('2024-01-01 00:00:00') becomes a constant), string constants compared with
// date/time columns become times, and conjuncts of WHERE of the form column <op> constant or
// column IN (constants) are pushed into the scan for partition / primary-key / min-max pruning.
//
// Sources are tables, subqueries in FROM and CTEs (WITH name AS (SELECT ...), bound where they are
// used). INNER and LEFT JOIN ... ON a = b [AND ...] / USING (...) become hash joins whose right side (the
// build side) is a plan of its own that reads only the columns the query uses and returns only those
// read after the join. Conjuncts over one source alone run on its rows before the joins, with their scan
// ranges: WHERE and INNER JOIN ON conjuncts over the FROM source in its scan; WHERE conjuncts over the
// right side of an INNER JOIN, and ON conjuncts over the right side of any join, in that side's plan
// (WHERE conjuncts over the right side of a LEFT JOIN stay after it, as they see the rows it extends).
// For a single INNER JOIN of two tables, when the FROM table reads fewer rows (after pruning by its own
// conjuncts) the sides are swapped: the joined table is scanned and probes, the FROM table builds
// (setting join_reorder = 0 turns this off). Names resolve before the swap and every expression is
// remapped after it, so the result's rows, names, order of columns and types do not change. Scalar
// subqueries and the sets of x IN (SELECT ...) are run while binding and become constants and hash sets.
// UNION ALL converts each column to the common type of its SELECTs. Correlated subqueries are not
// supported: a subquery sees only its own sources.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "catalog/catalog.h"
#include "exec/select.h"
#include "sql/parser/ast.h"

namespace aurora::sql {

struct BindOptions {
  int64_t now_ms = 0;
  // The rows of system.<name> (tables, columns, parts, ...), computed when a query reads it; NotFound
  // for a name that is not a system table.
  std::function<Result<exec::ResultSet>(const std::string& name)> system_table;
  // Values of {name:Type} placeholders, as text.
  std::map<std::string, std::string> params;
};

// `exec_options` runs subqueries while binding; its query context (required) holds the settings, which a
// SETTINGS clause changes.
Result<exec::QueryPlan> BindQuery(const SelectQuery& query, const Catalog& catalog,
                                  const BindOptions& options, exec::ExecOptions* exec_options);

}  // namespace aurora::sql
