"""Functional tests: drive the real `faceloop serve` binary over HTTP (Python stdlib + pytest).

`--backends embedded` (default) runs each server on SQLite and its local objects folder.
`--backends production` runs the same tests with every production backend on: a fresh PostgreSQL
database, an S3 prefix, an OpenSearch index prefix and SMTP delivery of sign-up keys, on the
servers named by the FACELOOP_TEST_* variables (tests/servers/all.sh).
"""
import email
import glob
import html
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

ASTRONAUT = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"


def pytest_addoption(parser):
    parser.addoption("--faceloop", default=os.environ.get("FACELOOP_BIN", "build/faceloop"),
                     help="path of the faceloop executable")
    parser.addoption("--backends", default="embedded", choices=["embedded", "production"],
                     help="embedded defaults, or PostgreSQL + S3 + OpenSearch + SMTP")


def require_env(name):
    value = os.environ.get(name)
    if not value:
        if os.environ.get("FACELOOP_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{name} is not set")
        pytest.skip(f"{name} is not set (tests/servers/all.sh starts the servers)")
    return value


class Backends:
    """One test's share of the production servers: its own database, S3 prefix and index prefix."""

    def __init__(self):
        self.admin_url = require_env("FACELOOP_TEST_DATABASE_URL")
        s3 = urllib.parse.urlsplit(require_env("FACELOOP_TEST_S3_URL"))
        self.search_url = require_env("FACELOOP_TEST_SEARCH_URL")
        self.smtp_url = require_env("FACELOOP_TEST_SMTP_URL")
        self.maildir = require_env("FACELOOP_TEST_SMTP_MAILDIR")
        self.redis_url = require_env("FACELOOP_TEST_REDIS_URL")
        tag = "t" + uuid.uuid4().hex[:12]
        self.database = "faceloop_" + tag
        subprocess.run(["psql", "-q", self.admin_url, "-c", f"CREATE DATABASE {self.database}"], check=True)
        self.database_url = self.admin_url.rsplit("/", 1)[0] + "/" + self.database
        query = dict(urllib.parse.parse_qsl(s3.query))
        self.s3_endpoint, self.s3_region = query["endpoint"], query.get("region", "us-east-1")
        self.bucket, self.s3_prefix = s3.netloc, tag
        self.object_store_url = f"s3://{self.bucket}/{self.s3_prefix}?{s3.query}"
        self.index_prefix = tag

    def env(self):
        return {
            "FACELOOP_DATABASE_URL": self.database_url,
            "FACELOOP_OBJECT_STORE_URL": self.object_store_url,
            "FACELOOP_SEARCH_URL": self.search_url,
            "FACELOOP_SEARCH_INDEX_PREFIX": self.index_prefix,
            "FACELOOP_SMTP_URL": self.smtp_url,
            "FACELOOP_SMTP_FROM": "keys@faceloop.test",
            "FACELOOP_REDIS_URL": self.redis_url,
            "FACELOOP_REDIS_PREFIX": f"{self.index_prefix}:rl:",
        }

    def s3_keys(self):
        """Keys under this test's S3 prefix (curl's own SigV4 signing, not the code under test)."""
        # curl 7.88 signs the query as given, so it must be sorted and fully encoded already; it
        # sends no payload hash, which S3 requires: the hash of the empty body.
        empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        keys, token = [], None
        while True:
            query = f"list-type=2&prefix={urllib.parse.quote(self.s3_prefix + '/', safe='')}"
            if token:
                query = f"continuation-token={urllib.parse.quote(token, safe='')}&" + query
            out = subprocess.run(
                ["curl", "-sf", "-H", f"x-amz-content-sha256: {empty_sha256}", "--aws-sigv4",
                 f"aws:amz:{self.s3_region}:s3", "--user",
                 os.environ["AWS_ACCESS_KEY_ID"] + ":" + os.environ["AWS_SECRET_ACCESS_KEY"],
                 f"{self.s3_endpoint}/{self.bucket}?{query}"],
                capture_output=True, text=True)
            if out.returncode != 0:
                return keys  # the bucket is created on the first upload
            keys += re.findall(r"<Key>([^<]+)</Key>", out.stdout)
            match = re.search(r"<NextContinuationToken>([^<]+)</NextContinuationToken>", out.stdout)
            if "<IsTruncated>true</IsTruncated>" not in out.stdout or not match:
                return keys
            token = html.unescape(match.group(1))

    def search_count(self, family, query):
        body = json.dumps({"query": query}).encode()
        req = urllib.request.Request(f"{self.search_url}/{self.index_prefix}-{family}-*/_count", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read())["count"]
        except urllib.error.HTTPError as err:
            if err.code in (404, 503):  # no such index yet, or its shard is still being allocated
                return 0
            raise

    def key_mailed_to(self, address, timeout=10):
        """The API key from the sign-up mail delivered to `address`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for path in glob.glob(os.path.join(self.maildir, "*.eml")):
                with open(path, "rb") as f:
                    message = email.message_from_bytes(f.read())
                if message["To"] == address:
                    text = message.get_payload(decode=True).decode()
                    return re.search(r"fl_[A-Za-z0-9_-]+", text).group(0)
            time.sleep(0.1)
        raise AssertionError(f"no sign-up mail for {address}")

    def drop(self):
        subprocess.run(["psql", "-q", self.admin_url, "-c", f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"],
                       check=False, capture_output=True)


class Load:
    """Detect requests in a loop from a background thread; remembers every answered request_id."""

    def __init__(self, server, key, image, content_type="image/jpeg"):
        self.server, self.key, self.image, self.content_type = server, key, image, content_type
        self.answered, self.other = [], {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stopping.is_set():
            try:
                status, _, body = self.server.detect(self.key, self.image, self.content_type)
            except (urllib.error.URLError, ConnectionError):  # the server was killed: no answer
                status, body = "no answer", b""
            if status == 200:
                self.answered.append(json.loads(body)["request_id"])
            else:
                self.other[status] = self.other.get(status, 0) + 1
                time.sleep(0.2)
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(timeout=120)


def splice(client, upstream):
    """Copies bytes both ways between two sockets on daemon threads until either side closes: the
    TCP forwarders that stand between the service and a server in outage and late-start tests."""
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=pipe, args=(a, b), daemon=True).start()


class Forwarder:
    """A TCP forwarder to a server on 127.0.0.1 that can be cut: `cut()` hangs up every live
    connection and stops listening (new connections are refused, as by a server that is down);
    `restore()` listens again. Outage tests put one between the service and one server instead of
    stopping the shared server, so the other tests keep it meanwhile.

    The port stays this forwarder's through a cut: the listening socket is never closed, only
    shut down (Linux then refuses connections but keeps an explicitly bound port). A closed port
    could be handed meanwhile to another test process's `bind(0)` or used as the source port of an
    outgoing connection: the service would then deliver to a stranger, and `restore()` would fail."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.lock = threading.Lock()
        self.live = []
        self.listening = False
        self.listener = self._bind_a_free_port()
        self.port = self.listener.getsockname()[1]
        self.restore()

    @staticmethod
    def _bind_a_free_port():
        # Bound by number, not as port 0: only a port bound by number outlives a shutdown().
        # The probe holds the port meanwhile (both sockets allow address reuse, neither listens).
        probe = socket.socket()
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", 0))
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(probe.getsockname())
        probe.close()
        return listener

    def _serve(self):
        def accept():
            while True:
                try:
                    client, _ = self.listener.accept()
                    upstream = socket.create_connection(("127.0.0.1", self.target_port))
                except OSError:
                    return  # cut: accept() fails once the listener is shut down
                with self.lock:
                    if not self.listening:  # cut while this one was being connected
                        client.close()
                        upstream.close()
                        return
                    self.live += [client, upstream]
                splice(client, upstream)

        threading.Thread(target=accept, daemon=True).start()

    def cut(self):
        with self.lock:
            self.listening = False
            try:
                self.listener.shutdown(socket.SHUT_RD)  # stops listening; wakes the accept() above
            except OSError:
                pass  # already cut
            for sock in self.live:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.live = []

    def restore(self):
        self.listener.listen(128)
        with self.lock:
            self.listening = True
        self._serve()


def wait_until(predicate, timeout=30, interval=0.1):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(interval)


class Server:
    """One `faceloop serve` process on an ephemeral port with its own data folder."""

    def __init__(self, binary, data_dir, backends=None, env=None, args=()):
        self.binary = binary
        self.data_dir = str(data_dir)
        self.args = list(args)
        self.backends = backends
        self.extra_env = env or {}
        self.proc = None
        self.base = None

    def env(self):
        env = dict(os.environ)
        if self.backends:
            env.update(self.backends.env())
        env.update(self.extra_env)
        return env

    def cli(self, *args):
        """Runs `faceloop ARGS --data-dir DIR` against this server's data and backends; its stdout."""
        return subprocess.run([self.binary, *args, "--data-dir", self.data_dir], check=True, capture_output=True,
                              text=True, env=self.env()).stdout

    def admin_key(self):
        """A new admin's API key, made with `faceloop users create` on the live data folder."""
        out = self.cli("users", "create", "--email", f"admin{time.monotonic_ns()}@example.com", "--role", "admin")
        return out.split("api key (shown once): ", 1)[1].strip()

    def start(self):
        # The server's output goes to a file, not a pipe: a long test must not block the server on
        # a pipe nobody reads. The log is printed when a test fails (pytest shows captured output).
        os.makedirs(self.data_dir, exist_ok=True)
        self.log_path = os.path.join(self.data_dir, f"serve-{time.time_ns()}.log")
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, *self.args],
            stdout=log, stderr=subprocess.STDOUT, text=True, env=self.env())
        log.close()
        deadline = time.time() + 60
        listening = None
        while time.time() < deadline and self.proc.poll() is None and not listening:
            with open(self.log_path) as f:  # log lines (e.g. start-up retries) may come first
                listening = next((line for line in f if line.startswith("listening on http://")), None)
            time.sleep(0.02)
        assert listening, f"no 'listening on' line: {self.log()!r} ({self.log_path})"
        self.base = listening.split("listening on ", 1)[1].strip()
        return self

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(self, method, path, body=None, headers=None, key=None):
        """(status, headers, body bytes); never raises for HTTP error statuses."""
        headers = dict(headers or {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def json(self, method, path, body=None, headers=None, key=None):
        status, _, data = self.request(method, path, body, headers, key)
        return status, (json.loads(data) if data else None)

    def sign_up(self):
        address = f"{uuid.uuid4().hex}@example.com"
        status, body = self.json("POST", "/v1/users", {"email": address})
        assert status == 201, body
        if self.backends:
            assert body["delivery"] == "email" and "secret" not in body["api_key"], body
            return self.backends.key_mailed_to(address), body["user"]
        assert body["delivery"] == "response"
        return body["api_key"]["secret"], body["user"]

    def stored_objects(self):
        """Every stored input image: the local folder, plus the S3 prefix with production backends."""
        local = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(self.data_dir, "objects")) for f in fs]
        return local + (self.backends.s3_keys() if self.backends else [])

    def detect(self, key, data, content_type="image/png", query=""):
        return self.request("POST", "/v1/detect" + query, data, {"Content-Type": content_type}, key)


@pytest.fixture
def backends(request):
    """This test's production backends, or None on the embedded defaults."""
    if request.config.getoption("--backends") != "production":
        yield None
        return
    shared = Backends()
    yield shared
    shared.drop()


@pytest.fixture
def make_server(request, tmp_path, backends):
    binary = request.config.getoption("--faceloop")
    if not os.path.exists(binary):
        pytest.skip(f"{binary} not built")
    servers = []

    def make(data_dir=None, env=None, config=None):
        """A server on `data_dir`; `config` is TOML text for --config (e.g. tighter limits)."""
        args = []
        if config:
            path = tmp_path / f"config-{len(servers)}.toml"
            path.write_text(config)
            args = ["--config", str(path)]
        server = Server(binary, data_dir or tmp_path / "data", backends, env, args).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(make_server):
    return make_server()


@pytest.fixture(scope="session")
def astronaut():
    if not os.path.exists(ASTRONAUT):
        pytest.skip("scikit-image's astronaut.png is not installed")
    with open(ASTRONAUT, "rb") as f:
        return f.read()
