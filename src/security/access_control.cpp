#include "security/access_control.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "security/crypto.h"

namespace aurora::security {

namespace {

constexpr std::string_view kTokenPrefix = "aur_";
constexpr size_t kTokenRandomChars = 43;  // 43 * log2(62) > 256 bits
constexpr size_t kSaltBytes = 16;
constexpr int kSchemaVersion = 1;

struct BuiltInRole {
  std::string_view name;
  std::set<Grant> grants;
};

const std::vector<BuiltInRole>& BuiltInRoles() {
  static const std::vector<BuiltInRole> kRoles = {
      {"admin", {{Privilege::kAdmin, "*"}}},
      {"analyst", {{Privilege::kSelect, "*"}, {Privilege::kInsert, "*"}, {Privilege::kCreate, "*"}}},
      {"viewer", {{Privilege::kSelect, "*"}}},
      {"ingest", {{Privilege::kInsert, "*"}, {Privilege::kCreate, "*"}}},
  };
  return kRoles;
}

const BuiltInRole* FindBuiltIn(std::string_view name) {
  for (const auto& r : BuiltInRoles())
    if (r.name == name) return &r;
  return nullptr;
}

std::string FormatUtc(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string TableDescription(std::string_view table) {
  return table == kAllTables ? std::string("all tables") : fmt::format("table '{}'", table);
}

bool Covers(const std::set<Grant>& grants, Privilege privilege, std::string_view table) {
  if (grants.count(Grant{Privilege::kAdmin, std::string(kAllTables)})) return true;
  if (grants.count(Grant{privilege, std::string(kAllTables)})) return true;
  return privilege != Privilege::kAdmin && table != kAllTables &&
         grants.count(Grant{privilege, std::string(table)});
}

Status Unauthenticated() {
  return AURORA_ERROR(kUnauthenticated, "wrong user name or password");
}

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS meta_schema(component TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users(
  name TEXT PRIMARY KEY,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  iterations INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS roles(name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS grants(
  grantee TEXT NOT NULL,
  privilege TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY(grantee, privilege, target));
CREATE TABLE IF NOT EXISTS role_members(
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  role TEXT NOT NULL,
  PRIMARY KEY(user, role));
CREATE TABLE IF NOT EXISTS tokens(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  secret_sha256 BLOB NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER,
  revoked_ms INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_unrevoked_name ON tokens(name) WHERE revoked_ms IS NULL;
CREATE TABLE IF NOT EXISTS token_scopes(
  token_id INTEGER NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
  privilege TEXT NOT NULL,
  target TEXT NOT NULL);
INSERT OR IGNORE INTO meta_schema(component, version) VALUES ('security', 1);
)";

}  // namespace

std::string_view PrivilegeName(Privilege p) {
  switch (p) {
    case Privilege::kSelect:
      return "SELECT";
    case Privilege::kInsert:
      return "INSERT";
    case Privilege::kCreate:
      return "CREATE";
    case Privilege::kAlter:
      return "ALTER";
    case Privilege::kDrop:
      return "DROP";
    case Privilege::kAdmin:
      return "ADMIN";
  }
  return "UNKNOWN";
}

std::optional<Privilege> ParsePrivilege(std::string_view word) {
  std::string u(word);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (Privilege p : {Privilege::kSelect, Privilege::kInsert, Privilege::kCreate, Privilege::kAlter,
                      Privilege::kDrop, Privilege::kAdmin})
    if (PrivilegeName(p) == u) return p;
  return std::nullopt;
}

std::string Grant::ToString() const {
  if (privilege == Privilege::kAdmin) return "ADMIN";
  return fmt::format("{} ON {}", PrivilegeName(privilege), table);
}

std::string Principal::Describe() const {
  if (is_token()) return fmt::format("token '{}' of user '{}'", token, user);
  return fmt::format("user '{}'", user);
}

AccessControl::AccessControl(std::unique_ptr<SqliteDatabase> db, Clock& clock, AccessOptions options,
                             std::string cache_key)
    : db_(std::move(db)), clock_(clock), options_(options), cache_key_(std::move(cache_key)) {}

AccessControl::~AccessControl() = default;

Result<std::unique_ptr<AccessControl>> AccessControl::Open(const std::string& data_dir, Clock& clock,
                                                           AccessOptions options) {
  if (options.pbkdf2_iterations == 0)
    return AURORA_ERROR(kInvalidArgument, "pbkdf2_iterations must be positive");
  AURORA_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(data_dir + "/meta.db"));
  AURORA_RETURN_IF_ERROR(db->Transaction([&] { return db->Exec(kSchema); }));
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q,
                            db->Prepare("SELECT version FROM meta_schema WHERE component = 'security'"));
    AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row || q.ColumnInt64(0) > kSchemaVersion)
      return AURORA_ERROR(kNotSupported, "{}: security metadata of version {} is newer than this Aurora ({})",
                          db->path(), row ? q.ColumnInt64(0) : 0, kSchemaVersion);
  }
  AURORA_ASSIGN_OR_RETURN(std::string key, RandomBytes(32));
  std::unique_ptr<AccessControl> ac(new AccessControl(std::move(db), clock, options, std::move(key)));
  AURORA_ASSIGN_OR_RETURN(ac->dummy_salt_, RandomBytes(kSaltBytes));
  AURORA_RETURN_IF_ERROR(ac->Load());
  return ac;
}

Status AccessControl::Load() {
  std::unique_lock lock(mu_);
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q,
                            db_->Prepare("SELECT name, salt, hash, iterations, created_ms FROM users"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      UserState u;
      u.salt = q.ColumnText(1);
      u.hash = q.ColumnText(2);
      u.iterations = static_cast<uint32_t>(q.ColumnInt64(3));
      u.created_ms = q.ColumnInt64(4);
      u.generation = next_generation_++;
      users_[q.ColumnText(0)] = std::move(u);
    }
  }
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare("SELECT name, created_ms FROM roles"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      roles_[q.ColumnText(0)] = q.ColumnInt64(1);
    }
  }
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare("SELECT grantee, privilege, target FROM grants"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      auto p = ParsePrivilege(q.ColumnText(1));
      if (!p) return AURORA_ERROR(kCorruption, "{}: unknown privilege '{}'", db_->path(), q.ColumnText(1));
      grants_[q.ColumnText(0)].insert(Grant{*p, q.ColumnText(2)});
    }
  }
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare("SELECT user, role FROM role_members"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      auto it = users_.find(q.ColumnText(0));
      if (it != users_.end()) it->second.roles.insert(q.ColumnText(1));
    }
  }
  {
    AURORA_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db_->Prepare(
            "SELECT id, name, owner, secret_sha256, created_ms, expires_ms, revoked_ms FROM tokens"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      TokenState t;
      t.id = q.ColumnInt64(0);
      t.name = q.ColumnText(1);
      t.owner = q.ColumnText(2);
      t.secret_hash = q.ColumnText(3);
      t.created_ms = q.ColumnInt64(4);
      t.expires_ms = q.ColumnOptionalInt64(5);
      t.revoked_ms = q.ColumnOptionalInt64(6);
      token_by_hash_[t.secret_hash] = t.id;
      tokens_[t.id] = std::move(t);
    }
  }
  {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement q,
                            db_->Prepare("SELECT token_id, privilege, target FROM token_scopes"));
    while (true) {
      AURORA_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      auto p = ParsePrivilege(q.ColumnText(1));
      if (!p) return AURORA_ERROR(kCorruption, "{}: unknown privilege '{}'", db_->path(), q.ColumnText(1));
      auto it = tokens_.find(q.ColumnInt64(0));
      if (it != tokens_.end()) it->second.scopes.push_back(Grant{*p, q.ColumnText(2)});
    }
  }
  return Status::OK();
}

Result<std::optional<std::string>> AccessControl::EnsureAdmin(std::optional<std::string> password) {
  {
    std::shared_lock lock(mu_);
    if (!users_.empty()) return std::optional<std::string>();
  }
  std::string pw;
  if (password && !password->empty()) {
    pw = *password;
  } else {
    AURORA_ASSIGN_OR_RETURN(pw, RandomBase62(24));
  }
  Status st = CreateUser("admin", pw, {"admin"}, /*if_not_exists=*/false);
  if (st.code() == ErrorCode::kAlreadyExists)
    return std::optional<std::string>();  // raced with another caller
  AURORA_RETURN_IF_ERROR(st);
  return std::optional<std::string>(std::move(pw));
}

// ---- authentication

std::shared_ptr<const Principal> AccessControl::UserPrincipal(std::string_view user) const {
  auto p = std::make_shared<Principal>();
  p->user = std::string(user);
  return p;
}

Result<std::shared_ptr<const Principal>> AccessControl::AuthenticatePassword(std::string_view user,
                                                                             std::string_view password,
                                                                             bool cached_only) {
  std::string key_input;
  key_input.reserve(user.size() + 1 + password.size());
  key_input.append(user).push_back('\0');
  key_input.append(password);
  const std::string key = HmacSha256(cache_key_, key_input);

  std::string salt, hash;
  uint32_t iterations = options_.pbkdf2_iterations;
  uint64_t generation = 0;
  {
    std::shared_lock lock(mu_);
    auto it = users_.find(user);
    if (it != users_.end()) {
      generation = it->second.generation;
      {
        std::lock_guard cache_lock(cache_mu_);
        auto c = cache_.find(key);
        if (c != cache_.end() && c->second.generation == generation && c->second.user == user)
          return UserPrincipal(user);
      }
      salt = it->second.salt;
      hash = it->second.hash;
      iterations = it->second.iterations;
    }
  }
  if (cached_only) return AURORA_ERROR(kResourceExhausted, "the password was not verified recently");
  if (generation == 0) {
    // Unknown user: spend the same time as a wrong password, so timing does not reveal user names.
    (void)Pbkdf2Sha256(password, dummy_salt_, iterations);
    return Unauthenticated();
  }
  if (!ConstantTimeEquals(Pbkdf2Sha256(password, salt, iterations), hash)) return Unauthenticated();
  {
    std::shared_lock lock(mu_);
    auto it = users_.find(user);
    if (it == users_.end() || it->second.generation != generation)
      return Unauthenticated();  // changed meanwhile
    std::lock_guard cache_lock(cache_mu_);
    if (cache_.size() >= options_.cache_capacity) cache_.clear();
    cache_[key] = CacheEntry{std::string(user), generation};
  }
  return UserPrincipal(user);
}

Result<std::shared_ptr<const Principal>> AccessControl::AuthenticateToken(std::string_view secret) {
  if (secret.substr(0, kTokenPrefix.size()) != kTokenPrefix)
    return AURORA_ERROR(kUnauthenticated, "invalid token");
  const std::string hash = Sha256(secret);
  std::shared_lock lock(mu_);
  auto h = token_by_hash_.find(hash);
  if (h == token_by_hash_.end()) return AURORA_ERROR(kUnauthenticated, "invalid token");
  const TokenState& t = tokens_.at(h->second);
  if (t.revoked_ms) return AURORA_ERROR(kUnauthenticated, "token '{}' was revoked", t.name);
  if (t.expires_ms && clock_.NowMillis() >= *t.expires_ms)
    return AURORA_ERROR(kUnauthenticated, "token '{}' expired at {}", t.name, FormatUtc(*t.expires_ms));
  if (!users_.count(t.owner)) return AURORA_ERROR(kUnauthenticated, "invalid token");
  auto p = std::make_shared<Principal>();
  p->user = t.owner;
  p->token = t.name;
  p->token_id = t.id;
  p->token_scopes = t.scopes;
  p->token_expires_ms = t.expires_ms;
  return std::shared_ptr<const Principal>(std::move(p));
}

// ---- authorization

const std::set<Grant>* AccessControl::GrantsOfRole(std::string_view role) const {
  if (const BuiltInRole* b = FindBuiltIn(role)) return &b->grants;
  auto it = grants_.find(role);
  return it == grants_.end() ? nullptr : &it->second;
}

Status AccessControl::Check(const Principal& p, Privilege privilege, std::string_view table) const {
  std::shared_lock lock(mu_);
  auto u = users_.find(p.user);
  if (u == users_.end()) return AURORA_ERROR(kUnauthenticated, "user '{}' does not exist", p.user);
  auto denied = [&](std::string_view who) {
    if (privilege == Privilege::kAdmin)
      return AURORA_ERROR(kPermissionDenied, "{} may not manage users, roles and tokens (this needs ADMIN)",
                          who);
    return AURORA_ERROR(kPermissionDenied, "{} has no {} privilege on {}", who, PrivilegeName(privilege),
                        TableDescription(table));
  };
  if (p.is_token()) {
    auto t = tokens_.find(p.token_id);
    if (t == tokens_.end() || t->second.revoked_ms)
      return AURORA_ERROR(kUnauthenticated, "token '{}' was revoked", p.token);
    if (t->second.expires_ms && clock_.NowMillis() >= *t->second.expires_ms)
      return AURORA_ERROR(kUnauthenticated, "token '{}' expired at {}", p.token,
                          FormatUtc(*t->second.expires_ms));
    std::set<Grant> scopes(t->second.scopes.begin(), t->second.scopes.end());
    if (!Covers(scopes, privilege, table)) return denied(p.Describe());
  }
  // Inside a user's own grants the map key is the user name.
  bool has = false;
  if (auto g = grants_.find(p.user); g != grants_.end()) has = Covers(g->second, privilege, table);
  for (const auto& role : u->second.roles) {
    if (has) break;
    const std::set<Grant>* g = GrantsOfRole(role);
    has = g && Covers(*g, privilege, table);
  }
  if (!has) return denied(p.is_token() ? p.Describe() + " (its owner's grants)" : p.Describe());
  return Status::OK();
}

// ---- changes

bool AccessControl::IsRole(std::string_view name) const {
  return FindBuiltIn(name) || roles_.count(name) > 0;
}

Status AccessControl::CheckName(std::string_view what, std::string_view name) const {
  if (name.empty()) return AURORA_ERROR(kInvalidArgument, "a {} name cannot be empty", what);
  if (name.size() > 128)
    return AURORA_ERROR(kInvalidArgument, "{} name '{}...' is longer than 128 bytes", what,
                        name.substr(0, 32));
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return AURORA_ERROR(kInvalidArgument, "{} name '{}' has a control character", what, name);
  return Status::OK();
}

void AccessControl::ForgetCached(std::string_view user) {
  std::lock_guard lock(cache_mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.user == user)
      it = cache_.erase(it);
    else
      ++it;
  }
}

Status AccessControl::CreateUser(std::string_view name, std::string_view password,
                                 const std::vector<std::string>& roles, bool if_not_exists) {
  AURORA_RETURN_IF_ERROR(CheckName("user", name));
  if (password.empty())
    return AURORA_ERROR(kInvalidArgument, "the password of user '{}' cannot be empty", name);
  {
    std::shared_lock lock(mu_);
    if (users_.count(name)) {
      if (if_not_exists) return Status::OK();
      return AURORA_ERROR(kAlreadyExists, "user '{}' already exists", name);
    }
  }
  // The expensive hash runs outside the lock.
  AURORA_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  std::string hash = Pbkdf2Sha256(password, salt, options_.pbkdf2_iterations);
  std::unique_lock lock(mu_);
  if (users_.count(name)) {
    if (if_not_exists) return Status::OK();
    return AURORA_ERROR(kAlreadyExists, "user '{}' already exists", name);
  }
  if (roles_.count(name))
    return AURORA_ERROR(kAlreadyExists, "'{}' is a role; users and roles need different names", name);
  for (const auto& r : roles)
    if (!IsRole(r)) return AURORA_ERROR(kNotFound, "role '{}' does not exist", r);
  const int64_t now = clock_.NowMillis();
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(
        SqliteStatement ins,
        db_->Prepare("INSERT INTO users(name, salt, hash, iterations, created_ms) VALUES (?, ?, ?, ?, ?)"));
    ins.Bind(1, name)
        .BindBlob(2, salt)
        .BindBlob(3, hash)
        .Bind(4, int64_t{options_.pbkdf2_iterations})
        .Bind(5, now);
    AURORA_RETURN_IF_ERROR(ins.Run());
    AURORA_ASSIGN_OR_RETURN(SqliteStatement member,
                            db_->Prepare("INSERT OR IGNORE INTO role_members(user, role) VALUES (?, ?)"));
    for (const auto& r : roles) {
      member.Reset();
      member.Bind(1, name).Bind(2, r);
      AURORA_RETURN_IF_ERROR(member.Run());
    }
    return Status::OK();
  });
  AURORA_RETURN_IF_ERROR(committed);
  UserState u;
  u.salt = std::move(salt);
  u.hash = std::move(hash);
  u.iterations = options_.pbkdf2_iterations;
  u.created_ms = now;
  u.generation = next_generation_++;
  u.roles.insert(roles.begin(), roles.end());
  users_.emplace(std::string(name), std::move(u));
  return Status::OK();
}

Status AccessControl::SetPassword(std::string_view name, std::string_view password) {
  if (password.empty())
    return AURORA_ERROR(kInvalidArgument, "the password of user '{}' cannot be empty", name);
  AURORA_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  std::string hash = Pbkdf2Sha256(password, salt, options_.pbkdf2_iterations);
  std::unique_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return AURORA_ERROR(kNotFound, "user '{}' does not exist", name);
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(
        SqliteStatement up,
        db_->Prepare("UPDATE users SET salt = ?, hash = ?, iterations = ? WHERE name = ?"));
    up.BindBlob(1, salt).BindBlob(2, hash).Bind(3, int64_t{options_.pbkdf2_iterations}).Bind(4, name);
    return up.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  it->second.salt = std::move(salt);
  it->second.hash = std::move(hash);
  it->second.iterations = options_.pbkdf2_iterations;
  it->second.generation = next_generation_++;
  ForgetCached(name);
  return Status::OK();
}

Status AccessControl::DropUser(std::string_view name, bool if_exists) {
  std::unique_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) {
    if (if_exists) return Status::OK();
    return AURORA_ERROR(kNotFound, "user '{}' does not exist", name);
  }
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement g, db_->Prepare("DELETE FROM grants WHERE grantee = ?"));
    g.Bind(1, name);
    AURORA_RETURN_IF_ERROR(g.Run());
    // role_members, tokens and token_scopes go by ON DELETE CASCADE.
    AURORA_ASSIGN_OR_RETURN(SqliteStatement u, db_->Prepare("DELETE FROM users WHERE name = ?"));
    u.Bind(1, name);
    return u.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  users_.erase(it);
  grants_.erase(std::string(name));
  for (auto t = tokens_.begin(); t != tokens_.end();) {
    if (t->second.owner == name) {
      token_by_hash_.erase(t->second.secret_hash);
      t = tokens_.erase(t);
    } else {
      ++t;
    }
  }
  ForgetCached(name);
  return Status::OK();
}

Status AccessControl::CreateRole(std::string_view name, bool if_not_exists) {
  AURORA_RETURN_IF_ERROR(CheckName("role", name));
  std::unique_lock lock(mu_);
  if (IsRole(name)) {
    if (if_not_exists) return Status::OK();
    return AURORA_ERROR(kAlreadyExists, "role '{}' already exists", name);
  }
  if (users_.count(name))
    return AURORA_ERROR(kAlreadyExists, "'{}' is a user; users and roles need different names", name);
  const int64_t now = clock_.NowMillis();
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement ins,
                            db_->Prepare("INSERT INTO roles(name, created_ms) VALUES (?, ?)"));
    ins.Bind(1, name).Bind(2, now);
    return ins.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  roles_.emplace(std::string(name), now);
  return Status::OK();
}

Status AccessControl::DropRole(std::string_view name, bool if_exists) {
  std::unique_lock lock(mu_);
  if (FindBuiltIn(name))
    return AURORA_ERROR(kInvalidArgument, "role '{}' is built in and cannot be dropped", name);
  auto it = roles_.find(name);
  if (it == roles_.end()) {
    if (if_exists) return Status::OK();
    return AURORA_ERROR(kNotFound, "role '{}' does not exist", name);
  }
  Status committed = db_->Transaction([&]() -> Status {
    for (const char* sql : {"DELETE FROM grants WHERE grantee = ?", "DELETE FROM role_members WHERE role = ?",
                            "DELETE FROM roles WHERE name = ?"}) {
      AURORA_ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql));
      st.Bind(1, name);
      AURORA_RETURN_IF_ERROR(st.Run());
    }
    return Status::OK();
  });
  AURORA_RETURN_IF_ERROR(committed);
  roles_.erase(it);
  grants_.erase(std::string(name));
  for (auto& [user, u] : users_) u.roles.erase(std::string(name));
  return Status::OK();
}

Status AccessControl::WriteGrants(const std::vector<Grant>& grants, std::string_view grantee,
                                  const char* sql) {
  if (!users_.count(grantee) && FindBuiltIn(grantee))
    return AURORA_ERROR(kInvalidArgument,
                        "role '{}' is built in and cannot be changed; create a role of your own", grantee);
  if (!users_.count(grantee) && !roles_.count(grantee))
    return AURORA_ERROR(kNotFound, "there is no user or role '{}'", grantee);
  return db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql));
    for (const auto& g : grants) {
      st.Reset();
      st.Bind(1, grantee).Bind(2, PrivilegeName(g.privilege)).Bind(3, g.table);
      AURORA_RETURN_IF_ERROR(st.Run());
    }
    return Status::OK();
  });
}

Status AccessControl::GrantPrivileges(const std::vector<Grant>& grants, std::string_view grantee) {
  std::unique_lock lock(mu_);
  for (const auto& g : grants)
    if (g.privilege == Privilege::kAdmin && g.table != kAllTables)
      return AURORA_ERROR(kInvalidArgument, "ADMIN is granted on everything (ON *.*), not on a table");
  AURORA_RETURN_IF_ERROR(WriteGrants(
      grants, grantee, "INSERT OR IGNORE INTO grants(grantee, privilege, target) VALUES (?, ?, ?)"));
  auto& set = grants_[std::string(grantee)];
  set.insert(grants.begin(), grants.end());
  return Status::OK();
}

Status AccessControl::RevokePrivileges(const std::vector<Grant>& grants, std::string_view grantee) {
  std::unique_lock lock(mu_);
  AURORA_RETURN_IF_ERROR(
      WriteGrants(grants, grantee, "DELETE FROM grants WHERE grantee = ? AND privilege = ? AND target = ?"));
  if (auto it = grants_.find(grantee); it != grants_.end())
    for (const auto& g : grants) it->second.erase(g);
  return Status::OK();
}

Status AccessControl::GrantRole(std::string_view role, std::string_view user) {
  std::unique_lock lock(mu_);
  if (!IsRole(role)) return AURORA_ERROR(kNotFound, "role '{}' does not exist", role);
  auto it = users_.find(user);
  if (it == users_.end()) {
    if (IsRole(user))
      return AURORA_ERROR(kNotSupported, "roles are granted to users, not to roles ('{}')", user);
    return AURORA_ERROR(kNotFound, "user '{}' does not exist", user);
  }
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement ins,
                            db_->Prepare("INSERT OR IGNORE INTO role_members(user, role) VALUES (?, ?)"));
    ins.Bind(1, user).Bind(2, role);
    return ins.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  it->second.roles.insert(std::string(role));
  return Status::OK();
}

Status AccessControl::RevokeRole(std::string_view role, std::string_view user) {
  std::unique_lock lock(mu_);
  if (!IsRole(role)) return AURORA_ERROR(kNotFound, "role '{}' does not exist", role);
  auto it = users_.find(user);
  if (it == users_.end()) return AURORA_ERROR(kNotFound, "user '{}' does not exist", user);
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement del,
                            db_->Prepare("DELETE FROM role_members WHERE user = ? AND role = ?"));
    del.Bind(1, user).Bind(2, role);
    return del.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  it->second.roles.erase(std::string(role));
  return Status::OK();
}

Status AccessControl::MayCreateToken(const Principal& p, std::string_view owner,
                                     const std::vector<Grant>& scopes) const {
  if (p.is_token() && p.token.rfind(kSessionTokenPrefix, 0) != 0)
    return AURORA_ERROR(kPermissionDenied, "{} may not create tokens: tokens are made by users, signed in",
                        p.Describe());
  if (Check(p, Privilege::kAdmin, kAllTables).ok()) return Status::OK();
  if (!owner.empty() && owner != p.user)
    return AURORA_ERROR(kPermissionDenied,
                        "{} may create tokens only for itself (tokens of user '{}' need ADMIN)", p.Describe(),
                        owner);
  for (const auto& g : scopes)
    if (Status s = Check(p, g.privilege, g.table); !s.ok())
      return AURORA_ERROR(kPermissionDenied, "a token cannot have scope {}: {}", g.ToString(), s.message());
  return Status::OK();
}

Status AccessControl::MayRevokeToken(const Principal& p, std::string_view name) const {
  if (Check(p, Privilege::kAdmin, kAllTables).ok()) return Status::OK();
  for (const auto& t : Tokens())
    if (t.name == name && t.owner == p.user) return Status::OK();
  return AURORA_ERROR(kPermissionDenied,
                      "{} may revoke only its own tokens; token '{}' is not one (or does not exist)",
                      p.Describe(), name);
}

Result<NewToken> AccessControl::CreateToken(const TokenSpec& spec) {
  AURORA_RETURN_IF_ERROR(CheckName("token", spec.name));
  if ((spec.name.rfind(kSessionTokenPrefix, 0) == 0) != spec.session)
    return AURORA_ERROR(kInvalidArgument, "token names starting with '{}' are reserved for sign-in sessions",
                        kSessionTokenPrefix);
  if (spec.scopes.empty())
    return AURORA_ERROR(kInvalidArgument, "token '{}' needs at least one scope (WITH GRANT ...)", spec.name);
  for (const auto& g : spec.scopes)
    if (g.privilege == Privilege::kAdmin && g.table != kAllTables)
      return AURORA_ERROR(kInvalidArgument, "ADMIN is granted on everything, not on a table");
  const int64_t now = clock_.NowMillis();
  if (spec.expires_ms && *spec.expires_ms <= now)
    return AURORA_ERROR(kInvalidArgument, "token '{}' would expire at {}, which is not in the future",
                        spec.name, FormatUtc(*spec.expires_ms));
  AURORA_ASSIGN_OR_RETURN(std::string random, RandomBase62(kTokenRandomChars));
  NewToken out{spec.name, std::string(kTokenPrefix) + random, spec.expires_ms};
  TokenState t;
  t.name = spec.name;
  t.owner = spec.owner;
  t.secret_hash = Sha256(out.secret);
  t.scopes = spec.scopes;
  std::sort(t.scopes.begin(), t.scopes.end());
  t.scopes.erase(std::unique(t.scopes.begin(), t.scopes.end()), t.scopes.end());
  t.created_ms = now;
  t.expires_ms = spec.expires_ms;

  std::unique_lock lock(mu_);
  if (!users_.count(spec.owner)) return AURORA_ERROR(kNotFound, "user '{}' does not exist", spec.owner);
  for (const auto& [id, other] : tokens_)
    if (other.name == spec.name && !other.revoked_ms)
      return AURORA_ERROR(kAlreadyExists, "token '{}' already exists", spec.name);
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(
        SqliteStatement ins,
        db_->Prepare("INSERT INTO tokens(name, owner, secret_sha256, created_ms, expires_ms) "
                     "VALUES (?, ?, ?, ?, ?) RETURNING id"));
    ins.Bind(1, t.name).Bind(2, t.owner).BindBlob(3, t.secret_hash).Bind(4, now).Bind(5, t.expires_ms);
    AURORA_ASSIGN_OR_RETURN(bool row, ins.Step());
    if (!row) return AURORA_ERROR(kInternal, "INSERT ... RETURNING gave no row");
    t.id = ins.ColumnInt64(0);
    AURORA_RETURN_IF_ERROR(ins.Run());
    AURORA_ASSIGN_OR_RETURN(
        SqliteStatement scope,
        db_->Prepare("INSERT INTO token_scopes(token_id, privilege, target) VALUES (?, ?, ?)"));
    for (const auto& g : t.scopes) {
      scope.Reset();
      scope.Bind(1, t.id).Bind(2, PrivilegeName(g.privilege)).Bind(3, g.table);
      AURORA_RETURN_IF_ERROR(scope.Run());
    }
    return Status::OK();
  });
  AURORA_RETURN_IF_ERROR(committed);
  token_by_hash_[t.secret_hash] = t.id;
  tokens_[t.id] = std::move(t);
  return out;
}

Status AccessControl::RevokeToken(std::string_view name, bool if_exists) {
  std::unique_lock lock(mu_);
  TokenState* found = nullptr;
  for (auto& [id, t] : tokens_)
    if (t.name == name && !t.revoked_ms) found = &t;
  if (!found) {
    if (if_exists) return Status::OK();
    return AURORA_ERROR(kNotFound, "token '{}' does not exist", name);
  }
  const int64_t now = clock_.NowMillis();
  Status committed = db_->Transaction([&]() -> Status {
    AURORA_ASSIGN_OR_RETURN(SqliteStatement up,
                            db_->Prepare("UPDATE tokens SET revoked_ms = ? WHERE id = ?"));
    up.Bind(1, now).Bind(2, found->id);
    return up.Run();
  });
  AURORA_RETURN_IF_ERROR(committed);
  found->revoked_ms = now;
  return Status::OK();
}

// ---- listings

std::vector<UserInfo> AccessControl::Users() const {
  std::shared_lock lock(mu_);
  std::vector<UserInfo> out;
  for (const auto& [name, u] : users_) out.push_back({name, {u.roles.begin(), u.roles.end()}, u.created_ms});
  return out;
}

std::vector<RoleInfo> AccessControl::Roles() const {
  std::shared_lock lock(mu_);
  std::vector<RoleInfo> out;
  for (const auto& r : BuiltInRoles()) out.push_back({std::string(r.name), true});
  for (const auto& [name, created] : roles_) out.push_back({name, false});
  return out;
}

Result<std::vector<std::string>> AccessControl::ShowGrants(std::string_view name) const {
  std::shared_lock lock(mu_);
  const std::set<Grant>* grants = nullptr;
  const UserState* user = nullptr;
  if (auto u = users_.find(name); u != users_.end()) {
    user = &u->second;
    if (auto g = grants_.find(name); g != grants_.end()) grants = &g->second;
  } else if (IsRole(name)) {
    grants = GrantsOfRole(name);
  } else {
    return AURORA_ERROR(kNotFound, "there is no user or role '{}'", name);
  }
  std::vector<std::string> out;
  if (grants) {
    // One statement per target, privileges in a fixed order, as ClickHouse prints them.
    std::map<std::string, std::vector<Privilege>> by_target;
    for (const auto& g : *grants) by_target[g.table].push_back(g.privilege);
    for (const auto& [target, privs] : by_target) {
      std::string list;
      for (Privilege p : privs) {
        if (p == Privilege::kAdmin) {
          out.push_back(fmt::format("GRANT ADMIN ON *.* TO {}", name));
          continue;
        }
        list += (list.empty() ? "" : ", ") + std::string(PrivilegeName(p));
      }
      if (!list.empty())
        out.push_back(fmt::format("GRANT {} ON {} TO {}", list,
                                  target == kAllTables ? "*.*" : "default." + target, name));
    }
  }
  if (user)
    for (const auto& r : user->roles) out.push_back(fmt::format("GRANT {} TO {}", r, name));
  return out;
}

std::vector<TokenInfo> AccessControl::Tokens() const {
  std::shared_lock lock(mu_);
  std::vector<TokenInfo> out;
  for (const auto& [id, t] : tokens_)
    if (!t.revoked_ms) out.push_back({t.name, t.owner, t.scopes, t.created_ms, t.expires_ms});
  std::sort(out.begin(), out.end(), [](const TokenInfo& a, const TokenInfo& b) { return a.name < b.name; });
  return out;
}

}  // namespace aurora::security
