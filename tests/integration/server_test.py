"""Integration tests of `aurora server`: the real binary on free local ports, driven over HTTP.

    python3 tests/integration/server_test.py PATH/TO/aurora [unittest args]
"""
import base64
import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402

BINARY = None


def read_cut_short(test, conn, path, body, headers):
    """POSTs a query whose answer must start with 200 and then be cut short; returns the body that came."""
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        test.assertEqual(resp.status, 200)
        with test.assertRaises(http.client.IncompleteRead) as cm:
            resp.read()
    finally:
        conn.close()
    return cm.exception.partial


class SqlApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(BINARY).start()
        cls.s.sql("CREATE TABLE t (id UInt32, name String, price Float64, ts DateTime64(3)) ORDER BY id")
        cls.s.sql("INSERT INTO t VALUES (1, 'a', 1.5, '2024-01-01 00:00:00.000'), (2, 'b\"q', 2.25, "
                  "'2024-01-02 00:00:00.000'), (3, 'c', 3, '2024-01-03 00:00:00.000')")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_health_and_ready_need_no_credentials(self):
        self.assertEqual(self.s.request("GET", "/health", auth=None).json(), {"status": "ok"})
        self.assertEqual(self.s.request("GET", "/ready", auth=None).status, 200)

    def test_json_is_shaped_like_clickhouse(self):
        doc = self.s.sql("SELECT id, name FROM t WHERE id <= 2 ORDER BY id").json()
        self.assertEqual(doc["meta"], [{"name": "id", "type": "UInt32"}, {"name": "name", "type": "String"}])
        self.assertEqual(doc["data"], [{"id": 1, "name": "a"}, {"id": 2, "name": 'b"q'}])
        self.assertEqual(doc["rows"], 2)
        self.assertEqual(set(doc["statistics"]), {"elapsed", "rows_read", "bytes_read"})
        self.assertGreaterEqual(doc["statistics"]["rows_read"], 2)

    def test_every_output_format(self):
        q = "SELECT id, name FROM t WHERE id <= 2 ORDER BY id"
        expected = {
            "JSONEachRow": '{"id":1,"name":"a"}\n{"id":2,"name":"b\\"q"}\n',
            "JSONCompact": None,
            "CSV": '1,"a"\n2,"b""q"\n',
            "CSVWithNames": '"id","name"\n1,"a"\n2,"b""q"\n',
            "TSV": '1\ta\n2\tb"q\n',
            "TSVWithNames": 'id\tname\n1\ta\n2\tb"q\n',
            "TabSeparatedWithNamesAndTypes": 'id\tname\nUInt32\tString\n1\ta\n2\tb"q\n',
        }
        for fmt, want in expected.items():
            r = self.s.sql(q, fmt=fmt)
            if want is None:
                self.assertEqual(r.json()["data"], [[1, "a"], [2, 'b"q']])
            else:
                self.assertEqual(r.text, want, fmt)
        self.assertIn("text/csv", self.s.sql(q, fmt="CSV").header("Content-Type"))

    def test_a_format_clause_wins_over_the_parameter(self):
        r = self.s.sql("SELECT id FROM t ORDER BY id FORMAT CSV", fmt="JSON")
        self.assertEqual(r.text, "1\n2\n3\n")

    def test_query_parameters_bind_typed_values(self):
        r = self.s.sql("SELECT name FROM t WHERE id = {id:UInt32}", fmt="JSONEachRow", params={"id": "3"})
        self.assertEqual(r.text, '{"name":"c"}\n')
        body = json.dumps({"query": "SELECT count() AS n FROM t WHERE name = {n:String}", "params": {"n": "a"},
                           "format": "JSONEachRow"})
        r = self.s.request("POST", "/v1/sql", body=body, headers={"Content-Type": "application/json"})
        self.assertEqual(r.text, '{"n":"1"}\n')

    def test_injection_through_parameters_stays_a_value(self):
        for evil in ["a' OR '1'='1", "a'; DROP TABLE t; --", "\\' OR 1=1 --", "{id:UInt32}"]:
            r = self.s.sql("SELECT count() AS n FROM t WHERE name = {n:String}", fmt="JSONEachRow",
                           params={"n": evil})
            self.assertEqual(r.text, '{"n":"0"}\n', evil)
        r = self.s.sql("SELECT count() FROM t WHERE id = {id:UInt32}", params={"id": "1 OR 1=1"}, expect=400)
        self.assertIn("UInt32", r.json()["error"]["message"])
        self.assertEqual(self.s.sql("SELECT count() AS n FROM t", fmt="JSONEachRow").text, '{"n":"3"}\n')

    def test_injection_through_table_names_is_refused(self):
        for name in ["t;DROP%20TABLE%20t", "t%20OR%201", "..%2Fetc", "t'", "t%00"]:
            r = self.s.request("GET", "/v1/tables/" + name)
            self.assertIn(r.status, (400, 404), name)
            self.assertIn("error", r.json())
        self.assertEqual(self.s.request("GET", "/v1/tables/t").status, 200)

    def test_errors_are_json_with_code_status_and_position(self):
        r = self.s.sql("SELECT id FROM t WHERE", expect=400)
        err = r.json()["error"]
        self.assertEqual(err["code"], "INVALID_ARGUMENT")
        self.assertEqual(err["line"], 1)
        self.assertGreater(err["column"], 1)
        r = self.s.sql("SELECT nope FROM t", expect=404)
        self.assertIn("nope", r.json()["error"]["message"])
        r = self.s.sql("SELECT * FROM missing_table", expect=404)
        self.assertEqual(r.json()["error"]["code"], "NOT_FOUND")
        r = self.s.request("PUT", "/v1/sql", body="SELECT 1")
        self.assertEqual(r.status, 405)
        r = self.s.request("GET", "/v1/nothing")
        self.assertEqual(r.status, 404)
        self.assertIn("openapi", r.json()["error"]["message"])
        r = self.s.sql("", expect=400)
        self.assertNotIn("Traceback", r.text)

    def test_statements_without_results_answer_counts(self):
        self.s.sql("CREATE TABLE counts (x UInt8) ORDER BY x")
        doc = self.s.sql("INSERT INTO counts VALUES (1), (2)").json()
        self.assertEqual(doc["rows_written"], 2)
        self.assertIn("query_id", doc)
        self.s.sql("DROP TABLE counts")

    def test_large_sorted_results(self):
        self.s.sql("CREATE TABLE big (n UInt64) ORDER BY n")
        rows = "\n".join(str(i) for i in range(300000))
        self.s.sql("INSERT INTO big FORMAT TSV\n" + rows + "\n")
        r = self.s.sql("SELECT n FROM big ORDER BY n", fmt="TSV")
        self.assertEqual(r.text, rows + "\n")
        self.s.sql("DROP TABLE big")

    def wide_table(self):
        """Table `wide`: 128,000 rows of 500 bytes (n = 0 .. 127999), made once."""
        if getattr(SqlApiTest, "_wide", False):
            return
        self.s.sql("CREATE TABLE wide (n UInt64, s String) ORDER BY n")
        rows = "\n".join(f"{i}\t{'x' * 500}" for i in range(1000))
        self.s.sql("INSERT INTO wide FORMAT TSV\n" + rows + "\n")
        for k in range(7):
            self.s.sql(f"INSERT INTO wide SELECT n + {1000 << k}, s FROM wide")
        SqlApiTest._wide = True

    def test_results_stream_through_in_bounded_memory(self):
        # 64 MB of result under a 16 MB memory limit: the rows go out as they are read, so the scan
        # passes; sorted, they must all be held at once, and the limit ends the query.
        self.wide_table()
        limit = {"max_memory_usage": str(16 << 20)}
        r = self.s.sql("SELECT n, s FROM wide", fmt="TSV", settings=limit)
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        lines = r.text.splitlines()
        self.assertEqual(sorted(int(line.split("\t")[0]) for line in lines), list(range(128000)))
        self.assertTrue(all(line.endswith("\t" + "x" * 500) for line in lines))
        r = self.s.sql("SELECT n, s FROM wide ORDER BY n", fmt="TSV", settings=limit, expect=None)
        self.assertNotEqual(r.status, 200)
        self.assertIn("max_memory_usage", r.json()["error"]["message"])
        # JSON streams too, and stays one valid document with its rows count and statistics.
        doc = self.s.sql("SELECT n FROM wide", fmt="JSON", settings=limit).json()
        self.assertEqual(doc["rows"], 128000)
        self.assertEqual(len(doc["data"]), 128000)
        self.assertEqual(doc["statistics"]["rows_read"], 128000)

    def test_an_error_after_rows_went_out_cuts_the_response_short(self):
        # Rows past max_result_rows are an error found after tens of MB of rows went out (the queue between
        # the query and the connection holds 4 MB; the rows come in pieces of up to 65,536): the status is
        # already 200, so the error ends the body and the response is cut short, which no client can take
        # for a whole result.
        self.wide_table()
        partial = read_cut_short(self, self.s.connection(), "/v1/sql?format=TSV&max_result_rows=100000",
                                 "SELECT n, s FROM wide", {"Authorization": "Basic " + base64.b64encode(
                                     f"{self.s.auth[0]}:{self.s.auth[1]}".encode()).decode()})
        lines = partial.rstrip(b"\n").split(b"\n")
        self.assertGreater(len(lines), 20000)
        error = json.loads(lines[-1])
        self.assertIn("max_result_rows", error["error"]["message"])

    def test_a_client_that_goes_away_cancels_its_query(self):
        self.wide_table()
        sock = socket.create_connection(("127.0.0.1", self.s.api_port))
        auth = base64.b64encode(f"{self.s.auth[0]}:{self.s.auth[1]}".encode()).decode()
        body = b"SELECT n, s FROM wide"
        sock.sendall(b"POST /v1/sql?format=TSV&max_threads=1&query_id=gone-away HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Basic " + auth.encode() + b"\r\nContent-Length: " +
                     str(len(body)).encode() + b"\r\n\r\n" + body)
        first = sock.recv(65536)
        self.assertTrue(first.startswith(b"HTTP/1.1 200"), first[:100])
        sock.close()  # 64 MB of result mostly unread
        deadline = time.time() + 20
        while True:
            rows = self.s.sql("SELECT exception FROM system.query_log WHERE query_id = 'gone-away'",
                              fmt="JSONEachRow").text.splitlines()
            if rows or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(len(rows), 1)
        self.assertRegex(json.loads(rows[0])["exception"], "closed the connection|cancelled")

    def test_gzip_request_bodies(self):
        body = gzip.compress(b"SELECT count() AS n FROM t")
        r = self.s.request("POST", "/v1/sql?format=JSONEachRow", body=body, headers={"Content-Encoding": "gzip"})
        self.assertEqual(r.text, '{"n":"3"}\n')

    def test_settings_and_limits(self):
        r = self.s.sql("SELECT id FROM t", settings={"max_result_rows": "1"}, expect=422)
        self.assertIn("max_result_rows", r.json()["error"]["message"])
        r = self.s.sql("SELECT id FROM t", settings={"no_such_setting": "1"}, expect=400)
        self.assertIn("no_such_setting", r.json()["error"]["message"])

    def test_tables_endpoints(self):
        self.s.sql("CREATE TABLE to_drop (x UInt8) ORDER BY x")
        names = [t["name"] for t in self.s.request("GET", "/v1/tables").json()["tables"]]
        self.assertIn("t", names)
        self.assertIn("to_drop", names)
        doc = self.s.request("GET", "/v1/tables/t").json()
        self.assertEqual([c["name"] for c in doc["columns"]], ["id", "name", "price", "ts"])
        self.assertEqual(doc["rows"], 3)
        for key in ["bytes_on_disk", "compression_ratio", "ingest_rows_per_second", "quarantined_rows", "order_by"]:
            self.assertIn(key, doc)
        self.assertEqual(self.s.request("DELETE", "/v1/tables/to_drop").status, 200)
        self.assertEqual(self.s.request("GET", "/v1/tables/to_drop").status, 404)
        self.assertEqual(self.s.request("DELETE", "/v1/tables/to_drop").status, 404)

    def test_metrics_in_prometheus_format(self):
        self.s.sql("SELECT 1")
        r = self.s.request("GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn("text/plain", r.header("Content-Type"))
        text = r.text
        for name in ["aurora_queries_total", "aurora_query_duration_seconds_bucket", "aurora_table_parts",
                     "aurora_table_wal_bytes", "aurora_table_merges_total", "aurora_memory_resident_bytes",
                     "aurora_ingested_rows_total", "aurora_http_requests_total"]:
            self.assertIn(name, text)
        self.assertRegex(text, r'aurora_table_rows\{table="t"\} 3')
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, r'^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$|^[a-z_]+(\{[^}]*\})? (\+Inf|inf)$')

    def test_openapi_document(self):
        doc = self.s.request("GET", "/v1/openapi.json").json()
        self.assertEqual(doc["openapi"][:2], "3.")
        for path in ["/v1/sql", "/v1/events", "/v1/tables", "/v1/tables/{name}", "/health", "/ready", "/metrics"]:
            self.assertIn(path, doc["paths"])

    def test_keep_alive(self):
        conn = self.s.connection()
        for _ in range(5):
            r = self.s.request("POST", "/v1/sql?format=TSV", body="SELECT 1", conn=conn)
            self.assertEqual(r.text, "1\n")
        conn.close()


class ClickHouseHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(BINARY).start()
        cls.s.ch("CREATE TABLE hits (id UInt32, url String) ORDER BY id", body="")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def curl(self, *args, data=None):
        """Runs curl as a ClickHouse user's script would."""
        cmd = ["curl", "-sS", "-u", f"{self.s.auth[0]}:{self.s.auth[1]}"] + list(args)
        return subprocess.run(cmd, input=data, capture_output=True, text=True, timeout=60).stdout

    def test_ping(self):
        r = self.s.ch(auth=None, method="GET")
        self.assertEqual(r.text, "Ok.\n")
        r = self.s.request("GET", "/ping", port=self.s.ch_port, auth=None)
        self.assertEqual(r.text, "Ok.\n")

    def test_curl_scripts_work_unchanged(self):
        base = f"http://127.0.0.1:{self.s.ch_port}/"
        self.assertEqual(self.curl(base + "?query=SELECT%201"), "1\n")
        self.assertEqual(self.curl(base, "--data-binary", "@-", data="SELECT 1 + 1"), "2\n")
        self.curl(base + "?query=INSERT%20INTO%20hits%20FORMAT%20CSV", "--data-binary", "@-",
                  data="1,/a\n2,/b\n3,/c\n")
        self.curl(base + "?query=INSERT%20INTO%20hits%20FORMAT%20JSONEachRow", "--data-binary", "@-",
                  data='{"id":4,"url":"/d"}\n')
        self.assertEqual(self.curl(base, "--data-binary", "@-", data="SELECT count() FROM hits"), "4\n")
        self.assertEqual(self.curl(base + "?default_format=JSONEachRow", "--data-binary", "@-",
                                   data="SELECT url FROM hits WHERE id = 2"),
                         '{"url":"\\/b"}\n')  # ClickHouse escapes '/' in JSON strings
        self.assertEqual(self.curl(base + "?param_id=3", "--data-binary", "@-",
                                   data="SELECT url FROM hits WHERE id = {id:UInt32} FORMAT CSV"), '"/c"\n')

    def test_headers_and_summary(self):
        r = self.s.ch("SELECT count() FROM hits", params={"query_id": "q-123"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("X-ClickHouse-Query-Id"), "q-123")
        self.assertEqual(r.header("X-ClickHouse-Format"), "TabSeparated")
        summary = json.loads(r.header("X-ClickHouse-Summary"))
        self.assertIn("read_rows", summary)
        self.assertEqual(r.header("X-ClickHouse-Timezone"), "UTC")

    def test_large_results_stream_and_errors_end_them_as_clickhouse_does(self):
        self.s.ch("CREATE TABLE many (n UInt64) ORDER BY n", body="")
        self.s.ch("INSERT INTO many FORMAT TSV", body="\n".join(str(i) for i in range(200000)) + "\n")
        # 12 MB of result, more than the 4 MB the query may queue ahead of the connection: it streams.
        r = self.s.ch("SELECT n, n * 1000000007 AS a, n * 1000000009 AS b, n * 1000000021 AS c FROM many",
                      params={"query_id": "many-1"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        self.assertEqual(r.header("X-ClickHouse-Query-Id"), "many-1")
        self.assertIsNone(r.header("X-ClickHouse-Summary"))  # not known when the first rows go out
        rows = sorted(tuple(int(x) for x in line.split("\t")) for line in r.text.splitlines())
        self.assertEqual(rows, [(n, n * 1000000007, n * 1000000009, n * 1000000021) for n in range(200000)])
        # An error after more than 4 MB of rows went out: ClickHouse's error text ends the body, which is
        # cut short.
        partial = read_cut_short(
            self, self.s.connection(port=self.s.ch_port), "/?max_result_rows=150000",
            "SELECT n, n * 1000000007 AS a, n * 1000000009 AS b, n * 1000000021 AS c FROM many",
            {"X-ClickHouse-User": self.s.auth[0], "X-ClickHouse-Key": self.s.auth[1]})
        last = partial.rstrip(b"\n").rsplit(b"\n", 1)[1].decode()
        self.assertRegex(last, r"^Code: \d+\. DB::Exception: .*max_result_rows")

    def test_errors_look_like_clickhouse(self):
        r = self.s.ch("SELECT * FROM nowhere")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "60")
        self.assertRegex(r.text, r"^Code: 60\. DB::Exception: .*nowhere.*\(UNKNOWN_TABLE\)")
        r = self.s.ch("SELEC 1")
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "62")
        r = self.s.ch("SELECT 1", params={"database": "other"})
        self.assertEqual(r.header("X-ClickHouse-Exception-Code"), "81")

    def test_default_format_and_database(self):
        r = self.s.ch("SELECT 1 AS x", params={"default_format": "JSONEachRow", "database": "default"})
        self.assertEqual(r.text, '{"x":1}\n')

    def test_compressed_answers(self):
        r = self.s.ch("SELECT 42", params={"enable_http_compression": "1"}, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(r.body), b"42\n")

    def test_official_javascript_client(self):
        here = os.path.dirname(os.path.abspath(__file__))
        js = os.path.join(here, "clickhouse_js")
        if not os.path.isdir(os.path.join(js, "node_modules", "@clickhouse", "client")):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=js, check=True, timeout=600)
        p = subprocess.run(["node", "client_test.mjs", f"http://127.0.0.1:{self.s.ch_port}", self.s.auth[0],
                            self.s.auth[1]], cwd=js, capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("all checks passed", p.stdout)


class LifecycleTest(unittest.TestCase):
    def test_invalid_configuration_is_refused_at_start(self):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([BINARY, "server", "--data", d, "--http-port", "99999"], capture_output=True,
                               text=True, timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("http_port", p.stderr)
            self.assertIn("0 to 65535", p.stderr)
            p = subprocess.run([BINARY, "server", "--data", d], capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, AURORA_THREADS="lots"))
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("AURORA_THREADS", p.stderr)
            cfg = os.path.join(d, "aurora.toml")
            with open(cfg, "w") as f:
                f.write('max_body_bytes = "huge"\n')
            p = subprocess.run([BINARY, "server", "--data", d, "--config", cfg], capture_output=True, text=True,
                               timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("max_body_bytes", p.stderr)
            self.assertIn("aurora.toml, line 1", p.stderr)

    def test_sigterm_finishes_requests_in_flight_then_flushes(self):
        with Server(BINARY) as s:
            s.sql("CREATE TABLE g (x UInt32) ORDER BY x")
            s.sql("INSERT INTO g FORMAT TSV\n" + "\n".join(str(i) for i in range(3000)) + "\n")
            # A request whose body is still arriving when SIGTERM comes: it is answered in full.
            query = b"SELECT count() FROM g"
            auth = base64.b64encode(f"{s.auth[0]}:{s.auth[1]}".encode())
            slow = socket.create_connection(("127.0.0.1", s.api_port), timeout=30)
            slow.sendall(b"POST /v1/sql?format=TSV HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth +
                         b"\r\nContent-Length: " + str(len(query)).encode() + b"\r\n\r\n" + query[:10])
            idle = socket.create_connection(("127.0.0.1", s.api_port), timeout=30)
            time.sleep(0.2)
            s.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            self.assertIsNone(s.proc.poll())  # still waiting for the request in flight
            slow.sendall(query[10:])
            answer = b""
            while True:
                data = slow.recv(65536)
                if not data:
                    break
                answer += data
            self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer)
            self.assertTrue(answer.endswith(b"\r\n\r\n3000\n"), answer)
            self.assertIn(b"Connection: close", answer)
            self.assertEqual(idle.recv(1), b"")  # the idle connection was closed
            self.assertEqual(s.stop(signal.SIGTERM), 0)
            self.assertIn("shutdown complete", s.output)
            s.start()
            doc = s.request("GET", "/v1/tables/g").json()
            self.assertEqual(doc["rows"], 3000)
            self.assertEqual(doc["buffered_rows"], 0)  # flushed into a part at shutdown
            self.assertGreaterEqual(doc["parts"], 1)

    def test_demo_stream_flows_into_events(self):
        with Server(BINARY, flags=["--demo", "--demo-rate", "5000"]) as s:
            self.assertIn("demo: 5000 events/s", s.output)
            def count():
                r = s.sql("SELECT count() FROM events", fmt="TSV", expect=None)
                return int(r.text) if r.status == 200 else 0

            deadline = time.time() + 10
            while count() < 1000 and time.time() < deadline:
                time.sleep(0.1)
            first = count()
            self.assertGreaterEqual(first, 1000)
            time.sleep(1.0)
            self.assertGreater(count(), first + 2000)
            types = {c["name"]: c["type"] for c in s.request("GET", "/v1/tables/events").json()["columns"]}
            for name in ["action_type", "region", "brand", "category", "device_type", "user_type"]:
                self.assertEqual(types[name], "LowCardinality(String)", name)
            # Event times follow the wall clock, so dashboards over "the last minutes" are live.
            lag = float(s.sql("SELECT dateDiff('second', max(timestamp), now()) FROM events", fmt="TSV").text)
            self.assertLess(abs(lag), 10)

    def test_oversized_bodies_are_refused(self):
        with Server(BINARY, flags=["--set", "max_body_bytes=10000"]) as s:
            r = s.request("POST", "/v1/sql", body="SELECT '" + "x" * 20000 + "'")
            self.assertEqual(r.status, 413)
            self.assertIn("max_body_bytes", r.json()["error"]["message"])
            self.assertEqual(s.sql("SELECT 1", fmt="TSV").text, "1\n")

    def test_a_slow_client_is_disconnected_and_others_are_served(self):
        with Server(BINARY, flags=["--set", "header_timeout_ms=500", "--set", "body_timeout_ms=1000"]) as s:
            # Trickles a header a byte every 100 ms: cut off at the header deadline.
            slow = socket.create_connection(("127.0.0.1", s.api_port), timeout=10)
            start = time.time()
            closed = False
            for ch in b"POST /v1/sql HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100:
                try:
                    slow.sendall(bytes([ch]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.1)
                if time.time() - start > 3:
                    break
            if not closed:
                slow.settimeout(3)
                try:
                    closed = slow.recv(1) == b""
                except OSError:
                    closed = True
            self.assertTrue(closed)
            self.assertLess(time.time() - start, 4)
            # A body that stops arriving: cut off at the body deadline, the statement never runs.
            stalled = socket.create_connection(("127.0.0.1", s.api_port), timeout=10)
            auth = base64.b64encode(f"{s.auth[0]}:{s.auth[1]}".encode())
            stalled.sendall(b"POST /v1/sql HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth +
                            b"\r\nContent-Length: 100\r\n\r\nCREATE TABLE never")
            stalled.settimeout(5)
            self.assertEqual(stalled.recv(100), b"")
            self.assertEqual(s.request("GET", "/v1/tables/never").status, 404)
            self.assertEqual(s.sql("SELECT 1", fmt="TSV").text, "1\n")

    def test_many_idle_connections(self):
        with Server(BINARY) as s:
            idle = [socket.create_connection(("127.0.0.1", s.api_port), timeout=10) for _ in range(300)]
            start = time.time()
            self.assertEqual(s.sql("SELECT 1", fmt="TSV").text, "1\n")
            self.assertLess(time.time() - start, 2)
            for c in idle:
                c.close()

    def test_tls(self):
        with tempfile.TemporaryDirectory() as d:
            cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True, timeout=60)
            with Server(BINARY, tls=(cert, key)) as s:
                self.assertEqual(s.sql("SELECT 7", fmt="TSV").text, "7\n")
                r = s.ch("SELECT 8")
                self.assertEqual(r.text, "8\n")
                # Plain HTTP on a TLS port is not answered as HTTP.
                plain = socket.create_connection(("127.0.0.1", s.api_port), timeout=10)
                plain.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                data = plain.recv(100)
                self.assertFalse(data.startswith(b"HTTP/1.1 200"))


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
