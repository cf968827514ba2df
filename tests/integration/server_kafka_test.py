"""Integration tests of Kafka sources on the real server and a real Kafka-protocol broker.

The broker is librdkafka's mock cluster in the project's helper program (`kafka_tool broker`), on random
local ports; messages are sent by a separate producer process (`kafka_tool produce`). Nothing inside Aurora
is faked. The mock broker keeps only the newest 5 MB of each partition, so topics have many partitions and
messages are keyed to spread evenly.

    python3 tests/integration/server_kafka_test.py PATH/TO/aurora PATH/TO/kafka_tool [unittest args]
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server  # noqa: E402

BINARY = None
KAFKA_TOOL = None


class Broker:
    """`kafka_tool broker`: a mock Kafka cluster, controlled through its standard input."""

    def __init__(self, topics=(), brokers=1):
        args = [KAFKA_TOOL, "broker", "--brokers", str(brokers)]
        for t in topics:
            args += ["--topic", t]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"bootstrap (\S+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"broker did not start: {line!r}")
        self.bootstrap = m.group(1)

    def command(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"broker {text!r}: {answer}")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def produce(broker, topic, lines, rate=None, key_prefix=""):
    """Sends each line as a message; returns when every one is acknowledged."""
    args = [KAFKA_TOOL, "produce", "--brokers", broker.bootstrap, "--topic", topic, "--key-prefix", key_prefix]
    if rate:
        args += ["--rate", str(rate)]
    data = "".join(line + "\n" for line in lines)
    r = subprocess.run(args, input=data, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"producer failed: {r.stdout} {r.stderr}")
    return int(r.stdout.split()[-1])


class BackgroundProducer:
    """`kafka_tool produce` at a steady rate, in the background."""

    def __init__(self, broker, topic, lines, rate):
        self.proc = subprocess.Popen([KAFKA_TOOL, "produce", "--brokers", broker.bootstrap, "--topic", topic,
                                      "--rate", str(rate)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.result = None
        data = "".join(line + "\n" for line in lines)
        self.thread = threading.Thread(target=lambda: setattr(self, "result", self.proc.communicate(data)),
                                       daemon=True)
        self.thread.start()

    def join(self):
        """The number of messages acknowledged."""
        self.thread.join(timeout=600)
        if self.proc.returncode != 0:
            raise RuntimeError(f"producer failed: {self.result}")
        return int(self.result[0].split()[-1])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()


def count(server, table):
    """Rows in `table`, 0 while it does not exist."""
    r = server.sql(f"SELECT count() FROM {table}", fmt="TSV", expect=None)
    return int(r.text.strip()) if r.status == 200 else 0


def events(rows, seed, first_seq=0):
    """`aurora gen` lines, each with a unique "seq" field."""
    out = subprocess.run([BINARY, "gen", "--rows", str(rows), "--seed", str(seed)], capture_output=True, check=True,
                         text=True, timeout=120).stdout.splitlines()
    return [line[:-1] + f',"seq":{first_seq + i}}}' for i, line in enumerate(out)]


def one(server, query):
    return server.sql(query, fmt="TSV").text.strip()


def wait_for(fn, want, timeout=90, interval=0.2):
    """Polls fn() until it returns `want`; returns the last value."""
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        try:
            got = fn()
        except Exception as e:  # the server may be restarting
            got = f"error: {e}"
        if got == want:
            return got
        time.sleep(interval)
    return got


def create_source(server, name, broker, topic, table, group, expect=201, **settings):
    body = {"name": name, "table": table,
            "settings": {"brokers": broker.bootstrap, "topic": topic, "group": group, "session_timeout_ms": 3000,
                         **settings}}
    r = server.request("POST", "/v1/sources", body=json.dumps(body))
    if r.status != expect:
        raise AssertionError(f"create source {name}: expected {expect}, got {r}")
    return r.json()


def source(server, name):
    r = server.request("GET", f"/v1/sources/{name}")
    assert r.status == 200, r
    return r.json()


class KafkaSourceTest(unittest.TestCase):
    def test_the_standard_workload_arrives_whole_with_status_and_metrics(self):
        broker = Broker(["events:64"])
        try:
            lines = events(60000, seed=3)
            self.assertEqual(produce(broker, "events", lines), 60000)
            quantity = sum(json.loads(line)["quantity"] for line in lines)
            revenue = sum(json.loads(line)["price"] * json.loads(line)["quantity"] for line in lines)
            with Server(BINARY) as s:
                created = create_source(s, "shop", broker, "events", "events", "aurora-shop")
                self.assertEqual(created["table"], "events")
                self.assertNotIn("sasl_password", created["settings"])
                self.assertEqual(wait_for(lambda: one(s, "SELECT count() FROM events"), "60000"), "60000")
                self.assertEqual(one(s, "SELECT sum(quantity) FROM events"), str(quantity))
                self.assertAlmostEqual(float(one(s, "SELECT sum(price * quantity) FROM events")), revenue, delta=0.01)
                self.assertEqual(one(s, "SELECT uniqExact(seq) FROM events"), "60000")
                # Status: running, all 64 partitions at their end.
                st = wait_for(lambda: (lambda j: (j["state"], j["lag"]))(source(s, "shop")), ("running", 0))
                self.assertEqual(st, ("running", 0))
                info = source(s, "shop")
                self.assertEqual(len(info["partitions"]), 64)
                self.assertEqual(sum(p["offset"] for p in info["partitions"]), 60000)
                self.assertEqual(info["rows"], 60000)
                self.assertEqual(one(s, "SELECT state FROM system.sources WHERE name = 'shop'"), "running")
                self.assertEqual(one(s, "SELECT sum(lag) FROM system.source_partitions"), "0")
                listed = s.request("GET", "/v1/sources").json()["sources"]
                self.assertEqual([x["name"] for x in listed], ["shop"])
                metrics = s.request("GET", "/metrics").text
                self.assertIn('aurora_source_rows_total{source="shop",table="events"} 60000', metrics)
                self.assertIn('aurora_source_lag{source="shop",table="events"} 0', metrics)
                self.assertIn('aurora_source_state{source="shop",state="running"} 1', metrics)
                # Pause and resume by the API.
                r = s.request("POST", "/v1/sources/shop/pause")
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.json()["paused"])
                more = events(1000, seed=4, first_seq=60000)
                produce(broker, "events", more)
                time.sleep(1)
                self.assertEqual(one(s, "SELECT count() FROM events"), "60000")
                self.assertEqual(s.request("POST", "/v1/sources/shop/resume").status, 200)
                self.assertEqual(wait_for(lambda: one(s, "SELECT count() FROM events"), "61000"), "61000")
                # Reset to the start reads everything again (into the same table, as asked).
                r = s.request("POST", "/v1/sources/shop/reset", body=json.dumps({"to": "earliest"}))
                self.assertEqual(r.status, 200, r)
                self.assertEqual(wait_for(lambda: one(s, "SELECT count() FROM events"), "122000"), "122000")
                self.assertEqual(s.request("DELETE", "/v1/sources/shop").status, 200)
                self.assertEqual(s.request("GET", "/v1/sources/shop").status, 404)
        finally:
            broker.close()

    def test_bad_messages_are_quarantined_with_their_partition_and_offset(self):
        broker = Broker(["mixed:8"])
        try:
            lines = subprocess.run([BINARY, "gen", "--rows", "2000", "--seed", "5", "--bad", "0.05"],
                                   capture_output=True, check=True, text=True).stdout.splitlines()
            lines.append("x" * 200000)  # over max_message_bytes below
            produce(broker, "mixed", lines)
            with Server(BINARY) as s:
                create_source(s, "mixed", broker, "mixed", "mixed", "g-mixed", max_message_bytes=100000)
                total = lambda: one(s, "SELECT (SELECT count() FROM mixed) + (SELECT count() FROM mixed_quarantine)")
                self.assertEqual(wait_for(total, str(len(lines))), str(len(lines)))
                quarantined = int(one(s, "SELECT count() FROM mixed_quarantine"))
                self.assertGreater(quarantined, 50)
                self.assertEqual(one(s, "SELECT count() FROM mixed_quarantine WHERE NOT match(error, "
                                        "'^partition [0-9]+, offset [0-9]+')"), "0")
                self.assertEqual(one(s, "SELECT count() FROM mixed_quarantine WHERE match(error, "
                                        "'over max_message_bytes')"), "1")
                self.assertEqual(source(s, "mixed")["quarantined"], quarantined)
                self.assertEqual(source(s, "mixed")["state"], "running")
        finally:
            broker.close()

    def test_a_late_topic_and_a_broker_outage_give_a_clear_state_and_then_recover(self):
        broker = Broker()
        try:
            broker.command("hide late")  # does not exist, to the clients
            with Server(BINARY) as s:
                create_source(s, "late", broker, "late", "late", "g-late")
                st = wait_for(lambda: source(s, "late")["state"], "retrying", timeout=30)
                self.assertEqual(st, "retrying")
                self.assertIn("topic 'late' does not exist", source(s, "late")["last_error"])
                self.assertGreater(source(s, "late")["last_error_ms"], 0)
                broker.command("show late")
                produce(broker, "late", events(1000, seed=6))
                self.assertEqual(wait_for(lambda: one(s, "SELECT count() FROM late"), "1000"), "1000")
                self.assertEqual(wait_for(lambda: source(s, "late")["state"], "running"), "running")
                # The broker goes away: retrying, with the error; back: running, and nothing lost.
                broker.command("down 1")
                self.assertEqual(wait_for(lambda: source(s, "late")["state"], "retrying", timeout=60), "retrying")
                errors = one(s, "SELECT last_error FROM system.sources WHERE name = 'late'")
                self.assertNotEqual(errors, "")
                broker.command("up 1")
                produce(broker, "late", events(1000, seed=7, first_seq=1000))
                self.assertEqual(wait_for(lambda: one(s, "SELECT count() FROM late"), "2000"), "2000")
                self.assertEqual(wait_for(lambda: source(s, "late")["state"], "running"), "running")
                self.assertEqual(one(s, "SELECT uniqExact(seq) FROM late"), "2000")
        finally:
            broker.close()

    def test_contradictory_or_missing_security_settings_fail_at_create(self):
        broker = Broker(["t:1"])
        try:
            with Server(BINARY) as s:
                cases = [
                    ({"security_protocol": "sasl_ssl"}, "sasl_mechanism"),
                    ({"security_protocol": "sasl_plaintext", "sasl_mechanism": "PLAIN", "sasl_username": "u"},
                     "sasl_password"),
                    ({"sasl_username": "u"}, "sasl_username"),
                    ({"security_protocol": "plaintext", "ssl_ca_pem": "-----BEGIN CERTIFICATE-----"}, "ssl_ca_pem"),
                    ({"security_protocol": "ssl", "ssl_ca_pem": "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                                                "-----END CERTIFICATE-----\n"}, "rejects"),
                    ({"security_protocol": "kerberos"}, "security_protocol"),
                ]
                for extra, word in cases:
                    r = s.request("POST", "/v1/sources", body=json.dumps(
                        {"name": "bad", "table": "t", "settings": {"brokers": broker.bootstrap, "topic": "t",
                                                                    "group": "g", **extra}}))
                    self.assertEqual(r.status, 400, (extra, r))
                    self.assertIn(word, r.json()["error"]["message"], extra)
                self.assertEqual(s.request("GET", "/v1/sources").json()["sources"], [])
                paths = s.request("GET", "/v1/openapi.json").json()["paths"]
                for path in ("/v1/sources", "/v1/sources/{name}", "/v1/sources/{name}/reset"):
                    self.assertIn(path, paths)
                # By SQL too; and a good one with a password never shows it.
                r = s.sql("CREATE SOURCE bad FROM KAFKA SETTINGS brokers = 'b:1', topic = 't', group = 'g', "
                          "security_protocol = 'sasl_ssl' INTO t", expect=400)
                self.assertIn("sasl_mechanism", r.text)
                s.sql(f"CREATE SOURCE good FROM KAFKA SETTINGS brokers = '{broker.bootstrap}', topic = 't', "
                      "group = 'g', security_protocol = 'sasl_plaintext', sasl_mechanism = 'SCRAM-SHA-256', "
                      "sasl_username = 'u', sasl_password = 'pa55-w0rd' INTO t")
                self.assertNotIn("pa55", s.request("GET", "/v1/sources").text)
                self.assertNotIn("pa55", s.sql("SHOW CREATE SOURCE good", fmt="TSV").text)
                self.assertNotIn("pa55", s.sql("SELECT query FROM system.query_log", fmt="TSV").text)
                s.stop()
                for name in os.listdir(s.data_dir):
                    path = os.path.join(s.data_dir, name)
                    if os.path.isfile(path):
                        with open(path, "rb") as f:
                            self.assertNotIn(b"pa55-w0rd", f.read(), name)
        finally:
            broker.close()


class KafkaExactlyOnceTest(unittest.TestCase):
    def test_every_message_once_across_20_sigkills(self):
        """SIGKILL at random moments while consuming, flushing and merging; restart; finally exactly once."""
        broker = Broker(["kill:64"])
        total = 150000
        lines = events(total, seed=11)
        data = tempfile.TemporaryDirectory(prefix="aurora-kafka-kill-")
        rng = random.Random(7)
        producer = BackgroundProducer(broker, "kill", lines, 2000)
        try:
            s = Server(BINARY, data_dir=data.name)
            s.start()
            # A short session: the group drops a killed member soon. (The mock broker takes about 3 s to form
            # the group after a restart; the kills come at random times within 1 to 6 s of a start, so most
            # land while the server is consuming, some while it joins.)
            create_source(s, "kill", broker, "kill", "kill", "g-kill", batch_rows=2000, session_timeout_ms=1000)
            seen = []  # rows visible just before each kill
            while len(seen) < 20:
                time.sleep(rng.uniform(1.0, 6.0))
                seen.append(count(s, "kill"))
                s.kill()
                s.start()
            self.assertEqual(producer.join(), total)
            # Many kills came while rows were arriving: the table grew between them.
            print(f"rows before each kill: {seen}", file=sys.stderr)
            self.assertGreaterEqual(sum(1 for x, y in zip(seen, seen[1:]) if y > x), 8, seen)
            self.assertEqual(wait_for(lambda: count(s, "kill"), total, timeout=120), total)
            time.sleep(2)  # nothing more arrives
            self.assertEqual(one(s, "SELECT count() FROM kill"), str(total))
            self.assertEqual(one(s, "SELECT uniqExact(seq) FROM kill"), str(total))
            self.assertEqual(one(s, "SELECT min(seq), max(seq) FROM kill"), f"0\t{total - 1}")
            s.close()
        finally:
            producer.kill()
            data.cleanup()
            broker.close()

    def test_two_servers_in_one_group_split_the_partitions_and_survive_a_kill(self):
        broker = Broker(["two:32"])
        a = Server(BINARY)
        b = Server(BINARY)
        try:
            a.start()
            b.start()
            for s in (a, b):
                create_source(s, "two", broker, "two", "two", "g-two")
            # Both members are in the group before the messages come.
            wait_for(lambda: len(source(a, "two")["partitions"]) + len(source(b, "two")["partitions"]), 32)
            first = events(20000, seed=12)
            produce(broker, "two", first)
            both = lambda: int(one(a, "SELECT count() FROM two")) + int(one(b, "SELECT count() FROM two"))
            self.assertEqual(wait_for(both, 20000), 20000)
            self.assertGreater(int(one(a, "SELECT count() FROM two")), 0)
            self.assertGreater(int(one(b, "SELECT count() FROM two")), 0)
            # b dies; a takes its partitions from the group's offsets and goes on.
            b.kill()
            produce(broker, "two", events(20000, seed=13, first_seq=20000))
            self.assertEqual(wait_for(lambda: len(source(a, "two")["partitions"]), 32, timeout=60), 32)
            b.start()
            produce(broker, "two", events(10000, seed=14, first_seq=40000))
            self.assertEqual(wait_for(both, 50000, timeout=120), 50000)
            seqs = set()
            for s in (a, b):
                got = [int(x) for x in s.sql("SELECT seq FROM two", fmt="TSV").text.split()]
                self.assertEqual(len(got), len(set(got)))
                self.assertFalse(seqs & set(got))
                seqs |= set(got)
            self.assertEqual(seqs, set(range(50000)))
        finally:
            a.close()
            b.close()
            broker.close()


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    KAFKA_TOOL = os.path.abspath(sys.argv.pop(1))
    unittest.main()
