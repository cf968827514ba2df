#include "sql/parser/lexer.h"

#include <cctype>

namespace aurora::sql {

namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// A bare word equal to `upper` in any case.
bool IsWord(const Token& t, std::string_view upper) {
  if (t.kind != TokenKind::kIdentifier || t.text.size() != upper.size()) return false;
  for (size_t k = 0; k < upper.size(); ++k)
    if (std::toupper(static_cast<unsigned char>(t.text[k])) != upper[k]) return false;
  return true;
}

}  // namespace

std::string FormatSyntaxError(std::string_view query, size_t offset, int line, int column,
                              std::string_view what) {
  size_t begin = query.rfind('\n', offset == 0 ? 0 : offset - 1);
  begin = (begin == std::string_view::npos || offset == 0) ? 0 : begin + 1;
  if (offset > 0 && offset <= query.size() && query[offset - 1] == '\n') begin = offset;
  size_t end = query.find('\n', begin);
  if (end == std::string_view::npos) end = query.size();
  std::string_view text = query.substr(begin, end - begin);
  // Long lines: show at most 60 characters either side of the error.
  size_t caret = offset >= begin ? offset - begin : 0;
  size_t from = caret > 60 ? caret - 60 : 0;
  std::string_view shown = text.substr(from, 120);
  return fmt::format("syntax error at line {}, column {}: {}\n  {}{}\n  {}^", line, column, what,
                     from > 0 ? "..." : "", shown, std::string(caret - from + (from > 0 ? 3 : 0), ' '));
}

Result<std::vector<Token>> Tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  auto error = [&](size_t at, std::string_view what) {
    int col = static_cast<int>(at - line_start) + 1;
    return Status(ErrorCode::kInvalidArgument, FormatSyntaxError(q, at, line, col, what));
  };
  auto advance_newlines = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k)
      if (q[k] == '\n') {
        ++line;
        line_start = k + 1;
      }
  };
  size_t statement_first = 0;       // index in `out` of the current statement's first token
  bool statement_has_body = false;  // the statement has SELECT, WITH or VALUES: FORMAT is not its data's
  while (true) {
    // Whitespace and comments.
    while (i < q.size()) {
      char c = q[i];
      if (c == '\n') {
        ++line;
        line_start = ++i;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if ((c == '-' && i + 1 < q.size() && q[i + 1] == '-') || c == '#') {
        while (i < q.size() && q[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < q.size() && q[i + 1] == '*') {
        size_t end = q.find("*/", i + 2);
        if (end == std::string_view::npos) return error(i, "unterminated comment");
        advance_newlines(i, end);
        i = end + 2;
      } else {
        break;
      }
    }
    Token t;
    t.offset = i;
    t.line = line;
    t.column = static_cast<int>(i - line_start) + 1;
    if (i >= q.size()) {
      t.kind = TokenKind::kEnd;
      out.push_back(std::move(t));
      return out;
    }
    char c = q[i];
    if (IsIdentStart(c)) {
      size_t s = i;
      while (i < q.size() && IsIdentChar(q[i])) ++i;
      t.kind = TokenKind::kIdentifier;
      t.text = std::string(q.substr(s, i - s));
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[i + 1])))) {
      size_t s = i;
      bool is_float = false;
      if (c == '0' && i + 1 < q.size() && (q[i + 1] == 'x' || q[i + 1] == 'X')) {
        i += 2;
        while (i < q.size() && std::isxdigit(static_cast<unsigned char>(q[i]))) ++i;
        if (i == s + 2) return error(s, "expected hexadecimal digits after 0x");
      } else {
        while (i < q.size() && std::isdigit(static_cast<unsigned char>(q[i]))) ++i;
        if (i < q.size() && q[i] == '.') {
          is_float = true;
          ++i;
          while (i < q.size() && std::isdigit(static_cast<unsigned char>(q[i]))) ++i;
        }
        if (i < q.size() && (q[i] == 'e' || q[i] == 'E')) {
          size_t e = i + 1;
          if (e < q.size() && (q[e] == '+' || q[e] == '-')) ++e;
          if (e < q.size() && std::isdigit(static_cast<unsigned char>(q[e]))) {
            is_float = true;
            i = e;
            while (i < q.size() && std::isdigit(static_cast<unsigned char>(q[i]))) ++i;
          }
        }
      }
      if (i < q.size() && IsIdentStart(q[i])) return error(i, "unexpected character after a number");
      t.kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
      t.text = std::string(q.substr(s, i - s));
    } else if (c == '\'') {
      size_t s = i++;
      std::string v;
      while (true) {
        if (i >= q.size()) return error(s, "unterminated string literal");
        char d = q[i];
        if (d == '\\') {
          if (i + 1 >= q.size()) return error(s, "unterminated string literal");
          char e = q[i + 1];
          switch (e) {
            case 'n':
              v += '\n';
              break;
            case 't':
              v += '\t';
              break;
            case 'r':
              v += '\r';
              break;
            case '0':
              v += '\0';
              break;
            case 'b':
              v += '\b';
              break;
            case 'f':
              v += '\f';
              break;
            default:
              v += e;
              break;  // \\ \' and any other escaped character
          }
          i += 2;
        } else if (d == '\'') {
          if (i + 1 < q.size() && q[i + 1] == '\'') {
            v += '\'';
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          if (d == '\n') {
            ++line;
            line_start = i + 1;
          }
          v += d;
          ++i;
        }
      }
      t.kind = TokenKind::kString;
      t.text = std::move(v);
    } else if (c == '`' || c == '"') {
      size_t s = i++;
      std::string v;
      while (true) {
        if (i >= q.size()) return error(s, "unterminated quoted identifier");
        if (q[i] == '\\' && i + 1 < q.size()) {
          v += q[i + 1];
          i += 2;
        } else if (q[i] == c) {
          if (i + 1 < q.size() && q[i + 1] == c) {
            v += c;
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          v += q[i++];
        }
      }
      if (v.empty()) return error(s, "empty quoted identifier");
      t.kind = TokenKind::kQuotedIdentifier;
      t.text = std::move(v);
    } else if (c == '{') {
      size_t s = i;
      size_t end = q.find('}', i);
      if (end == std::string_view::npos)
        return error(s, "unterminated query parameter, expected {name:Type}");
      std::string_view body = q.substr(i + 1, end - i - 1);
      size_t colon = body.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == body.size())
        return error(s, "query parameters are written {name:Type}");
      t.kind = TokenKind::kParameter;
      t.text = std::string(body);
      i = end + 1;
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", "<>", "<=", ">=", "||", "::", "->"};
      t.kind = TokenKind::kOperator;
      bool matched = false;
      for (auto op : kTwo) {
        if (q.substr(i, 2) == op) {
          t.text = std::string(op);
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (std::string_view("+-*/%=<>.,()[];?:").find(c) == std::string_view::npos)
          return error(i, fmt::format("unexpected character '{}'", c));
        t.text = std::string(1, c);
        ++i;
      }
    }
    t.length = i - t.offset;
    out.push_back(std::move(t));
    // INSERT ... FORMAT name: what follows is data in that format, not SQL; stop here.
    const size_t n = out.size();
    const Token& last = out.back();
    if (last.kind == TokenKind::kOperator && last.text == ";") {
      statement_first = n;
      statement_has_body = false;
    } else if (IsWord(last, "SELECT") || IsWord(last, "WITH") || IsWord(last, "VALUES")) {
      statement_has_body = true;
    } else if (n >= statement_first + 3 && !statement_has_body && last.kind == TokenKind::kIdentifier &&
               IsWord(out[n - 2], "FORMAT") && IsWord(out[statement_first], "INSERT")) {
      const Token& before = out[n - 3];  // FORMAT as the table's name: INSERT INTO format FORMAT CSV
      if (!IsWord(before, "INTO") && !IsWord(before, "TABLE") && before.text != ".") {
        Token end;
        end.kind = TokenKind::kEnd;
        end.offset = i;
        end.line = line;
        end.column = static_cast<int>(i - line_start) + 1;
        out.push_back(std::move(end));
        return out;
      }
    }
  }
}

}  // namespace aurora::sql
