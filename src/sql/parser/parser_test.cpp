#include "sql/parser/parser.h"

#include <gtest/gtest.h>

#include "sql/parser/lexer.h"

namespace aurora::sql {
namespace {

std::string Select(std::string_view q) {
  auto s = ParseStatement(q);
  EXPECT_TRUE(s.ok()) << q << "\n" << s.status().message();
  if (!s.ok()) return "";
  EXPECT_EQ(s->kind, Statement::Kind::kSelect);
  return s->select->ToString();
}

std::string Expr(std::string_view e) {
  auto r = ParseExpression(e);
  EXPECT_TRUE(r.ok()) << e << "\n" << r.status().message();
  return r.ok() ? (*r)->ToString() : "";
}

std::string Error(std::string_view q) {
  auto s = ParseStatement(q);
  EXPECT_FALSE(s.ok()) << q;
  return s.ok() ? "" : s.status().message();
}

TEST(LexerTest, TokensCarryPositions) {
  auto t = Tokenize("SELECT a,\n  'it''s' -- comment\n FROM `my table` /* x */ WHERE b >= 0x1F");
  ASSERT_TRUE(t.ok()) << t.status().message();
  const auto& v = *t;
  EXPECT_EQ(v[0].text, "SELECT");
  EXPECT_EQ(v[3].kind, TokenKind::kString);
  EXPECT_EQ(v[3].text, "it's");
  EXPECT_EQ(v[3].line, 2);
  EXPECT_EQ(v[3].column, 3);
  EXPECT_EQ(v[5].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(v[5].text, "my table");
  EXPECT_EQ(v[8].text, ">=");
  EXPECT_EQ(v[9].kind, TokenKind::kInteger);
  EXPECT_EQ(v.back().kind, TokenKind::kEnd);
  EXPECT_TRUE(Tokenize("'a\\nb\\'c'").ok());
  EXPECT_EQ((*Tokenize("'a\\nb\\'c'"))[0].text, "a\nb'c");
}

TEST(LexerTest, ErrorsPointAtTheProblem) {
  auto r = Tokenize("SELECT 'abc");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1, column 8: unterminated string literal"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(Tokenize("SELECT /* never closed").ok());
  EXPECT_FALSE(Tokenize("SELECT 12abc").ok());
  EXPECT_NE(Tokenize("SELECT a\n  FROM t WHERE x = @").status().message().find("line 2, column 20"),
            std::string::npos);
  EXPECT_FALSE(Tokenize("SELECT {x}").ok());
}

TEST(ParserTest, OperatorsBecomeFunctionsWithClickHousePrecedence) {
  EXPECT_EQ(Expr("a + b * 2"), "plus(a, multiply(b, 2))");
  EXPECT_EQ(Expr("(a + b) * 2"), "multiply(plus(a, b), 2)");
  EXPECT_EQ(Expr("a = 1 AND b != 2 OR NOT c"), "or(and(equals(a, 1), notEquals(b, 2)), not(c))");
  EXPECT_EQ(Expr("a AND b AND c"), "and(a, b, c)");
  EXPECT_EQ(Expr("x BETWEEN 1 AND 10"), "and(greaterOrEquals(x, 1), lessOrEquals(x, 10))");
  EXPECT_EQ(Expr("x NOT BETWEEN 1 AND 10"), "or(less(x, 1), greater(x, 10))");
  EXPECT_EQ(Expr("x IN (1, 2, 3)"), "in(x, tuple(1, 2, 3))");
  EXPECT_EQ(Expr("x NOT IN ('a')"), "notIn(x, tuple('a'))");
  EXPECT_EQ(Expr("s LIKE 'a%' AND s NOT ILIKE '%B'"), "and(like(s, 'a%'), notILike(s, '%B'))");
  EXPECT_EQ(Expr("x IS NULL OR y IS NOT NULL"), "or(isNull(x), isNotNull(y))");
  EXPECT_EQ(Expr("-x - -3"), "minus(negate(x), -3)");
  EXPECT_EQ(Expr("a || b || 'c'"), "concat(concat(a, b), 'c')");
  EXPECT_EQ(Expr("a % 3 = 0"), "equals(modulo(a, 3), 0)");
  EXPECT_EQ(Expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Expr("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(Expr("1.5e3"), "1500");
  EXPECT_EQ(Expr("[1, 2][1]"), "arrayElement(array(1, 2), 1)");
  EXPECT_EQ(Expr("(1, 'a')"), "tuple(1, 'a')");
}

TEST(ParserTest, SpecialForms) {
  EXPECT_EQ(Expr("CAST(x AS Nullable(Int64))"), "CAST(x AS Nullable(Int64))");
  EXPECT_EQ(Expr("CAST(x, 'String')"), "CAST(x AS String)");
  EXPECT_EQ(Expr("x::DateTime64(3, 'UTC')"), "CAST(x AS DateTime64(3, 'UTC'))");
  EXPECT_EQ(Expr("now() - INTERVAL 3 HOUR"), "minus(now(), toIntervalHour(3))");
  EXPECT_EQ(Expr("INTERVAL 2 days"), "toIntervalDay(2)");
  EXPECT_EQ(Expr("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"),
            "multiIf(greater(a, 1), 'big', greater(a, 0), 'small', 'none')");
  EXPECT_EQ(Expr("CASE x WHEN 1 THEN 'one' END"), "multiIf(equals(x, 1), 'one', NULL)");
  EXPECT_EQ(Expr("count(*)"), "count()");
  EXPECT_EQ(Expr("count(DISTINCT user_id)"), "count(DISTINCT user_id)");
  EXPECT_EQ(Expr("quantile(0.99)(price)"), "quantile(0.99)(price)");
  EXPECT_EQ(Expr("quantiles(0.5, 0.9)(price)"), "quantiles(0.5, 0.9)(price)");
  EXPECT_EQ(Expr("countIf(action_type = 'view')"), "countIf(equals(action_type, 'view'))");
  EXPECT_EQ(Expr("{user:UInt32}"), "{user:UInt32}");
  EXPECT_EQ(Expr("arrayMap(x -> x * 2, arr)"), "arrayMap(x -> multiply(x, 2), arr)");
  EXPECT_EQ(Expr("DATE '2024-01-01'"), "toDate('2024-01-01')");
  EXPECT_EQ(Expr("e.user_id"), "e.user_id");
  EXPECT_EQ(Expr("true AND NULL"), "and(true, NULL)");
  EXPECT_EQ(Expr("x IN (SELECT 1)"), "in(x, (SELECT 1))");
}

TEST(ParserTest, EveryReferenceQueryParses) {
  const char* queries[] = {
      "SELECT count() FROM events WHERE action_type = 'purchase' AND timestamp >= toDateTime('2024-01-30 "
      "23:00:00')",
      "SELECT product_id, sum(quantity) AS total_sold FROM events WHERE action_type = 'purchase' AND "
      "timestamp >= "
      "toDateTime('2024-01-01 00:00:00') GROUP BY product_id ORDER BY total_sold DESC, product_id LIMIT 10",
      "SELECT user_id, count() AS interaction_count, avg(price) AS avg_price FROM events WHERE user_type = "
      "'returning' GROUP BY user_id HAVING interaction_count > 50 ORDER BY interaction_count DESC, user_id "
      "LIMIT 100",
      "SELECT toStartOfHour(timestamp) AS hour, category, avg(price) AS avg_price FROM events WHERE category "
      "IN "
      "('electronics', 'clothing', 'books') GROUP BY hour, category ORDER BY hour DESC, category LIMIT 50",
      "SELECT device_type, countIf(action_type = 'view') AS views, countIf(action_type = 'add_to_cart') AS "
      "carts, "
      "countIf(action_type = 'purchase') AS purchases FROM events GROUP BY device_type ORDER BY device_type",
      "SELECT toDate(timestamp) AS day, count(DISTINCT user_id) AS users FROM events GROUP BY day ORDER BY "
      "day",
      "SELECT * FROM events WHERE user_id = 4242 ORDER BY timestamp LIMIT 100;",
  };
  for (const char* q : queries) EXPECT_FALSE(Select(q).empty()) << q;
  EXPECT_EQ(
      Select(queries[1]),
      "SELECT product_id, sum(quantity) AS total_sold FROM events WHERE and(equals(action_type, 'purchase'), "
      "greaterOrEquals(timestamp, toDateTime('2024-01-01 00:00:00'))) GROUP BY product_id ORDER BY "
      "total_sold "
      "DESC, product_id ASC LIMIT 10");
}

TEST(ParserTest, SelectClauses) {
  EXPECT_EQ(Select("select distinct a x, b as y from db.t as tt where x > 1 order by y desc nulls first "
                   "limit 5 offset 2"),
            "SELECT DISTINCT a AS x, b AS y FROM db.t AS tt WHERE greater(x, 1) ORDER BY y DESC NULLS FIRST "
            "LIMIT 5 "
            "OFFSET 2");
  EXPECT_EQ(Select("SELECT a FROM t LIMIT 10, 5"), "SELECT a FROM t LIMIT 5 OFFSET 10");
  EXPECT_EQ(Select("SELECT a, b FROM t ORDER BY b LIMIT 2 BY a LIMIT 10"),
            "SELECT a, b FROM t ORDER BY b ASC LIMIT 2 BY a LIMIT 10");
  EXPECT_EQ(Select("WITH 5 AS n, top AS (SELECT a FROM t) SELECT a + n FROM top"),
            "WITH top AS (SELECT a FROM t), 5 AS n SELECT plus(a, n) FROM top");
  EXPECT_EQ(Select("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"),
            "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3");
  EXPECT_EQ(Select("SELECT a.x, b.y FROM a INNER JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id)"),
            "SELECT a.x, b.y FROM a INNER JOIN b ON equals(a.id, b.id) LEFT JOIN c USING (id)");
  EXPECT_EQ(Select("SELECT a FROM (SELECT a FROM t) s WHERE a > (SELECT avg(a) FROM t)"),
            "SELECT a FROM (SELECT a FROM t) AS s WHERE greater(a, (SELECT avg(a) FROM t))");
  EXPECT_EQ(Select("SELECT count() FROM t GROUP BY 1 SETTINGS max_execution_time = 5, max_threads = 1"),
            "SELECT count() FROM t GROUP BY 1 SETTINGS max_execution_time = 5, max_threads = 1");
  EXPECT_EQ(Select("SELECT t.* FROM t"), "SELECT t.* FROM t");
  EXPECT_EQ(Select("SELECT `weird name`, \"quoted\" FROM `t`"), "SELECT `weird name`, quoted FROM t");
  auto s = ParseStatement("SELECT 1 FORMAT JSONEachRow");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->format, "JSONEachRow");
}

TEST(ParserTest, SyntaxErrorsSayWhereAndWhat) {
  std::string e = Error("SELECT product_id FORM events");
  // FORM is taken as an alias, so the error is at 'events'.
  EXPECT_NE(e.find("syntax error at line 1, column 24"), std::string::npos) << e;
  e = Error("SELECT count() FROM events WHERE");
  EXPECT_NE(e.find("expected an expression, found the end of the query"), std::string::npos) << e;
  e = Error("SELECT a, FROM t");
  EXPECT_NE(e.find("line 1, column 11: expected an expression, found 'FROM'"), std::string::npos) << e;
  EXPECT_NE(e.find("\n  SELECT a, FROM t\n            ^"), std::string::npos) << e;
  e = Error("SELECT a\nFROM t\nWHERE a = = 1");
  EXPECT_NE(e.find("line 3, column 11"), std::string::npos) << e;
  EXPECT_NE(Error("SELEC 1").find("expected a statement"), std::string::npos);
  EXPECT_NE(Error("SELECT 1 UNION SELECT 2").find("expected ALL after UNION"), std::string::npos);
  EXPECT_NE(Error("SELECT a FROM t RIGHT JOIN u ON a = b").find("only INNER JOIN and LEFT JOIN"),
            std::string::npos);
  EXPECT_NE(Error("SELECT (1").find("expected ')'"), std::string::npos);
  EXPECT_NE(Error("SELECT 1 2").find("expected the end of the statement"), std::string::npos);
  EXPECT_NE(Error("SELECT CASE END").find("expected WHEN"), std::string::npos);
  EXPECT_NE(Error("SELECT INTERVAL 1 FORTNIGHT").find("interval unit"), std::string::npos);
  EXPECT_NE(Error("").find("empty query"), std::string::npos);
  EXPECT_NE(Error("SELECT a FROM t LIMIT 1 LIMIT 2").find("LIMIT given twice"), std::string::npos);
  EXPECT_NE(
      Error("SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')')).find("nested too deeply"),
      std::string::npos);
  EXPECT_NE(Error("SELECT 1 FROM " + std::string(5000, '(')).find("nested too deeply"), std::string::npos);
}

TEST(ParserTest, CreateTable) {
  auto s = ParseStatement(
      "CREATE TABLE IF NOT EXISTS events (\n"
      "  timestamp DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)) COMMENT 'event time',\n"
      "  user_id UInt32 DEFAULT 0,\n"
      "  region LowCardinality(String),\n"
      "  note String NULL\n"
      ") ENGINE = MergeTree ORDER BY (timestamp, user_id) PARTITION BY toYYYYMM(timestamp)\n"
      "TTL timestamp + INTERVAL 30 DAY SETTINGS index_granularity = 4096 COMMENT 'all events'");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->kind, Statement::Kind::kCreateTable);
  const CreateTable& c = *s->create;
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_EQ(c.table, "events");
  ASSERT_EQ(c.columns.size(), 4u);
  EXPECT_EQ(c.columns[0].type, "DateTime64(3, 'UTC')");
  EXPECT_EQ(c.columns[0].codec, "DoubleDelta, ZSTD(1)");
  EXPECT_EQ(c.columns[0].comment, "event time");
  EXPECT_EQ(c.columns[1].default_text, "0");
  EXPECT_EQ(c.columns[2].type, "LowCardinality(String)");
  EXPECT_EQ(c.columns[3].type, "Nullable(String)");
  EXPECT_EQ(c.order_by, (std::vector<std::string>{"timestamp", "user_id"}));
  EXPECT_EQ(c.partition_by, "toYYYYMM(timestamp)");
  EXPECT_EQ(c.ttl, "timestamp + INTERVAL 30 DAY");
  EXPECT_EQ(c.engine, "MergeTree");
  ASSERT_EQ(c.settings.size(), 1u);
  EXPECT_EQ(c.settings[0].name, "index_granularity");
  EXPECT_EQ(c.comment, "all events");
  auto bad = ParseStatement("CREATE TABLE t (a Int64) ORDER BY a + 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ORDER BY of a table takes column names"), std::string::npos);
  EXPECT_TRUE(ParseStatement("CREATE TABLE t (a Int64) ORDER BY tuple()").ok());
}

TEST(ParserTest, OtherStatements) {
  auto drop = ParseStatement("DROP TABLE IF EXISTS db.t");
  ASSERT_TRUE(drop.ok());
  EXPECT_EQ(drop->kind, Statement::Kind::kDropTable);
  EXPECT_TRUE(drop->if_exists);
  EXPECT_EQ(drop->database, "db");
  EXPECT_EQ(ParseStatement("TRUNCATE TABLE t")->kind, Statement::Kind::kTruncate);
  auto alter = ParseStatement(
      "ALTER TABLE t ADD COLUMN IF NOT EXISTS c Int32 DEFAULT 7 AFTER b, DROP COLUMN d, COMMENT COLUMN e "
      "'hello'");
  ASSERT_TRUE(alter.ok()) << alter.status().message();
  ASSERT_EQ(alter->alter->actions.size(), 3u);
  EXPECT_EQ(alter->alter->actions[0].column.name, "c");
  EXPECT_EQ(alter->alter->actions[0].after, "b");
  EXPECT_EQ(alter->alter->actions[1].kind, AlterTable::Action::Kind::kDropColumn);
  EXPECT_EQ(alter->alter->actions[2].comment, "hello");
  auto ins = ParseStatement("INSERT INTO t (a, b) VALUES (1, 'x'), (-2, NULL)");
  ASSERT_TRUE(ins.ok());
  EXPECT_EQ(ins->insert->columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(ins->insert->values.size(), 2u);
  EXPECT_EQ(ins->insert->values[1][0]->ToString(), "-2");
  auto ins_select = ParseStatement("INSERT INTO t SELECT * FROM u");
  ASSERT_TRUE(ins_select.ok());
  EXPECT_TRUE(ins_select->insert->select != nullptr);
  auto ins_fmt = ParseStatement("INSERT INTO t FORMAT JSONEachRow\n{\"a\": 1}\n{\"a\": 2}\n");
  ASSERT_TRUE(ins_fmt.ok()) << ins_fmt.status().message();
  EXPECT_EQ(ins_fmt->insert->format, "JSONEachRow");
  EXPECT_EQ(ins_fmt->insert->data, "{\"a\": 1}\n{\"a\": 2}\n");
  // The data is not SQL: unbalanced quotes, stray characters and comment markers stay data.
  auto csv = ParseStatement("insert into db.format (a, format) format CSV\n1,O'Brien @ 12abc /* \"x\";\n");
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_EQ(csv->insert->table, "format");
  EXPECT_EQ(csv->insert->columns, (std::vector<std::string>{"a", "format"}));
  EXPECT_EQ(csv->insert->format, "CSV");
  EXPECT_EQ(csv->insert->data, "1,O'Brien @ 12abc /* \"x\";\n");
  auto named_format = ParseStatement("INSERT INTO format FORMAT TSV\n'");
  ASSERT_TRUE(named_format.ok()) << named_format.status().message();
  EXPECT_EQ(named_format->insert->table, "format");
  EXPECT_EQ(named_format->insert->data, "'");
  EXPECT_FALSE(ParseStatement("INSERT INTO t SELECT format FROM u WHERE x = 'unclosed").ok());
  EXPECT_EQ(ParseStatement("SHOW TABLES LIKE 'ev%'")->like, "ev%");
  EXPECT_EQ(ParseStatement("DESCRIBE TABLE events")->table, "events");
  EXPECT_EQ(ParseStatement("DESC events FORMAT TSV")->format, "TSV");
  auto ex = ParseStatement("EXPLAIN SELECT 1");
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ(ex->explained->kind, Statement::Kind::kSelect);
  auto many = ParseStatements("SELECT 1; SELECT 2;");
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->size(), 2u);
}

TEST(ParserTest, UsersRolesGrantsAndTokens) {
  auto u = ParseStatement(
      "CREATE USER IF NOT EXISTS bob IDENTIFIED WITH sha256_password BY 'p''w' DEFAULT ROLE a, b");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->kind, Statement::Kind::kCreateUser);
  EXPECT_TRUE(u->access->if_not_exists);
  EXPECT_EQ(u->access->names, std::vector<std::string>{"bob"});
  EXPECT_EQ(u->access->password, "p'w");
  EXPECT_EQ(u->access->default_roles, (std::vector<std::string>{"a", "b"}));

  auto g =
      ParseStatement("GRANT SELECT, insert ON default.events, CREATE TABLE ON *.*, ALL ON db.* TO bob, r");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->kind, Statement::Kind::kGrant);
  ASSERT_EQ(g->access->privileges.size(), 4u);
  EXPECT_EQ(g->access->privileges[1].name, "INSERT");
  EXPECT_EQ(g->access->privileges[1].database, "default");
  EXPECT_EQ(g->access->privileges[1].table, "events");
  EXPECT_EQ(g->access->privileges[2].name, "CREATE");
  EXPECT_EQ(g->access->privileges[2].database, "*");
  EXPECT_EQ(g->access->privileges[2].table, "*");
  EXPECT_EQ(g->access->privileges[3].database, "db");
  EXPECT_EQ(g->access->privileges[3].table, "*");
  EXPECT_EQ(g->access->grantees, (std::vector<std::string>{"bob", "r"}));
  EXPECT_TRUE(g->access->roles.empty());

  auto roles = ParseStatement("REVOKE admin, viewer FROM bob");
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  EXPECT_EQ(roles->kind, Statement::Kind::kRevoke);
  EXPECT_EQ(roles->access->roles, (std::vector<std::string>{"admin", "viewer"}));
  EXPECT_TRUE(roles->access->privileges.empty());

  auto t = ParseStatement(
      "CREATE TOKEN ingest FOR bob WITH GRANT INSERT ON events, SELECT ON * EXPIRES IN 2 weeks");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->kind, Statement::Kind::kCreateToken);
  EXPECT_EQ(t->access->for_name, "bob");
  ASSERT_EQ(t->access->privileges.size(), 2u);
  EXPECT_EQ(t->access->privileges[1].table, "*");
  EXPECT_EQ(t->access->expires_in_seconds, 14 * 86400);
  auto at = ParseStatement("CREATE TOKEN x WITH GRANT ADMIN EXPIRES AT '2030-01-01'");
  ASSERT_TRUE(at.ok()) << at.status().message();
  EXPECT_EQ(at->access->expires_at, "2030-01-01");
  EXPECT_EQ(at->access->privileges.at(0).name, "ADMIN");

  for (auto [q, kind] : std::initializer_list<std::pair<const char*, Statement::Kind>>{
           {"ALTER USER bob IDENTIFIED BY 'x'", Statement::Kind::kAlterUser},
           {"DROP USER IF EXISTS a, b", Statement::Kind::kDropUser},
           {"CREATE ROLE r", Statement::Kind::kCreateRole},
           {"DROP ROLE r", Statement::Kind::kDropRole},
           {"DROP TOKEN t", Statement::Kind::kDropToken},
           {"SHOW GRANTS FOR bob", Statement::Kind::kShowGrants},
           {"SHOW USERS", Statement::Kind::kShowUsers},
           {"SHOW ROLES", Statement::Kind::kShowRoles},
           {"SHOW TOKENS FORMAT JSON", Statement::Kind::kShowTokens},
       }) {
    auto st = ParseStatement(q);
    ASSERT_TRUE(st.ok()) << q << ": " << st.status().message();
    EXPECT_EQ(st->kind, kind) << q;
  }
  EXPECT_NE(Error("CREATE USER bob IDENTIFIED WITH kerberos BY 'x'").find("expected sha256_password"),
            std::string::npos);
  EXPECT_NE(Error("GRANT SELECT ON t TO bob WITH GRANT OPTION").find("not supported"), std::string::npos);
  EXPECT_NE(Error("CREATE TOKEN t WITH GRANT SELECT").find("expected ON"), std::string::npos);
  EXPECT_NE(Error("CREATE TOKEN t WITH GRANT SELECT ON t EXPIRES IN 0 DAY").find("positive"),
            std::string::npos);
}

TEST(ParserTest, SourceStatements) {
  auto c = ParseStatement(
      "CREATE SOURCE IF NOT EXISTS clicks FROM KAFKA SETTINGS Brokers = 'b:9092', topic = 't', "
      "group = 'g', batch_rows = 5000 INTO db.events");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->kind, Statement::Kind::kCreateSource);
  EXPECT_TRUE(c->source->if_not_exists);
  EXPECT_EQ(c->source->name, "clicks");
  EXPECT_EQ(c->source->type, "KAFKA");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->source->settings,
            (Pairs{{"brokers", "b:9092"}, {"topic", "t"}, {"group", "g"}, {"batch_rows", "5000"}}));
  EXPECT_EQ(c->source->database, "db");
  EXPECT_EQ(c->source->table, "events");

  auto r = ParseStatement("ALTER SOURCE clicks RESET TO '2026-01-01 00:00:00'");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source->action, SourceStatement::Action::kReset);
  EXPECT_EQ(r->source->reset_to, "2026-01-01 00:00:00");
  EXPECT_EQ(ParseStatement("ALTER SOURCE clicks RESET TO Earliest")->source->reset_to, "earliest");
  EXPECT_EQ(ParseStatement("ALTER SOURCE clicks RESET TO 1700000000000")->source->reset_to, "1700000000000");
  EXPECT_EQ(ParseStatement("ALTER SOURCE clicks RESUME")->source->action, SourceStatement::Action::kResume);
  auto d = ParseStatement("DROP SOURCE IF EXISTS clicks");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, Statement::Kind::kDropSource);
  EXPECT_TRUE(d->source->if_exists);
  EXPECT_EQ(ParseStatement("SHOW SOURCES FORMAT JSON")->kind, Statement::Kind::kShowSources);
  auto sc = ParseStatement("SHOW CREATE SOURCE clicks");
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(sc->kind, Statement::Kind::kShowCreateSource);
  EXPECT_EQ(sc->source->name, "clicks");

  EXPECT_NE(Error("CREATE SOURCE s FROM PULSAR SETTINGS a = 'b' INTO t").find("expected KAFKA"),
            std::string::npos);
  EXPECT_NE(Error("CREATE SOURCE s FROM KAFKA SETTINGS topic = 'a', topic = 'b' INTO t").find("given twice"),
            std::string::npos);
  EXPECT_NE(Error("CREATE SOURCE s FROM KAFKA SETTINGS topic = x INTO t").find("a string in quotes"),
            std::string::npos);
  EXPECT_NE(Error("CREATE SOURCE s FROM KAFKA SETTINGS topic = 'x'").find("expected INTO"),
            std::string::npos);
  EXPECT_NE(Error("ALTER SOURCE s STOP").find("expected PAUSE, RESUME or RESET TO"), std::string::npos);
}

TEST(ParserTest, SplitStatementsRespectsStringsCommentsAndInlineData) {
  auto parts = SplitStatements("SELECT 'a;b'; -- c;d\n SELECT 2;;\n/* ; */ INSERT INTO t FORMAT CSV\n1;2\n");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0], "SELECT 'a;b'");
  EXPECT_EQ((*parts)[1], "SELECT 2");
  EXPECT_EQ((*parts)[2], "INSERT INTO t FORMAT CSV\n1;2\n");
  EXPECT_TRUE(SplitStatements("-- only a comment\n")->empty());
  EXPECT_FALSE(SplitStatements("SELECT 'unterminated").ok());
}

}  // namespace
}  // namespace aurora::sql

namespace aurora::sql {
namespace {

// Normalized SQL quotes a name spelled like a reserved word, so it parses again to the same query (the
// parser takes `NOT.x` after a unary minus as a qualified column).
TEST(ParserTest, NormalizedSqlQuotesReservedNames) {
  for (const char* sql : {"SELECT -NOT.ry AS qq", "SELECT `from`.x, `select` FROM t AS `from`",
                          "SELECT `order` FROM `group` ORDER BY `order`"}) {
    auto first = ParseStatement(sql);
    ASSERT_TRUE(first.ok()) << sql << ": " << first.status().ToString();
    const std::string normalized = first->select->ToString();
    auto again = ParseStatement(normalized);
    ASSERT_TRUE(again.ok()) << normalized << ": " << again.status().ToString();
    EXPECT_EQ(again->select->ToString(), normalized);
  }
  EXPECT_EQ(ParseStatement("SELECT -NOT.ry AS qq")->select->ToString(), "SELECT negate(`NOT`.ry) AS qq");
}

}  // namespace
}  // namespace aurora::sql
