"""Batch detect, per-key quotas (per process, and shared through Redis), sign-up limits and
client addresses behind trusted proxies."""
import http.client
import json
import time

import pytest

import conftest
from conftest import wait_until


def multipart(parts):
    boundary = "faceloopbatch"
    body = b""
    for name, data in parts:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"x\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def batch(server, key, parts, query=""):
    body, content_type = multipart(parts)
    status, headers, raw = server.request("POST", "/v1/detect/batch" + query, body, {"Content-Type": content_type}, key)
    return status, headers, json.loads(raw)


def test_batch_answers_each_image_in_place_with_its_own_record(server, astronaut):
    key, _ = server.sign_up()
    status, _, answer = batch(server, key, [("image", astronaut), ("image", b"not an image"), ("images", astronaut)])
    assert status == 200, answer
    results = answer["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert [r["status"] for r in results] == [200, 415, 200], results
    assert len(results[0]["faces"]) == 1 and results[0]["model"]["name"]
    assert results[1]["error"]["type"].endswith("/unsupported-media-type")
    ids = [r["request_id"] for r in results]
    assert len(set(ids)) == 3
    # Each image is a request of its own in the history, the failed one included.
    status, page = server.json("GET", "/v1/requests?limit=10", key=key)
    assert status == 200
    assert {r["id"] for r in page["requests"]} == set(ids)
    status, record = server.json("GET", f"/v1/requests/{ids[1]}", key=key)
    assert record["status"] == 415


def test_batch_refuses_what_is_not_a_batch(server, astronaut):
    key, _ = server.sign_up()
    status, _, problem = batch(server, key, [("image", astronaut)] * 17)
    assert status == 413, problem
    status, _, problem = batch(server, key, [("other", astronaut)])
    assert status == 422, problem
    status, _, raw = server.request("POST", "/v1/detect/batch", astronaut, {"Content-Type": "image/png"}, key)
    assert status == 415, raw
    status, _, problem = batch(server, key, [("image", astronaut)], "?min_confidence=2")
    assert status == 422 and "min_confidence" in problem["detail"]


def test_key_quota_answers_429_with_its_headers(make_server, astronaut):
    server = make_server(config="[quotas]\nuser_per_minute = 3\n")
    key, _ = server.sign_up()
    for i in range(3):
        status, headers, body = server.detect(key, astronaut)
        assert status == 200, body
        assert headers["RateLimit-Policy"] == '"detect";q=3;w=60'
        assert headers["RateLimit"].startswith(f'"detect";r={2 - i};')
    status, headers, body = server.detect(key, astronaut)
    assert status == 429, body
    assert json.loads(body)["type"].endswith("/too-many-requests")
    assert 1 <= int(headers["Retry-After"]) <= 20  # a token every 20 s
    assert headers["RateLimit"].startswith('"detect";r=0;')
    # A second key of the same user has its own budget; a batch costs one per image.
    status, second = server.json("POST", "/v1/keys", {"name": "second"}, key=key)
    assert status == 201
    status, _, answer = batch(server, second["secret"], [("image", astronaut)] * 4)
    assert status == 429, answer
    status, _, answer = batch(server, second["secret"], [("image", astronaut)] * 3)
    assert status == 200 and [r["status"] for r in answer["results"]] == [200] * 3
    # Admins are exempt by default.
    admin = server.admin_key()
    for _ in range(5):
        assert server.detect(admin, astronaut)[0] == 200


def test_signup_limit_tells_the_real_wait(make_server):
    server = make_server(config="[limits]\nsignups_per_minute = 2\n")
    for i in range(2):
        assert server.json("POST", "/v1/users", {"email": f"s{i}@example.com"})[0] == 201
    status, headers, body = server.request("POST", "/v1/users", {"email": "s3@example.com"})
    assert status == 429, body
    assert 25 <= int(headers["Retry-After"]) <= 30  # one sign-up per 30 s comes back


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_for_counts_only_from_trusted_proxies(make_server, trusted):
    config = "[limits]\nsignups_per_minute = 1\n"
    if trusted:
        config += '[network]\ntrusted_proxies = ["127.0.0.1"]\n'
    server = make_server(config=config)
    statuses = []
    for i, client in enumerate(["198.51.100.7", "198.51.100.8"]):
        status, _, _ = server.request("POST", "/v1/users", {"email": f"x{i}@example.com"},
                                      {"X-Forwarded-For": f"6.6.6.6, {client}"})
        statuses.append(status)
    # Trusted: two clients, one sign-up each. Untrusted: one peer (127.0.0.1), the second is refused.
    assert statuses == ([201, 201] if trusted else [201, 429])


def test_shared_quota_across_processes(make_server, backends, astronaut, tmp_path):
    if backends is None:
        pytest.skip("needs the production backends (PostgreSQL and Redis shared by two processes)")
    pepper = {"FACELOOP_PEPPER_FILE": str(tmp_path / "shared-pepper")}
    config = "[quotas]\nuser_per_minute = 4\n"
    a = make_server(tmp_path / "a", env=pepper, config=config)
    b = make_server(tmp_path / "b", env=pepper, config=config)
    key, _ = a.sign_up()
    answered = [(a if i % 2 == 0 else b).detect(key, astronaut)[0] for i in range(8)]
    assert answered.count(200) == 4 and answered.count(429) == 4, answered


def test_mode_is_chosen_recorded_and_answered(server, astronaut):
    key, _ = server.sign_up()
    status, _, body = server.detect(key, astronaut, query="?mode=accurate")
    assert status == 200, body
    answer = json.loads(body)
    assert answer["model"]["mode"] == "accurate"
    face = answer["faces"][0]
    assert 0 <= face["quality"]["sharpness"] <= 1 and face["size"] in ("medium", "large") and "yaw" in face["pose"]
    status, record = server.json("GET", f"/v1/requests/{answer['request_id']}", key=key)
    assert record["model"]["mode"] == "accurate" and record["faces"][0]["quality"] == face["quality"]
    status, _, body = server.detect(key, astronaut, query="?mode=turbo")
    assert status == 422 and b"mode" in body


def test_invalid_utf8_in_user_agent_is_recorded_not_a_500(server, astronaut):
    key, _ = server.sign_up()
    host, port = server.base.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/v1/detect", skip_accept_encoding=True)
    for name, value in [("Authorization", f"Bearer {key}".encode()), ("Content-Type", b"image/png"),
                        ("Content-Length", str(len(astronaut)).encode()), ("User-Agent", b"bad \xff\xfe agent")]:
        connection.putheader(name, value)
    connection.endheaders(astronaut)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body
    request_id = json.loads(body)["request_id"]
    status, record = server.json("GET", f"/v1/requests/{request_id}", key=key)
    assert status == 200, record
