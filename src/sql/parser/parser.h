// Hand-written recursive-descent parser for Aurora's SQL (the ClickHouse dialect): SELECT (WITH, DISTINCT,
// JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, LIMIT BY, UNION ALL, SETTINGS, FORMAT),
// CREATE TABLE, DROP TABLE, TRUNCATE, ALTER TABLE ADD/DROP/COMMENT COLUMN, INSERT (VALUES, SELECT,
// FORMAT with inline data), SHOW TABLES, DESCRIBE and EXPLAIN, and the access statements: CREATE / ALTER /
// DROP USER, CREATE / DROP ROLE, GRANT, REVOKE, SHOW GRANTS / USERS / ROLES / TOKENS, CREATE / DROP TOKEN.
// The AST is in ast.h.
//
// Errors are InvalidArgument with the line, the column and an excerpt with a caret:
//   syntax error at line 1, column 27: expected FROM, found 'FORM'
// Thread-safe (no shared state).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/parser/ast.h"

namespace aurora::sql {

// Parses one statement (an optional trailing ';' is allowed).
Result<Statement> ParseStatement(std::string_view query);
// Parses statements separated by ';'.
Result<std::vector<Statement>> ParseStatements(std::string_view query);
// Splits text into statements at top-level ';' (not inside strings, quoted names or comments); each
// piece keeps its text. INSERT ... FORMAT takes the rest of the text as its data.
Result<std::vector<std::string>> SplitStatements(std::string_view text);
// Parses one expression (used for DEFAULT expressions stored as text, and in tests).
Result<ExprPtr> ParseExpression(std::string_view text);

// Whether `word` is reserved (ends an expression or clause, so a name spelled like it must be quoted).
bool IsReservedWord(std::string_view word);

}  // namespace aurora::sql
