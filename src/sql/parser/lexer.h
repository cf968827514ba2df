// Lexer for Aurora's SQL (the ClickHouse dialect): identifiers (bare, `backquoted`, "double-quoted"),
// keywords (case-insensitive; a keyword is just an identifier token that the parser matches by text),
// numbers (decimal, float, exponent, 0x hex), 'strings' (backslash escapes and '' doubling), operators,
// and query parameters {name:Type}. Every token records where it starts (offset, line, column) so that
// errors can point at it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace aurora::sql {

enum class TokenKind : uint8_t {
  kIdentifier,        // bare word: a name or a keyword
  kQuotedIdentifier,  // `x` or "x": always a name
  kInteger,
  kFloat,
  kString,
  kParameter,  // {name:Type}; text is "name:Type"
  kOperator,   // + - * / % = == != <> < <= > >= || :: -> . , ( ) [ ] ; ?
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;   // identifier/operator text; decoded string value; digits of a number
  size_t offset = 0;  // byte offset in the query
  size_t length = 0;  // bytes in the query
  int line = 1;
  int column = 1;
};

// Splits `query` into tokens ending with kEnd. Comments (-- …, # …, /* … */) and whitespace are skipped.
// Errors (unterminated string or comment, a stray character) name the line and column. In
// `INSERT ... FORMAT name <data>` the tokens end after the format's name: the data is not SQL.
Result<std::vector<Token>> Tokenize(std::string_view query);

// "syntax error at line L, column C: <what>" followed by the query line and a caret under the column.
std::string FormatSyntaxError(std::string_view query, size_t offset, int line, int column,
                              std::string_view what);

}  // namespace aurora::sql
