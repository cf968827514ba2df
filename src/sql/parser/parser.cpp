#include "sql/parser/parser.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "common/query_error.h"
#include "sql/parser/lexer.h"

namespace aurora::sql {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Words that end an expression or a clause, so they are never taken as a bare alias.
bool IsReserved(std::string_view word) {
  static constexpr std::string_view kReserved[] = {
      "ALL",      "AND",   "ANTI",   "ANY",      "ARRAY",    "AS",    "ASC",    "BETWEEN", "BY",
      "CASE",     "CROSS", "DESC",   "DISTINCT", "ELSE",     "END",   "EXCEPT", "FINAL",   "FORMAT",
      "FROM",     "FULL",  "GLOBAL", "GROUP",    "HAVING",   "ILIKE", "IN",     "INNER",   "INTERSECT",
      "INTERVAL", "IS",    "JOIN",   "LEFT",     "LIKE",     "LIMIT", "NOT",    "NULLS",   "OFFSET",
      "ON",       "OR",    "ORDER",  "OUTER",    "PREWHERE", "RIGHT", "SAMPLE", "SELECT",  "SEMI",
      "SETTINGS", "THEN",  "UNION",  "USING",    "WHEN",     "WHERE", "WITH",
  };
  std::string u = Upper(word);
  for (auto r : kReserved)
    if (u == r) return true;
  return false;
}

ExprPtr MakeExpr(ExprKind kind, SourcePos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

ExprPtr Call(std::string name, std::vector<ExprPtr> args, SourcePos pos) {
  auto e = MakeExpr(ExprKind::kFunction, pos);
  e->function = std::move(name);
  e->args = std::move(args);
  return e;
}

class Parser {
 public:
  Parser(std::string_view query, std::vector<Token> tokens) : q_(query), t_(std::move(tokens)) {}

  std::vector<Statement> Statements() {
    std::vector<Statement> out;
    while (true) {
      while (IsOp(";")) ++i_;
      if (Peek().kind == TokenKind::kEnd) break;
      out.push_back(StatementBody());
      if (Peek().kind != TokenKind::kEnd && !IsOp(";")) Fail("expected ';' or the end of the query");
    }
    if (out.empty()) Fail("empty query");
    return out;
  }

  Statement Single() {
    while (IsOp(";")) ++i_;
    if (Peek().kind == TokenKind::kEnd) Fail("empty query");
    Statement s = StatementBody();
    while (IsOp(";")) ++i_;
    if (Peek().kind != TokenKind::kEnd) Fail("expected the end of the statement");
    return s;
  }

  ExprPtr ExpressionOnly() {
    ExprPtr e = AliasedExpr();
    if (Peek().kind != TokenKind::kEnd) Fail("expected the end of the expression");
    return e;
  }

 private:
  // ---- tokens
  const Token& Peek(size_t k = 0) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  const Token& Next() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  SourcePos Pos() const { return {Peek().offset, Peek().line, Peek().column}; }
  bool IsOp(std::string_view op, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kOperator && Peek(k).text == op;
  }
  bool IsKw(std::string_view kw, size_t k = 0) const {
    const Token& t = Peek(k);
    if (t.kind != TokenKind::kIdentifier || t.text.size() != kw.size()) return false;
    for (size_t j = 0; j < kw.size(); ++j)
      if (std::toupper(static_cast<unsigned char>(t.text[j])) != kw[j]) return false;
    return true;
  }
  bool AcceptKw(std::string_view kw) {
    if (!IsKw(kw)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(op)) return false;
    Next();
    return true;
  }
  void ExpectKw(std::string_view kw) {
    if (!AcceptKw(kw)) Fail(fmt::format("expected {}", kw));
  }
  void ExpectOp(std::string_view op) {
    if (!AcceptOp(op)) Fail(fmt::format("expected '{}'", op));
  }
  std::string Found() const {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kEnd:
        return "the end of the query";
      case TokenKind::kString:
        return fmt::format("string '{}'", t.text.substr(0, 40));
      default:
        return fmt::format("'{}'", std::string(q_.substr(t.offset, std::min<size_t>(t.length, 40))));
    }
  }
  [[noreturn]] void Fail(std::string_view what) const {
    FailAt(Peek(), fmt::format("{}, found {}", what, Found()));
  }
  [[noreturn]] void FailAt(const Token& t, std::string_view what) const {
    throw QueryError(ErrorCode::kInvalidArgument, FormatSyntaxError(q_, t.offset, t.line, t.column, what));
  }

  std::string Identifier(std::string_view what = "a name") {
    const Token& t = Peek();
    if (t.kind == TokenKind::kQuotedIdentifier) return Next().text;
    if (t.kind == TokenKind::kIdentifier) return Next().text;
    Fail(fmt::format("expected {}", what));
  }
  // [db.]name
  void QualifiedName(std::string* db, std::string* name) {
    *name = Identifier("a table name");
    if (AcceptOp(".")) {
      *db = *name;
      *name = Identifier("a table name");
    }
  }
  std::string StringLiteral(std::string_view what) {
    if (Peek().kind != TokenKind::kString) Fail(fmt::format("expected {}", what));
    return Next().text;
  }
  // Source text from token `from` up to (not including) the current token.
  std::string TextFrom(size_t from_token) const {
    size_t begin = t_[from_token].offset;
    const Token& last = t_[i_ == 0 ? 0 : i_ - 1];
    size_t end = last.offset + last.length;
    return std::string(q_.substr(begin, end > begin ? end - begin : 0));
  }

  // ---- statements
  Statement StatementBody() {
    Statement s;
    s.pos = Pos();
    if (IsKw("SELECT") || IsKw("WITH") || (IsOp("(") && (IsKw("SELECT", 1) || IsKw("WITH", 1)))) {
      s.kind = Statement::Kind::kSelect;
      s.select = SelectWithUnion();
      OutputFormat(&s);
    } else if (IsKw("CREATE") &&
               (IsKw("METRIC", 1) || IsKw("SYNONYM", 1) ||
                (IsKw("OR", 1) && IsKw("REPLACE", 2) && (IsKw("METRIC", 3) || IsKw("SYNONYM", 3))))) {
      Next();
      CreateTerm(&s);
    } else if (IsKw("DROP") && (IsKw("METRIC", 1) || IsKw("SYNONYM", 1))) {
      Next();
      s.kind = Statement::Kind::kDropTerm;
      s.term = std::make_shared<TermStatement>();
      s.term->metric = AcceptKw("METRIC");
      if (!s.term->metric) Next();
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.term->if_exists = true;
      }
      s.term->name = TermName();
    } else if (IsKw("SHOW") && (IsKw("METRICS", 1) || IsKw("SYNONYMS", 1))) {
      Next();
      s.kind = Statement::Kind::kShowTerms;
      s.term = std::make_shared<TermStatement>();
      s.term->metric = AcceptKw("METRICS");
      if (!s.term->metric) Next();
      OutputFormat(&s);
    } else if (AcceptKw("CREATE")) {
      if (AcceptKw("USER")) {
        CreateUser(&s);
      } else if (AcceptKw("ROLE")) {
        s.kind = Statement::Kind::kCreateRole;
        s.access = std::make_shared<AccessStatement>();
        IfNotExists(&s.access->if_not_exists);
        NameList(&s.access->names, "a role name");
      } else if (AcceptKw("TOKEN")) {
        CreateToken(&s);
      } else if (AcceptKw("SOURCE")) {
        CreateSource(&s);
      } else {
        s.kind = Statement::Kind::kCreateTable;
        s.create = CreateTableBody();
      }
    } else if (IsKw("DROP") && (IsKw("USER", 1) || IsKw("ROLE", 1) || IsKw("TOKEN", 1))) {
      Next();
      s.kind = AcceptKw("USER")   ? Statement::Kind::kDropUser
               : AcceptKw("ROLE") ? Statement::Kind::kDropRole
                                  : (Next(), Statement::Kind::kDropToken);
      s.access = std::make_shared<AccessStatement>();
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.access->if_exists = true;
      }
      NameList(&s.access->names, "a name");
    } else if (IsKw("DROP") && IsKw("SOURCE", 1)) {
      Next();
      Next();
      s.kind = Statement::Kind::kDropSource;
      s.source = std::make_shared<SourceStatement>();
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.source->if_exists = true;
      }
      s.source->name = Identifier("a source name");
    } else if (AcceptKw("DROP")) {
      if (!AcceptKw("TABLE")) Fail("expected TABLE, USER, ROLE, TOKEN or SOURCE after DROP");
      s.kind = Statement::Kind::kDropTable;
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.if_exists = true;
      }
      QualifiedName(&s.database, &s.table);
    } else if (AcceptKw("TRUNCATE")) {
      AcceptKw("TABLE");
      s.kind = Statement::Kind::kTruncate;
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.if_exists = true;
      }
      QualifiedName(&s.database, &s.table);
    } else if (IsKw("ALTER") && IsKw("USER", 1)) {
      Next();
      Next();
      s.kind = Statement::Kind::kAlterUser;
      s.access = std::make_shared<AccessStatement>();
      if (AcceptKw("IF")) {
        ExpectKw("EXISTS");
        s.access->if_exists = true;
      }
      s.access->names.push_back(Identifier("a user name"));
      Identified(s.access.get());
    } else if (IsKw("ALTER") && IsKw("SOURCE", 1)) {
      Next();
      Next();
      AlterSource(&s);
    } else if (IsKw("GRANT") || IsKw("REVOKE")) {
      const bool grant = IsKw("GRANT");
      Next();
      s.kind = grant ? Statement::Kind::kGrant : Statement::Kind::kRevoke;
      s.access = std::make_shared<AccessStatement>();
      PrivilegesOrRoles(s.access.get(), /*roles_allowed=*/true);
      ExpectKw(grant ? "TO" : "FROM");
      NameList(&s.access->grantees, "a user or role name");
      if (grant && AcceptKw("WITH")) Fail("WITH GRANT OPTION / WITH ADMIN OPTION are not supported");
    } else if (AcceptKw("ALTER")) {
      s.kind = Statement::Kind::kAlterTable;
      s.alter = AlterBody();
    } else if (AcceptKw("INSERT")) {
      s.kind = Statement::Kind::kInsert;
      s.insert = InsertBody();
    } else if (IsKw("SHOW") &&
               (IsKw("GRANTS", 1) || IsKw("USERS", 1) || IsKw("ROLES", 1) || IsKw("TOKENS", 1))) {
      Next();
      s.access = std::make_shared<AccessStatement>();
      if (AcceptKw("GRANTS")) {
        s.kind = Statement::Kind::kShowGrants;
        if (AcceptKw("FOR")) s.access->for_name = Identifier("a user or role name");
      } else if (AcceptKw("USERS")) {
        s.kind = Statement::Kind::kShowUsers;
      } else if (AcceptKw("ROLES")) {
        s.kind = Statement::Kind::kShowRoles;
      } else {
        Next();
        s.kind = Statement::Kind::kShowTokens;
      }
      OutputFormat(&s);
    } else if (IsKw("SHOW") && (IsKw("SOURCES", 1) || (IsKw("CREATE", 1) && IsKw("SOURCE", 2)))) {
      Next();
      s.source = std::make_shared<SourceStatement>();
      if (AcceptKw("SOURCES")) {
        s.kind = Statement::Kind::kShowSources;
      } else {
        Next();
        Next();
        s.kind = Statement::Kind::kShowCreateSource;
        s.source->name = Identifier("a source name");
      }
      OutputFormat(&s);
    } else if (AcceptKw("SHOW")) {
      if (!AcceptKw("TABLES")) Fail("expected TABLES, SOURCES, GRANTS, USERS, ROLES or TOKENS after SHOW");
      s.kind = Statement::Kind::kShowTables;
      if (AcceptKw("FROM") || AcceptKw("IN")) s.database = Identifier("a database name");
      if (AcceptKw("LIKE")) s.like = StringLiteral("a pattern");
      OutputFormat(&s);
    } else if (AcceptKw("DESCRIBE") || AcceptKw("DESC")) {
      AcceptKw("TABLE");
      s.kind = Statement::Kind::kDescribe;
      QualifiedName(&s.database, &s.table);
      OutputFormat(&s);
    } else if (AcceptKw("EXPLAIN")) {
      AcceptKw("PLAN");
      s.kind = Statement::Kind::kExplain;
      s.explained = std::make_shared<Statement>(StatementBody());
    } else {
      Fail(
          "expected a statement (SELECT, INSERT, CREATE, ALTER, DROP, TRUNCATE, SHOW, DESCRIBE, EXPLAIN, "
          "GRANT, "
          "REVOKE)");
    }
    return s;
  }

  // ---- sources
  // A metric's or synonym's name: an identifier or a quoted phrase, lower-cased.
  std::string TermName() {
    std::string name = Peek().kind == TokenKind::kString ? Next().text : Identifier("a name");
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
  }

  // CREATE [OR REPLACE] METRIC [IF NOT EXISTS] name AS expr [WHERE expr]
  // CREATE [OR REPLACE] SYNONYM [IF NOT EXISTS] name FOR expr
  void CreateTerm(Statement* s) {
    s->kind = Statement::Kind::kCreateTerm;
    s->term = std::make_shared<TermStatement>();
    TermStatement* t = s->term.get();
    if (AcceptKw("OR")) {
      ExpectKw("REPLACE");
      t->or_replace = true;
    }
    t->metric = AcceptKw("METRIC");
    if (!t->metric) ExpectKw("SYNONYM");
    IfNotExists(&t->if_not_exists);
    t->name = TermName();
    ExpectKw(t->metric ? "AS" : "FOR");
    size_t from = i_;
    Expression();
    t->expression = TextFrom(from);
    if (t->metric && AcceptKw("WHERE")) {
      from = i_;
      Expression();
      t->filter = TextFrom(from);
    }
  }

  // CREATE SOURCE [IF NOT EXISTS] name FROM KAFKA SETTINGS k = 'v' | number, ... INTO [db.]table
  void CreateSource(Statement* s) {
    s->kind = Statement::Kind::kCreateSource;
    s->source = std::make_shared<SourceStatement>();
    SourceStatement* src = s->source.get();
    IfNotExists(&src->if_not_exists);
    src->name = Identifier("a source name");
    ExpectKw("FROM");
    if (!AcceptKw("KAFKA")) Fail("expected KAFKA (the kind of source)");
    src->type = "KAFKA";
    ExpectKw("SETTINGS");
    do {
      const Token& name_token = Peek();
      std::string name = Identifier("a setting name");
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const auto& [seen, _] : src->settings)
        if (seen == name) FailAt(name_token, fmt::format("setting '{}' is given twice", name));
      ExpectOp("=");
      const TokenKind k = Peek().kind;
      if (k != TokenKind::kString && k != TokenKind::kInteger && k != TokenKind::kFloat)
        Fail("expected a setting's value: a string in quotes or a number");
      src->settings.emplace_back(std::move(name), Next().text);
    } while (AcceptOp(","));
    ExpectKw("INTO");
    QualifiedName(&src->database, &src->table);
  }

  // ALTER SOURCE name PAUSE | RESUME | RESET TO 'earliest' | 'latest' | 'YYYY-MM-DD hh:mm:ss[.fff]' | unix_ms
  void AlterSource(Statement* s) {
    s->kind = Statement::Kind::kAlterSource;
    s->source = std::make_shared<SourceStatement>();
    SourceStatement* src = s->source.get();
    src->name = Identifier("a source name");
    if (AcceptKw("PAUSE")) {
      src->action = SourceStatement::Action::kPause;
    } else if (AcceptKw("RESUME")) {
      src->action = SourceStatement::Action::kResume;
    } else if (AcceptKw("RESET")) {
      src->action = SourceStatement::Action::kReset;
      ExpectKw("TO");
      if (Peek().kind == TokenKind::kInteger || Peek().kind == TokenKind::kString) {
        src->reset_to = Next().text;
      } else if (IsKw("EARLIEST") || IsKw("LATEST")) {
        src->reset_to = Next().text;
        for (char& c : src->reset_to) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else {
        Fail("expected EARLIEST, LATEST, a time in quotes or Unix milliseconds after RESET TO");
      }
    } else {
      Fail("expected PAUSE, RESUME or RESET TO after ALTER SOURCE name");
    }
  }

  // ---- users, roles, grants, tokens
  void IfNotExists(bool* out) {
    if (AcceptKw("IF")) {
      ExpectKw("NOT");
      ExpectKw("EXISTS");
      *out = true;
    }
  }

  void NameList(std::vector<std::string>* out, std::string_view what) {
    do {
      out->push_back(Identifier(what));
    } while (AcceptOp(","));
  }

  // IDENTIFIED [WITH sha256_password | plaintext_password] BY 'password'
  void Identified(AccessStatement* a) {
    ExpectKw("IDENTIFIED");
    if (AcceptKw("WITH")) {
      if (!AcceptKw("SHA256_PASSWORD") && !AcceptKw("PLAINTEXT_PASSWORD"))
        Fail("expected sha256_password (Aurora keeps every password as a salted PBKDF2-HMAC-SHA256 hash)");
    }
    ExpectKw("BY");
    a->password = StringLiteral("a password in quotes");
  }

  void CreateUser(Statement* s) {
    s->kind = Statement::Kind::kCreateUser;
    s->access = std::make_shared<AccessStatement>();
    AccessStatement* a = s->access.get();
    IfNotExists(&a->if_not_exists);
    a->names.push_back(Identifier("a user name"));
    Identified(a);
    if (AcceptKw("DEFAULT")) {
      ExpectKw("ROLE");
      NameList(&a->default_roles, "a role name");
    }
  }

  // CREATE TOKEN name [FOR user] WITH GRANT privileges ON target [, ...]
  //   [EXPIRES AT 'time' | EXPIRES IN [INTERVAL] n unit]
  void CreateToken(Statement* s) {
    s->kind = Statement::Kind::kCreateToken;
    s->access = std::make_shared<AccessStatement>();
    AccessStatement* a = s->access.get();
    a->names.push_back(Identifier("a token name"));
    if (AcceptKw("FOR")) a->for_name = Identifier("a user name");
    ExpectKw("WITH");
    ExpectKw("GRANT");
    PrivilegesOrRoles(a, /*roles_allowed=*/false);
    if (AcceptKw("EXPIRES")) {
      if (AcceptKw("AT")) {
        a->expires_at = StringLiteral("a time in quotes, e.g. '2027-01-01 00:00:00'");
      } else {
        ExpectKw("IN");
        AcceptKw("INTERVAL");
        if (Peek().kind != TokenKind::kInteger) Fail("expected a whole number");
        const Token& n = Next();
        int64_t amount = 0;
        std::from_chars(n.text.data(), n.text.data() + n.text.size(), amount);
        static const std::pair<std::string_view, int64_t> kUnits[] = {
            {"SECOND", 1},       {"MINUTE", 60},        {"HOUR", 3600},       {"DAY", 86400},
            {"WEEK", 7 * 86400}, {"MONTH", 30 * 86400}, {"YEAR", 365 * 86400}};
        std::string unit = Upper(Peek().text);
        if (Peek().kind == TokenKind::kIdentifier && unit.size() > 1 && unit.back() == 'S') unit.pop_back();
        int64_t seconds = 0;
        for (auto [name, secs] : kUnits)
          if (Peek().kind == TokenKind::kIdentifier && unit == name) seconds = secs;
        if (seconds == 0) Fail("expected a unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR)");
        Next();
        if (amount <= 0 || amount > int64_t{100} * 365 * 86400 / seconds)
          FailAt(n, "the interval must be positive and at most 100 years");
        a->expires_in_seconds = amount * seconds;
      }
    }
  }

  // [db.]table, db.*, *, *.*
  void GrantTarget(std::string* db, std::string* table) {
    if (AcceptOp("*")) {
      *table = "*";
      if (AcceptOp(".")) {
        *db = "*";
        ExpectOp("*");
      }
      return;
    }
    *table = Identifier("a table name or *");
    if (AcceptOp(".")) {
      *db = *table;
      *table = AcceptOp("*") ? "*" : Identifier("a table name or *");
    }
  }

  // privilege [, privilege] ON target [, privilege ... ON target] (GRANT, REVOKE, token scopes), or
  // role [, role] (GRANT, REVOKE). Privileges: SELECT, INSERT, CREATE [TABLE], ALTER [TABLE],
  // DROP [TABLE], ALL [PRIVILEGES], ADMIN or ACCESS MANAGEMENT.
  void PrivilegesOrRoles(AccessStatement* a, bool roles_allowed) {
    struct Word {
      std::string text, upper;
      SourcePos pos;
    };
    std::vector<Word> pending;
    while (true) {
      Word w;
      w.pos = Pos();
      w.text = Identifier("a privilege or a role name");
      w.upper = Upper(w.text);
      if (w.upper == "ALL") {
        AcceptKw("PRIVILEGES");
      } else if (w.upper == "CREATE" || w.upper == "ALTER" || w.upper == "DROP") {
        AcceptKw("TABLE");
      } else if (w.upper == "ACCESS" && AcceptKw("MANAGEMENT")) {
        w.upper = "ADMIN";
      }
      if (IsOp("(")) Fail("privileges on columns are not supported");
      pending.push_back(std::move(w));
      if (AcceptKw("ON")) {
        std::string db, table;
        GrantTarget(&db, &table);
        for (auto& p : pending) a->privileges.push_back({p.upper, db, table, p.pos});
        pending.clear();
        if (!AcceptOp(",")) break;
        continue;
      }
      if (AcceptOp(",")) continue;
      break;
    }
    if (pending.empty()) return;
    if (roles_allowed && a->privileges.empty()) {
      for (auto& p : pending) a->roles.push_back(std::move(p.text));
      return;
    }
    for (auto& p : pending) {
      if (p.upper != "ADMIN") Fail("expected ON and a table (or *) after the privilege");
      a->privileges.push_back({p.upper, "", "*", p.pos});
    }
  }

  void OutputFormat(Statement* s) {
    if (AcceptKw("FORMAT")) s->format = Identifier("a format name");
  }

  std::shared_ptr<CreateTable> CreateTableBody() {
    auto c = std::make_shared<CreateTable>();
    if (!AcceptKw("TABLE")) Fail("expected TABLE after CREATE");
    if (AcceptKw("IF")) {
      ExpectKw("NOT");
      ExpectKw("EXISTS");
      c->if_not_exists = true;
    }
    QualifiedName(&c->database, &c->table);
    ExpectOp("(");
    do {
      c->columns.push_back(ColumnDef());
    } while (AcceptOp(","));
    ExpectOp(")");
    while (true) {
      if (AcceptKw("ENGINE")) {
        ExpectOp("=");
        size_t from = i_;
        Identifier("an engine name");
        if (IsOp("(")) SkipBalanced();
        c->engine = TextFrom(from);
      } else if (IsKw("ORDER") && IsKw("BY", 1)) {
        Next();
        Next();
        OrderByColumns(&c->order_by);
      } else if (IsKw("PRIMARY") && IsKw("KEY", 1)) {
        Next();
        Next();
        std::vector<std::string> pk;
        OrderByColumns(&pk);
        if (c->order_by.empty()) c->order_by = pk;
      } else if (IsKw("PARTITION") && IsKw("BY", 1)) {
        Next();
        Next();
        size_t from = i_;
        Expression();
        c->partition_by = TextFrom(from);
      } else if (AcceptKw("TTL")) {
        size_t from = i_;
        Expression();
        c->ttl = TextFrom(from);
      } else if (AcceptKw("SETTINGS")) {
        c->settings = Settings();
      } else if (AcceptKw("COMMENT")) {
        c->comment = StringLiteral("a comment string");
      } else {
        break;
      }
    }
    return c;
  }

  void OrderByColumns(std::vector<std::string>* out) {
    size_t from = i_;
    ExprPtr e = Expression();
    auto add = [&](const ExprPtr& x) {
      if (x->kind != ExprKind::kColumn || x->name.size() != 1)
        FailAt(t_[from], "ORDER BY of a table takes column names, e.g. ORDER BY (timestamp, user_id)");
      out->push_back(x->name[0]);
    };
    if (e->kind == ExprKind::kFunction && e->function == "tuple") {
      for (const auto& a : e->args) add(a);
    } else {
      add(e);
    }
  }

  void SkipBalanced() {
    ExpectOp("(");
    int depth = 1;
    while (depth > 0) {
      if (Peek().kind == TokenKind::kEnd) Fail("expected ')'");
      if (IsOp("(")) ++depth;
      if (IsOp(")")) --depth;
      Next();
    }
  }

  std::string TypeName() {
    size_t from = i_;
    Identifier("a type");
    if (IsOp("(")) SkipBalanced();
    return TextFrom(from);
  }

  ColumnDefinition ColumnDef() {
    ColumnDefinition d;
    d.pos = Pos();
    d.name = Identifier("a column name");
    d.type = TypeName();
    while (true) {
      if (AcceptKw("DEFAULT")) {
        size_t from = i_;
        d.default_expr = Expression();
        d.default_text = TextFrom(from);
      } else if (AcceptKw("CODEC")) {
        size_t open = i_;
        SkipBalanced();
        std::string text = TextFrom(open);
        d.codec = text.substr(1, text.size() - 2);
      } else if (AcceptKw("COMMENT")) {
        d.comment = StringLiteral("a comment string");
      } else if (IsKw("NOT") && IsKw("NULL", 1)) {
        Next();
        Next();
      } else if (AcceptKw("NULL")) {
        d.type = "Nullable(" + d.type + ")";
      } else {
        break;
      }
    }
    return d;
  }

  std::shared_ptr<AlterTable> AlterBody() {
    auto a = std::make_shared<AlterTable>();
    if (!AcceptKw("TABLE")) Fail("expected TABLE after ALTER");
    QualifiedName(&a->database, &a->table);
    do {
      AlterTable::Action act;
      if (AcceptKw("ADD")) {
        ExpectKw("COLUMN");
        act.kind = AlterTable::Action::Kind::kAddColumn;
        if (AcceptKw("IF")) {
          ExpectKw("NOT");
          ExpectKw("EXISTS");
          act.if_not_exists = true;
        }
        act.column = ColumnDef();
        if (AcceptKw("AFTER")) {
          act.after = Identifier("a column name");
        } else if (AcceptKw("FIRST")) {
          act.first = true;
        }
      } else if (AcceptKw("DROP")) {
        ExpectKw("COLUMN");
        act.kind = AlterTable::Action::Kind::kDropColumn;
        if (AcceptKw("IF")) {
          ExpectKw("EXISTS");
          act.if_exists = true;
        }
        act.column.name = Identifier("a column name");
      } else if (AcceptKw("COMMENT")) {
        ExpectKw("COLUMN");
        act.kind = AlterTable::Action::Kind::kCommentColumn;
        if (AcceptKw("IF")) {
          ExpectKw("EXISTS");
          act.if_exists = true;
        }
        act.column.name = Identifier("a column name");
        act.comment = StringLiteral("a comment string");
      } else {
        Fail("expected ADD COLUMN, DROP COLUMN or COMMENT COLUMN");
      }
      a->actions.push_back(std::move(act));
    } while (AcceptOp(","));
    return a;
  }

  std::shared_ptr<Insert> InsertBody() {
    auto ins = std::make_shared<Insert>();
    ExpectKw("INTO");
    AcceptKw("TABLE");
    QualifiedName(&ins->database, &ins->table);
    if (IsOp("(") && !IsKw("SELECT", 1) && !IsKw("WITH", 1)) {
      Next();
      do {
        ins->columns.push_back(Identifier("a column name"));
      } while (AcceptOp(","));
      ExpectOp(")");
    }
    if (AcceptKw("VALUES")) {
      do {
        ExpectOp("(");
        std::vector<ExprPtr> row;
        if (!IsOp(")")) {
          do {
            row.push_back(Expression());
          } while (AcceptOp(","));
        }
        ExpectOp(")");
        ins->values.push_back(std::move(row));
      } while (AcceptOp(","));
    } else if (IsKw("SELECT") || IsKw("WITH") || IsOp("(")) {
      ins->select = SelectWithUnion();
    } else if (IsKw("FORMAT")) {
      Next();
      const Token& fmt_token = Peek();
      ins->format = Identifier("a format name");
      // The data is the raw text after the format name (one leading newline or space skipped).
      size_t start = fmt_token.offset + fmt_token.length;
      if (start < q_.size() && (q_[start] == ' ' || q_[start] == '\t')) ++start;
      if (start < q_.size() && q_[start] == '\r') ++start;
      if (start < q_.size() && q_[start] == '\n') ++start;
      ins->data = std::string(q_.substr(start));
      ins->data_pos = {start, fmt_token.line + 1, 1};
      // Everything after FORMAT belongs to the data: jump to the end.
      i_ = t_.size() - 1;
    } else {
      Fail("expected VALUES, SELECT or FORMAT");
    }
    return ins;
  }

  std::vector<Setting> Settings() {
    std::vector<Setting> out;
    do {
      Setting s;
      s.name = Identifier("a setting name");
      ExpectOp("=");
      s.value = Unary();
      if (s.value->kind != ExprKind::kLiteral) FailAt(t_[i_ - 1], "a setting's value must be a literal");
      out.push_back(std::move(s));
    } while (AcceptOp(","));
    return out;
  }

  // ---- SELECT
  SelectPtr SelectWithUnion() {
    SelectPtr first = SelectOne();
    while (IsKw("UNION")) {
      Next();
      if (!AcceptKw("ALL")) Fail("expected ALL after UNION (UNION DISTINCT is not supported)");
      first->union_all.push_back(SelectOne());
    }
    return first;
  }

  SelectPtr SelectOne() {
    if (++select_depth_ > kMaxDepth) Fail("the query is nested too deeply");
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{select_depth_};
    if (AcceptOp("(")) {
      SelectPtr s = SelectWithUnion();
      ExpectOp(")");
      return s;
    }
    auto s = std::make_shared<SelectQuery>();
    s->pos = Pos();
    if (AcceptKw("WITH")) {
      do {
        // WITH name AS (SELECT ...) | WITH expr AS alias
        if ((Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kQuotedIdentifier) &&
            IsKw("AS", 1) && IsOp("(", 2) && (IsKw("SELECT", 3) || IsKw("WITH", 3))) {
          std::string name = Next().text;
          Next();
          Next();
          SelectPtr sub = SelectWithUnion();
          ExpectOp(")");
          s->ctes.emplace_back(std::move(name), std::move(sub));
        } else {
          ExprPtr e = AliasedExpr();
          if (e->alias.empty()) FailAt(t_[i_ - 1], "a WITH expression needs an alias: WITH expr AS name");
          s->with_exprs.push_back(std::move(e));
        }
      } while (AcceptOp(","));
    }
    ExpectKw("SELECT");
    if (AcceptKw("DISTINCT")) s->distinct = true;
    AcceptKw("ALL");
    do {
      s->columns.push_back(AliasedExpr());
    } while (AcceptOp(","));
    if (AcceptKw("FROM")) {
      s->from = TableReference();
      while (true) {
        Join j;
        if (IsKw("INNER") && IsKw("JOIN", 1)) {
          Next();
          Next();
        } else if (IsKw("LEFT")) {
          Next();
          AcceptKw("OUTER");
          ExpectKw("JOIN");
          j.kind = Join::Kind::kLeft;
        } else if (IsKw("JOIN")) {
          Next();
        } else if (IsKw("RIGHT") || IsKw("FULL") || IsKw("CROSS") || IsKw("ANY") || IsKw("ALL") ||
                   IsKw("SEMI") || IsKw("ANTI") || IsKw("GLOBAL") || IsKw("ASOF")) {
          Fail("only INNER JOIN and LEFT JOIN are supported");
        } else {
          break;
        }
        j.right = TableReference();
        if (AcceptKw("ON")) {
          j.on = Expression();
        } else if (AcceptKw("USING")) {
          bool paren = AcceptOp("(");
          do {
            j.using_columns.push_back(Identifier("a column name"));
          } while (AcceptOp(","));
          if (paren) ExpectOp(")");
        } else {
          Fail("expected ON or USING after the joined table");
        }
        s->joins.push_back(std::move(j));
      }
    }
    if (IsKw("PREWHERE")) Fail("PREWHERE is not supported; use WHERE");
    if (AcceptKw("WHERE")) s->where = Expression();
    if (IsKw("GROUP")) {
      Next();
      ExpectKw("BY");
      do {
        s->group_by.push_back(Expression());
      } while (AcceptOp(","));
      if (IsKw("WITH")) Fail("WITH ROLLUP / CUBE / TOTALS are not supported");
    }
    if (AcceptKw("HAVING")) s->having = Expression();
    if (IsKw("ORDER")) {
      Next();
      ExpectKw("BY");
      do {
        OrderItem item;
        item.expr = Expression();
        if (AcceptKw("DESC") || AcceptKw("DESCENDING")) {
          item.descending = true;
        } else if (!AcceptKw("ASC")) {
          AcceptKw("ASCENDING");
        }
        if (AcceptKw("NULLS")) {
          if (AcceptKw("FIRST")) {
            item.nulls_first = true;
          } else if (AcceptKw("LAST")) {
            item.nulls_first = false;
          } else {
            Fail("expected FIRST or LAST after NULLS");
          }
        }
        s->order_by.push_back(std::move(item));
      } while (AcceptOp(","));
    }
    // LIMIT n [OFFSET m] BY exprs, then LIMIT n [OFFSET m] | LIMIT m, n; OFFSET may also come alone.
    for (int round = 0; round < 2 && IsKw("LIMIT"); ++round) {
      Next();
      ExprPtr first = Expression();
      ExprPtr offset;
      if (AcceptOp(",")) {
        offset = first;
        first = Expression();
      } else if (AcceptKw("OFFSET")) {
        offset = Expression();
      }
      if (AcceptKw("BY")) {
        if (!s->limit_by.empty()) Fail("LIMIT BY given twice");
        s->limit_by_limit = first;
        s->limit_by_offset = offset;
        do {
          s->limit_by.push_back(Expression());
        } while (AcceptOp(","));
      } else {
        if (s->limit) Fail("LIMIT given twice");
        s->limit = first;
        s->offset = offset;
        break;
      }
    }
    if (IsKw("LIMIT")) Fail(s->limit ? "LIMIT given twice" : "LIMIT BY given twice");
    if (!s->offset && AcceptKw("OFFSET")) {
      s->offset = Expression();
      AcceptKw("ROWS");
    }
    if (AcceptKw("SETTINGS")) s->settings = Settings();
    return s;
  }

  TableRef TableReference() {
    TableRef r;
    r.pos = Pos();
    if (AcceptOp("(")) {
      r.subquery = SelectWithUnion();
      ExpectOp(")");
    } else {
      QualifiedName(&r.database, &r.table);
      if (IsOp("(")) Fail("table functions are not supported");
    }
    if (AcceptKw("AS")) {
      r.alias = Identifier("an alias");
    } else if ((Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek().text)) ||
               Peek().kind == TokenKind::kQuotedIdentifier) {
      r.alias = Next().text;
    }
    if (IsKw("FINAL") || IsKw("SAMPLE")) Fail("FINAL and SAMPLE are not supported");
    return r;
  }

  // ---- expressions
  ExprPtr AliasedExpr() {
    ExprPtr e = Expression();
    if (AcceptKw("AS")) {
      e->alias = Identifier("an alias");
    } else if ((Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek().text)) ||
               Peek().kind == TokenKind::kQuotedIdentifier) {
      e->alias = Next().text;
    }
    return e;
  }

  ExprPtr Expression() {
    // Deeply nested input would exhaust the stack: refuse it with an error instead.
    struct Depth {
      int& d;
      explicit Depth(int& x) : d(++x) {}
      ~Depth() { --d; }
    } depth(depth_);
    if (depth_ > kMaxDepth) Fail("the expression is nested too deeply");
    // Lambda: x -> body, (x, y) -> body
    if (Peek().kind == TokenKind::kIdentifier && IsOp("->", 1)) {
      auto l = MakeExpr(ExprKind::kLambda, Pos());
      l->name.push_back(Next().text);
      Next();
      l->args.push_back(Expression());
      return l;
    }
    return Or();
  }

  ExprPtr Or() {
    ExprPtr left = And();
    if (!IsKw("OR")) return left;
    std::vector<ExprPtr> args{left};
    while (AcceptKw("OR")) args.push_back(And());
    return Call("or", std::move(args), left->pos);
  }

  ExprPtr And() {
    ExprPtr left = Not();
    if (!IsKw("AND")) return left;
    std::vector<ExprPtr> args{left};
    while (AcceptKw("AND")) args.push_back(Not());
    return Call("and", std::move(args), left->pos);
  }

  ExprPtr Not() {
    if (IsKw("NOT")) {
      SourcePos p = Pos();
      Next();
      return Call("not", {Not()}, p);
    }
    return Comparison();
  }

  ExprPtr Comparison() {
    ExprPtr left = Concat();
    while (true) {
      static const std::pair<std::string_view, const char*> kOps[] = {
          {"=", "equals"}, {"==", "equals"},       {"!=", "notEquals"}, {"<>", "notEquals"},
          {"<", "less"},   {"<=", "lessOrEquals"}, {">", "greater"},    {">=", "greaterOrEquals"}};
      bool matched = false;
      for (auto [op, fn] : kOps) {
        if (IsOp(op)) {
          Next();
          left = Call(fn, {left, Concat()}, left->pos);
          matched = true;
          break;
        }
      }
      if (matched) continue;
      bool negated = false;
      if (IsKw("NOT") && (IsKw("LIKE", 1) || IsKw("ILIKE", 1) || IsKw("IN", 1) || IsKw("BETWEEN", 1))) {
        Next();
        negated = true;
      }
      if (AcceptKw("LIKE")) {
        left = Call(negated ? "notLike" : "like", {left, Concat()}, left->pos);
      } else if (AcceptKw("ILIKE")) {
        left = Call(negated ? "notILike" : "ilike", {left, Concat()}, left->pos);
      } else if (AcceptKw("IN") || (AcceptKw("GLOBAL") && (ExpectKw("IN"), true))) {
        left = Call(negated ? "notIn" : "in", {left, InOperand()}, left->pos);
      } else if (AcceptKw("BETWEEN")) {
        ExprPtr lo = Concat();
        ExpectKw("AND");
        ExprPtr hi = Concat();
        if (negated) {
          left = Call("or", {Call("less", {left, lo}, left->pos), Call("greater", {left, hi}, left->pos)},
                      left->pos);
        } else {
          left = Call(
              "and",
              {Call("greaterOrEquals", {left, lo}, left->pos), Call("lessOrEquals", {left, hi}, left->pos)},
              left->pos);
        }
      } else if (IsKw("IS")) {
        Next();
        bool is_not = AcceptKw("NOT");
        ExpectKw("NULL");
        left = Call(is_not ? "isNotNull" : "isNull", {left}, left->pos);
      } else {
        if (negated) Fail("expected LIKE, ILIKE, IN or BETWEEN after NOT");
        return left;
      }
    }
  }

  // The right side of IN: (subquery), (list), a single value, or a table/CTE name.
  ExprPtr InOperand() {
    SourcePos p = Pos();
    if (IsOp("(") && (IsKw("SELECT", 1) || IsKw("WITH", 1))) {
      Next();
      auto sq = MakeExpr(ExprKind::kSubquery, p);
      sq->subquery = SelectWithUnion();
      ExpectOp(")");
      return sq;
    }
    if (AcceptOp("(")) {
      std::vector<ExprPtr> items;
      if (!IsOp(")")) {
        do {
          items.push_back(Expression());
        } while (AcceptOp(","));
      }
      ExpectOp(")");
      return Call("tuple", std::move(items), p);
    }
    return Concat();
  }

  ExprPtr Concat() {
    ExprPtr left = Additive();
    while (AcceptOp("||")) left = Call("concat", {left, Additive()}, left->pos);
    return left;
  }

  ExprPtr Additive() {
    ExprPtr left = Multiplicative();
    while (true) {
      if (AcceptOp("+")) {
        left = Call("plus", {left, Multiplicative()}, left->pos);
      } else if (AcceptOp("-")) {
        left = Call("minus", {left, Multiplicative()}, left->pos);
      } else {
        return left;
      }
    }
  }

  ExprPtr Multiplicative() {
    ExprPtr left = Unary();
    while (true) {
      if (AcceptOp("*")) {
        left = Call("multiply", {left, Unary()}, left->pos);
      } else if (AcceptOp("/")) {
        left = Call("divide", {left, Unary()}, left->pos);
      } else if (AcceptOp("%") || AcceptKw("MOD")) {
        left = Call("modulo", {left, Unary()}, left->pos);
      } else if (AcceptKw("DIV")) {
        left = Call("intDiv", {left, Unary()}, left->pos);
      } else {
        return left;
      }
    }
  }

  ExprPtr Unary() {
    if (IsOp("-")) {
      SourcePos p = Pos();
      Next();
      ExprPtr operand = Unary();
      // Fold -literal so that -9223372036854775808 and -1.5 stay literals.
      if (operand->kind == ExprKind::kLiteral && operand->alias.empty()) {
        if (operand->literal_type == Expr::LiteralType::kInteger) {
          if (auto* i = std::get_if<int64_t>(&operand->literal)) {
            operand->literal = -*i;
            operand->pos = p;
            return operand;
          }
          if (auto* u = std::get_if<uint64_t>(&operand->literal); u && *u == (uint64_t{1} << 63)) {
            operand->literal = std::numeric_limits<int64_t>::min();
            operand->pos = p;
            return operand;
          }
        } else if (operand->literal_type == Expr::LiteralType::kFloat) {
          operand->literal = -std::get<double>(operand->literal);
          operand->pos = p;
          return operand;
        }
      }
      return Call("negate", {operand}, p);
    }
    if (IsOp("+")) {
      Next();
      return Unary();
    }
    return Postfix();
  }

  ExprPtr Postfix() {
    ExprPtr e = Primary();
    while (true) {
      if (AcceptOp("::")) {
        auto c = MakeExpr(ExprKind::kCast, e->pos);
        c->args.push_back(e);
        c->type_name = TypeName();
        e = c;
      } else if (IsOp("[")) {
        Next();
        ExprPtr index = Expression();
        ExpectOp("]");
        e = Call("arrayElement", {e, index}, e->pos);
      } else {
        return e;
      }
    }
  }

  ExprPtr NumberLiteral(const Token& t) {
    auto e = MakeExpr(ExprKind::kLiteral, {t.offset, t.line, t.column});
    if (t.kind == TokenKind::kFloat) {
      e->literal_type = Expr::LiteralType::kFloat;
      e->literal = std::strtod(t.text.c_str(), nullptr);
      return e;
    }
    e->literal_type = Expr::LiteralType::kInteger;
    uint64_t u = 0;
    bool hex = t.text.size() > 2 && (t.text[1] == 'x' || t.text[1] == 'X');
    const char* b = t.text.data() + (hex ? 2 : 0);
    auto [p, ec] = std::from_chars(b, t.text.data() + t.text.size(), u, hex ? 16 : 10);
    if (ec != std::errc()) {
      // Too large for UInt64: a Float64, as ClickHouse reads it.
      e->literal_type = Expr::LiteralType::kFloat;
      e->literal = std::strtod(t.text.c_str(), nullptr);
      return e;
    }
    (void)p;
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      e->literal = static_cast<int64_t>(u);
    } else {
      e->literal = u;
    }
    return e;
  }

  ExprPtr Primary() {
    const Token& t = Peek();
    SourcePos p = Pos();
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kFloat:
        return NumberLiteral(Next());
      case TokenKind::kString: {
        auto e = MakeExpr(ExprKind::kLiteral, p);
        e->literal_type = Expr::LiteralType::kString;
        e->literal = Next().text;
        return e;
      }
      case TokenKind::kParameter: {
        auto e = MakeExpr(ExprKind::kParameter, p);
        std::string body = Next().text;
        size_t colon = body.find(':');
        e->name = {body.substr(0, colon), body.substr(colon + 1)};
        return e;
      }
      case TokenKind::kQuotedIdentifier:
        return ColumnOrStar();
      case TokenKind::kEnd:
        Fail("expected an expression");
      case TokenKind::kOperator:
        break;
      case TokenKind::kIdentifier:
        break;
    }
    if (t.kind == TokenKind::kOperator) {
      if (t.text == "*") {
        Next();
        return MakeExpr(ExprKind::kStar, p);
      }
      if (t.text == "(") {
        Next();
        if (IsKw("SELECT") || IsKw("WITH")) {
          auto sq = MakeExpr(ExprKind::kSubquery, p);
          sq->subquery = SelectWithUnion();
          ExpectOp(")");
          return sq;
        }
        std::vector<ExprPtr> items;
        if (!IsOp(")")) {
          do {
            items.push_back(AliasedExpr());
          } while (AcceptOp(","));
        }
        ExpectOp(")");
        // (x, y) -> body
        if (IsOp("->")) {
          auto l = MakeExpr(ExprKind::kLambda, p);
          for (const auto& it : items) {
            if (it->kind != ExprKind::kColumn || it->name.size() != 1)
              Fail("lambda parameters must be names");
            l->name.push_back(it->name[0]);
          }
          Next();
          l->args.push_back(Expression());
          return l;
        }
        if (items.size() == 1 && items[0]->alias.empty()) return items[0];
        if (items.size() == 1) return items[0];  // (expr AS alias)
        return Call("tuple", std::move(items), p);
      }
      if (t.text == "[") {
        Next();
        std::vector<ExprPtr> items;
        if (!IsOp("]")) {
          do {
            items.push_back(Expression());
          } while (AcceptOp(","));
        }
        ExpectOp("]");
        return Call("array", std::move(items), p);
      }
      Fail("expected an expression");
    }
    // Identifier: keyword-led forms first.
    if (IsKw("NULL")) {
      Next();
      return MakeExpr(ExprKind::kLiteral, p);
    }
    if (IsKw("TRUE") || IsKw("FALSE")) {
      auto e = MakeExpr(ExprKind::kLiteral, p);
      e->literal_type = Expr::LiteralType::kBool;
      e->literal = int64_t{IsKw("TRUE") ? 1 : 0};
      Next();
      return e;
    }
    if (IsKw("CASE")) return Case();
    if (IsKw("CAST") && IsOp("(", 1)) {
      Next();
      Next();
      auto c = MakeExpr(ExprKind::kCast, p);
      c->args.push_back(Expression());
      if (AcceptKw("AS")) {
        c->type_name = TypeName();
      } else if (AcceptOp(",")) {
        c->type_name = StringLiteral("a type name in quotes");
      } else {
        Fail("expected AS and a type");
      }
      ExpectOp(")");
      return c;
    }
    if (IsKw("INTERVAL")) {
      Next();
      ExprPtr amount = Unary();
      static const std::pair<std::string_view, const char*> kUnits[] = {
          {"SECOND", "toIntervalSecond"},   {"MINUTE", "toIntervalMinute"}, {"HOUR", "toIntervalHour"},
          {"DAY", "toIntervalDay"},         {"WEEK", "toIntervalWeek"},     {"MONTH", "toIntervalMonth"},
          {"QUARTER", "toIntervalQuarter"}, {"YEAR", "toIntervalYear"}};
      std::string unit = Upper(Peek().text);
      if (Peek().kind == TokenKind::kIdentifier && unit.size() > 1 && unit.back() == 'S') unit.pop_back();
      for (auto [name, fn] : kUnits) {
        if (Peek().kind == TokenKind::kIdentifier && unit == name) {
          Next();
          return Call(fn, {amount}, p);
        }
      }
      Fail("expected an interval unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR)");
    }
    if ((IsKw("DATE") || IsKw("TIMESTAMP")) && Peek(1).kind == TokenKind::kString) {
      bool date = IsKw("DATE");
      Next();
      auto lit = MakeExpr(ExprKind::kLiteral, Pos());
      lit->literal_type = Expr::LiteralType::kString;
      lit->literal = Next().text;
      return Call(date ? "toDate" : "toDateTime", {lit}, p);
    }
    if (IsOp("(", 1)) return FunctionCall();
    if (IsReserved(t.text) && !(IsOp(".", 1))) Fail("expected an expression");
    return ColumnOrStar();
  }

  ExprPtr ColumnOrStar() {
    SourcePos p = Pos();
    std::string first = Next().text;
    if (IsOp(".")) {
      Next();
      if (AcceptOp("*")) {
        auto s = MakeExpr(ExprKind::kStar, p);
        s->name.push_back(first);
        return s;
      }
      auto c = MakeExpr(ExprKind::kColumn, p);
      c->name = {first, Identifier("a column name")};
      return c;
    }
    auto c = MakeExpr(ExprKind::kColumn, p);
    c->name = {first};
    return c;
  }

  ExprPtr FunctionCall() {
    SourcePos p = Pos();
    auto f = MakeExpr(ExprKind::kFunction, p);
    f->function = Next().text;
    ExpectOp("(");
    std::vector<ExprPtr> first;
    bool distinct = AcceptKw("DISTINCT");
    if (!IsOp(")")) {
      // count(*) is count()
      if (IsOp("*") && IsOp(")", 1)) {
        Next();
      } else {
        do {
          first.push_back(AliasedExpr());
        } while (AcceptOp(","));
      }
    }
    ExpectOp(")");
    if (IsOp("(")) {  // parametric: quantile(0.9)(x)
      if (distinct) Fail("DISTINCT goes in the argument list: name(params)(DISTINCT x)");
      Next();
      f->params = std::move(first);
      distinct = AcceptKw("DISTINCT");
      if (!IsOp(")")) {
        do {
          f->args.push_back(AliasedExpr());
        } while (AcceptOp(","));
      }
      ExpectOp(")");
    } else {
      f->args = std::move(first);
    }
    f->distinct = distinct;
    return f;
  }

  ExprPtr Case() {
    SourcePos p = Pos();
    Next();  // CASE
    ExprPtr subject;
    if (!IsKw("WHEN") && !IsKw("END")) subject = Expression();
    std::vector<ExprPtr> args;
    if (!IsKw("WHEN")) Fail("expected WHEN");
    while (AcceptKw("WHEN")) {
      ExprPtr cond = Expression();
      ExpectKw("THEN");
      ExprPtr result = Expression();
      args.push_back(subject ? Call("equals", {subject, cond}, cond->pos) : cond);
      args.push_back(result);
    }
    if (AcceptKw("ELSE")) {
      args.push_back(Expression());
    } else {
      args.push_back(MakeExpr(ExprKind::kLiteral, p));  // NULL
    }
    ExpectKw("END");
    return Call("multiIf", std::move(args), p);
  }

  static constexpr int kMaxDepth = 256;
  std::string_view q_;
  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
  int select_depth_ = 0;
};

template <typename T, typename Fn>
Result<T> Run(std::string_view query, Fn fn) {
  auto tokens = Tokenize(query);
  if (!tokens.ok()) return tokens.status();
  try {
    Parser p(query, std::move(*tokens));
    return fn(p);
  } catch (const QueryError& e) {
    return Status(e.code, e.message);
  }
}

}  // namespace

Result<Statement> ParseStatement(std::string_view query) {
  return Run<Statement>(query, [](Parser& p) { return p.Single(); });
}

Result<std::vector<Statement>> ParseStatements(std::string_view query) {
  return Run<std::vector<Statement>>(query, [](Parser& p) { return p.Statements(); });
}

Result<std::vector<std::string>> SplitStatements(std::string_view text) {
  AURORA_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  auto is_word = [&](size_t i, std::string_view w) {
    if (tokens[i].kind != TokenKind::kIdentifier || tokens[i].text.size() != w.size()) return false;
    for (size_t k = 0; k < w.size(); ++k)
      if (std::toupper(static_cast<unsigned char>(tokens[i].text[k])) != w[k]) return false;
    return true;
  };
  std::vector<std::string> out;
  size_t start = 0;         // text offset where the current statement starts
  size_t first = SIZE_MAX;  // its first token
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::kEnd || (t.kind == TokenKind::kOperator && t.text == ";")) {
      if (first != SIZE_MAX) out.emplace_back(text.substr(start, t.offset - start));
      start = t.offset + 1;
      first = SIZE_MAX;
      continue;
    }
    if (first == SIZE_MAX) {
      first = i;
      start = t.offset;
    }
    // INSERT ... FORMAT name <data>: the data, ';' included, runs to the end of the text.
    if (is_word(first, "INSERT") && is_word(i, "FORMAT") && i + 1 < tokens.size() &&
        tokens[i + 1].kind == TokenKind::kIdentifier) {
      out.emplace_back(text.substr(start));
      return out;
    }
  }
  return out;
}

Result<ExprPtr> ParseExpression(std::string_view text) {
  return Run<ExprPtr>(text, [](Parser& p) { return p.ExpressionOnly(); });
}

bool IsReservedWord(std::string_view word) {
  return IsReserved(word);
}

}  // namespace aurora::sql
