// The abstract syntax tree the parser produces and the binder consumes.
//
// Expressions are normalized the way ClickHouse normalizes them, so the binder sees one form per meaning:
// operators become function calls (a + b -> plus(a, b), a = b -> equals(a, b), NOT x -> not(x),
// x BETWEEN a AND b -> and(greaterOrEquals(x, a), lessOrEquals(x, b)), x IN (1, 2) -> in(x, tuple(1, 2)),
// x LIKE p -> like(x, p), x IS NULL -> isNull(x), -x -> negate(x), a || b -> concat(a, b),
// CASE WHEN c THEN r ... ELSE e END -> multiIf(c, r, ..., e), INTERVAL 3 HOUR -> toIntervalHour(3),
// [a, b] -> array(a, b), (a, b) -> tuple(a, b), a[i] -> arrayElement(a, i)); CAST(x AS T) and x::T
// become kCast. Every node keeps the position of its first token for error messages.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/value.h"

namespace aurora::sql {

struct SourcePos {
  size_t offset = 0;
  int line = 1;
  int column = 1;
};

struct Expr;
struct SelectQuery;
using ExprPtr = std::shared_ptr<Expr>;
using SelectPtr = std::shared_ptr<SelectQuery>;

enum class ExprKind : uint8_t {
  kLiteral,    // literal (NULL, number, string, true/false)
  kColumn,     // [table.]column
  kStar,       // * or table.*
  kFunction,   // name(args) or name(params)(args); aggregates included
  kCast,       // CAST(arg AS type)
  kParameter,  // {name:Type}
  kSubquery,   // (SELECT ...) as a scalar or IN operand
  kLambda,     // x -> expr, (x, y) -> expr
};

struct Expr {
  ExprKind kind;
  SourcePos pos;
  std::string alias;  // AS alias (any expression may carry one, as in ClickHouse)

  Value literal;  // kLiteral
  enum class LiteralType : uint8_t {
    kNull,
    kBool,
    kInteger,
    kFloat,
    kString
  } literal_type = LiteralType::kNull;

  std::vector<std::string> name;  // kColumn: [table, column] or [column]; kStar: [] or [table];
                                  // kParameter: [name, type]; kLambda: parameter names
  std::string function;           // kFunction: the name as written
  std::vector<ExprPtr> args;      // kFunction, kCast (one), kLambda (body)
  std::vector<ExprPtr> params;    // kFunction: quantile(0.9)(x) has params {0.9}
  bool distinct = false;          // kFunction: count(DISTINCT x)
  std::string type_name;          // kCast: the target type as written
  SelectPtr subquery;             // kSubquery

  // Normalized SQL of the expression (without its alias), e.g. "plus(a, multiply(b, 2))".
  std::string ToString() const;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: the default (NULLS LAST for both directions, as ClickHouse)
};

struct TableRef {
  std::string database;  // empty: the default
  std::string table;     // empty when subquery
  SelectPtr subquery;
  std::string alias;
  SourcePos pos;
  std::string ToString() const;
};

struct Join {
  enum class Kind : uint8_t { kInner, kLeft } kind = Kind::kInner;
  TableRef right;
  ExprPtr on;                              // ON condition, or
  std::vector<std::string> using_columns;  // USING (a, b)
};

struct Setting {
  std::string name;
  ExprPtr value;  // a literal
};

struct SelectQuery {
  std::vector<std::pair<std::string, SelectPtr>> ctes;  // WITH name AS (SELECT ...)
  std::vector<ExprPtr> with_exprs;                      // WITH expr AS alias
  bool distinct = false;
  std::vector<ExprPtr> columns;
  std::optional<TableRef> from;
  std::vector<Join> joins;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<OrderItem> order_by;
  ExprPtr limit, offset;
  ExprPtr limit_by_limit, limit_by_offset;  // LIMIT n [OFFSET m] BY exprs
  std::vector<ExprPtr> limit_by;
  std::vector<Setting> settings;
  std::vector<SelectPtr> union_all;  // further SELECTs joined by UNION ALL
  SourcePos pos;

  std::string ToString() const;
};

struct ColumnDefinition {
  std::string name;
  std::string type;  // as written, parsed by ParseDataType in the binder
  ExprPtr default_expr;
  std::string default_text;  // the DEFAULT expression's source text
  std::string codec;         // inside CODEC(...), as written
  std::string comment;
  SourcePos pos;
};

struct CreateTable {
  bool if_not_exists = false;
  std::string database, table;
  std::vector<ColumnDefinition> columns;
  std::vector<std::string> order_by;  // column names (ORDER BY col or ORDER BY (a, b) or tuple())
  std::string partition_by;           // source text, e.g. "toYYYYMM(ts)"
  std::string ttl;                    // source text, e.g. "ts + INTERVAL 30 DAY"
  std::string engine;                 // ENGINE = MergeTree[()] is accepted and recorded
  std::vector<Setting> settings;
  std::string comment;
};

struct AlterTable {
  std::string database, table;
  struct Action {
    enum class Kind : uint8_t { kAddColumn, kDropColumn, kCommentColumn } kind;
    bool if_exists = false, if_not_exists = false;
    ColumnDefinition column;  // kAddColumn; name only for the others
    std::string after;        // ADD COLUMN ... AFTER x / FIRST ("" = last)
    bool first = false;
    std::string comment;  // kCommentColumn
  };
  std::vector<Action> actions;
};

struct Insert {
  std::string database, table;
  std::vector<std::string> columns;          // empty: all, in table order
  std::vector<std::vector<ExprPtr>> values;  // VALUES (...), (...)
  SelectPtr select;                          // INSERT ... SELECT
  std::string format;                        // FORMAT name, with the data after it
  std::string data;                          // inline data for FORMAT
  SourcePos data_pos;
};

// Users, roles, grants and tokens (ClickHouse's syntax where it has one; tokens are Aurora's own).
// Names of privileges are kept as written, upper-cased; the engine checks them.
struct AccessStatement {
  std::vector<std::string> names;  // users, roles or tokens the statement creates, changes or drops
  bool if_exists = false, if_not_exists = false;
  std::string password;                    // CREATE / ALTER USER ... IDENTIFIED BY
  std::vector<std::string> default_roles;  // CREATE USER ... DEFAULT ROLE
  // GRANT / REVOKE privileges and CREATE TOKEN scopes: a privilege on a table ("" database, "*" table:
  // every table).
  struct Privilege {
    std::string name;  // SELECT, INSERT, CREATE, ALTER, DROP, ADMIN, ALL
    std::string database, table;
    SourcePos pos;
  };
  std::vector<Privilege> privileges;
  std::vector<std::string> roles;     // GRANT role, ... TO / REVOKE role, ... FROM
  std::vector<std::string> grantees;  // TO / FROM
  std::string for_name;               // SHOW GRANTS FOR name, CREATE TOKEN name FOR user
  std::string expires_at;             // CREATE TOKEN ... EXPIRES AT 'time'
  int64_t expires_in_seconds = 0;     // CREATE TOKEN ... EXPIRES IN INTERVAL n unit (0: none)
};

// Sources (Aurora's own): CREATE SOURCE name FROM KAFKA SETTINGS k = 'v', ... INTO [db.]table;
// DROP SOURCE [IF EXISTS] name; ALTER SOURCE name PAUSE | RESUME | RESET TO 'earliest' | 'latest' | 'time'
// | unix_ms; SHOW SOURCES; SHOW CREATE SOURCE name.
struct SourceStatement {
  std::string name;
  bool if_exists = false, if_not_exists = false;
  std::string type;                                           // CREATE: KAFKA (upper-cased)
  std::vector<std::pair<std::string, std::string>> settings;  // CREATE: names lower-cased, values as text
  std::string database, table;                                // CREATE: INTO
  enum class Action : uint8_t { kPause, kResume, kReset } action = Action::kPause;  // ALTER
  std::string reset_to;                                                             // ALTER ... RESET TO
};

// The natural-language engine's semantic layer (nl/): CREATE [OR REPLACE] METRIC name AS aggregate
// [WHERE condition], CREATE [OR REPLACE] SYNONYM word FOR column | condition, DROP METRIC | SYNONYM, SHOW
// METRICS | SYNONYMS. Expressions are kept as their SQL text (checked by the parser).
struct TermStatement {
  bool metric = true;  // else a synonym
  std::string name;    // an identifier, or a quoted phrase ('average order value')
  std::string expression;
  std::string filter;  // METRIC ... WHERE
  bool if_exists = false, if_not_exists = false, or_replace = false;
};

struct Statement {
  enum class Kind : uint8_t {
    kSelect,
    kCreateTable,
    kDropTable,
    kTruncate,
    kAlterTable,
    kInsert,
    kShowTables,
    kDescribe,
    kExplain,
    kCreateUser,
    kAlterUser,
    kDropUser,
    kCreateRole,
    kDropRole,
    kGrant,
    kRevoke,
    kShowGrants,
    kShowUsers,
    kShowRoles,
    kCreateToken,
    kDropToken,
    kShowTokens,
    kCreateSource,
    kDropSource,
    kAlterSource,
    kShowSources,
    kShowCreateSource,
    kCreateTerm,
    kDropTerm,
    kShowTerms,
  } kind;
  SelectPtr select;
  std::shared_ptr<CreateTable> create;
  std::shared_ptr<AlterTable> alter;
  std::shared_ptr<Insert> insert;
  std::shared_ptr<Statement> explained;     // kExplain
  std::shared_ptr<AccessStatement> access;  // users, roles, grants, tokens
  std::shared_ptr<SourceStatement> source;  // sources
  std::shared_ptr<TermStatement> term;      // metrics and synonyms
  std::string database, table;              // DROP / TRUNCATE / DESCRIBE
  bool if_exists = false;                   // DROP TABLE IF EXISTS
  std::string like;                         // SHOW TABLES LIKE '...'
  std::string format;                       // trailing FORMAT name (output format)
  SourcePos pos;
};

}  // namespace aurora::sql
