"""kill -9 after answers: every answered request_id keeps its record and image."""
import json

from conftest import Load, wait_until

N = 6


def test_answered_requests_survive_kill_9(make_server, astronaut, tmp_path):
    data_dir = tmp_path / "crash"
    server = make_server(data_dir)
    key, _ = server.sign_up()
    answered = []
    for _ in range(N):
        status, _, body = server.detect(key, astronaut)
        assert status == 200
        answered.append(json.loads(body)["request_id"])
    server.kill()

    restarted = make_server(data_dir)
    for request_id in answered:
        status, record = restarted.json("GET", f"/v1/requests/{request_id}", key=key)
        assert status == 200 and record["id"] == request_id
        status, _, image = restarted.request("GET", f"/v1/requests/{request_id}/image", key=key)
        assert status == 200 and image == astronaut


def test_kill_9_mid_load_loses_no_answered_request(make_server, astronaut, tmp_path):
    """kill -9 while requests are in flight: every request that got its 200 is there after restart."""
    data_dir = tmp_path / "crash-mid-load"
    server = make_server(data_dir)
    key, _ = server.sign_up()
    with Load(server, key, astronaut, "image/png") as load:
        wait_until(lambda: len(load.answered) >= 5, timeout=60)
        server.kill()  # the load thread's in-flight request fails; it was never answered
    answered = list(load.answered)
    assert len(answered) >= 5

    restarted = make_server(data_dir)
    for request_id in answered:
        assert wait_until(lambda: restarted.json("GET", f"/v1/requests/{request_id}", key=key)[0] == 200, timeout=30)
        status, _, image = restarted.request("GET", f"/v1/requests/{request_id}/image", key=key)
        assert status == 200 and image == astronaut
