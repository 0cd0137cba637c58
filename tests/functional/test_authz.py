"""One user cannot see another's records, images or keys."""
import json


def test_users_cannot_read_each_others_data(server, astronaut):
    key_a, _ = server.sign_up()
    key_b, _ = server.sign_up()
    status, _, body = server.detect(key_b, astronaut)
    assert status == 200
    request_id = json.loads(body)["request_id"]

    assert server.request("GET", f"/v1/requests/{request_id}", key=key_a)[0] == 404
    assert server.request("GET", f"/v1/requests/{request_id}/image", key=key_a)[0] == 404
    status, listing = server.json("GET", "/v1/requests", key=key_a)
    assert status == 200 and listing["requests"] == []
    status, listing = server.json("GET", "/v1/requests?user_id=x", key=key_a)
    assert status == 200 and listing["requests"] == []

    status, keys_b = server.json("GET", "/v1/keys", key=key_b)
    key_id_b = keys_b["keys"][0]["id"]
    assert server.request("DELETE", f"/v1/keys/{key_id_b}", key=key_a)[0] == 404
    assert server.request("GET", "/v1/me", key=key_b)[0] == 200


def test_requests_without_credentials_are_401(server):
    for method, path in [("GET", "/v1/requests"), ("GET", "/v1/me"), ("GET", "/v1/keys"), ("POST", "/v1/detect")]:
        status, _, body = server.request(method, path)
        assert status == 401, path
        assert json.loads(body)["status"] == 401
    assert server.request("GET", "/v1/me", key="not-a-token")[0] == 401
    assert server.request("GET", "/v1/me", headers={"Authorization": "Basic abc"})[0] == 401


def test_analyst_reads_everyones_records_and_pages(server, astronaut):
    key_a, user_a = server.sign_up()
    ids = []
    for _ in range(3):
        status, _, body = server.detect(key_a, astronaut)
        assert status == 200
        ids.append(json.loads(body)["request_id"])
    # `faceloop users create` works on the live data folder (SQLite WAL, shared pepper).
    out = server.cli("users", "create", "--email", "analyst@example.com", "--role", "analyst")
    analyst_key = out.split("api key (shown once): ", 1)[1].strip()

    status, record = server.json("GET", f"/v1/requests/{ids[0]}", key=analyst_key)
    assert status == 200 and record["user_id"] == user_a["id"]
    status, page1 = server.json("GET", f"/v1/requests?limit=2&user_id={user_a['id']}", key=analyst_key)
    assert status == 200 and [r["id"] for r in page1["requests"]] == ids[:0:-1]
    status, page2 = server.json("GET", f"/v1/requests?limit=2&cursor={page1['next_cursor']}", key=analyst_key)
    assert [r["id"] for r in page2["requests"]] == ids[:1] and page2["next_cursor"] is None
    # Above any confidence the default detector gives the astronaut (RetinaFace: 0.9995).
    status, none = server.json("GET", "/v1/requests?min_confidence=0.9999", key=key_a)
    assert status == 200 and none["requests"] == []
    assert server.request("GET", "/v1/requests?limit=0", key=key_a)[0] == 422
    assert server.request("GET", "/v1/requests?from=yesterday", key=key_a)[0] == 422
