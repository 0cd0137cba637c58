"""A user's sessions (GET /v1/sessions, DELETE /v1/sessions/{id}) and what a cookie-authenticated write
must show besides its CSRF token: this service's Origin, and JSON as JSON (docs/api.md)."""
import json


def login(server, key):
    status, headers, body = server.request("POST", "/v1/sessions", key=key)
    assert status == 201, body
    return {"Cookie": headers["Set-Cookie"].split(";")[0]}, json.loads(body)["csrf_token"]


def test_sessions_are_listed_without_secrets_and_revoked_by_id(server):
    key, _ = server.sign_up()
    key_id = key.split("_")[1]
    first, _ = login(server, key)
    second, csrf = login(server, key)
    status, listing = server.json("GET", "/v1/sessions", headers=second)
    assert status == 200
    sessions = listing["sessions"]
    assert len(sessions) == 2
    assert [s["current"] for s in sessions] == [True, False]  # newest first: the caller's own
    for session in sessions:
        assert set(session) == {"id", "key_id", "created_at", "last_used_at", "expires_at", "current"}
        assert session["key_id"] == key_id
        assert session["expires_at"] > session["created_at"]
        assert session["id"] not in first["Cookie"] and session["id"] not in second["Cookie"]
    assert sessions[0]["last_used_at"] is not None  # this very request used it

    # Revoking the other one with the cookie needs the CSRF token, then ends only that session.
    other_id = sessions[1]["id"]
    assert server.request("DELETE", f"/v1/sessions/{other_id}", headers=second)[0] == 403
    assert server.request("DELETE", f"/v1/sessions/{other_id}", headers={**second, "X-CSRF-Token": csrf})[0] == 204
    assert server.request("GET", "/v1/me", headers=first)[0] == 401
    assert server.request("GET", "/v1/me", headers=second)[0] == 200
    # Unknown ids are 404; revoking the current one also drops the cookie.
    assert server.request("DELETE", "/v1/sessions/nosuchsession", key=key)[0] == 404
    current_id = sessions[0]["id"]
    status, headers, _ = server.request("DELETE", f"/v1/sessions/{current_id}", headers={**second, "X-CSRF-Token": csrf})
    assert status == 204 and "Max-Age=0" in headers["Set-Cookie"]
    assert server.json("GET", "/v1/sessions", key=key)[1]["sessions"] == []
    # /v1/sessions/current keeps its meaning (it is matched before /v1/sessions/{id}).
    assert server.request("GET", "/v1/sessions/current", key=key)[0] == 401


def test_cookie_writes_must_come_from_our_origin(server, astronaut):
    key, _ = server.sign_up()
    cookie, csrf = login(server, key)
    ours = server.base  # "http://127.0.0.1:PORT", what a browser on our pages sends
    headers = {**cookie, "X-CSRF-Token": csrf}
    for origin in ("https://evil.example", "null", ours.replace("http://", "https://")):
        status, problem = server.json("POST", "/v1/keys", {"name": "x"}, {**headers, "Origin": origin})
        assert status == 403 and problem["type"].endswith("/cross-origin"), (origin, problem)
    status, problem = server.json("POST", "/v1/keys", {"name": "x"}, {**headers, "Referer": "https://evil.example/x"})
    assert status == 403 and problem["type"].endswith("/cross-origin")
    assert server.json("POST", "/v1/keys", {"name": "x"}, {**headers, "Origin": ours})[0] == 201
    assert server.json("POST", "/v1/keys", {"name": "x"}, {**headers, "Referer": ours + "/keys"})[0] == 201
    png = {**headers, "Origin": ours, "Content-Type": "image/png"}
    assert server.request("POST", "/v1/detect", astronaut, png)[0] == 200
    # The web application's upload of a file the browser has no type for.
    untyped = {**png, "Content-Type": "application/octet-stream"}
    assert server.request("POST", "/v1/detect", astronaut, untyped)[0] == 200
    # With an API key, no browser is involved: any Origin is the client's business.
    assert server.json("POST", "/v1/keys", {"name": "x"}, {"Origin": "https://evil.example"}, key=key)[0] == 201


def test_cookie_writes_send_json_as_json(server):
    key, _ = server.sign_up()
    cookie, csrf = login(server, key)
    headers = {**cookie, "X-CSRF-Token": csrf}
    body = json.dumps({"name": "x"}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "image/png"):
        status, problem = server.json("POST", "/v1/keys", body, {**headers, "Content-Type": content_type})
        assert status == 415 and problem["type"].endswith("/unsupported-media-type"), content_type
    assert len(server.json("GET", "/v1/keys", key=key)[1]["keys"]) == 1  # nothing was made
    assert server.json("POST", "/v1/keys", body, {**headers, "Content-Type": "application/json"})[0] == 201
    # API clients keep sending JSON as they always did.
    assert server.json("POST", "/v1/keys", body, {"Content-Type": "text/plain"}, key=key)[0] == 201


# Unsafe routes that do not authenticate with the session: sign-up (no credentials), log-in (an API
# key only) and the feedback link (a one-time token in the body).
NOT_COOKIE_AUTHENTICATED = {("POST", "/v1/users"), ("POST", "/v1/sessions"), ("POST", "/v1/requests/{id}/feedback")}


def unsafe_routes(server):
    status, document = server.json("GET", "/openapi.json")
    assert status == 200
    for path, operations in document["paths"].items():
        for method in operations:
            if method in ("post", "put", "patch", "delete"):
                yield method.upper(), path


def test_every_cookie_write_needs_the_csrf_token_and_our_origin(server):
    key, _ = server.sign_up()
    cookie, csrf = login(server, key)
    routes = list(unsafe_routes(server))
    assert len(routes) >= 10
    for method, pattern in routes:
        if (method, pattern) in NOT_COOKIE_AUTHENTICATED:
            continue
        path = pattern.replace("{id}", "01J2Z8K4M6Q9R3T5V7W9X1Y3Z5")
        status, problem = server.json(method, path, {}, cookie)
        assert status == 403 and problem["type"].endswith("/forbidden"), (method, path, problem)
        status, problem = server.json(method, path, {}, {**cookie, "X-CSRF-Token": csrf, "Origin": "https://a.example"})
        assert status == 403 and problem["type"].endswith("/cross-origin"), (method, path, problem)
    assert server.request("GET", "/v1/me", headers=cookie)[0] == 200  # nothing above ended the session
