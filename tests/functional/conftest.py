"""Functional tests: drive the real `faceloop serve` binary over HTTP (Python stdlib + pytest)."""
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

ASTRONAUT = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"


def pytest_addoption(parser):
    parser.addoption("--faceloop", default=os.environ.get("FACELOOP_BIN", "build/faceloop"),
                     help="path of the faceloop executable")


class Server:
    """One `faceloop serve` process on an ephemeral port with its own data folder."""

    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = str(data_dir)
        self.proc = None
        self.base = None

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("listening on http://"), f"unexpected first line: {line!r}"
        self.base = line.split("listening on ", 1)[1].strip()
        return self

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
        status, body = self.json("POST", "/v1/users", {"email": f"{uuid.uuid4().hex}@example.com"})
        assert status == 201, body
        return body["api_key"]["secret"], body["user"]

    def detect(self, key, data, content_type="image/png", query=""):
        return self.request("POST", "/v1/detect" + query, data, {"Content-Type": content_type}, key)


@pytest.fixture
def make_server(request, tmp_path):
    binary = request.config.getoption("--faceloop")
    if not os.path.exists(binary):
        pytest.skip(f"{binary} not built")
    servers = []

    def make(data_dir=None):
        server = Server(binary, data_dir or tmp_path / "data").start()
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
