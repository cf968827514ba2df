"""Integration tests of authentication and authorization on the real server: every built-in role, a custom
role and token scopes, over HTTP. A denied action gets 403 (401 for bad credentials) and changes nothing.

    python3 tests/integration/server_access_test.py PATH/TO/aurora [unittest args]
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402

BINARY = None
PW = "a long test passphrase"


class SignInThrottleTest(unittest.TestCase):
    def test_password_guessing_is_throttled_per_address(self):
        with Server(BINARY) as s:
            s.sql(f"CREATE USER guess IDENTIFIED BY '{PW}'")
            for _ in range(20):
                self.assertEqual(s.sql("SELECT 1", auth=("guess", "wrong"), expect=None).status, 401)
            # Past 20 failures a minute, the address gets 429 without a password check, even for the right
            # password of a user not signed in lately...
            r = s.sql("SELECT 1", auth=("guess", PW), expect=None)
            self.assertEqual(r.status, 429)
            self.assertIn("too many failed sign-ins", r.json()["error"]["message"])
            self.assertEqual(r.header("Retry-After"), "60")
            r = s.ch("SELECT 1", auth=None, headers={"X-ClickHouse-User": "guess", "X-ClickHouse-Key": "wrong"})
            self.assertEqual(r.status, 429)
            # ...while a client already signed in (admin, verified before) keeps working, and tokens too.
            token = s.sql("CREATE TOKEN t FOR guess WITH GRANT SELECT ON *", fmt="JSONEachRow").json()["token"]
            self.assertEqual(s.sql("SELECT 1", fmt="TSV", auth=token).text, "1\n")


class AccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(BINARY).start()
        s = cls.s
        s.sql("CREATE TABLE t1 (ts DateTime64(3), v UInt32) ORDER BY ts")
        s.sql("CREATE TABLE t2 (ts DateTime64(3), v UInt32) ORDER BY ts")
        s.sql("INSERT INTO t1 VALUES ('2024-01-01 00:00:00', 1)")
        s.sql("INSERT INTO t2 VALUES ('2024-01-01 00:00:00', 2)")
        for user, role in [("ana", "analyst"), ("vic", "viewer"), ("ing", "ingest")]:
            s.sql(f"CREATE USER {user} IDENTIFIED BY '{PW}' DEFAULT ROLE {role}")
        s.sql("CREATE ROLE t1_reader")
        s.sql("GRANT SELECT ON t1 TO t1_reader")
        s.sql(f"CREATE USER cus IDENTIFIED BY '{PW}' DEFAULT ROLE t1_reader")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def state(self):
        """Everything a denied action must leave as it was."""
        s = self.s
        tables = sorted(t["name"] for t in s.request("GET", "/v1/tables").json()["tables"])
        counts = {t: s.sql(f"SELECT count() FROM {t}", fmt="TSV").text for t in ["t1", "t2"] if t in tables}
        users = s.sql("SHOW USERS", fmt="TSV").text
        columns = s.sql("DESCRIBE t1", fmt="TSV").text
        return tables, counts, users, columns

    def check(self, user, action, allowed):
        """Runs `action` (a function of the auth) as `user`; a denied one must get 403 and change nothing."""
        before = None if allowed else self.state()
        r = action((user, PW))
        if allowed:
            self.assertLess(r.status, 300, f"{user}: expected success, got {r}")
        else:
            self.assertEqual(r.status, 403, f"{user}: expected 403, got {r}")
            self.assertEqual(r.json()["error"]["code"], "PERMISSION_DENIED")
            self.assertIn(user, r.json()["error"]["message"])
            self.assertEqual(self.state(), before, f"{user}: a denied action changed something")
        return r

    def sql(self, query):
        return lambda auth: self.s.sql(query, auth=auth, expect=None)

    def test_built_in_and_custom_roles(self):
        n = iter(range(1000))
        actions = {
            "select t1": (self.sql("SELECT count() FROM t1"), {"admin", "ana", "vic", "cus"}),
            "select t2": (self.sql("SELECT count() FROM t2"), {"admin", "ana", "vic"}),
            "join t1 t2": (self.sql("SELECT count() FROM t1 INNER JOIN t2 ON t1.v = t2.v"), {"admin", "ana", "vic"}),
            "subquery t2": (self.sql("SELECT count() FROM t1 WHERE v IN (SELECT v FROM t2)"), {"admin", "ana", "vic"}),
            "insert t1": (self.sql("INSERT INTO t1 VALUES ('2024-01-02 00:00:00', 5)"), {"admin", "ana", "ing"}),
            "events t1": (lambda a: self.s.events("t1", '{"ts":"2024-01-03 00:00:00","v":6}\n', auth=a),
                          {"admin", "ana", "ing"}),
            "create": (lambda a: self.s.sql(f"CREATE TABLE made_{next(n)} (x UInt8) ORDER BY x", auth=a, expect=None),
                       {"admin", "ana", "ing"}),
            "events new table": (lambda a: self.s.events(f"fresh_{next(n)}", '{"ts":"2024-01-03 00:00:00"}\n',
                                                         auth=a), {"admin", "ana", "ing"}),
            "alter": (self.sql("ALTER TABLE t2 ADD COLUMN IF NOT EXISTS extra String"), {"admin"}),
            "truncate": (self.sql("TRUNCATE TABLE t2"), set()),
            "drop via api": (lambda a: self.s.request("DELETE", "/v1/tables/t2", auth=a), set()),
            "create user": (self.sql(f"CREATE USER eve IDENTIFIED BY '{PW}'"), set()),
            "grant": (self.sql("GRANT ALL ON * TO vic"), set()),
            "table details t2": (lambda a: self.s.request("GET", "/v1/tables/t2", auth=a), {"admin", "ana", "vic"}),
            "metrics": (lambda a: self.s.request("GET", "/metrics", auth=a), {"admin", "ana", "vic"}),
            "query log": (self.sql("SELECT count() FROM system.query_log"), {"admin"}),
        }
        for name, (action, allowed_users) in actions.items():
            for user in ["ana", "vic", "ing", "cus"]:
                with self.subTest(action=name, user=user):
                    self.check(user, action, user in allowed_users)

    def test_table_lists_show_only_readable_tables(self):
        names = [t["name"] for t in self.s.request("GET", "/v1/tables", auth=("cus", PW)).json()["tables"]]
        self.assertEqual(names, ["t1"])
        shown = self.s.sql("SHOW TABLES", fmt="TSV", auth=("cus", PW)).text.split()
        self.assertEqual(shown, ["t1"])

    def test_credentials(self):
        r = self.s.sql("SELECT 1", auth=None, expect=401)
        self.assertIn("WWW-Authenticate", [k for k, _ in r.headers])
        r = self.s.sql("SELECT 1", auth=("ana", "wrong"), expect=401)
        self.assertEqual(r.json()["error"]["message"], "wrong user name or password")
        r = self.s.sql("SELECT 1", auth=("nobody", "wrong"), expect=401)
        self.assertEqual(r.json()["error"]["message"], "wrong user name or password")
        r = self.s.request("GET", "/metrics", auth=None)
        self.assertEqual(r.status, 401)
        r = self.s.request("GET", "/v1/openapi.json", auth=None)
        self.assertEqual(r.status, 401)
        r = self.s.ch("SELECT 1", auth=None, headers={"X-ClickHouse-User": "ana", "X-ClickHouse-Key": "bad"})
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "516")
        r = self.s.ch("SELECT 1", auth=None, headers={"X-ClickHouse-User": "ana", "X-ClickHouse-Key": PW})
        self.assertEqual(r.text, "1\n")
        r = self.s.ch("SELECT 1", auth=None, params={"user": "vic", "password": PW})
        self.assertEqual(r.text, "1\n")
        r = self.s.ch("INSERT INTO t1 VALUES ('2024-01-01 00:00:00', 9)", body="", auth=None,
                      params={"user": "vic", "password": PW})
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "497")

    def test_tokens_are_scoped_expire_and_can_be_revoked(self):
        s = self.s
        doc = s.sql("CREATE TOKEN loader FOR ing WITH GRANT INSERT ON t1", fmt="JSONEachRow").json()
        secret = doc["token"]
        self.assertTrue(secret.startswith("aur_"))
        r = s.events("t1", '{"ts":"2024-02-01 00:00:00","v":7}\n', auth=secret)
        self.assertEqual(r.status, 200, r)
        before = self.state()
        for r in [s.sql("SELECT count() FROM t1", auth=secret, expect=None),
                  s.events("t2", '{"ts":"2024-02-01 00:00:00","v":7}\n', auth=secret),
                  s.events("brand_new", '{"ts":"2024-02-01 00:00:00","v":7}\n', auth=secret),
                  s.sql("CREATE TABLE by_token (x UInt8) ORDER BY x", auth=secret, expect=None)]:
            self.assertEqual(r.status, 403, r)
        self.assertEqual(self.state(), before)
        # A token's rights never exceed its owner's: ing has no SELECT, so a SELECT scope does not help.
        reader = s.sql("CREATE TOKEN reader FOR ing WITH GRANT SELECT ON t1", fmt="JSONEachRow").json()["token"]
        self.assertEqual(s.sql("SELECT count() FROM t1", auth=reader, expect=None).status, 403)
        # A read token of a user who can read: only its table.
        viewer = s.sql("CREATE TOKEN dash FOR vic WITH GRANT SELECT ON t1", fmt="JSONEachRow").json()["token"]
        self.assertEqual(s.sql("SELECT count() FROM t1", auth=viewer, expect=None).status, 200)
        self.assertEqual(s.sql("SELECT count() FROM t2", auth=viewer, expect=None).status, 403)
        self.assertEqual([t["name"] for t in s.request("GET", "/v1/tables", auth=viewer).json()["tables"]], ["t1"])
        # The ClickHouse port takes tokens as bearer credentials too.
        r = s.request("GET", "/?query=SELECT%20count()%20FROM%20t2", port=s.ch_port, auth=viewer)
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "497")
        # Expiry.
        short = s.sql("CREATE TOKEN short FOR vic WITH GRANT SELECT ON t1 EXPIRES IN 1 SECOND",
                      fmt="JSONEachRow").json()["token"]
        self.assertEqual(s.sql("SELECT 1", auth=short, expect=None).status, 200)
        time.sleep(1.5)
        r = s.sql("SELECT 1", auth=short, expect=401)
        self.assertIn("expired", r.json()["error"]["message"])
        # Revocation.
        s.sql("DROP TOKEN loader")
        r = s.events("t1", '{"ts":"2024-02-01 00:00:00","v":7}\n', auth=secret)
        self.assertEqual(r.status, 401)
        self.assertIn("revoked", r.json()["error"]["message"])
        r = s.sql("SELECT 1", auth="aur_" + "x" * 43, expect=401)
        self.assertEqual(r.json()["error"]["code"], "UNAUTHENTICATED")
        tokens = s.sql("SHOW TOKENS", fmt="TSV").text
        self.assertNotIn(secret, tokens)
        self.assertNotIn(viewer, tokens)

    def test_users_roles_grants_and_tokens_through_the_api(self):
        s = self.s
        post = lambda path, doc, auth="default": s.request("POST", path, body=json.dumps(doc), auth=auth)
        # Non-admins get 403 and change nothing.
        before = self.state()
        for user in ["ana", "vic", "ing", "cus"]:
            r = post("/v1/users", {"name": "mallory", "password": PW}, auth=(user, PW))
            self.assertEqual(r.status, 403, r)
            self.assertEqual(post("/v1/grants", {"to": user, "grants": [{"privilege": "ADMIN"}]},
                                  auth=(user, PW)).status, 403)
            # Tokens: each user sees only their own (docs/api.md).
            r = s.request("GET", "/v1/tokens", auth=(user, PW))
            self.assertEqual(r.status, 200)
            self.assertTrue(all(t["owner"] == user for t in r.json()["tokens"]), r)
        self.assertEqual(self.state(), before)
        me = s.request("GET", "/v1/me", auth=("cus", PW)).json()
        self.assertEqual(me["user"], "cus")
        self.assertFalse(me["admin"])
        self.assertIn("GRANT t1_reader TO cus", me["grants"])
        # Admin manages everything as JSON.
        self.assertEqual(post("/v1/users", {"name": "api_user", "password": PW, "roles": ["viewer"]}).status, 201)
        self.assertIn("api_user", [u["name"] for u in s.request("GET", "/v1/users").json()["users"]])
        self.assertEqual(s.sql("SELECT count() FROM t2", fmt="TSV", auth=("api_user", PW)).status, 200)
        self.assertEqual(post("/v1/roles", {"name": "t2_writer"}).status, 201)
        r = post("/v1/grants", {"to": "t2_writer", "grants": [{"privilege": "INSERT", "table": "t2"}]})
        self.assertEqual(r.json()["grants"], ["GRANT INSERT ON default.t2 TO t2_writer"])
        post("/v1/grants", {"to": "api_user", "roles": ["t2_writer"]})
        self.assertEqual(s.events("t2", '{"ts":"2024-03-01 00:00:00","v":3}\n', auth=("api_user", PW)).status, 200)
        r = post("/v1/tokens", {"name": "api_tok", "owner": "api_user",
                                "scopes": [{"privilege": "SELECT", "table": "t2"}], "expires_in_seconds": 3600})
        self.assertEqual(r.status, 201, r)
        secret = r.json()["token"]
        self.assertEqual(s.sql("SELECT count() FROM t2", fmt="TSV", auth=secret).status, 200)
        listed = s.request("GET", "/v1/tokens").json()["tokens"]
        self.assertIn("api_tok", [t["name"] for t in listed])
        self.assertNotIn(secret, json.dumps(listed))
        self.assertEqual(s.request("DELETE", "/v1/tokens/api_tok").status, 200)
        self.assertEqual(s.sql("SELECT 1", auth=secret, expect=None).status, 401)
        r = s.request("PATCH", "/v1/users/api_user", body=json.dumps({"password": "another passphrase"}))
        self.assertEqual(r.status, 200)
        self.assertEqual(s.sql("SELECT 1", auth=("api_user", PW), expect=None).status, 401)
        self.assertEqual(s.request("DELETE", "/v1/users/api_user").status, 200)
        self.assertEqual(s.sql("SELECT 1", auth=("api_user", "another passphrase"), expect=None).status, 401)
        r = post("/v1/grants", {"to": "t2_writer", "grants": [{"privilege": "FLY", "table": "t2"}]})
        self.assertEqual(r.status, 400)
        self.assertIn("FLY", r.json()["error"]["message"])

    def test_injection_through_table_names_in_the_events_api(self):
        before = self.state()
        for name in ["t1; DROP TABLE t2", "t1`; DROP TABLE t2; --", "t2 OR 1=1", "../t2"]:
            r = self.s.events(name, '{"ts":"2024-01-01 00:00:00","v":1}\n')
            self.assertEqual(r.status, 400, (name, r))
        self.assertEqual(self.state(), before)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
