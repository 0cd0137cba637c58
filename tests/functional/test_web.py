"""The web application's server side: the pages at / with their headers, and cookie sessions with
CSRF protection (docs/ui.md). The browser journey itself is web/tests/e2e.mjs."""
import json
import os

import pytest

WEB_DIST = os.path.join(os.path.dirname(__file__), "..", "..", "web", "dist")


def login(server, key):
    status, headers, body = server.request("POST", "/v1/sessions", key=key)
    assert status == 201, body
    session = json.loads(body)
    return {"Cookie": headers["Set-Cookie"].split(";")[0]}, session["csrf_token"]


def test_cookie_requests_that_change_something_need_the_csrf_token(server, astronaut):
    key, user = server.sign_up()
    cookie, csrf = login(server, key)
    status, current = server.json("GET", "/v1/sessions/current", headers=cookie)
    assert status == 200 and current["user"]["id"] == user["id"] and current["csrf_token"] == csrf
    png = {"Content-Type": "image/png"}
    for headers in ({**cookie, **png}, {**cookie, **png, "X-CSRF-Token": "x" * len(csrf)}):
        status, problem = server.json("POST", "/v1/detect", astronaut, headers)
        assert status == 403 and problem["type"].endswith("/forbidden") and "X-CSRF-Token" in problem["detail"]
    status, _, _ = server.request("POST", "/v1/keys", {"name": "x"}, cookie)
    assert status == 403
    status, _, _ = server.request("DELETE", "/v1/sessions/current", headers=cookie)
    assert status == 403
    assert server.request("POST", "/v1/detect", astronaut, {**cookie, **png, "X-CSRF-Token": csrf})[0] == 200
    # The API-key path is unchanged: no token needed.
    assert server.detect(key, astronaut)[0] == 200
    status, headers, _ = server.request("DELETE", "/v1/sessions/current", headers={**cookie, "X-CSRF-Token": csrf})
    assert status == 204 and "Max-Age=0" in headers["Set-Cookie"]
    assert server.request("GET", "/v1/me", headers=cookie)[0] == 401


def test_revoking_the_key_ends_its_sessions(server):
    key, _ = server.sign_up()
    status, other = server.json("POST", "/v1/keys", {"name": "other"}, key=key)
    assert status == 201
    cookie, csrf = login(server, key)
    other_cookie, _ = login(server, other["secret"])
    key_id = key.split("_")[1]
    status, _, _ = server.request("DELETE", f"/v1/keys/{key_id}", headers={**cookie, "X-CSRF-Token": csrf})
    assert status == 204
    assert server.request("GET", "/v1/sessions/current", headers=cookie)[0] == 401
    assert server.request("GET", "/v1/me", key=key)[0] == 401
    assert server.request("GET", "/v1/me", headers=other_cookie)[0] == 200


def test_secure_cookie_only_behind_a_trusted_https_proxy(make_server):
    server = make_server(env={"FACELOOP_TRUSTED_PROXIES": "127.0.0.1"})
    key, _ = server.sign_up()
    _, headers, _ = server.request("POST", "/v1/sessions", key=key, headers={"X-Forwarded-Proto": "https"})
    assert "; Secure" in headers["Set-Cookie"]
    _, headers, _ = server.request("POST", "/v1/sessions", key=key)
    assert "Secure" not in headers["Set-Cookie"]
    plain = make_server()
    key, _ = plain.sign_up()
    _, headers, _ = plain.request("POST", "/v1/sessions", key=key, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in headers["Set-Cookie"]  # an untrusted peer cannot claim https


def test_pages_are_served_with_caching_compression_and_security_headers(server):
    if not os.path.exists(os.path.join(WEB_DIST, "index.html")):
        pytest.skip("web/dist not built (scripts/setup.sh builds it)")
    status, headers, body = server.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    status, headers, page = server.request("GET", "/history/01ABC")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"<script" in page
    asset = page.split(b'src="')[1].split(b'"')[0].decode()
    status, headers, _ = server.request("GET", asset, headers={"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br" and "immutable" in headers["Cache-Control"]
    status, problem = server.json("GET", "/v1/nothing-here")
    assert status == 404 and problem["type"].endswith("/not-found")
    assert server.request("POST", "/somewhere")[0] == 404
