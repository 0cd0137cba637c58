"""GET/PATCH /v1/me/preferences on the real binary: the configured defaults until a user chooses,
either field changed alone, bad bodies refused with 422 naming the field and nothing written, a
cookie session's PATCH needing its CSRF token, and anonymous callers refused."""
import json


def login(server, key):
    status, headers, body = server.request("POST", "/v1/sessions", key=key)
    assert status == 201, body
    return {"Cookie": headers["Set-Cookie"].split(";")[0]}, json.loads(body)["csrf_token"]


def test_defaults_then_choices(make_server):
    server = make_server(config="[datasets]\ntraining_use_default = false\n")
    key, _ = server.sign_up()
    assert server.json("GET", "/v1/me/preferences", key=key) == (200, {"rating_email": True, "training_use": False})
    status, body = server.json("PATCH", "/v1/me/preferences", {"training_use": True}, key=key)
    assert (status, body) == (200, {"rating_email": True, "training_use": True})
    status, body = server.json("PATCH", "/v1/me/preferences", {"rating_email": False}, key=key)
    assert (status, body) == (200, {"rating_email": False, "training_use": True})
    assert server.json("GET", "/v1/me/preferences", key=key) == (200, {"rating_email": False, "training_use": True})
    other, _ = server.sign_up()  # one user's choice is not another's
    assert server.json("GET", "/v1/me/preferences", key=other)[1] == {"rating_email": True, "training_use": False}


def test_bad_bodies_are_422_naming_the_field_and_change_nothing(server):
    key, _ = server.sign_up()
    for body, field in (({"training_use": "no"}, "training_use"), ({"rating_email": 0}, "rating_email"),
                        ({"rating_email": False, "newsletter": True}, "newsletter")):
        status, headers, data = server.request("PATCH", "/v1/me/preferences", body, key=key)
        problem = json.loads(data)
        assert status == 422 and headers["Content-Type"].startswith("application/problem+json"), data
        assert field in problem["detail"], problem
    assert server.request("PATCH", "/v1/me/preferences", b"[1]", {"Content-Type": "application/json"}, key)[0] == 400
    assert server.json("GET", "/v1/me/preferences", key=key)[1] == {"rating_email": True, "training_use": True}


def test_cookie_sessions_need_the_csrf_token_and_anonymous_callers_are_refused(server):
    key, _ = server.sign_up()
    cookie, csrf = login(server, key)
    assert server.json("GET", "/v1/me/preferences", headers=cookie)[0] == 200
    assert server.json("PATCH", "/v1/me/preferences", {"rating_email": False}, headers=cookie)[0] == 403
    assert server.json("GET", "/v1/me/preferences", key=key)[1]["rating_email"] is True
    status, body = server.json("PATCH", "/v1/me/preferences", {"rating_email": False},
                               headers={**cookie, "X-CSRF-Token": csrf})
    assert (status, body["rating_email"]) == (200, False)
    assert server.json("GET", "/v1/me/preferences")[0] == 401
    assert server.json("PATCH", "/v1/me/preferences", {"rating_email": False})[0] == 401
