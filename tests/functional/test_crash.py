"""kill -9 after answers: every answered request_id keeps its record and image."""
import json

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
