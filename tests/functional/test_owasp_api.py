"""OWASP API Security Top 10 (2023): API4, API7, API8, API9 and API10, one class each
(docs/security.md has the table). Every test runs on the embedded default and, with
`--backends production`, on PostgreSQL + S3 + OpenSearch + SMTP.

The routes and their numeric parameters come from src/http/openapi.json, so a new route or
parameter is covered without editing this file."""
import http.server
import json
import os
import re
import socket
import struct
import threading
import time
import zlib

import pytest

from conftest import wait_until

SPEC_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "src", "http", "openapi.json")
with open(SPEC_PATH) as spec_file:
    SPEC = json.load(spec_file)

METHODS = ("get", "post", "put", "delete", "patch")
PROBE_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# What must never reach a client: stack traces, SQL, source or data paths, library internals.
LEAKS = re.compile(r"Traceback|std::|what\(\)|\.cpp\b|\.hpp\b|/home/|/work/|/tmp/|/var/lib/|sqlite|SQLITE|"
                   r"pqxx|postgres|SELECT\s|INSERT\s|UPDATE\s|DELETE\s+FROM|syntax error|terminate called|"
                   r"core dumped|libcurl|nlohmann|boost::", re.IGNORECASE)
# Numbers no parameter accepts: not finite, or too large for any type the service parses into.
ABSURD_NUMBERS = ("nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "99999999999999999999999",
                  "0x10", "1_0", " 1", "")
NOT_AN_ID = "0" * 26


def operations():
    """(method, path template, operation) for every documented operation."""
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def resolve(schema):
    while "$ref" in schema:
        node = SPEC
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def numeric_parameters():
    """(method, path, name) of every query parameter documented as a number or an integer."""
    found = []
    for method, path, operation in operations():
        for parameter in operation.get("parameters", []):
            kind = resolve(parameter.get("schema", {})).get("type")
            if parameter["in"] == "query" and kind in ("number", "integer"):
                found.append((method, path, parameter["name"]))
    return found


def concrete(path):
    return re.sub(r"\{[^}]+\}", NOT_AN_ID, path)


def documented_methods(path):
    methods = {m.upper() for m in METHODS if m in SPEC["paths"][path]}
    return methods | ({"HEAD"} if "GET" in methods else set())


def png_header(width, height):
    """A PNG whose header claims width x height: the pixel limit must refuse it before any pixel."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def multipart(parts):
    boundary = "owaspboundary"
    body = b""
    for name, data in parts:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"x\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def problem(raw):
    body = json.loads(raw)
    assert body["type"].startswith("https://faceloop.dev/problems/"), body
    return body


def check_answer(status, headers, raw, what):
    """API8 on one answer: the security headers, and nothing internal in an error's body."""
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (what, status, name, dict(headers))
    assert headers.get("Content-Security-Policy"), (what, status, dict(headers))
    if status >= 400:
        text = raw.decode("utf-8", "replace")
        assert not LEAKS.search(text), (what, status, text)


class TestAPI4UnrestrictedResourceConsumption:
    """Body, pixel, page-size, batch and filter limits; absurd numbers in any parameter -> 422."""

    def test_body_and_pixel_limits_answer_413_before_decoding(self, make_server):
        server = make_server(config="[limits]\nmax_image_bytes = 65536\n")
        key, _ = server.sign_up()
        status, _, raw = server.detect(key, b"\xff" * 70000, "image/jpeg")
        assert status == 413 and problem(raw)["type"].endswith("/payload-too-large"), raw
        for width, height in ((100_000, 100_000), (60_000, 1_000), (2**31 - 1, 2**31 - 1)):
            status, _, raw = server.detect(key, png_header(width, height), "image/png")
            assert status == 413, (width, height, raw)
        assert server.stored_objects() == [], "an image over a limit was written"

    def test_page_sizes_are_bounded(self, server):
        admin = server.admin_key()
        for method, path, name in numeric_parameters():
            if name != "limit":
                continue
            maximum = resolve(next(p for p in SPEC["paths"][path][method.lower()]["parameters"]
                                   if p["name"] == "limit")["schema"])["maximum"]
            for value in (0, -1, maximum + 1, 10**9):
                status, body = server.json(method, f"{concrete(path)}?limit={value}", key=admin)
                assert status == 422 and "limit" in body["detail"], (path, value, body)
            assert server.json(method, f"{concrete(path)}?limit={maximum}", key=admin)[0] == 200, path

    def test_a_batch_holds_at_most_16_images(self, server):
        key, _ = server.sign_up()
        body, content_type = multipart([("image", b"x")] * 17)
        status, _, raw = server.request("POST", "/v1/detect/batch", body, {"Content-Type": content_type}, key)
        assert status == 413 and "16" in problem(raw)["detail"], raw

    def test_filter_windows_are_bounded(self, server):
        analyst = server.admin_key()
        wide = "from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"
        for path in ("/v1/insights/summary", "/v1/insights/feedback", "/v1/insights/outliers",
                     "/v1/insights/correlations"):
            status, body = server.json("GET", f"{path}?{wide}", key=analyst)
            assert status == 422, (path, body)
        status, body = server.json(
            "GET", "/v1/insights/drift?current=2000-01-01T00:00:00Z..2026-01-01T00:00:00Z", key=analyst)
        assert status == 422, body
        for query in ("to=8780-01-01T00:00:00Z", "from=0352-09-17T07:28:33Z", "from=2024-05-01T00:00:00+01:00",
                      "max_confidence=2", "min_confidence=-0.5", "min_confidence=nan", "max_confidence=inf"):
            status, body = server.json("GET", f"/v1/requests?{query}", key=analyst)
            assert status == 422, (query, body)
            assert query.split("=")[0] in body["detail"], (query, body)

    @pytest.mark.parametrize("method,path,name", numeric_parameters())
    def test_absurd_numbers_in_every_numeric_parameter_are_422(self, server, astronaut, method, path, name):
        admin = server.admin_key()
        body, headers = None, {}
        if path == "/v1/detect":  # a valid image, so that the parameter is the only thing wrong
            body, headers = astronaut, {"Content-Type": "image/png"}
        elif path == "/v1/detect/batch":
            body, content_type = multipart([("image", astronaut)])
            headers = {"Content-Type": content_type}
        for value in ABSURD_NUMBERS:
            query = f"{name}={value.replace(' ', '%20')}"
            status, answer_headers, raw = server.request(method, f"{concrete(path)}?{query}", body, headers, admin)
            assert status == 422, (method, path, query, status, raw)
            assert name in problem(raw)["detail"], (path, query, raw)
            check_answer(status, answer_headers, raw, f"{method} {path}?{query}")

    def test_absurd_numbers_in_json_bodies_are_422_and_write_nothing(self, server):
        admin = server.admin_key()
        rule = {"name": "n", "metric": "no_face_share", "comparator": ">", "threshold": 0.5}
        properties = resolve({"$ref": "#/components/schemas/AlertRuleInput"})["properties"]
        numeric = {n: resolve(s)["type"] for n, s in properties.items() if resolve(s).get("type") in ("number", "integer")}
        assert numeric, "AlertRuleInput lost its numeric members"
        before = len(server.json("GET", "/v1/alerts/rules", key=admin)[1]["rules"])
        for name, kind in numeric.items():
            values = ["1e309", "-1e309", "1e999999", "NaN", "Infinity", "-Infinity"]
            if kind == "integer":  # past int64, or not whole
                values += ["99999999999999999999999", "-99999999999999999999999", "1.5", "1e400"]
            for value in values:
                raw_body = json.dumps({**rule, name: 0}).replace(f'"{name}": 0', f'"{name}": {value}')
                status, _, raw = server.request("POST", "/v1/alerts/rules", raw_body.encode(),
                                                {"Content-Type": "application/json"}, admin)
                assert status in (400, 422), (name, value, status, raw)
        assert len(server.json("GET", "/v1/alerts/rules", key=admin)[1]["rules"]) == before


class TestAPI7ServerSideRequestForgery:
    """Alert webhooks cannot aim the service at itself or at the cloud's metadata service."""

    REFUSED = ("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://127.0.0.1:8080/x",
               "http://127.1/x", "http://localhost/x", "http://[::1]/x", "http://0.0.0.0/x", "http://[::]/x",
               "http://[::ffff:127.0.0.1]/x", "http://[::ffff:169.254.169.254]/x", "http://224.0.0.1/x",
               "http://[fe80::1]/x", "http://2130706433/x", "http://0x7f000001/x", "file:///etc/passwd",
               "gopher://127.0.0.1:6379/_x", "ftp://example.com/x", "http://user@127.0.0.1/x")

    def test_internal_webhook_targets_are_refused_by_default(self, server):
        admin = server.admin_key()
        rule = {"name": "ssrf", "metric": "no_face_share", "comparator": ">", "threshold": 0.5}
        status, created = server.json("POST", "/v1/alerts/rules", rule, key=admin)
        assert status == 201, created
        for url in self.REFUSED:
            status, body = server.json("POST", "/v1/alerts/rules", {**rule, "webhook_url": url}, key=admin)
            assert status == 422 and body["detail"].startswith("webhook_url:"), (url, status, body)
            status, body = server.json("PUT", f"/v1/alerts/rules/{created['id']}", {**rule, "webhook_url": url},
                                       key=admin)
            assert status == 422 and body["detail"].startswith("webhook_url:"), (url, status, body)
        status, kept = server.json("GET", f"/v1/alerts/rules/{created['id']}", key=admin)
        assert status == 200 and "webhook_url" not in kept or kept.get("webhook_url") in (None, ""), kept
        names = [r["name"] for r in server.json("GET", "/v1/alerts/rules", key=admin)[1]["rules"]]
        assert names.count("ssrf") == 1, names  # nothing half-written


def bad_requests(path, methods):
    """A set of bad requests at one route: (method, path, body, headers, key)."""
    target = concrete(path)
    for method in sorted(methods - {"HEAD"}):
        yield method, target, None, {}, None  # no credentials
        yield method, target, None, {"Authorization": "Bearer fl_nope_nope"}, None
        yield method, target, b"{not json", {"Content-Type": "application/json"}, "key"
        yield method, target + "?limit=abc&from=yesterday&min_confidence=%ff", None, {}, "key"
        yield method, target.rstrip("/") + "/%2e%2e/%00", None, {}, "key"
    yield "TRACE", target, None, {}, "key"


class TestAPI8SecurityMisconfiguration:
    """Security headers on every answer, errors and 404s included; nothing internal in any answer."""

    def test_every_route_answers_bad_requests_with_headers_and_without_internals(self, server):
        key, _ = server.sign_up()
        seen = 0
        for path in SPEC["paths"]:
            for method, target, body, headers, who in bad_requests(path, documented_methods(path)):
                status, answer_headers, raw = server.request(method, target, body, headers, key if who else None)
                assert status < 500, (method, target, status, raw)
                check_answer(status, answer_headers, raw, f"{method} {target}")
                seen += 1
        assert seen > 100, seen

    def test_success_answers_and_engine_errors_carry_the_headers_too(self, server):
        key, _ = server.sign_up()
        for method, path, body, headers in (("GET", "/v1/me", None, {}), ("GET", "/healthz", None, {}),
                                            ("GET", "/openapi.json", None, {}), ("GET", "/v1/nope", None, {}),
                                            ("DELETE", "/nope", None, {}), ("GET", "/v1/requests", None, {}),
                                            ("POST", "/v1/detect", b"x" * 10, {"Content-Type": "text/plain"})):
            status, answer_headers, raw = server.request(method, path, body, headers, key)
            check_answer(status, answer_headers, raw, f"{method} {path}")
        # API answers must not stay in caches: they carry users' records and keys.
        _, answer_headers, _ = server.request("GET", "/v1/me", key=key)
        assert answer_headers.get("Cache-Control") == "no-store"
        # The engine's own answers (a malformed request line, an oversized header) carry them too.
        for raw_request in (b"BREW /v1/me HTTP/1.1\r\nHost: x\r\n\r\n",
                            b"GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"):
            head = raw_exchange(server, raw_request)
            assert b"X-Content-Type-Options: nosniff" in head and b"X-Frame-Options: DENY" in head, head[:400]
            assert not LEAKS.search(head.decode("latin-1")), head[:400]

    def test_errors_hide_the_data_folder_and_backend_text(self, server):
        key, _ = server.sign_up()
        for path in ("/v1/requests/../../etc/passwd", "/v1/requests/%2e%2e%2f%2e%2e%2fetc/image",
                     "/v1/requests/'%20OR%201=1--", "/v1/requests/" + "a" * 5000):
            status, headers, raw = server.request("GET", path, key=key)
            assert status in (400, 404, 414, 431), (path, status)
            assert server.data_dir.encode() not in raw, (path, raw)
            check_answer(status, headers, raw, path)


def raw_exchange(server, data):
    host, port = server.base.split("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:  # reset after the answer: the server closes on a bad request
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


class TestAPI9ImproperInventoryManagement:
    """Every route the server answers is in openapi.json, and nothing else is."""

    UNDOCUMENTED = ("/v1", "/v1/", "/v1/debug", "/v1/admin", "/v1/users/me", "/v1/config", "/v1/internal",
                    "/v1/metrics", "/v1/health", "/v2/detect", "/v0/requests", "/v1/requests/x/y/z", "/debug/vars",
                    "/.env", "/.git/config", "/server-status", "/v1/openapi.json", "/swagger.json", "/v1/keys/x/y",
                    "/v1/detect/x", "/v1/insights", "/v1/alerts", "/v1/reports/x/y")

    def test_the_served_document_is_the_one_in_the_source_tree(self, server):
        status, served = server.json("GET", "/openapi.json")
        assert status == 200 and served == SPEC

    def test_documented_methods_are_routed_and_others_are_405_with_allow(self, server):
        admin = server.admin_key()
        for path in SPEC["paths"]:
            documented = documented_methods(path)
            for method in PROBE_METHODS:
                status, headers, raw = server.request(method, concrete(path), key=admin)
                if method in documented:
                    assert status != 405, (method, path, raw)
                    if status == 404:  # the route exists, so only the resource may be missing
                        assert "no such resource" not in problem(raw)["detail"], (method, path, raw)
                else:
                    assert status == 405, (method, path, status, raw)
                    allow = {m.strip() for m in headers.get("Allow", "").split(",")}
                    assert allow == documented, (method, path, allow, documented)

    def test_undocumented_paths_are_404_for_every_method(self, server):
        admin = server.admin_key()
        status, _, index = server.request("GET", "/", key=admin)
        for path in self.UNDOCUMENTED:
            for method in PROBE_METHODS:
                status, headers, raw = server.request(method, path, key=admin)
                if method in ("GET", "HEAD") and not path.startswith("/v") and status == 200:
                    # the web application's client-side routes: its index page, nothing else
                    assert headers.get("Content-Type", "").startswith("text/html"), (path, headers)
                    assert method == "HEAD" or raw == index, path
                    continue
                assert status == 404, (method, path, status, raw[:200])
                check_answer(status, headers, raw, f"{method} {path}")


class Receiver:
    """A hostile webhook receiver on 127.0.0.1: `mode` says how it answers each POST."""

    def __init__(self, mode, location=None):
        self.mode, self.location = mode, location
        self.hits, self.disconnects, self.sent = [], [], []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.hits.append((self.path, time.monotonic()))
                try:
                    outer.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    outer.disconnects.append(time.monotonic())

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, handler):
        if self.mode == "redirect":
            handler.send_response(307)
            handler.send_header("Location", self.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif self.mode == "huge":  # 1 GiB announced, streamed until the client hangs up
            handler.send_response(200)
            handler.send_header("Content-Length", str(1 << 30))
            handler.end_headers()
            chunk = b"x" * 65536
            sent = 0
            try:
                while sent < 1 << 30:
                    handler.wfile.write(chunk)
                    sent += len(chunk)
            finally:
                self.sent.append(sent)
        elif self.mode == "slow":  # headers never come
            time.sleep(25)
        else:
            handler.send_response(204)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


API10_CONFIG = """[alerts]
interval_s = 1
dispatch_poll_ms = 100
retry_base_ms = 300
webhook_allow = ["127.0.0.1/32"]
[scheduler]
tick_ms = 100
"""


class TestAPI10UnsafeConsumptionOfApis:
    """The webhook dispatcher treats a receiver's answer as untrusted: no redirects followed, the body
    it reads bounded, a receiver that never answers timed out; the service keeps serving."""

    def test_hostile_receivers(self, make_server, astronaut):
        # The redirect points at a receiver the allow-list would even let through: not followed at all.
        target = Receiver("ok")
        receivers = {"redirect": Receiver("redirect", location=target.url),
                     "redirect-metadata": Receiver("redirect", location="http://169.254.169.254/latest/meta-data/"),
                     "huge": Receiver("huge"), "slow": Receiver("slow")}
        try:
            server = make_server(config=API10_CONFIG, env={"FACELOOP_MODEL": "mediapipe-full"})
            admin = server.admin_key()
            key, _ = server.sign_up()
            for name, receiver in receivers.items():
                rule = {"name": name, "metric": "error_share", "comparator": ">=", "threshold": 0,
                        "min_sample": 1, "window_minutes": 60, "webhook_url": receiver.url}
                status, body = server.json("POST", "/v1/alerts/rules", rule, key=admin)
                assert status == 201, body
            assert server.detect(key, astronaut)[0] == 200  # one request: every rule fires
            started = time.monotonic()

            assert wait_until(lambda: all(r.hits for r in receivers.values()), timeout=60), \
                {n: r.hits for n, r in receivers.items()}
            huge = receivers["huge"]
            assert wait_until(lambda: huge.sent or huge.disconnects, timeout=30), "the huge answer was read whole"
            assert not huge.sent or huge.sent[0] < (64 << 20), huge.sent  # stopped long before 1 GiB
            # The slow receiver is given up on (webhook timeout, 10 s) and retried, not waited for.
            slow = receivers["slow"]
            assert wait_until(lambda: len(slow.hits) >= 2, timeout=45), slow.hits
            assert slow.hits[1][1] - slow.hits[0][1] < 20, slow.hits
            # A redirect is a failed delivery (retried), never followed.
            assert wait_until(lambda: len(receivers["redirect"].hits) >= 2, timeout=30)
            assert target.hits == [], target.hits
            # The service answered throughout.
            assert server.request("GET", "/healthz")[0] == 200
            assert time.monotonic() - started < 90
        finally:
            for receiver in (target, *receivers.values()):
                receiver.close()


def test_every_numeric_query_parameter_is_listed():
    """Guards the generator: the routes known to take numbers are found in the document."""
    found = {(m, p, n) for m, p, n in numeric_parameters()}
    assert ("GET", "/v1/requests", "min_confidence") in found
    assert ("POST", "/v1/detect", "max_faces") in found
    assert ("GET", "/v1/me/export", "limit") in found
    assert len(found) >= 10, found

