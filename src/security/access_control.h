// AccessControl: who may do what. It owns the users (with PBKDF2-HMAC-SHA256 password hashes), roles,
// grants and API tokens of a data directory, stored in SQLite at DATA/meta.db (security/sqlite.h), and
// answers the two questions every request asks: who is this (AuthenticatePassword, AuthenticateToken ->
// Principal) and may they do this (Check).
//
// Privileges are SELECT, INSERT, CREATE, ALTER, DROP on one table or on every table ("*"), and ADMIN
// (every privilege, plus managing users, roles and tokens). Grants go to users or roles; roles go to
// users (not to roles). Four roles are built in and cannot be changed or dropped:
//   admin    ADMIN
//   analyst  SELECT, INSERT, CREATE on every table
//   viewer   SELECT on every table
//   ingest   INSERT, CREATE on every table (the events API creates a table on its first batch)
// A grant on every table is not narrowed by revoking one table; a REVOKE removes exactly the grant
// named.
//
// Tokens: `aur_` + 43 base62 characters (256 random bits); only SHA-256 of the secret is stored, so the
// secret is shown once, by CreateToken. A token has a name (unique among unrevoked tokens), an owner, a
// list of scopes (privilege on a table or on every table) and an optional expiry. What a token may do is
// its scopes intersected with its owner's privileges at the time of use, so revoking a grant from the
// owner also limits the owner's tokens, and dropping the owner deletes them.
//
// Passwords: each user has a random 16-byte salt and its own iteration count (AccessOptions, 600,000 by
// default: OWASP's 2023 figure for PBKDF2-HMAC-SHA256). Because HTTP clients send the password with
// every request, a successful verification is cached in memory under HMAC-SHA256(process-random key,
// user, password); an entry holds the user's credential generation, which a password change or DROP USER
// replaces, so such entries stop matching at once. Wrong passwords (and unknown users) always pay the
// full PBKDF2 cost and are never cached.
//
// Every change runs in one SQLite transaction (journal_mode=WAL, synchronous=FULL) and is applied to
// the in-memory state only after it commits, so a crash leaves either all of a change or none of it.
//
// Lifecycle: Open once per data directory (Database::Open does), use for the process's life.
// Thread-safety: every method may be called from any thread; reads (Authenticate*, Check, listings) run
// concurrently, changes are serialized.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "security/sqlite.h"

namespace aurora::security {

enum class Privilege : uint8_t { kSelect, kInsert, kCreate, kAlter, kDrop, kAdmin };

// "SELECT", "INSERT", "CREATE", "ALTER", "DROP", "ADMIN".
std::string_view PrivilegeName(Privilege p);
// The privilege spelled `word` (any case), or none.
std::optional<Privilege> ParsePrivilege(std::string_view word);

// The table name that means every table in grants and scopes.
inline constexpr std::string_view kAllTables = "*";

// A privilege on `table` (a name, or kAllTables). ADMIN is always on kAllTables.
struct Grant {
  Privilege privilege = Privilege::kSelect;
  std::string table{kAllTables};
  auto operator<=>(const Grant&) const = default;
  // "SELECT ON events", "INSERT ON *", "ADMIN".
  std::string ToString() const;
};

// Who is making a request: a user, authenticated by password or by one of the user's tokens. Rights are
// not copied here; AccessControl::Check looks them up at the time of use.
struct Principal {
  std::string user;
  std::string token;     // the token's name when authenticated by a token, else empty
  int64_t token_id = 0;  // the token's id (names of revoked tokens may be reused)
  std::vector<Grant> token_scopes;
  std::optional<int64_t> token_expires_ms;

  bool is_token() const { return !token.empty(); }
  // "user 'bob'" or "token 'loader' of user 'bob'", for error messages.
  std::string Describe() const;
};

struct AccessOptions {
  uint32_t pbkdf2_iterations = 600000;  // for new and changed passwords; each user keeps its own
  size_t cache_capacity = 10000;        // successful verifications kept; the cache is emptied when full
};

struct UserInfo {
  std::string name;
  std::vector<std::string> roles;  // sorted
  int64_t created_ms = 0;
};

struct RoleInfo {
  std::string name;
  bool built_in = false;
};

// Tokens named so are the web app's sign-in sessions (server/api_web.cpp): only CreateToken with
// TokenSpec::session makes them, and they, unlike other tokens, may make tokens (as their user could).
inline constexpr std::string_view kSessionTokenPrefix = "web-session-";

struct TokenSpec {
  std::string name;
  std::string owner;
  std::vector<Grant> scopes;          // at least one
  std::optional<int64_t> expires_ms;  // wall clock, ms since the epoch; none: never
  bool session = false;               // a sign-in session: its name starts with kSessionTokenPrefix
};

struct TokenInfo {
  std::string name, owner;
  std::vector<Grant> scopes;
  int64_t created_ms = 0;
  std::optional<int64_t> expires_ms;
};

// What CreateToken returns: the only time the secret exists outside the client.
struct NewToken {
  std::string name;
  std::string secret;  // aur_...
  std::optional<int64_t> expires_ms;
};

class AccessControl {
 public:
  // Opens (creating if needed) DATA_DIR/meta.db. `clock` decides token expiry.
  static Result<std::unique_ptr<AccessControl>> Open(const std::string& data_dir, Clock& clock,
                                                     AccessOptions options = {});
  ~AccessControl();

  // First start: when there are no users, creates `admin` (role admin) with `password`, or a random
  // one of 24 base62 characters, and returns the password so that the caller can print it once.
  // Returns nullopt when users exist.
  Result<std::optional<std::string>> EnsureAdmin(std::optional<std::string> password);

  // kUnauthenticated "wrong user name or password" for an unknown user or a wrong password (the two
  // take the same time).
  // With `cached_only`, answers only from the cache of recent successful verifications (no PBKDF2) and
  // is kResourceExhausted on a miss: the server's path for addresses that failed too many sign-ins.
  Result<std::shared_ptr<const Principal>> AuthenticatePassword(std::string_view user,
                                                                std::string_view password,
                                                                bool cached_only = false);
  // kUnauthenticated for an unknown secret ("invalid token"), an expired one ("token 'x' expired at
  // 2026-01-01 00:00:00 UTC") or a revoked one ("token 'x' was revoked").
  Result<std::shared_ptr<const Principal>> AuthenticateToken(std::string_view secret);

  // OK when `p` may use `privilege` on `table` (a table name; ignored for ADMIN) now; kPermissionDenied
  // naming the principal, the privilege and the table otherwise; kUnauthenticated when the user was
  // dropped or the token revoked or expired since authentication.
  Status Check(const Principal& p, Privilege privilege, std::string_view table) const;

  // Users. A user cannot share its name with a custom role (grants name either); it may share one with a
  // built-in role (the first admin is user `admin` with role `admin`), and then names the user where a
  // statement could mean either (GRANT ... TO admin, SHOW GRANTS FOR admin).
  Status CreateUser(std::string_view name, std::string_view password,
                    const std::vector<std::string>& roles = {}, bool if_not_exists = false);
  Status SetPassword(std::string_view name, std::string_view password);
  // Also deletes the user's grants, role memberships and tokens.
  Status DropUser(std::string_view name, bool if_exists = false);

  // Custom roles. Dropping one removes its grants and memberships.
  Status CreateRole(std::string_view name, bool if_not_exists = false);
  Status DropRole(std::string_view name, bool if_exists = false);

  // To or from a user or a custom role. Granting what is there, or revoking what is not, is no error.
  Status GrantPrivileges(const std::vector<Grant>& grants, std::string_view grantee);
  Status RevokePrivileges(const std::vector<Grant>& grants, std::string_view grantee);
  Status GrantRole(std::string_view role, std::string_view user);
  Status RevokeRole(std::string_view role, std::string_view user);

  // kAlreadyExists when an unrevoked token has the name; kNotFound for an unknown owner.
  Result<NewToken> CreateToken(const TokenSpec& spec);
  // Who may make and revoke tokens: ADMIN, or anyone for tokens of their own whose scopes they hold (so
  // a token never does more than its maker may). A token other than a sign-in session makes no tokens (a
  // leaked short-lived token must not mint a lasting one). kPermissionDenied naming what is missing.
  Status MayCreateToken(const Principal& p, std::string_view owner, const std::vector<Grant>& scopes) const;
  Status MayRevokeToken(const Principal& p, std::string_view name) const;
  Status RevokeToken(std::string_view name, bool if_exists = false);

  std::vector<UserInfo> Users() const;  // sorted by name
  std::vector<RoleInfo> Roles() const;  // built-in first, then custom, sorted by name
  // The grants of a user or role as statements: "GRANT SELECT ON default.events TO bob",
  // "GRANT analyst TO bob".
  Result<std::vector<std::string>> ShowGrants(std::string_view name) const;
  std::vector<TokenInfo> Tokens() const;  // unrevoked tokens (expired included), sorted by name

 private:
  // Checks that `grantee` is a user or a custom role, then runs `sql` (grantee, privilege, target) for
  // each grant in one transaction. REQUIRES: mu_ held exclusively.
  Status WriteGrants(const std::vector<Grant>& grants, std::string_view grantee, const char* sql);
  struct UserState {
    std::string salt, hash;
    uint32_t iterations = 0;
    int64_t created_ms = 0;
    uint64_t generation = 0;  // replaced when the password changes; cache entries carry it
    std::set<std::string, std::less<>> roles;
  };
  struct TokenState {
    int64_t id = 0;
    std::string name, owner, secret_hash;
    std::vector<Grant> scopes;
    int64_t created_ms = 0;
    std::optional<int64_t> expires_ms, revoked_ms;
  };
  struct CacheEntry {
    std::string user;
    uint64_t generation = 0;
  };

  AccessControl(std::unique_ptr<SqliteDatabase> db, Clock& clock, AccessOptions options,
                std::string cache_key);
  Status Load();
  // REQUIRES: mu_ held (shared or exclusive).
  const std::set<Grant>* GrantsOfRole(std::string_view role) const;
  bool IsRole(std::string_view name) const;
  Status CheckName(std::string_view what, std::string_view name) const;
  std::shared_ptr<const Principal> UserPrincipal(std::string_view user) const;
  void ForgetCached(std::string_view user);

  std::unique_ptr<SqliteDatabase> db_;  // REQUIRES: mu_ exclusive
  Clock& clock_;
  const AccessOptions options_;
  const std::string cache_key_;  // random per process: cache keys mean nothing outside it
  std::string dummy_salt_;       // for timing-equal failures of unknown users

  mutable std::shared_mutex mu_;
  std::map<std::string, UserState, std::less<>> users_;
  std::map<std::string, int64_t, std::less<>> roles_;           // custom roles -> created_ms
  std::map<std::string, std::set<Grant>, std::less<>> grants_;  // by grantee (user or custom role)
  std::map<int64_t, TokenState> tokens_;                        // by id, revoked ones included
  std::unordered_map<std::string, int64_t> token_by_hash_;
  std::atomic<uint64_t> next_generation_{1};

  mutable std::mutex cache_mu_;
  std::unordered_map<std::string, CacheEntry> cache_;
};

}  // namespace aurora::security
