#include "security/access_control.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "security/crypto.h"

namespace aurora::security {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;  // 2027-01-15

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(AccessOptions opts = Fast()) {
    ac_.reset();
    auto ac = AccessControl::Open(dir_.path(), clock_, opts);
    ASSERT_TRUE(ac.ok()) << ac.status().ToString();
    ac_ = std::move(*ac);
  }

  static AccessOptions Fast() {
    AccessOptions o;
    o.pbkdf2_iterations = 1000;  // the real default is 600,000; tests need speed, not strength
    return o;
  }

  std::shared_ptr<const Principal> Login(const std::string& user, const std::string& pw) {
    auto p = ac_->AuthenticatePassword(user, pw);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : nullptr;
  }

  TestDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<AccessControl> ac_;
};

TEST(CryptoTest, Pbkdf2MatchesTheRfc7914Vector) {
  // RFC 7914, section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64); we take the first 32 bytes.
  EXPECT_EQ(ToHex(Pbkdf2Sha256("passwd", "salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  EXPECT_EQ(ToHex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, RandomBase62IsBase62AndDiffers) {
  auto a = RandomBase62(43), b = RandomBase62(43);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
  for (char c : *a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
}

TEST(CryptoTest, SealedSecretsOpenOnlyWithTheirKeyAndContext) {
  const std::string key(32, 'k'), other(32, 'o');
  auto sealed = Seal(key, "hunter2", "source s1");
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_EQ(sealed->find("hunter2"), std::string::npos);
  auto again = Seal(key, "hunter2", "source s1");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*sealed, *again);  // a fresh nonce each time
  auto opened = Open(key, *sealed, "source s1");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "hunter2");
  EXPECT_EQ(Open(other, *sealed, "source s1").status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(Open(key, *sealed, "source s2").status().code(), ErrorCode::kCorruption);
  std::string tampered = *sealed;
  tampered[14] ^= 1;
  EXPECT_EQ(Open(key, tampered, "source s1").status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(Open(key, "short", "source s1").status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(Seal("short key", "x", "").status().code(), ErrorCode::kInvalidArgument);
}

TEST(CryptoTest, AKeyFileIsMadeOnceWithOwnerOnlyAccess) {
  TestDir dir;
  const std::string path = dir.path() + "/secret.key";
  auto first = LoadOrCreateKeyFile(path, 32);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = LoadOrCreateKeyFile(path, 32);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(LoadOrCreateKeyFile(path, 16).status().code(), ErrorCode::kCorruption);
}

TEST_F(AccessControlTest, PasswordsAreVerifiedAndStoredHashed) {
  ASSERT_TRUE(ac_->CreateUser("bob", "s3cret").ok());
  EXPECT_TRUE(ac_->AuthenticatePassword("bob", "s3cret").ok());
  auto wrong = ac_->AuthenticatePassword("bob", "s3cret ");
  EXPECT_EQ(wrong.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), "wrong user name or password");
  auto unknown = ac_->AuthenticatePassword("alice", "s3cret");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().message(), wrong.status().message());  // does not reveal which was wrong
  EXPECT_EQ(ac_->CreateUser("bob", "x").code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(ac_->CreateUser("bob", "x", {}, /*if_not_exists=*/true).ok());
  EXPECT_TRUE(ac_->AuthenticatePassword("bob", "s3cret").ok());  // IF NOT EXISTS changed nothing

  // The file holds no password in any form we could recognize.
  ac_.reset();
  std::string bytes;
  for (const char* f : {"/meta.db", "/meta.db-wal"}) {
    FILE* fp = std::fopen((dir_.path() + f).c_str(), "rb");
    if (!fp) continue;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), fp)) > 0;) bytes.append(buf, n);
    std::fclose(fp);
  }
  EXPECT_NE(bytes.find("bob"), std::string::npos);
  EXPECT_EQ(bytes.find("s3cret"), std::string::npos);
}

TEST_F(AccessControlTest, TheCacheMakesARepeatedCorrectPasswordCheap) {
  AccessOptions slow;
  slow.pbkdf2_iterations = 200000;
  Reopen(slow);
  ASSERT_TRUE(ac_->CreateUser("bob", "pw").ok());
  auto time = [&](const char* pw) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = ac_->AuthenticatePassword("bob", pw);
    auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    return std::make_pair(r.ok(), us);
  };
  auto [first_ok, first_us] = time("pw");
  ASSERT_TRUE(first_ok);
  auto [again_ok, again_us] = time("pw");
  ASSERT_TRUE(again_ok);
  auto [wrong_ok, wrong_us] = time("pw2");
  EXPECT_FALSE(wrong_ok);
  auto [wrong2_ok, wrong2_us] = time("pw2");
  EXPECT_FALSE(wrong2_ok);
  // 200,000 rounds take milliseconds; a cache hit takes microseconds. Wrong passwords are never cached.
  EXPECT_LT(again_us * 10, first_us) << again_us << " vs " << first_us;
  EXPECT_GT(wrong_us, again_us * 10) << wrong_us << " vs " << again_us;
  EXPECT_GT(wrong2_us, again_us * 10) << wrong2_us << " vs " << again_us;
}

TEST_F(AccessControlTest, APasswordChangeInvalidatesTheCache) {
  ASSERT_TRUE(ac_->CreateUser("bob", "old").ok());
  ASSERT_TRUE(ac_->AuthenticatePassword("bob", "old").ok());  // now cached
  ASSERT_TRUE(ac_->SetPassword("bob", "new").ok());
  EXPECT_EQ(ac_->AuthenticatePassword("bob", "old").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(ac_->AuthenticatePassword("bob", "new").ok());
  // Dropped and created again with the old password: the old cache entry must not let the old one in.
  ASSERT_TRUE(ac_->AuthenticatePassword("bob", "new").ok());
  ASSERT_TRUE(ac_->DropUser("bob").ok());
  EXPECT_EQ(ac_->AuthenticatePassword("bob", "new").status().code(), ErrorCode::kUnauthenticated);
  ASSERT_TRUE(ac_->CreateUser("bob", "other").ok());
  EXPECT_EQ(ac_->AuthenticatePassword("bob", "new").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(ac_->AuthenticatePassword("bob", "other").ok());
}

TEST_F(AccessControlTest, CachedOnlyAnswersFromTheCacheAlone) {
  ASSERT_TRUE(ac_->CreateUser("bob", "pw").ok());
  // Not verified yet: a cache-only check does not verify, whatever the password.
  EXPECT_EQ(ac_->AuthenticatePassword("bob", "pw", /*cached_only=*/true).status().code(),
            ErrorCode::kResourceExhausted);
  ASSERT_TRUE(ac_->AuthenticatePassword("bob", "pw").ok());
  auto cached = ac_->AuthenticatePassword("bob", "pw", /*cached_only=*/true);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ((*cached)->user, "bob");
  EXPECT_EQ(ac_->AuthenticatePassword("bob", "wrong", /*cached_only=*/true).status().code(),
            ErrorCode::kResourceExhausted);
  EXPECT_EQ(ac_->AuthenticatePassword("nobody", "pw", /*cached_only=*/true).status().code(),
            ErrorCode::kResourceExhausted);
  ASSERT_TRUE(ac_->SetPassword("bob", "new").ok());  // a change empties bob's entries
  EXPECT_FALSE(ac_->AuthenticatePassword("bob", "pw", /*cached_only=*/true).ok());
}

TEST_F(AccessControlTest, ConcurrentLoginsAgree) {
  ASSERT_TRUE(ac_->CreateUser("bob", "pw").ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, bad{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        (ac_->AuthenticatePassword("bob", (i + t) % 5 ? "pw" : "nope").ok() ? ok : bad)++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok + bad, 400);
  EXPECT_EQ(bad, 80);
}

TEST_F(AccessControlTest, BuiltInRoles) {
  ASSERT_TRUE(ac_->CreateUser("a", "pw", {"admin"}).ok());
  ASSERT_TRUE(ac_->CreateUser("an", "pw", {"analyst"}).ok());
  ASSERT_TRUE(ac_->CreateUser("v", "pw", {"viewer"}).ok());
  ASSERT_TRUE(ac_->CreateUser("i", "pw", {"ingest"}).ok());
  ASSERT_TRUE(ac_->CreateUser("n", "pw").ok());
  struct Case {
    const char* user;
    Privilege p;
    bool allowed;
  };
  const Case cases[] = {
      {"a", Privilege::kAdmin, true},   {"a", Privilege::kDrop, true},    {"an", Privilege::kSelect, true},
      {"an", Privilege::kInsert, true}, {"an", Privilege::kCreate, true}, {"an", Privilege::kDrop, false},
      {"an", Privilege::kAlter, false}, {"an", Privilege::kAdmin, false}, {"v", Privilege::kSelect, true},
      {"v", Privilege::kInsert, false}, {"v", Privilege::kCreate, false}, {"i", Privilege::kInsert, true},
      {"i", Privilege::kCreate, true},  {"i", Privilege::kSelect, false}, {"n", Privilege::kSelect, false},
  };
  for (const auto& c : cases) {
    auto p = Login(c.user, "pw");
    Status st = ac_->Check(*p, c.p, "events");
    EXPECT_EQ(st.ok(), c.allowed) << c.user << " " << PrivilegeName(c.p) << ": " << st.ToString();
    if (!c.allowed) {
      EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied);
    }
  }
  Status st = ac_->Check(*Login("v", "pw"), Privilege::kInsert, "events");
  EXPECT_EQ(st.message(), "user 'v' has no INSERT privilege on table 'events'");
  EXPECT_EQ(ac_->DropRole("viewer").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ac_->GrantPrivileges({{Privilege::kDrop, "*"}}, "viewer").code(), ErrorCode::kInvalidArgument);
}

TEST_F(AccessControlTest, TableGrantsAndCustomRoles) {
  ASSERT_TRUE(ac_->CreateUser("bob", "pw").ok());
  ASSERT_TRUE(ac_->CreateRole("readers").ok());
  EXPECT_EQ(ac_->CreateUser("readers", "pw").code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(ac_->GrantPrivileges({{Privilege::kSelect, "logs"}}, "readers").ok());
  ASSERT_TRUE(ac_->GrantPrivileges({{Privilege::kInsert, "events"}}, "bob").ok());
  auto bob = Login("bob", "pw");
  EXPECT_TRUE(ac_->Check(*bob, Privilege::kInsert, "events").ok());
  EXPECT_FALSE(ac_->Check(*bob, Privilege::kInsert, "logs").ok());
  EXPECT_FALSE(ac_->Check(*bob, Privilege::kSelect, "logs").ok());
  ASSERT_TRUE(ac_->GrantRole("readers", "bob").ok());
  EXPECT_TRUE(ac_->Check(*bob, Privilege::kSelect, "logs").ok());  // the same principal sees the new grant
  ASSERT_TRUE(ac_->RevokePrivileges({{Privilege::kSelect, "logs"}}, "readers").ok());
  EXPECT_FALSE(ac_->Check(*bob, Privilege::kSelect, "logs").ok());
  ASSERT_TRUE(ac_->GrantPrivileges({{Privilege::kSelect, "logs"}}, "readers").ok());
  ASSERT_TRUE(ac_->DropRole("readers").ok());
  EXPECT_FALSE(ac_->Check(*bob, Privilege::kSelect, "logs").ok());
  auto grants = ac_->ShowGrants("bob");
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(*grants, std::vector<std::string>{"GRANT INSERT ON default.events TO bob"});
  ASSERT_TRUE(ac_->DropUser("bob").ok());
  EXPECT_EQ(ac_->Check(*bob, Privilege::kInsert, "events").code(), ErrorCode::kUnauthenticated);
}

TEST_F(AccessControlTest, TokensAreScopedAndCappedByTheirOwner) {
  ASSERT_TRUE(ac_->CreateUser("bob", "pw", {"analyst"}).ok());
  auto tok = ac_->CreateToken({"loader", "bob", {{Privilege::kInsert, "events"}}, std::nullopt});
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ(tok->secret.substr(0, 4), "aur_");
  EXPECT_EQ(tok->secret.size(), 4u + 43u);
  auto p = ac_->AuthenticateToken(tok->secret);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->user, "bob");
  EXPECT_EQ((*p)->token, "loader");
  EXPECT_TRUE(ac_->Check(**p, Privilege::kInsert, "events").ok());
  Status other = ac_->Check(**p, Privilege::kInsert, "logs");
  EXPECT_EQ(other.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(other.message(), "token 'loader' of user 'bob' has no INSERT privilege on table 'logs'");
  EXPECT_EQ(ac_->Check(**p, Privilege::kSelect, "events").code(), ErrorCode::kPermissionDenied);

  // A scope wider than the owner's rights gives only the owner's rights, judged at use time.
  auto wide =
      ac_->CreateToken({"wide", "bob", {{Privilege::kDrop, "*"}, {Privilege::kSelect, "*"}}, std::nullopt});
  ASSERT_TRUE(wide.ok());
  auto w = *ac_->AuthenticateToken(wide->secret);
  EXPECT_EQ(ac_->Check(*w, Privilege::kDrop, "events").code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(ac_->Check(*w, Privilege::kSelect, "events").ok());
  ASSERT_TRUE(ac_->RevokeRole("analyst", "bob").ok());
  EXPECT_EQ(ac_->Check(*w, Privilege::kSelect, "events").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ac_->Check(**p, Privilege::kInsert, "events").code(), ErrorCode::kPermissionDenied);

  EXPECT_EQ(ac_->AuthenticateToken("aur_nope").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ac_->AuthenticateToken(tok->secret + "x").status().message(), "invalid token");
  EXPECT_EQ(ac_->CreateToken({"loader", "bob", {{Privilege::kSelect, "*"}}, std::nullopt}).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(ac_->CreateToken({"t", "nobody", {{Privilege::kSelect, "*"}}, std::nullopt}).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(AccessControlTest, TokensExpireAndAreRevoked) {
  ASSERT_TRUE(ac_->CreateUser("bob", "pw", {"viewer"}).ok());
  auto tok = ac_->CreateToken({"day", "bob", {{Privilege::kSelect, "*"}}, kStart + 86'400'000});
  ASSERT_TRUE(tok.ok());
  auto p = ac_->AuthenticateToken(tok->secret);
  ASSERT_TRUE(p.ok());
  clock_.Advance(86'400'000 - 1);
  EXPECT_TRUE(ac_->AuthenticateToken(tok->secret).ok());
  EXPECT_TRUE(ac_->Check(**p, Privilege::kSelect, "t").ok());
  clock_.Advance(1);
  auto expired = ac_->AuthenticateToken(tok->secret);
  EXPECT_EQ(expired.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(expired.status().message(), "token 'day' expired at 2027-01-16 08:00:00 UTC");
  EXPECT_EQ(ac_->Check(**p, Privilege::kSelect, "t").code(), ErrorCode::kUnauthenticated);  // checked at use

  auto t2 = ac_->CreateToken({"t2", "bob", {{Privilege::kSelect, "*"}}, std::nullopt});
  ASSERT_TRUE(t2.ok());
  auto p2 = *ac_->AuthenticateToken(t2->secret);
  ASSERT_TRUE(ac_->RevokeToken("t2").ok());
  EXPECT_EQ(ac_->AuthenticateToken(t2->secret).status().message(), "token 't2' was revoked");
  EXPECT_EQ(ac_->Check(*p2, Privilege::kSelect, "t").code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(ac_->RevokeToken("t2").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(ac_->RevokeToken("t2", /*if_exists=*/true).ok());
  // The name is free again; the old secret stays revoked.
  auto t3 = ac_->CreateToken({"t2", "bob", {{Privilege::kSelect, "*"}}, std::nullopt});
  ASSERT_TRUE(t3.ok());
  EXPECT_EQ(ac_->Check(*p2, Privilege::kSelect, "t").code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(ac_->Check(**ac_->AuthenticateToken(t3->secret), Privilege::kSelect, "t").ok());
  EXPECT_EQ(ac_->CreateToken({"past", "bob", {{Privilege::kSelect, "*"}}, kStart}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(AccessControlTest, EverythingSurvivesAReopen) {
  auto pw = ac_->EnsureAdmin(std::nullopt);
  ASSERT_TRUE(pw.ok() && pw->has_value());
  EXPECT_EQ((*pw)->size(), 24u);
  ASSERT_TRUE(ac_->CreateUser("bob", "pw").ok());
  ASSERT_TRUE(ac_->CreateRole("readers").ok());
  ASSERT_TRUE(ac_->GrantPrivileges({{Privilege::kSelect, "logs"}, {Privilege::kAlter, "*"}}, "readers").ok());
  ASSERT_TRUE(ac_->GrantRole("readers", "bob").ok());
  ASSERT_TRUE(ac_->GrantPrivileges({{Privilege::kInsert, "events"}}, "bob").ok());
  auto tok = ac_->CreateToken({"loader", "bob", {{Privilege::kInsert, "events"}}, kStart + 1000});
  auto gone = ac_->CreateToken({"gone", "bob", {{Privilege::kInsert, "events"}}, std::nullopt});
  ASSERT_TRUE(tok.ok() && gone.ok());
  ASSERT_TRUE(ac_->RevokeToken("gone").ok());

  Reopen();
  EXPECT_FALSE(ac_->EnsureAdmin("other").value().has_value());
  auto admin = Login("admin", **pw);
  ASSERT_TRUE(admin);
  EXPECT_TRUE(ac_->Check(*admin, Privilege::kAdmin, "*").ok());
  auto bob = Login("bob", "pw");
  ASSERT_TRUE(bob);
  EXPECT_TRUE(ac_->Check(*bob, Privilege::kSelect, "logs").ok());
  EXPECT_TRUE(ac_->Check(*bob, Privilege::kAlter, "anything").ok());
  EXPECT_TRUE(ac_->Check(*bob, Privilege::kInsert, "events").ok());
  EXPECT_FALSE(ac_->Check(*bob, Privilege::kInsert, "logs").ok());
  auto t = ac_->AuthenticateToken(tok->secret);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->token_expires_ms, kStart + 1000);
  EXPECT_EQ((*t)->token_scopes, (std::vector<Grant>{{Privilege::kInsert, "events"}}));
  EXPECT_EQ(ac_->AuthenticateToken(gone->secret).status().message(), "token 'gone' was revoked");
  auto tokens = ac_->Tokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].name, "loader");
  auto users = ac_->Users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "admin");
  EXPECT_EQ(users[0].roles, std::vector<std::string>{"admin"});
  auto grants = ac_->ShowGrants("readers");
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(*grants, (std::vector<std::string>{"GRANT ALTER ON *.* TO readers",
                                               "GRANT SELECT ON default.logs TO readers"}));

  // Dropping the owner deletes its tokens, also after a reopen.
  ASSERT_TRUE(ac_->DropUser("bob").ok());
  Reopen();
  EXPECT_EQ(ac_->AuthenticateToken(tok->secret).status().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(ac_->Tokens().empty());
  EXPECT_EQ(ac_->Users().size(), 1u);
}

TEST_F(AccessControlTest, EnsureAdminUsesTheGivenPassword) {
  auto pw = ac_->EnsureAdmin(std::string("hunter2"));
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(*pw, std::optional<std::string>("hunter2"));
  EXPECT_TRUE(ac_->AuthenticatePassword("admin", "hunter2").ok());
  // The user `admin` shares its name with the built-in role; grants name the user.
  EXPECT_TRUE(ac_->GrantPrivileges({{Privilege::kSelect, "t"}}, "admin").ok());
  auto grants = ac_->ShowGrants("admin");
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(*grants,
            (std::vector<std::string>{"GRANT SELECT ON default.t TO admin", "GRANT admin TO admin"}));
  EXPECT_TRUE(ac_->RevokePrivileges({{Privilege::kSelect, "t"}}, "admin").ok());
  EXPECT_FALSE(ac_->EnsureAdmin(std::string("x")).value().has_value());
}

}  // namespace
}  // namespace aurora::security
