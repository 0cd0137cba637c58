"""The history's face-count filters, done by the server (GET /v1/requests?min_faces=&max_faces=)."""
from conftest import wait_until


def test_face_count_filters(server, astronaut):
    key, _ = server.sign_up()
    assert server.detect(key, astronaut)[0] == 200  # one face
    assert server.detect(key, b"not an image")[0] == 415  # a failed request: 0 faces
    status, page = server.json("GET", "/v1/requests?min_faces=1", key=key)
    assert status == 200 and [r["face_count"] for r in page["requests"]] == [1]
    # A failed request's record is spooled after its 4xx, without being waited for: poll for it.
    failed = wait_until(lambda: server.json("GET", "/v1/requests?max_faces=0", key=key)[1]["requests"], timeout=10)
    assert [r["status"] for r in failed] == [415]
    status, page = server.json("GET", "/v1/requests?min_faces=2&max_faces=5", key=key)
    assert status == 200 and page["requests"] == []
    for query, name in (("min_faces=-1", "min_faces"), ("min_faces=1.5", "min_faces"), ("max_faces=x", "max_faces"),
                        ("min_faces=", "min_faces"), ("min_faces=3&max_faces=2", "max_faces")):
        status, problem = server.json("GET", f"/v1/requests?{query}", key=key)
        assert status == 422 and name in problem["detail"], (query, problem)
