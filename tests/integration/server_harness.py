"""Starts the real `aurora server` on free local ports and talks to it as a client would.

Standard library only. Used by the integration tests (server_test.py and others).
"""
import base64
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.parse

ADMIN_PASSWORD = "integration-secret-1"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return f"<{self.status} {self.text[:300]!r}>"


class Server:
    """One `aurora server` process with its own data directory."""

    def __init__(self, binary, data_dir=None, flags=(), env=None, tls=None):
        self.binary = binary
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="aurora-it-")
            data_dir = self._tmp.name
        self.data_dir = data_dir
        self.flags = list(flags)
        self.env = dict(os.environ)
        self.env.setdefault("AURORA_ADMIN_PASSWORD", ADMIN_PASSWORD)
        self.env.update(env or {})
        self.tls = tls  # (cert, key) paths
        self.proc = None
        self.output = ""
        self.auth = ("admin", self.env["AURORA_ADMIN_PASSWORD"])

    def start(self, timeout=20):
        args = [self.binary, "server", "--data", self.data_dir, "--http-port", "0", "--clickhouse-port", "0"]
        if self.tls:
            args += ["--tls-cert", self.tls[0], "--tls-key", self.tls[1]]
        args += self.flags
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env, text=True)
        deadline = time.time() + timeout
        self.api_port = self.ch_port = None
        lines = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"API and web app\s+https?://[^:]+:(\d+)/", line)
            if m:
                self.api_port = int(m.group(1))
            m = re.search(r"ClickHouse HTTP\s+https?://[^:]+:(\d+)/", line)
            if m:
                self.ch_port = int(m.group(1))
                break
        self.output = "".join(lines)
        if self.api_port is None or self.ch_port is None:
            self.proc.kill()
            rest = self.proc.stdout.read()
            raise RuntimeError(f"server did not start:\n{self.output}{rest}")
        # Keep draining its output so that the pipe never fills.
        import threading

        def drain():
            for line in self.proc.stdout:
                self.output += line

        self._drainer = threading.Thread(target=drain, daemon=True)
        self._drainer.start()
        return self

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            raise RuntimeError("server did not stop within the timeout")
        self._drainer.join(timeout=5)
        self.proc = None
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def close(self):
        if self.proc is not None:
            self.kill()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # --- requests ---------------------------------------------------------------------------------------

    def connection(self, port=None, timeout=60):
        port = port or self.api_port
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.tls[0])
            ctx.check_hostname = False
            return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, params=None, auth="default", port=None, conn=None):
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        hdrs = dict(headers or {})
        if auth == "default":
            auth = self.auth
        if isinstance(auth, tuple):
            hdrs["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        elif isinstance(auth, str):
            hdrs["Authorization"] = "Bearer " + auth
        if isinstance(body, str):
            body = body.encode()
        own = conn is None
        conn = conn or self.connection(port)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            if own:
                conn.close()

    def sql(self, query, fmt=None, params=None, auth="default", settings=None, expect=200):
        p = dict(settings or {})
        if fmt:
            p["format"] = fmt
        for k, v in (params or {}).items():
            p["param_" + k] = v
        r = self.request("POST", "/v1/sql", body=query, params=p, auth=auth)
        if expect is not None and r.status != expect:
            raise AssertionError(f"{query!r}: expected {expect}, got {r}")
        return r

    def ch(self, query=None, body=None, params=None, headers=None, auth="default", method=None):
        p = dict(params or {})
        if query is not None:
            p["query"] = query
        hdrs = dict(headers or {})
        if auth == "default":
            hdrs.setdefault("X-ClickHouse-User", self.auth[0])
            hdrs.setdefault("X-ClickHouse-Key", self.auth[1])
            auth = None
        return self.request(method or ("POST" if body is not None else "GET"), "/", body=body, params=p,
                            headers=hdrs, auth=auth, port=self.ch_port)

    def events(self, table, body, params=None, headers=None, auth="default"):
        p = {"table": table}
        p.update(params or {})
        return self.request("POST", "/v1/events", body=body, params=p, headers=headers, auth=auth)
