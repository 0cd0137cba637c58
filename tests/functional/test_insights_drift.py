"""GET /v1/insights/drift and /v1/insights/feedback, and `faceloop insights drift|feedback`: real
detects and feedback, then the answers as an analyst; users are refused (403) and bad parameters
answered 422 naming the parameter."""
import datetime
import json
import subprocess

import pytest

COFFEE = "/usr/lib/python3/dist-packages/skimage/data/coffee.png"


@pytest.fixture(scope="module")
def coffee():
    try:
        with open(COFFEE, "rb") as f:
            return f.read()
    except FileNotFoundError:
        pytest.skip("scikit-image's coffee.png is not installed")


def analyst_key(server):
    out = server.cli("users", "create", "--email", "analyst@example.com", "--role", "analyst")
    return out.split("api key (shown once): ", 1)[1].strip()


def detect_both(server, key, astronaut, coffee):
    """The two images' request ids."""
    ids = []
    for image in (astronaut, coffee):
        status, _, body = server.detect(key, image)
        assert status == 200, body
        ids.append(json.loads(body)["request_id"])
    return ids


def this_day():
    """A window FROM..TO of whole hours holding now: the 24 hours up to the next hour."""
    end = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    end += datetime.timedelta(hours=1)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return (end - datetime.timedelta(hours=24)).strftime(fmt) + ".." + end.strftime(fmt)


def test_drift_of_real_detects(server, astronaut, coffee):
    key, _ = server.sign_up()
    detect_both(server, key, astronaut, coffee)
    analyst = analyst_key(server)

    status, drift = server.json("GET", "/v1/insights/drift", key=analyst)
    assert status == 200, drift
    assert drift["thresholds"] == {"psi_warn": 0.1, "psi_alert": 0.25, "ks_alert": 0.1, "mean_shift_alert": 0.5,
                                   "min_sample": 100, "alpha": 0.001, "psi_epsilon": 0.0001}
    features = {f["feature"]: f for f in drift["features"]}
    assert {"faces.confidence", "face_count", "faces.box.height", "image.brightness", "image.width"} <= set(features)
    width = features["image.width"]
    assert width["current"]["count"] == 2 and width["reference"]["count"] == 0
    assert width["psi"] is None and width["verdict"] == "insufficient_data"  # two requests, no reference
    assert all(f["verdict"] == "insufficient_data" for f in drift["features"])

    # Chosen features, repeated and comma-separated; a model version nobody used.
    status, some = server.json("GET", "/v1/insights/drift?feature=image.width&feature=total_ms,face_count",
                               key=analyst)
    assert status == 200 and [f["feature"] for f in some["features"]] == ["face_count", "total_ms", "image.width"]
    status, none = server.json("GET", "/v1/insights/drift?feature=image.width&model_version=nope", key=analyst)
    assert status == 200 and none["model_version"] == "nope" and none["features"][0]["current"]["count"] == 0

    out = server.cli("insights", "drift", "--feature", "image.width", "--format", "json")
    assert json.loads(out)["features"][0]["current"]["count"] == 2
    table = server.cli("insights", "drift", "--format", "table")
    assert "insufficient_data" in table and "faces.confidence" in table and "thresholds" in table


def test_configured_thresholds_and_a_window_against_itself(make_server, astronaut, coffee):
    server = make_server(config="[insights]\nmin_sample = 1\npsi_warn = 0.05\n")
    key, _ = server.sign_up()
    detect_both(server, key, astronaut, coffee)
    window = this_day()
    status, drift = server.json("GET", f"/v1/insights/drift?reference={window}&current={window}",
                                key=analyst_key(server))
    assert status == 200, drift
    assert drift["thresholds"]["min_sample"] == 1 and drift["thresholds"]["psi_warn"] == 0.05
    confidence = next(f for f in drift["features"] if f["feature"] == "faces.confidence")
    assert confidence["reference"] == confidence["current"] and confidence["current"]["count"] >= 1
    assert confidence["psi"] == 0 and confidence["ks"] == 0 and confidence["verdict"] == "stable"


def test_feedback_shares_per_model_version(server, astronaut, coffee):
    key, _ = server.sign_up()
    first, second = detect_both(server, key, astronaut, coffee)
    assert server.json("PUT", f"/v1/requests/{first}/feedback", {"verdict": "correct", "rating": 5}, key=key)[0] == 201
    assert server.json("PUT", f"/v1/requests/{second}/feedback", {"verdict": "incorrect", "rating": 2},
                       key=key)[0] == 201
    analyst = analyst_key(server)

    status, shares = server.json("GET", "/v1/insights/feedback?bucket=hour", key=analyst)
    assert status == 200, shares
    total = shares["total"]
    assert total["count"] == 2
    assert total["correct"] == {"count": 1, "share": 0.5} and total["incorrect"] == {"count": 1, "share": 0.5}
    assert total["partly_correct"] == {"count": 0, "share": 0.0}
    assert total["rating"] == {"count": 2, "mean": 3.5}
    [model] = total["models"]
    assert model["name"] == "retinaface" and model["version"] and model["count"] == 2
    assert sum(b["count"] for b in shares["buckets"]) == 2

    out = server.cli("insights", "feedback", "--bucket", "day", "--format", "json")
    assert json.loads(out)["total"]["correct"]["count"] == 1
    assert "total" in server.cli("insights", "feedback")


@pytest.mark.parametrize("path", ["/v1/insights/drift", "/v1/insights/feedback"])
def test_drift_and_feedback_are_for_analysts_and_admins(server, path):
    key, _ = server.sign_up()
    status, _, body = server.request("GET", path, key=key)
    assert status == 403 and json.loads(body)["type"] == "https://faceloop.dev/problems/forbidden"
    assert server.request("GET", path)[0] == 401
    assert server.request("GET", path, key=server.admin_key())[0] == 200


BAD_PARAMETERS = [
    ("drift?feature=image.widht", "feature"),
    ("drift?feature=total_ms,", "feature"),
    ("drift?reference=2026-11-01T00:00:00Z", "reference"),
    ("drift?current=2026-11-02T00:00:00Z..2026-11-01T00:00:00Z", "current"),
    ("drift?current=inf..2026-11-01T00:00:00Z", "current"),
    ("drift?current=2026-11-01T00:00:00Z..NaN", "current"),
    ("drift?reference=2026-11-01T00:30:00Z..2026-11-02T00:00:00Z", "reference"),
    ("drift?reference=2020-01-01T00:00:00Z..2026-01-01T00:00:00Z", "reference"),
    ("drift?model_version=", "model_version"),
    ("feedback?bucket=year", "bucket"),
    ("feedback?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"),
    ("feedback?to=-inf", "to"),
]


def test_bad_parameters_are_422_naming_them(server):
    analyst = analyst_key(server)
    for query, parameter in BAD_PARAMETERS:
        status, _, body = server.request("GET", "/v1/insights/" + query, key=analyst)
        assert status == 422, (query, body)
        problem = json.loads(body)
        assert problem["type"] == "https://faceloop.dev/problems/unprocessable"
        assert f"parameter {parameter}" in problem["detail"], (query, problem)


def test_cli_refuses_bad_parameters(server):
    for args, parameter in [(["drift", "--feature", "nope"], "feature"), (["feedback", "--bucket", "year"], "bucket"),
                            (["drift", "--format", "xml"], "format")]:
        result = subprocess.run([server.binary, "insights", *args, "--data-dir", server.data_dir],
                                capture_output=True, text=True, env=server.env())
        assert result.returncode == 1 and f"parameter {parameter}" in result.stderr, (args, result.stderr)


def test_openapi_describes_drift_and_feedback(server):
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200
    assert "/v1/insights/drift" in spec["paths"] and "/v1/insights/feedback" in spec["paths"]
