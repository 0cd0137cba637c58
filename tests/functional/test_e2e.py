"""The main user journey, end to end against the real binary."""
import json

from conftest import wait_until


def test_sign_up_detect_history_keys_and_delete(server, astronaut):
    key, user = server.sign_up()

    status, _, body = server.detect(key, astronaut)
    assert status == 200, body
    result = json.loads(body)
    assert len(result["faces"]) == 1
    assert result["image"] == {"width": 512, "height": 512, "format": "png"}
    assert set(result["timing_ms"]) == {"decode", "inference", "total"}
    request_id = result["request_id"]

    status, listing = server.json("GET", "/v1/requests", key=key)
    assert status == 200
    assert [r["id"] for r in listing["requests"]] == [request_id]

    status, record = server.json("GET", f"/v1/requests/{request_id}", key=key)
    assert status == 200
    assert record["face_count"] == 1 and len(record["faces"]) == 1
    assert record["metadata"]["width"] == 512

    status, headers, image = server.request("GET", f"/v1/requests/{request_id}/image", key=key)
    assert status == 200 and image == astronaut
    assert headers["Content-Type"] == "image/png"
    # Locally, or (production backends) in S3 once shipped: one copy either way.
    assert wait_until(lambda: len(server.stored_objects()) == 1)

    status, new_key = server.json("POST", "/v1/keys", {"name": "second"}, key=key)
    assert status == 201 and new_key["secret"].startswith("fl_")
    status, keys = server.json("GET", "/v1/keys", key=new_key["secret"])
    assert status == 200 and len(keys["keys"]) == 2
    assert all("secret" not in k for k in keys["keys"])
    status, _, _ = server.request("DELETE", f"/v1/keys/{new_key['id']}", key=key)
    assert status == 204
    status, problem = server.json("GET", "/v1/me", key=new_key["secret"])
    assert status == 401 and problem["type"] == "https://faceloop.dev/problems/unauthenticated"

    status, me = server.json("GET", "/v1/me", key=key)
    assert status == 200 and me["id"] == user["id"]
    status, _, _ = server.request("DELETE", "/v1/me", key=key)
    assert status == 204
    status, _ = server.json("GET", "/v1/me", key=key)
    assert status == 401
    assert wait_until(lambda: server.stored_objects() == [], timeout=10)
    if server.backends:  # and the search index forgets the account's requests
        assert wait_until(lambda: server.backends.search_count("requests", {"term": {"user_id": user["id"]}}) == 0,
                          timeout=30)


def test_session_login_and_logout(server, astronaut):
    key, user = server.sign_up()
    status, headers, body = server.request("POST", "/v1/sessions", key=key)
    assert status == 201
    session = json.loads(body)
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    status, me = server.json("GET", "/v1/me", key=session["token"])
    assert status == 200 and me["id"] == user["id"]
    cookie_header = {"Cookie": f"faceloop_session={session['token']}"}
    status, me = server.json("GET", "/v1/me", headers=cookie_header)
    assert status == 200
    # The web UI detects with its session cookie and the session's CSRF token (test_web.py), no API key.
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    status, _, body = server.request("POST", "/v1/detect", astronaut,
                                     {**cookie_header, **csrf, "Content-Type": "image/png"})
    assert status == 200 and len(json.loads(body)["faces"]) == 1
    status, _, _ = server.request("DELETE", "/v1/sessions/current", key=session["token"])
    assert status == 204
    status, _ = server.json("GET", "/v1/me", key=session["token"])
    assert status == 401


def test_ops_endpoints(server):
    assert server.request("GET", "/healthz")[0] == 200
    assert server.request("GET", "/readyz")[0] == 200
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.1")
    status, _, metrics = server.request("GET", "/metrics")
    assert status == 200
    assert b"faceloop_http_requests_total" in metrics and b"faceloop_detect_queue_depth" in metrics
