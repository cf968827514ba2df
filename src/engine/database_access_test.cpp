// Access control through Database::Execute: what each built-in role and each kind of token may do, and
// that a denied statement fails with PERMISSION_DENIED and changes nothing.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "io/test_dir.h"
#include "types/text_format.h"

namespace aurora {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;

class DatabaseAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::TableOptions opts;
    opts.background = false;
    security::AccessOptions access;
    access.pbkdf2_iterations = 1000;
    auto db = Database::Open(FileSystem::Posix(), dir_.path(), clock_, opts, access);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    for (const char* sql : {
             "CREATE TABLE events (id UInt64, name String) ORDER BY id",
             "CREATE TABLE logs (id UInt64) ORDER BY id",
             "INSERT INTO events VALUES (1, 'a'), (2, 'b')",
             "INSERT INTO logs VALUES (1)",
             "CREATE USER a IDENTIFIED BY 'pw' DEFAULT ROLE admin",
             "CREATE USER an IDENTIFIED BY 'pw' DEFAULT ROLE analyst",
             "CREATE USER v IDENTIFIED BY 'pw' DEFAULT ROLE viewer",
             "CREATE USER i IDENTIFIED BY 'pw' DEFAULT ROLE ingest",
             "CREATE USER n IDENTIFIED BY 'pw'",
         })
      Run(sql);
  }

  QueryResult Run(const std::string& sql, std::shared_ptr<const security::Principal> p = nullptr) {
    QueryOptions o;
    o.principal = std::move(p);
    auto r = db_->Execute(sql, o);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? std::move(*r) : QueryResult{};
  }

  std::shared_ptr<const security::Principal> Login(const std::string& user) {
    auto p = db_->access().AuthenticatePassword(user, "pw");
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : nullptr;
  }

  std::shared_ptr<const security::Principal> TokenFor(const std::string& sql) {
    QueryResult r = Run(sql);
    std::string secret;
    FormatText(*r.chunks.at(0).columns.at(1), 0, &secret);
    auto p = db_->access().AuthenticateToken(secret);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : nullptr;
  }

  // Everything a statement could change, as text: tables, their columns and rows, users, tokens.
  std::string State() {
    std::string out;
    for (const auto& name : db_->catalog().TableNames()) {
      out += name + ":";
      auto t = db_->catalog().GetTable(name);
      for (const auto& c : (*t)->schema().columns) out += " " + c.name;
      out += " rows=" + std::to_string((*t)->Stats().rows) + "\n";
    }
    for (const auto& u : db_->access().Users()) {
      out += "user " + u.name;
      for (const auto& r : u.roles) out += " " + r;
      out += "\n";
    }
    for (const auto& r : db_->access().Roles()) out += "role " + r.name + "\n";
    for (const auto& t : db_->access().Tokens()) out += "token " + t.name + "\n";
    for (const auto& u : db_->access().Users()) {
      auto grants = db_->access().ShowGrants(u.name);
      if (grants.ok())
        for (const auto& g : grants.value()) out += g + "\n";
    }
    return out;
  }

  // Runs `sql` as `p`: it must succeed, or fail with PERMISSION_DENIED and leave State() unchanged.
  void Expect(const std::shared_ptr<const security::Principal>& p, const std::string& sql, bool allowed) {
    const std::string before = State();
    QueryOptions o;
    o.principal = p;
    auto r = db_->Execute(sql, o);
    if (allowed) {
      EXPECT_TRUE(r.ok()) << p->Describe() << ": " << sql << ": " << r.status().ToString();
      return;
    }
    ASSERT_FALSE(r.ok()) << p->Describe() << " may run " << sql;
    EXPECT_EQ(r.status().code(), ErrorCode::kPermissionDenied) << sql << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find(p->user), std::string::npos) << r.status().message();
    EXPECT_EQ(State(), before) << sql;
  }

  TestDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<Database> db_;
};

// One statement per privilege; each built-in role either may run it or gets PERMISSION_DENIED.
struct Action {
  const char* sql;
  bool admin, analyst, viewer, ingest;
};
const Action kActions[] = {
    {"SELECT count() FROM events", true, true, true, false},
    {"SELECT * FROM events WHERE id IN (SELECT id FROM logs)", true, true, true, false},
    {"DESCRIBE events", true, true, true, false},
    {"EXPLAIN SELECT * FROM events", true, true, true, false},
    {"INSERT INTO events VALUES (9, 'z')", true, true, false, true},
    {"INSERT INTO logs SELECT id FROM events", true, true, false, false},
    {"CREATE TABLE fresh (x UInt8) ORDER BY x", true, true, false, true},
    {"ALTER TABLE events ADD COLUMN extra UInt8", true, false, false, false},
    {"TRUNCATE TABLE logs", true, false, false, false},
    {"DROP TABLE logs", true, false, false, false},
    {"CREATE USER someone IDENTIFIED BY 'pw'", true, false, false, false},
    {"GRANT SELECT ON events TO n", true, false, false, false},
    {"CREATE TOKEN tk FOR n WITH GRANT SELECT ON events", true, false, false, false},
    {"SELECT count() FROM system.query_log", true, false, false, false},
};

TEST_F(DatabaseAccessTest, BuiltInRoles) {
  for (const char* user : {"v", "i", "an", "n"}) {
    auto p = Login(user);
    for (const auto& a : kActions) {
      const bool allowed = std::string(user) == "an"  ? a.analyst
                           : std::string(user) == "v" ? a.viewer
                           : std::string(user) == "i" ? a.ingest
                                                      : false;
      // Allowed actions that change things run once, below, as the admin; here only the read-only ones.
      if (allowed && std::string(a.sql).rfind("SELECT", 0) != 0 &&
          std::string(a.sql).rfind("DESCRIBE", 0) != 0 && std::string(a.sql).rfind("EXPLAIN", 0) != 0 &&
          std::string(a.sql).rfind("INSERT", 0) != 0 && std::string(a.sql).rfind("CREATE TABLE", 0) != 0)
        continue;
      Expect(p, a.sql, allowed);
      if (allowed && std::string(a.sql).rfind("CREATE TABLE", 0) == 0) Run("DROP TABLE fresh");
    }
  }
  auto admin = Login("a");
  for (const auto& a : kActions) Expect(admin, a.sql, a.admin);
}

TEST_F(DatabaseAccessTest, ShowTablesListsOnlyReadableTables) {
  Run("GRANT SELECT ON logs TO n");
  QueryResult r = Run("SHOW TABLES", Login("n"));
  ASSERT_EQ(r.num_rows(), 1u);
  EXPECT_EQ(r.chunks[0].columns[0]->ValueAt(0), Value(std::string("logs")));
  EXPECT_EQ(Run("SHOW TABLES", Login("i")).num_rows(), 0u);
  EXPECT_EQ(Run("SHOW TABLES", Login("v")).num_rows(), 2u);
}

TEST_F(DatabaseAccessTest, TokenScopes) {
  auto append = TokenFor("CREATE TOKEN append FOR an WITH GRANT INSERT ON events");
  Expect(append, "INSERT INTO events VALUES (5, 'e')", true);
  Expect(append, "SELECT count() FROM events", false);
  Expect(append, "INSERT INTO logs VALUES (5)", false);
  Expect(append, "CREATE TABLE fresh (x UInt8) ORDER BY x", false);

  auto read = TokenFor("CREATE TOKEN read FOR an WITH GRANT SELECT ON logs");
  Expect(read, "SELECT count() FROM logs", true);
  Expect(read, "SELECT count() FROM events", false);
  Expect(read, "INSERT INTO logs VALUES (5)", false);

  // An admin-scoped token of an analyst is an analyst.
  auto wide = TokenFor("CREATE TOKEN wide FOR an WITH GRANT ADMIN");
  Expect(wide, "SELECT count() FROM events", true);
  Expect(wide, "DROP TABLE logs", false);
  Expect(wide, "CREATE USER x IDENTIFIED BY 'pw'", false);
  auto admin = TokenFor("CREATE TOKEN root FOR a WITH GRANT ADMIN");
  Expect(admin, "CREATE USER x IDENTIFIED BY 'pw'", true);
  Expect(admin, "DROP TOKEN wide", true);
  QueryOptions o;
  o.principal = wide;
  EXPECT_EQ(db_->Execute("SELECT 1", o).status().code(), ErrorCode::kUnauthenticated);

  // Rights are the owner's at the time of use.
  Run("REVOKE analyst FROM an");
  Expect(read, "SELECT count() FROM logs", false);
  Run("GRANT SELECT ON logs TO an");
  Expect(read, "SELECT count() FROM logs", true);
}

TEST_F(DatabaseAccessTest, ExpiredAndRevokedTokensAndDroppedUsers) {
  auto t = TokenFor("CREATE TOKEN day FOR v WITH GRANT SELECT ON * EXPIRES IN INTERVAL 1 DAY");
  Expect(t, "SELECT count() FROM events", true);
  clock_.Advance(86'400'000);
  QueryOptions o;
  o.principal = t;
  auto r = db_->Execute("SELECT count() FROM events", o);
  EXPECT_EQ(r.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(r.status().message().find("token 'day' expired at"), std::string::npos) << r.status().message();

  auto v = Login("v");
  Run("DROP USER v");
  o.principal = v;
  EXPECT_EQ(db_->Execute("SELECT count() FROM events", o).status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(db_->access().AuthenticatePassword("v", "pw").status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(DatabaseAccessTest, CreateTokenReturnsTheSecretOnce) {
  QueryResult r = Run("CREATE TOKEN mine WITH GRANT SELECT ON events", Login("a"));
  ASSERT_EQ(r.names, (std::vector<std::string>{"name", "token", "expires_at"}));
  std::string secret;
  FormatText(*r.chunks[0].columns[1], 0, &secret);
  EXPECT_EQ(secret.rfind("aur_", 0), 0u);
  auto p = db_->access().AuthenticateToken(secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->user, "a");  // the creator owns it
  for (const char* sql : {"SHOW TOKENS", "SELECT * FROM system.tokens", "SELECT * FROM system.query_log"}) {
    QueryResult listing = Run(sql);
    for (const auto& c : listing.chunks)
      for (const auto& col : c.columns)
        for (size_t i = 0; i < c.num_rows; ++i) {
          std::string cell;
          FormatText(*col, i, &cell);
          EXPECT_EQ(cell.find(secret.substr(4)), std::string::npos) << sql;
        }
  }
}

// Anyone may make, list and drop tokens of their own, never wider than their own rights.
TEST_F(DatabaseAccessTest, UsersManageTheirOwnTokensWithinTheirRights) {
  auto an = Login("an");  // analyst: SELECT, INSERT, CREATE on every table
  QueryResult r = Run("CREATE TOKEN loader WITH GRANT INSERT ON events EXPIRES IN INTERVAL 1 DAY", an);
  EXPECT_EQ(r.num_rows(), 1u);
  QueryOptions o;
  o.principal = an;
  for (const char* sql :
       {"CREATE TOKEN wide WITH GRANT ADMIN", "CREATE TOKEN dropper WITH GRANT DROP ON events",
        "CREATE TOKEN other FOR v WITH GRANT SELECT ON events"}) {
    auto denied = db_->Execute(sql, o);
    ASSERT_FALSE(denied.ok()) << sql;
    EXPECT_EQ(denied.status().code(), ErrorCode::kPermissionDenied) << sql;
  }
  Run("CREATE TOKEN admins WITH GRANT SELECT ON *", Login("a"));
  QueryResult mine = Run("SHOW TOKENS", an);
  ASSERT_EQ(mine.num_rows(), 1u);  // only its own
  EXPECT_EQ(db_->Execute("DROP TOKEN admins", o).status().code(), ErrorCode::kPermissionDenied);
  Run("DROP TOKEN loader", an);
  EXPECT_EQ(Run("SHOW TOKENS", Login("a")).num_rows(), 1u);  // the admin's, left alone
}

TEST_F(DatabaseAccessTest, EnsureAdminOnlyOnAnEmptyDirectory) {
  auto pw = db_->access().EnsureAdmin(std::nullopt);
  ASSERT_TRUE(pw.ok());
  EXPECT_FALSE(pw->has_value());  // users exist
}

}  // namespace
}  // namespace aurora
