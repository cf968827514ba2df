"""Integration tests of the web app's server side on the real server: its files, sign-in sessions (cookie,
CSRF header, sign-out, revocation), dashboards and their privileges, live panel results pushed as
server-sent events, schema inference for uploads, and source settings checked without saving.

    python3 tests/integration/server_web_test.py PATH/TO/aurora [unittest args]
"""
import gzip
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402

BINARY = None
PW = "a long test passphrase"
CSRF = {"X-Aurora-CSRF": "1"}


def sign_in(s, user, password):
    r = s.request("POST", "/v1/session", body=json.dumps({"user": user, "password": password}), auth=None)
    if r.status != 200:
        return r, None
    cookie = r.header("Set-Cookie")
    return r, cookie.split(";")[0]  # aurora_session=...


class SseReader:
    """Reads the events of a text/event-stream response as they arrive."""

    def __init__(self, s, path, cookie):
        self.conn = s.connection(timeout=10)
        self.conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()
        self.buf = b""

    def next_event(self, timeout):
        deadline = time.time() + timeout
        while b"\n\n" not in self.buf:
            if time.time() > deadline:
                return None
            chunk = self.resp.read1(65536)
            if not chunk:
                return None
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\n\n", 1)
        name, data = None, []
        for line in raw.decode().split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        if name is None:  # retry: or a comment
            return self.next_event(max(0.1, deadline - time.time()))
        return name, json.loads("\n".join(data))

    def close(self):
        self.conn.close()


class WebTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(BINARY).start()
        cls.s.sql(f"CREATE USER ana IDENTIFIED BY '{PW}'")
        cls.s.sql("GRANT analyst TO ana")
        cls.s.sql(f"CREATE USER vic IDENTIFIED BY '{PW}'")
        cls.s.sql("GRANT viewer TO vic")
        cls.s.sql("CREATE TABLE live (ts DateTime, v Int64) ORDER BY ts")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_app_files_are_served_without_credentials_with_caching(self):
        s = self.s
        r = s.request("GET", "/", auth=None, headers={"Accept-Encoding": "gzip"})
        if r.status == 404 and "without the web app" in r.text:
            self.skipTest("built without the web app")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        html = gzip.decompress(r.body).decode()
        self.assertIn("<div id=", html)
        self.assertIn("default-src 'self'", r.header("Content-Security-Policy"))
        self.assertEqual(r.header("Cache-Control"), "no-cache")
        # Without gzip, the same page in plain text; with the ETag, 304.
        plain = s.request("GET", "/index.html", auth=None)
        self.assertEqual(plain.text, html)
        self.assertEqual(s.request("GET", "/", auth=None, headers={"If-None-Match": r.header("ETag")}).status, 304)
        # The scripts it names are served, cached for good (their names carry a hash).
        import re
        scripts = re.findall(r'src="(/assets/[^"]+\.js)"', html)
        self.assertTrue(scripts, html)
        js = s.request("GET", scripts[0], auth=None)
        self.assertEqual(js.status, 200)
        self.assertIn("javascript", js.header("Content-Type"))
        self.assertIn("immutable", js.header("Cache-Control"))
        # A page of the app (no extension) is the app; a missing file is a 404; the API still wants credentials.
        self.assertEqual(s.request("GET", "/dashboards", auth=None).text, html)
        self.assertEqual(s.request("GET", "/assets/nope.js", auth=None).status, 404)
        self.assertEqual(s.request("GET", "/v1/tables", auth=None).status, 401)

    def test_sessions_cookie_csrf_sign_out_and_revocation(self):
        s = self.s
        r, _ = sign_in(s, "ana", "wrong password")
        self.assertEqual(r.status, 401)
        self.assertIn("error", r.json())

        def ana_tokens():
            return {t["name"] for t in s.request("GET", "/v1/tokens").json()["tokens"] if t["owner"] == "ana"}

        before = ana_tokens()
        r, cookie = sign_in(s, "ana", PW)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["user"], "ana")
        set_cookie = r.header("Set-Cookie")
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, set_cookie)
        me = s.request("GET", "/v1/me", auth=None, headers={"Cookie": cookie})
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.json()["user"], "ana")
        # The session has its owner's rights: an analyst reads and creates, but is not an admin.
        self.assertEqual(s.request("POST", "/v1/sql", body="SELECT count() FROM live", auth=None,
                                   headers={"Cookie": cookie, **CSRF}).status, 200)
        self.assertEqual(s.request("GET", "/v1/users", auth=None, headers={"Cookie": cookie}).status, 403)
        # A change without the CSRF header is refused and changes nothing.
        r = s.request("POST", "/v1/sql", body="CREATE TABLE csrf_t (x Int64) ORDER BY x", auth=None,
                      headers={"Cookie": cookie})
        self.assertEqual(r.status, 403)
        self.assertIn("X-Aurora-CSRF", r.json()["error"]["message"])
        self.assertNotIn("csrf_t", s.sql("SHOW TABLES", fmt="TSV").text)
        # The session is a token its user's admin can see and revoke; revoking signs the browser out.
        tokens = sorted(ana_tokens() - before)
        self.assertEqual(len(tokens), 1)
        self.assertTrue(tokens[0].startswith("web-session-"))
        self.assertEqual(s.request("DELETE", "/v1/tokens/" + tokens[0]).status, 200)
        r = s.request("GET", "/v1/me", auth=None, headers={"Cookie": cookie})
        self.assertEqual(r.status, 401)
        self.assertIn("sign in again", r.json()["error"]["message"])
        # Sign out: the cookie is cleared and the token revoked.
        r, cookie = sign_in(s, "ana", PW)
        out = s.request("DELETE", "/v1/session", auth=None, headers={"Cookie": cookie})
        self.assertEqual(out.status, 204)
        self.assertIn("Max-Age=0", out.header("Set-Cookie"))
        self.assertEqual(s.request("GET", "/v1/me", auth=None, headers={"Cookie": cookie}).status, 401)
        # The ClickHouse port never takes the cookie.
        r, cookie = sign_in(s, "ana", PW)
        self.assertEqual(s.ch("SELECT 1", auth=None, headers={"Cookie": cookie}).status, 401)

    def test_dashboards_crud_checks_and_privileges(self):
        s = self.s
        _, ana = sign_in(s, "ana", PW)
        _, vic = sign_in(s, "vic", PW)
        spec = {"time_range": {"from": "now-6h", "to": "now"},
                "panels": [{"id": "n", "title": "Rows", "sql": "SELECT count() AS n FROM live", "chart": "stat",
                            "x": 0, "y": 0, "w": 3, "h": 2}]}
        r = s.request("POST", "/v1/dashboards", body=json.dumps({"name": "ops", "spec": spec}), auth=None,
                      headers={"Cookie": ana, **CSRF})
        self.assertEqual(r.status, 201, r)
        d = r.json()
        self.assertEqual(d["spec"]["panels"][0]["sql"], "SELECT count() AS n FROM live")
        self.assertEqual(d["updated_by"], "ana")
        # A viewer sees dashboards but cannot change them.
        self.assertEqual(s.request("GET", f"/v1/dashboards/{d['id']}", auth=None, headers={"Cookie": vic}).status, 200)
        r = s.request("PUT", f"/v1/dashboards/{d['id']}", body=json.dumps({"name": "mine"}), auth=None,
                      headers={"Cookie": vic, **CSRF})
        self.assertEqual(r.status, 403)
        # Bad specs are refused naming the field; nothing changes.
        for bad, field in [({"panels": [{"id": "a", "sql": "SELECT 1", "w": 13}]}, "panels[0].w"),
                           ({"panels": [{"id": "a", "sql": "SELECT 1"}, {"id": "a", "sql": "SELECT 2"}]}, "panels[1].id"),
                           ({"panels": [{"id": "a", "sql": "SELECT 1", "chart": "radar"}]}, "panels[0].chart"),
                           ({"time_range": {"from": "yesterday", "to": "now"}}, "time_range.from"),
                           ({"variables": [{"name": "from"}]}, "variables[0].name")]:
            r = s.request("PUT", f"/v1/dashboards/{d['id']}", body=json.dumps({"spec": bad}), auth=None,
                          headers={"Cookie": ana, **CSRF})
            self.assertEqual(r.status, 400, (bad, r))
            self.assertIn(field, r.json()["error"]["message"])
        self.assertEqual(s.request("GET", f"/v1/dashboards/{d['id']}").json()["spec"], d["spec"])
        # Rename, duplicate (a taken name is a 409), list, delete.
        r = s.request("PUT", f"/v1/dashboards/{d['id']}", body=json.dumps({"name": "operations"}))
        self.assertEqual(r.json()["name"], "operations")
        r = s.request("POST", f"/v1/dashboards/{d['id']}/duplicate", body=json.dumps({"name": "operations"}))
        self.assertEqual(r.status, 409)
        r = s.request("POST", f"/v1/dashboards/{d['id']}/duplicate", body=json.dumps({"name": "ops copy"}))
        self.assertEqual(r.status, 201)
        copy = r.json()
        self.assertEqual(copy["spec"], d["spec"])
        names = [x["name"] for x in s.request("GET", "/v1/dashboards").json()["dashboards"]]
        self.assertIn("operations", names)
        self.assertIn("ops copy", names)
        self.assertEqual(s.request("DELETE", f"/v1/dashboards/{copy['id']}").status, 204)
        self.assertEqual(s.request("GET", f"/v1/dashboards/{copy['id']}").status, 404)

    def test_dashboards_survive_a_restart(self):
        with Server(BINARY) as s:
            r = s.request("POST", "/v1/dashboards", body=json.dumps({"name": "kept", "spec": {}}))
            self.assertEqual(r.status, 201)
            s.kill()
            s.start()
            self.assertEqual([d["name"] for d in s.request("GET", "/v1/dashboards").json()["dashboards"]], ["kept"])

    def test_live_panels_are_pushed_when_their_tables_change(self):
        s = self.s
        _, cookie = sign_in(s, "ana", PW)
        spec = {"time_range": {"from": "2020-01-01 00:00:00", "to": "2030-01-01 00:00:00"},
                "variables": [{"name": "low", "type": "Int64", "value": "0"}],
                "panels": [{"id": "count", "sql": "SELECT count() AS n FROM live WHERE v >= {low:Int64} "
                            "AND ts BETWEEN {from:DateTime} AND {to:DateTime}", "chart": "stat"},
                           {"id": "bad", "sql": "SELECT nope FROM live"},
                           {"id": "write", "sql": "INSERT INTO live VALUES ('2024-01-01 00:00:00', 1)"},
                           {"id": "other", "sql": "SELECT count() FROM system.tables"}]}
        d = s.request("POST", "/v1/dashboards", body=json.dumps({"name": "live test", "spec": spec})).json()
        before = int(s.sql("SELECT count() FROM live", fmt="TSV").text)
        sse = SseReader(s, f"/v1/dashboards/{d['id']}/live?var_low=5", cookie)
        try:
            self.assertEqual(sse.resp.status, 200)
            self.assertEqual(sse.resp.getheader("Content-Type"), "text/event-stream")
            self.assertIn("aurora_live_subscriptions 1", s.request("GET", "/metrics").text)
            first = {}
            while len(first) < 4:
                ev = sse.next_event(5)
                self.assertIsNotNone(ev, first)
                self.assertEqual(ev[0], "panel")
                first.setdefault(ev[1]["panel"], ev[1])
            self.assertEqual(first["count"]["result"]["data"], [[str(0)]])
            self.assertEqual(first["count"]["result"]["meta"], [{"name": "n", "type": "UInt64"}])
            self.assertIn("nope", first["bad"]["error"]["message"])
            self.assertEqual(first["write"]["error"]["code"], "INVALID_ARGUMENT")  # a panel never writes
            self.assertEqual(int(s.sql("SELECT count() FROM live", fmt="TSV").text), before)
            # New rows (v >= 5 counts; the variable came from the URL) push the panel again, soon.
            sent = time.time()
            r = s.events("live", '{"ts":"2024-05-01 10:00:00","v":7}\n{"ts":"2024-05-01 10:00:01","v":1}\n')
            self.assertEqual(r.status, 200, r)
            while True:
                ev = sse.next_event(5)
                self.assertIsNotNone(ev, "no update after new rows")
                if ev[1]["panel"] == "count":
                    break
            self.assertEqual(ev[1]["result"]["data"], [["1"]])
            self.assertLess(time.time() - sent, 2.0)
            # Without changes, the panel is not pushed again (only the system table's panel is, each second).
            quiet_until = time.time() + 2.5
            while time.time() < quiet_until:
                ev = sse.next_event(quiet_until - time.time())
                if ev is None:
                    break
                self.assertNotEqual(ev[1]["panel"], "count", ev)
        finally:
            sse.close()
        # A bad time range is a 400 before any stream starts.
        r = s.request("GET", f"/v1/dashboards/{d['id']}/live?from=tomorrow", auth=None, headers={"Cookie": cookie})
        self.assertEqual(r.status, 400)
        self.assertIn("tomorrow", r.json()["error"]["message"])

    def test_viewer_without_rights_gets_errors_in_panels_not_data(self):
        s = self.s
        s.sql("CREATE TABLE secret_t (ts DateTime, v Int64) ORDER BY ts")
        s.sql(f"CREATE USER lim IDENTIFIED BY '{PW}'")
        s.sql("GRANT SELECT ON live TO lim")
        _, cookie = sign_in(s, "lim", PW)
        spec = {"panels": [{"id": "s", "sql": "SELECT count() FROM secret_t"}]}
        d = s.request("POST", "/v1/dashboards", body=json.dumps({"name": "secret", "spec": spec})).json()
        sse = SseReader(s, f"/v1/dashboards/{d['id']}/live", cookie)
        try:
            ev = sse.next_event(5)
            self.assertEqual(ev[1]["error"]["code"], "PERMISSION_DENIED")
        finally:
            sse.close()

    def test_infer_shows_the_schema_without_creating_anything(self):
        s = self.s
        csv = "timestamp,product_id,price,region\n2024-01-01 00:00:00,17,9.5,us-west\n2024-01-01 00:00:01,18,3,eu-west\n"
        r = s.request("POST", "/v1/infer?table=upload1&format=csv", body=csv)
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        cols = {c["name"]: c["type"] for c in doc["columns"]}
        self.assertEqual(cols["product_id"], "Int64")
        self.assertEqual(cols["price"], "Float64")
        self.assertTrue(cols["timestamp"].startswith("DateTime"))
        self.assertEqual(doc["order_by"], "timestamp")
        self.assertEqual(doc["partition_by"], "toYYYYMM(timestamp)")
        self.assertEqual(doc["rows_sampled"], 2)
        self.assertNotIn("upload1", s.sql("SHOW TABLES", fmt="TSV").text)
        r = s.request("POST", "/v1/infer?format=ndjson", body='{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n')
        self.assertEqual({c["name"] for c in r.json()["columns"]}, {"a", "b"})
        self.assertEqual(r.json()["order_by"], "tuple()")
        self.assertEqual(s.request("POST", "/v1/infer?format=csv", body="").status, 400)
        self.assertEqual(s.request("POST", "/v1/infer?format=parquet", body="x").status, 400)

    def test_users_mint_and_revoke_their_own_tokens_within_their_rights(self):
        s = self.s
        s.sql(f"CREATE USER tok IDENTIFIED BY '{PW}'")
        s.sql("GRANT INSERT, CREATE ON tok_t TO tok")
        _, cookie = sign_in(s, "tok", PW)
        h = {"Cookie": cookie, **CSRF}
        mint = lambda body: s.request("POST", "/v1/tokens", body=json.dumps(body), auth=None, headers=h)
        r = mint({"name": "tok_loader", "scopes": [{"privilege": "INSERT", "table": "tok_t"},
                                                  {"privilege": "CREATE", "table": "tok_t"}],
                  "expires_in_seconds": 3600})
        self.assertEqual(r.status, 201, r)
        secret = r.json()["token"]
        self.assertEqual(s.events("tok_t", '{"ts":"2024-01-01 00:00:00","v":1}\n', auth=secret).status, 200)
        # Never wider than the maker's rights, never for someone else.
        for body in ({"name": "x1", "scopes": [{"privilege": "SELECT", "table": "tok_t"}]},
                     {"name": "x2", "scopes": [{"privilege": "INSERT", "table": "live"}]},
                     {"name": "x3", "scopes": [{"privilege": "ADMIN", "table": "*"}]},
                     {"name": "x4", "owner": "ana", "scopes": [{"privilege": "INSERT", "table": "tok_t"}]}):
            self.assertEqual(mint(body).status, 403, body)
        # Only their own tokens are listed and revocable.
        s.sql("CREATE TOKEN admins_own WITH GRANT SELECT ON *")
        names = {t["name"] for t in s.request("GET", "/v1/tokens", auth=None, headers=h).json()["tokens"]}
        self.assertIn("tok_loader", names)
        self.assertNotIn("admins_own", names)
        self.assertEqual(s.request("DELETE", "/v1/tokens/admins_own", auth=None, headers=h).status, 403)
        self.assertEqual(s.request("DELETE", "/v1/tokens/tok_loader", auth=None, headers=h).status, 200)
        self.assertEqual(s.events("tok_t", '{"ts":"2024-01-01 00:00:00","v":1}\n', auth=secret).status, 401)
        # Users, roles and grants still need ADMIN.
        self.assertEqual(s.request("GET", "/v1/users", auth=None, headers=h).status, 403)

    def test_functions_for_completion(self):
        rows = [json.loads(x) for x in self.s.sql("SELECT name, is_aggregate FROM system.functions",
                                                   fmt="JSONEachRow").text.splitlines()]
        by_name = {r["name"]: r["is_aggregate"] for r in rows}
        self.assertEqual(by_name["toStartOfMinute"], 0)
        self.assertEqual(by_name["quantile"], 1)
        self.assertEqual(by_name["count"], 1)

    def test_source_settings_are_checked_without_saving(self):
        s = self.s
        body = {"name": "k1", "table": "kt", "settings": {"brokers": "127.0.0.1:1", "topic": "t", "group": "g"}}
        r = s.request("POST", "/v1/sources?validate=true", body=json.dumps(body))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"valid": True})
        self.assertEqual(s.request("GET", "/v1/sources").json()["sources"], [])
        body["settings"]["security_protocol"] = "SASL_SSL"
        r = s.request("POST", "/v1/sources?validate=true", body=json.dumps(body))
        self.assertEqual(r.status, 400)
        self.assertIn("sasl", r.json()["error"]["message"].lower())


class AskTest(unittest.TestCase):
    def test_questions_are_answered_with_sql_and_results_as_the_caller(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory(prefix="aurora-ask-") as data:
            subprocess.run([BINARY, "demo", "--data", data, "--rows", "20000", "--days", "3", "--recent"], check=True,
                           stdout=subprocess.DEVNULL)
            with Server(BINARY, data_dir=data) as s:
                ask = lambda q, auth="default", **kw: s.request(  # noqa: E731
                    "POST", "/v1/ask", body=json.dumps({"question": q, **kw}), auth=auth)
                r = ask("how many purchases on mobile in the last 2 days")
                self.assertEqual(r.status, 200, r)
                a = r.json()
                self.assertTrue(a["answered"])
                self.assertIn("action_type = 'purchase'", a["sql"])
                self.assertIn("device_type = 'mobile'", a["sql"])
                self.assertGreater(a["confidence"], 0.9)
                gold = s.sql("SELECT count() FROM events WHERE action_type = 'purchase' AND device_type = 'mobile' "
                             "AND timestamp >= now() - INTERVAL 2 DAY", fmt="TSV").text.strip()
                self.assertEqual(a["result"]["data"], [[gold]])
                # Not understood: no SQL, but what was not understood and near misses.
                a = ask("what is the weather on mars").json()
                self.assertFalse(a["answered"])
                self.assertIsNone(a["sql"])
                self.assertTrue(a["suggestions"])
                # The semantic layer: a metric defined in SQL is used at once.
                s.sql("CREATE METRIC revenue AS sum(price * quantity) WHERE action_type = 'purchase'")
                a = ask("revenue by region", run=False).json()
                self.assertEqual(a["sql"], "SELECT region, sum(price * quantity) FROM events "
                                           "WHERE action_type = 'purchase' GROUP BY region ORDER BY region")
                self.assertNotIn("result", a)
                self.assertIn("revenue", s.sql("SHOW METRICS", fmt="TSV").text)
                # Queries run as the caller: without SELECT on the table, 403.
                s.sql(f"CREATE USER nosy IDENTIFIED BY '{PW}'")
                r = ask("how many purchases", auth=("nosy", PW))
                self.assertEqual(r.status, 403, r)
                # Changing the semantic layer needs CREATE on every table.
                s.sql("GRANT SELECT ON events TO nosy")
                r = s.sql("CREATE SYNONYM buyers FOR user_id", auth=("nosy", PW), expect=None)
                self.assertEqual(r.status, 403)


class DemoTest(unittest.TestCase):
    def test_demo_comes_with_a_live_dashboard(self):
        with Server(BINARY, flags=["--demo"]) as s:
            boards = s.request("GET", "/v1/dashboards").json()["dashboards"]
            self.assertEqual([b["name"] for b in boards], ["E-commerce live"])
            _, cookie = sign_in(s, "admin", s.auth[1])
            sse = SseReader(s, f"/v1/dashboards/{boards[0]['id']}/live", cookie)
            try:
                counts = []
                deadline = time.time() + 8
                while len(counts) < 2 and time.time() < deadline:
                    ev = sse.next_event(5)
                    self.assertIsNotNone(ev)
                    if ev[1]["panel"] == "events" and "result" in ev[1]:
                        counts.append(int(ev[1]["result"]["data"][0][0]))
                # The stream moves by itself: the demo writes events, and the panel follows.
                self.assertEqual(len(counts), 2, counts)
                self.assertGreater(counts[1], counts[0])
                # Every panel of the ready dashboard runs without error.
                d = s.request("GET", f"/v1/dashboards/{boards[0]['id']}").json()
                for p in d["spec"]["panels"]:
                    r = s.request("POST", "/v1/sql", body=json.dumps({
                        "query": p["sql"], "params": {"from": "2000-01-01 00:00:00", "to": "2100-01-01 00:00:00"},
                        "format": "JSONCompact"}), headers={"Content-Type": "application/json"})
                    self.assertEqual(r.status, 200, (p["id"], r))
            finally:
                sse.close()
            # Dashboards are kept: a second start does not add another.
            s.stop()
            s.start()
            self.assertEqual(len(s.request("GET", "/v1/dashboards").json()["dashboards"]), 1)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
