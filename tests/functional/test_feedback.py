"""Feedback on predictions: PUT/GET/DELETE /v1/requests/{id}/feedback, the token POST of the rating
e-mail's links, feedback in GET /v1/requests/{id}, and its purge with the account."""
import json
import sqlite3
import subprocess
import time

from conftest import wait_until


def detected(server, key, astronaut):
    """A request of `key`'s user, as GET /v1/requests/{id} shows it (faces and image size)."""
    status, _, body = server.detect(key, astronaut)
    assert status == 200
    request_id = json.loads(body)["request_id"]
    status, record = server.json("GET", f"/v1/requests/{request_id}", key=key)
    assert status == 200 and record["faces"], record
    return record


def feedback_rows(server):
    """Rows of the feedback table, read beside the service (SQLite file or PostgreSQL)."""
    if server.backends:
        out = subprocess.run(["psql", "-tA", server.backends.database_url, "-c", "SELECT COUNT(*) FROM feedback"],
                             check=True, capture_output=True, text=True).stdout
        return int(out.strip())
    with sqlite3.connect(f"{server.data_dir}/faceloop.db") as db:
        return db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]


def analyst_key(server):
    out = server.cli("users", "create", "--email", f"analyst{time.monotonic_ns()}@example.com", "--role", "analyst")
    return out.split("api key (shown once): ", 1)[1].strip()


def mint(server, request_id, *args):
    return server.cli("feedback-token", "--request", request_id, *args).strip()


def test_owner_gives_replaces_reads_and_withdraws_feedback(server, astronaut):
    key, user = server.sign_up()
    record = detected(server, key, astronaut)
    path = f"/v1/requests/{record['id']}/feedback"
    width, height = record["metadata"]["width"], record["metadata"]["height"]
    body = {"verdict": "partly_correct", "wrong_faces": [0],
            "missed_faces": [{"x": 1, "y": 2, "width": width - 1, "height": height - 2}], "rating": 4,
            "comment": "one box is a reflection"}
    status, given = server.json("PUT", path, body, key=key)
    assert status == 201, given
    assert given["user_id"] == user["id"] and given["verdict"] == "partly_correct" and given["channel"] == "api"
    assert given["missed_faces"] == body["missed_faces"] and given["rating"] == 4

    status, replaced = server.json("PUT", path, {"verdict": "correct"}, key=key)
    assert status == 200 and replaced["verdict"] == "correct" and "rating" not in replaced
    assert replaced["created_at"] == given["created_at"]
    assert server.json("GET", path, key=key) == (200, replaced)
    status, shown = server.json("GET", f"/v1/requests/{record['id']}", key=key)
    assert status == 200 and shown["feedback"] == [replaced]

    assert server.request("DELETE", path, key=key)[0] == 204
    assert server.request("GET", path, key=key)[0] == 404
    assert server.request("DELETE", path, key=key)[0] == 404
    assert server.json("GET", f"/v1/requests/{record['id']}", key=key)[1]["feedback"] == []


def test_others_requests_are_404_and_analysts_give_feedback_on_anyones(server, astronaut):
    key_a, _ = server.sign_up()
    key_b, _ = server.sign_up()
    record = detected(server, key_a, astronaut)
    path = f"/v1/requests/{record['id']}/feedback"
    for method in ("PUT", "GET", "DELETE"):
        status, _, body = server.request(method, path, {"verdict": "correct"} if method == "PUT" else None, key=key_b)
        assert status == 404, (method, body)
    assert server.request("PUT", "/v1/requests/NOSUCHREQUEST/feedback", {"verdict": "correct"}, key=key_a)[0] == 404
    assert server.request("PUT", path, {"verdict": "correct"})[0] == 401

    analyst = analyst_key(server)
    assert server.json("PUT", path, {"verdict": "incorrect", "wrong_faces": [0]}, key=analyst)[0] == 201
    assert server.json("PUT", path, {"verdict": "correct"}, key=key_a)[0] == 201
    # The owner sees their own feedback; the analyst everyone's.
    assert [f["verdict"] for f in server.json("GET", f"/v1/requests/{record['id']}", key=key_a)[1]["feedback"]] \
        == ["correct"]
    assert sorted(f["verdict"] for f in server.json("GET", f"/v1/requests/{record['id']}", key=analyst)[1]["feedback"]) \
        == ["correct", "incorrect"]


def test_bad_feedback_is_422_naming_the_field_and_writes_nothing(server, astronaut):
    key, _ = server.sign_up()
    record = detected(server, key, astronaut)
    path = f"/v1/requests/{record['id']}/feedback"
    faces, width = len(record["faces"]), record["metadata"]["width"]
    box = {"x": 0, "y": 0, "width": 10, "height": 10}
    cases = [
        ({"verdict": "great"}, "verdict"),
        ({}, "verdict"),
        ({"verdict": "correct", "stars": 5}, "stars"),
        ({"verdict": "correct", "comment": "x" * 2001}, "comment"),
        ({"verdict": "correct", "rating": 6}, "rating"),
        ({"verdict": "correct", "rating": 2.5}, "rating"),
        ({"verdict": "incorrect", "wrong_faces": [faces]}, "wrong_faces[0]"),
        ({"verdict": "incorrect", "wrong_faces": [0, 0]}, "wrong_faces[1]"),
        ({"verdict": "incorrect", "missed_faces": [dict(box, x=width - 5)]}, "missed_faces[0].width"),
        ({"verdict": "incorrect", "missed_faces": [dict(box, y=-1)]}, "missed_faces[0].y"),
        ({"verdict": "incorrect", "missed_faces": [dict(box, z=1)]}, "missed_faces[0].z"),
        ({"verdict": "correct", "wrong_faces": [0]}, "verdict"),
    ]
    for body, field in cases:
        status, _, answer = server.request("PUT", path, body, key=key)
        problem = json.loads(answer)
        assert status == 422, (body, problem)
        assert problem["type"].endswith("/unprocessable") and problem["detail"].startswith(field + ":"), problem
    # Non-finite numbers: 1e999 is valid JSON that no double holds.
    raw = b'{"verdict": "incorrect", "missed_faces": [{"x": 1e999, "y": 0, "width": 1, "height": 1}]}'
    status, _, answer = server.request("PUT", path, raw, {"Content-Type": "application/json"}, key=key)
    assert status == 422 and json.loads(answer)["detail"].startswith("missed_faces[0].x:")
    assert server.request("GET", path, key=key)[0] == 404
    assert feedback_rows(server) == 0


def test_a_token_gives_feedback_once_without_a_key(server, astronaut):
    key, user = server.sign_up()
    record = detected(server, key, astronaut)
    path = f"/v1/requests/{record['id']}/feedback"
    token = mint(server, record["id"])
    assert token.startswith("flfb_")

    status, _, answer = server.request("POST", path, {"token": token, "verdict": "great"})
    assert status == 422  # a refused body does not use the token up
    status, given = server.json("POST", path, {"token": token, "verdict": "correct", "rating": 5})
    assert status == 200, given
    assert given["user_id"] == user["id"] and given["channel"] == "token" and given["rating"] == 5
    status, again = server.json("POST", path, {"token": token, "verdict": "incorrect"})
    assert status == 409 and again["type"].endswith("/conflict"), again
    assert server.json("GET", path, key=key)[1]["verdict"] == "correct"

    assert server.request("POST", path, {"verdict": "correct"})[0] == 401
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert server.request("POST", path, {"token": tampered, "verdict": "correct"})[0] == 401
    other = detected(server, key, astronaut)
    assert server.request("POST", f"/v1/requests/{other['id']}/feedback",
                          {"token": mint(server, record["id"]), "verdict": "correct"})[0] == 401

    expiring = mint(server, record["id"], "--ttl-seconds", "1")
    time.sleep(2.1)
    status, expired = server.json("POST", path, {"token": expiring, "verdict": "correct"})
    assert status == 410 and expired["type"].endswith("/gone"), expired


def test_feedback_goes_with_the_account(server, backends, astronaut):
    key, _ = server.sign_up()
    record = detected(server, key, astronaut)
    path = f"/v1/requests/{record['id']}/feedback"
    analyst = analyst_key(server)
    assert server.json("PUT", path, {"verdict": "correct"}, key=key)[0] == 201
    assert server.json("PUT", path, {"verdict": "incorrect", "wrong_faces": [0]}, key=analyst)[0] == 201
    query = {"term": {"request_id": record["id"]}}
    if backends:
        assert wait_until(lambda: backends.search_count("feedback", query) == 2)

    assert server.request("DELETE", "/v1/me", key=key)[0] == 204
    assert server.request("GET", f"/v1/requests/{record['id']}", key=analyst)[0] == 404
    assert feedback_rows(server) == 0  # the owner's, and the analyst's on the owner's request
    if backends:
        assert wait_until(lambda: backends.search_count("feedback", query) == 0)
