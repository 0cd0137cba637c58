"""OWASP API Security Top 10 (2023), the authentication and authorisation groups: API1 object level,
API2 authentication, API3 property level, API5 function level, API6 sensitive flows (docs/security.md).
Each class runs on the embedded defaults and, with --backends production, on the production backends."""
import json
import re
import sqlite3
import subprocess
import time
import uuid

import pytest

PROXY = '[network]\ntrusted_proxies = ["127.0.0.1"]\n'


def from_client(address, headers=None):
    """Headers that make a request come from `address` (the server trusts 127.0.0.1 as a proxy)."""
    return {**(headers or {}), "X-Forwarded-For": address}


def login(server, key, headers=None):
    status, answer_headers, body = server.request("POST", "/v1/sessions", key=key, headers=headers)
    assert status == 201, body
    return {"Cookie": answer_headers["Set-Cookie"].split(";")[0]}, json.loads(body)


def wrong_secret(key):
    """The same key id with another (well-formed) secret."""
    return key[: -43] + ("A" * 43 if not key.endswith("A" * 43) else "B" * 43)


def assert_401(status, headers, body):
    assert status == 401, body
    assert headers["WWW-Authenticate"].startswith("Bearer"), dict(headers)
    assert headers["Content-Type"].startswith("application/problem+json")


def analyst(server, role="analyst"):
    out = server.cli("users", "create", "--email", f"{role}{time.monotonic_ns()}@example.com", "--role", role)
    return out.split("api key (shown once): ", 1)[1].strip()


def events_of(server, event_type):
    """(user_id, data) of the stored events of one type, read beside the service."""
    query = f"SELECT user_id, data_json FROM events WHERE type = '{event_type}' ORDER BY id"
    if server.backends:
        out = subprocess.run(["psql", "-tA", "-F", "\t", server.backends.database_url, "-c", query], check=True,
                             capture_output=True, text=True).stdout
        rows = [line.split("\t") for line in out.splitlines() if line]
    else:
        with sqlite3.connect(f"{server.data_dir}/faceloop.db") as db:
            rows = db.execute(query).fetchall()
    return [(user, json.loads(data or "{}")) for user, data in rows]


def metric(server, name):
    _, _, body = server.request("GET", "/metrics")
    match = re.search(rf"^{name} (\S+)$", body.decode(), re.M)
    return float(match.group(1)) if match else 0.0


class TestAPI1ObjectLevelAuthorisation:
    """Every route with an id, given another user's id: 404, never 403, never their data."""

    def test_other_users_ids_are_not_found(self, server, astronaut):
        key_a, user_a = server.sign_up()
        key_b, _ = server.sign_up()
        status, _, body = server.detect(key_a, astronaut)
        assert status == 200
        request_id = json.loads(body)["request_id"]
        feedback = {"verdict": "correct"}
        assert server.json("PUT", f"/v1/requests/{request_id}/feedback", feedback, key=key_a)[0] == 201
        key_id_a = server.json("GET", "/v1/keys", key=key_a)[1]["keys"][0]["id"]
        login(server, key_a)
        session_id_a = server.json("GET", "/v1/sessions", key=key_a)[1]["sessions"][0]["id"]

        attempts = [
            ("GET", f"/v1/requests/{request_id}", None),
            ("GET", f"/v1/requests/{request_id}/image", None),
            ("GET", f"/v1/requests/{request_id}/annotated", None),
            ("GET", f"/v1/requests/{request_id}/feedback", None),
            ("PUT", f"/v1/requests/{request_id}/feedback", feedback),
            ("DELETE", f"/v1/requests/{request_id}/feedback", None),
            ("DELETE", f"/v1/keys/{key_id_a}", None),
            ("DELETE", f"/v1/sessions/{session_id_a}", None),
        ]
        for method, path, body in attempts:
            status, _, answer = server.request(method, path, body, key=key_b)
            assert status == 404, (method, path, answer)
            for secret in (request_id, user_a["id"], key_id_a, session_id_a):
                assert secret.encode() not in answer, (method, path)
        # Nothing changed for the owner.
        assert server.json("GET", f"/v1/requests/{request_id}/feedback", key=key_a)[0] == 200
        assert server.request("GET", "/v1/me", key=key_a)[0] == 200
        assert [s["id"] for s in server.json("GET", "/v1/sessions", key=key_a)[1]["sessions"]] == [session_id_a]
        # Lists show only the caller's own.
        assert server.json("GET", "/v1/requests", key=key_b)[1]["requests"] == []
        assert server.json("GET", "/v1/sessions", key=key_b)[1]["sessions"] == []
        assert len(server.json("GET", "/v1/keys", key=key_b)[1]["keys"]) == 1

    def test_team_objects_answer_alike_for_real_and_made_up_ids(self, server):
        """Reports, alert rules and alert events belong to the analysts as a team, not to a user: a
        plain user is refused the route (403, API5) whether the id exists or not, so ids cannot be
        probed, and never sees a body."""
        admin = analyst(server, "admin")
        status, rule = server.json("POST", "/v1/alerts/rules",
                                   {"name": "r", "metric": "error_share", "comparator": ">", "threshold": 0.5},
                                   key=admin)
        assert status == 201, rule
        user_key, _ = server.sign_up()
        for path in (f"/v1/alerts/rules/{rule['id']}", f"/v1/alerts/rules/{uuid.uuid4().hex}",
                     f"/v1/reports/{uuid.uuid4().hex}", "/v1/alerts/events"):
            status, _, body = server.request("GET", path, key=user_key)
            assert status == 403, (path, body)
            assert rule["id"].encode() not in body


class TestAPI2Authentication:
    """401 with WWW-Authenticate: Bearer on every refusal; failed attempts throttled per client and
    per key id before the secret is checked; revoked keys and sessions end at once."""

    def test_every_401_names_the_bearer_scheme(self, server):
        key, _ = server.sign_up()
        cookie, _ = login(server, key)
        cases = [
            ("GET", "/v1/me", {}),
            ("GET", "/v1/requests", {}),
            ("POST", "/v1/detect", {}),
            ("GET", "/v1/sessions", {}),
            ("GET", "/v1/sessions/current", {}),
            ("POST", "/v1/sessions", {}),
            ("GET", "/v1/me", {"Authorization": "Basic abc"}),
            ("GET", "/v1/me", {"Authorization": f"Bearer {wrong_secret(key)}"}),
            ("GET", "/v1/me", {"X-API-Key": "fl_nonsense"}),
            ("GET", "/v1/me", {"Cookie": "faceloop_session=" + "x" * 43}),
            ("POST", "/v1/sessions", {"Authorization": f"Bearer {wrong_secret(key)}"}),
            ("POST", "/v1/sessions", cookie),  # a session does not make a session
        ]
        for method, path, headers in cases:
            assert_401(*server.request(method, path, headers=headers))

    def test_failures_per_key_id_are_throttled_before_the_secret_is_checked(self, make_server):
        server = make_server(config=PROXY)
        key, _ = server.sign_up()
        for i in range(5):
            status, _, _ = server.request("GET", "/v1/me", key=wrong_secret(key),
                                          headers=from_client(f"198.51.100.{i}"))
            assert status == 401
        # The right secret, from a client that never failed: refused without being checked.
        status, headers, body = server.request("GET", "/v1/me", key=key, headers=from_client("203.0.113.1"))
        assert status == 429, body
        assert 1 <= int(headers["Retry-After"]) <= 12  # 5 a minute: one back every 12 s
        assert json.loads(body)["type"].endswith("/too-many-requests")
        assert headers["Content-Type"].startswith("application/problem+json")
        # Log-in is the same gate; another key of the same user is not affected.
        assert server.request("POST", "/v1/sessions", key=key, headers=from_client("203.0.113.2"))[0] == 429
        assert metric(server, "faceloop_auth_throttled_total") >= 2

    def test_failures_per_client_are_throttled_for_that_client_only(self, make_server):
        server = make_server(config=PROXY)
        key, _ = server.sign_up()
        for _ in range(10):
            made_up = f"fl_{uuid.uuid4().hex[:26]}_{'A' * 43}"
            assert server.request("GET", "/v1/me", key=made_up, headers=from_client("198.51.100.9"))[0] == 401
        assert server.request("GET", "/v1/me", key=key, headers=from_client("198.51.100.9"))[0] == 429
        assert server.request("GET", "/v1/me", headers=from_client("198.51.100.9", {
            "Cookie": "faceloop_session=" + "x" * 43}))[0] == 429
        assert server.request("GET", "/v1/me", key=key, headers=from_client("198.51.100.10"))[0] == 200
        # Successes are never counted.
        for _ in range(30):
            assert server.request("GET", "/v1/me", key=key, headers=from_client("198.51.100.11"))[0] == 200

    def test_processes_sharing_redis_share_the_throttle(self, make_server, backends, tmp_path):
        if backends is None:
            pytest.skip("needs the production backends (PostgreSQL and Redis shared by two processes)")
        pepper = {"FACELOOP_PEPPER_FILE": str(tmp_path / "shared-pepper")}
        a = make_server(tmp_path / "a", env=pepper)
        b = make_server(tmp_path / "b", env=pepper)
        key, _ = a.sign_up()
        for i in range(5):
            assert (a if i % 2 == 0 else b).request("GET", "/v1/me", key=wrong_secret(key))[0] == 401
        assert a.request("GET", "/v1/me", key=key)[0] == 429
        assert b.request("GET", "/v1/me", key=key)[0] == 429

    def test_login_failed_events_carry_the_truncated_address_and_are_capped(self, make_server):
        server = make_server(config=PROXY)
        key, _ = server.sign_up()
        for _ in range(3):
            status, _, _ = server.request("POST", "/v1/sessions", key=wrong_secret(key),
                                          headers=from_client("198.51.100.77"))
            assert status == 401
        key_id = key.split("_")[1]

        def stored():
            return events_of(server, "login_failed")

        events = [data for _, data in wait_for(stored)]
        assert events == [{"key_id": key_id, "client_ip": "198.51.100.0"}]
        assert metric(server, "faceloop_login_failed_events_dropped_total") == 2

    def test_revoked_keys_and_sessions_end_at_once(self, server):
        key, _ = server.sign_up()
        status, other = server.json("POST", "/v1/keys", {"name": "other"}, key=key)
        assert status == 201
        cookie, _ = login(server, other["secret"])
        status, listing = server.json("GET", "/v1/sessions", headers=cookie)
        assert status == 200
        session_id = listing["sessions"][0]["id"]
        assert server.request("DELETE", f"/v1/sessions/{session_id}", key=key)[0] == 204
        assert_401(*server.request("GET", "/v1/me", headers=cookie))
        cookie, _ = login(server, other["secret"])
        assert server.request("DELETE", f"/v1/keys/{other['id']}", key=key)[0] == 204
        assert_401(*server.request("GET", "/v1/me", key=other["secret"]))
        assert_401(*server.request("GET", "/v1/me", headers=cookie))  # the session ended with its key


def wait_for(read, timeout=10):
    deadline = time.time() + timeout
    while True:
        value = read()
        if value or time.time() > deadline:
            return value
        time.sleep(0.1)


class TestAPI3PropertyLevel:
    """No write sets role, user_id, id, created_at or another user's fields; no answer carries a hash,
    a pepper or a path of the server's file system."""

    def test_writes_refuse_fields_the_caller_may_not_set(self, server, astronaut):
        key, user = server.sign_up()
        other_key, other = server.sign_up()
        address = f"{uuid.uuid4().hex}@example.com"
        for extra in ({"role": "admin"}, {"id": "x"}, {"user_id": other["id"]}, {"created_at": "2020-01-01T00:00:00Z"}):
            status, body = server.json("POST", "/v1/users", {"email": address, **extra})
            assert status == 422 and next(iter(extra)) in body["detail"], (extra, body)
            status, body = server.json("POST", "/v1/keys", {"name": "k", **extra}, key=key)
            assert status == 422 and next(iter(extra)) in body["detail"], (extra, body)
        status, _, body = server.detect(key, astronaut)
        request_id = json.loads(body)["request_id"]
        for extra in ({"user_id": other["id"]}, {"id": "x"}, {"created_at": "2020-01-01T00:00:00Z"}):
            status, body = server.json("PUT", f"/v1/requests/{request_id}/feedback", {"verdict": "correct", **extra},
                                       key=key)
            assert status == 422 and next(iter(extra)) in body["detail"], (extra, body)
        admin = analyst(server, "admin")
        rule = {"name": "r", "metric": "error_share", "comparator": ">", "threshold": 0.5}
        for extra in ({"id": "x"}, {"created_at": "2020-01-01T00:00:00Z"}, {"user_id": user["id"]}):
            status, problem = server.json("POST", "/v1/alerts/rules", {**rule, **extra}, key=admin)
            assert status == 422 and next(iter(extra)) in problem["detail"], (extra, problem)
        assert server.json("POST", "/v1/alerts/rules", rule, key=admin)[0] == 201  # the same without them
        assert server.json("GET", "/v1/me", key=key)[1]["role"] == "user"
        assert server.json("GET", "/v1/me", key=other_key)[1]["role"] == "user"

    def test_answers_carry_no_hashes_peppers_or_paths(self, server, astronaut):
        key, _ = server.sign_up()
        cookie, _ = login(server, key)
        status, _, body = server.detect(key, astronaut)
        request_id = json.loads(body)["request_id"]
        server.json("PUT", f"/v1/requests/{request_id}/feedback", {"verdict": "correct"}, key=key)
        admin = analyst(server, "admin")
        answers = [body]
        for path, who in [("/v1/me", key), ("/v1/keys", key), ("/v1/sessions", key), ("/v1/requests", key),
                          (f"/v1/requests/{request_id}", key), (f"/v1/requests/{request_id}/feedback", key),
                          ("/v1/me/export", key), ("/v1/alerts/rules", admin), ("/readyz", admin),
                          ("/v1/insights/summary", admin), ("/v1/admin/users", admin)]:
            status, _, answer = server.request("GET", path, key=who)
            assert status == 200, (path, answer)
            answers.append(answer)
        answers.append(server.request("GET", "/v1/sessions/current", headers=cookie)[2])
        answers.append(server.request("POST", "/v1/sessions", key=wrong_secret(key))[2])
        with open(f"{server.data_dir}/pepper", "rb") as f:
            pepper = f.read()
        for answer in answers:
            text = answer.decode()
            assert "$argon" not in text and "hash" not in text.lower(), text
            assert server.data_dir not in text and "/tmp/" not in text and "/home/" not in text, text
            assert not re.search(r'"/(?!v1/)[a-z]', text), text  # no /-rooted value but our own URLs
            assert pepper.hex() not in text and pepper not in answer


class TestAPI5FunctionLevel:
    """Every analyst or admin route refused to a plain user (403) and to anonymous callers (401)."""

    ROUTES = [
        ("GET", "/v1/insights/summary"), ("GET", "/v1/insights/drift"), ("GET", "/v1/insights/feedback"),
        ("GET", "/v1/insights/correlations"), ("GET", "/v1/insights/outliers"),
        ("GET", "/v1/reports"), ("GET", "/v1/reports/01J2Z8K4M6Q9R3T5V7W9X1Y3Z5"),
        ("GET", "/v1/alerts/rules"), ("POST", "/v1/alerts/rules"), ("GET", "/v1/alerts/rules/x"),
        ("PUT", "/v1/alerts/rules/x"), ("DELETE", "/v1/alerts/rules/x"), ("GET", "/v1/alerts/events"),
        ("GET", "/v1/admin/users"), ("PATCH", "/v1/admin/users/x"), ("DELETE", "/v1/admin/users/x"),
    ]

    def test_plain_users_and_anonymous_callers_are_refused(self, server):
        key, _ = server.sign_up()
        body = {"name": "r", "metric": "error_share", "comparator": ">", "threshold": 0.5}
        for method, path in self.ROUTES:
            payload = body if method in ("POST", "PUT") else None
            status, _, answer = server.request(method, path, payload, key=key)
            assert status == 403, (method, path, answer)
            assert json.loads(answer)["type"].endswith("/forbidden")
            assert_401(*server.request(method, path, payload))
        # Analysts read everyone's records; a plain user asking for another user's never gets them.
        assert server.json("GET", "/v1/requests?user_id=someone", key=key)[1]["requests"] == []


class TestAPI6SensitiveFlows:
    """Sign-up, the flow anyone can drive, is limited per client address (limits.signups_per_minute,
    10 a minute by default); log-in is throttled as in API2."""

    def test_sign_ups_are_limited_per_client(self, make_server):
        server = make_server(config=PROXY)
        for i in range(10):
            status, _ = server.json("POST", "/v1/users", {"email": f"{uuid.uuid4().hex}@example.com"},
                                    headers=from_client("198.51.100.50"))
            assert status == 201, i
        status, headers, body = server.request("POST", "/v1/users", {"email": f"{uuid.uuid4().hex}@example.com"},
                                               from_client("198.51.100.50"))
        assert status == 429 and int(headers["Retry-After"]) >= 1, body
        status, _ = server.json("POST", "/v1/users", {"email": f"{uuid.uuid4().hex}@example.com"},
                                headers=from_client("198.51.100.51"))
        assert status == 201
