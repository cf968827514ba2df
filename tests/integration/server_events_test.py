"""Integration tests of the events API (POST /v1/events) on the real server: schema inference on the
standard workload, evolution, quarantine of `aurora gen --bad 0.05`, CSV, gzip, wait=false, limits, and
that nothing acknowledged is lost across kill -9.

    python3 tests/integration/server_events_test.py PATH/TO/aurora [unittest args]
"""
import gzip
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402

BINARY = None


def gen(*args):
    return subprocess.run([BINARY, "gen", *args], capture_output=True, check=True, timeout=120).stdout


def one(server, query, **kw):
    """The single value of a one-row, one-column result."""
    return server.sql(query, fmt="TSV", **kw).text.strip()


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(BINARY).start()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_first_batch_infers_the_schema_of_the_standard_workload(self):
        data = gen("--rows", "20000", "--seed", "7")
        r = self.s.events("ev", data)
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual((doc["rows"], doc["quarantined"], doc["created_table"]), (20000, 0, True))
        # wait=true: visible as soon as the answer arrives.
        self.assertEqual(one(self.s, "SELECT count() FROM ev"), "20000")
        events = [json.loads(line) for line in data.decode().splitlines()]
        self.assertEqual(one(self.s, "SELECT sum(quantity) FROM ev"), str(sum(e["quantity"] for e in events)))
        self.assertAlmostEqual(float(one(self.s, "SELECT sum(price) FROM ev")), sum(e["price"] for e in events),
                               places=2)
        purchases = sum(1 for e in events if e["action_type"] == "purchase")
        self.assertEqual(one(self.s, "SELECT count() FROM ev WHERE action_type = 'purchase'"), str(purchases))
        table = self.s.request("GET", "/v1/tables/ev").json()
        types = {c["name"]: c["type"] for c in table["columns"]}
        self.assertTrue(types["timestamp"].startswith("DateTime64(3"), types)
        self.assertEqual(types["price"], "Float64")
        self.assertIn(types["product_id"], ("Int64", "UInt32", "UInt64", "Int32"))
        for name in ["action_type", "region", "device_type", "category", "user_type"]:
            self.assertEqual(types[name], "LowCardinality(String)", name)
        self.assertEqual(table["order_by"], ["timestamp"])
        self.assertEqual(table["partition_by"], "toYYYYMM(timestamp)")
        self.assertEqual(table["quarantined_rows"], 0)
        self.assertGreater(table["ingest_rows_per_second"], 0)
        # The next batch goes into the existing table.
        r = self.s.events("ev", gen("--rows", "1000", "--seed", "8"))
        self.assertEqual((r.json()["rows"], r.json()["created_table"]), (1000, False))
        metrics = self.s.request("GET", "/metrics").text
        self.assertIn('aurora_ingested_rows_total{table="ev"} 21000', metrics)

    def test_bad_records_are_quarantined_and_the_rest_appended(self):
        data = gen("--rows", "5000", "--seed", "11", "--bad", "0.05")
        lines = data.decode().splitlines()
        long_lines = [i for i, line in enumerate(lines, 1) if len(line) > 60000]
        bad = [i for i, line in enumerate(lines, 1) if '"device_type"' not in line and len(line) <= 60000]
        self.assertGreater(len(bad), 100)
        self.assertGreater(len(long_lines), 0)
        r = self.s.events("evbad", data)
        self.assertEqual(r.status, 200, r)
        doc = r.json()
        self.assertEqual(doc["rows"] + doc["quarantined"], len(lines))
        self.assertEqual(doc["quarantined"], len(bad))
        self.assertLessEqual(len(doc["errors"]), 10)
        self.assertRegex(doc["errors"][0]["error"], r"line \d+")
        # Every bad line is in the quarantine with its line number, its error and its raw text.
        q = self.s.sql("SELECT line, error, raw FROM evbad_quarantine ORDER BY line", fmt="JSONEachRow").text
        rows = [json.loads(x) for x in q.splitlines()]
        self.assertEqual([int(x["line"]) for x in rows], bad)
        for x in rows:
            self.assertEqual(x["raw"], lines[int(x["line"]) - 1])
            self.assertTrue(x["error"])
        # The 70 KB lines are valid events: stored intact.
        self.assertEqual(one(self.s, "SELECT count() FROM evbad WHERE length(region) = 70000"), str(len(long_lines)))
        self.assertEqual(self.s.request("GET", "/v1/tables/evbad").json()["quarantined_rows"], len(bad))

    def test_schema_evolution_and_widening(self):
        r = self.s.events("evo", '{"ts":"2024-05-01 10:00:00","a":1,"tag":"x"}\n')
        self.assertEqual(r.json()["created_table"], True)
        r = self.s.events("evo", '{"ts":"2024-05-01 10:00:01","a":2,"tag":"y","extra":"new"}\n')
        self.assertEqual(r.json()["added_columns"], ["extra String"])
        self.assertEqual(self.s.sql("SELECT a, extra FROM evo ORDER BY ts", fmt="CSV").text, '1,""\n2,"new"\n')
        r = self.s.events("evo", '{"ts":"2024-05-01 10:00:02","a":2.5}\n')
        self.assertEqual(r.json()["rows"], 1)
        self.assertEqual(len(r.json()["widened_columns"]), 1)
        self.assertIn("Float64", r.json()["widened_columns"][0])
        r = self.s.events("evo", '{"ts":"2024-05-01 10:00:03","a":"not a number"}\n{"ts":"2024-05-01 10:00:04","a":4}\n')
        self.assertEqual((r.json()["rows"], r.json()["quarantined"]), (1, 1))
        self.assertEqual(self.s.sql("SELECT sum(a) FROM evo", fmt="TSV").text, "9.5\n")

    def test_csv_with_a_header(self):
        data = gen("--rows", "1000", "--seed", "3", "--format", "csv")
        r = self.s.events("evcsv", data, params={"format": "csv"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["rows"], 1000)
        self.assertEqual(one(self.s, "SELECT count(DISTINCT region) > 3 FROM evcsv"), "1")

    def test_gzip_bodies(self):
        data = gen("--rows", "2000", "--seed", "4")
        r = self.s.events("evgz", gzip.compress(data), headers={"Content-Encoding": "gzip"})
        self.assertEqual(r.json()["rows"], 2000)

    def test_wait_false_answers_202_then_appends(self):
        r = self.s.events("evasync", gen("--rows", "3000", "--seed", "5"), params={"wait": "false"})
        self.assertEqual(r.status, 202, r)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.s.sql("SELECT count() FROM evasync", fmt="TSV", expect=None).text == "3000\n":
                break
            time.sleep(0.05)
        self.assertEqual(one(self.s, "SELECT count() FROM evasync"), "3000")

    def test_invalid_requests_append_nothing(self):
        for params, status, words in [({"table": ""}, 400, "table"),
                                      ({"table": "x; DROP TABLE ev"}, 400, "x; DROP TABLE ev"),
                                      ({"table": "ok_name", "format": "xml"}, 400, "xml"),
                                      ({"table": "ok_name", "wait": "maybe"}, 400, "wait")]:
            r = self.s.request("POST", "/v1/events", body='{"a":1}\n', params=params)
            self.assertEqual(r.status, status, (params, r))
            self.assertIn(words, r.json()["error"]["message"])
        self.assertEqual(self.s.request("GET", "/v1/tables/ok_name").status, 404)
        # Invalid JSON only: the rows are quarantined, no table is made from nothing.
        r = self.s.events("only_bad", "this is not json\n{\"a\":\n")
        self.assertEqual((r.json()["rows"], r.json()["quarantined"]), (0, 2))


class EventsLimitsTest(unittest.TestCase):
    def test_oversized_bodies_get_413_and_nothing_is_appended(self):
        with Server(BINARY, flags=["--set", "max_body_bytes=100000"]) as s:
            data = gen("--rows", "1000", "--seed", "1")
            self.assertGreater(len(data), 100000)
            r = s.events("big", data)
            self.assertEqual(r.status, 413)
            self.assertEqual(s.request("GET", "/v1/tables/big").status, 404)
            # A gzip body that is small on the wire but too large decoded.
            r = s.events("big", gzip.compress(data), headers={"Content-Encoding": "gzip"})
            self.assertEqual(r.status, 413)
            self.assertEqual(s.request("GET", "/v1/tables/big").status, 404)

    def test_clients_over_their_rate_get_429_with_retry_after(self):
        with Server(BINARY, flags=["--set", "rate_limit_rps=1", "--set", "rate_limit_burst=2"]) as s:
            body = '{"ts":"2024-01-01 00:00:00","v":1}\n'
            self.assertEqual([s.events("rl", body).status for _ in range(2)], [200, 200])  # the burst
            r = s.events("rl", body)
            self.assertEqual(r.status, 429)
            self.assertGreaterEqual(int(r.header("Retry-After")), 1)
            self.assertIn("rate limit", r.json()["error"]["message"])
            time.sleep(int(r.header("Retry-After")) + 0.1)
            self.assertEqual(s.events("rl", body).status, 200)
            time.sleep(1.1)
            self.assertEqual(s.sql("SELECT count() FROM rl", fmt="TSV").text, "3\n")  # the refused batch was not taken

    def test_nothing_acknowledged_is_lost_across_kill_9(self):
        with Server(BINARY) as s:
            acknowledged = 0
            for seed in range(5):
                r = s.events("durable", gen("--rows", "4000", "--seed", str(seed)))
                self.assertEqual(r.status, 200)
                acknowledged += r.json()["rows"]
            s.stop(signal.SIGKILL)
            s.start()
            self.assertEqual(s.sql("SELECT count() FROM durable", fmt="TSV").text, f"{acknowledged}\n")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
