"""GET /v1/insights/outliers and /v1/insights/correlations, and `faceloop insights outliers|correlations`:
real detects, then the analyses as an analyst; users are refused (403) and bad parameters answered 422
naming the parameter."""
import json
import subprocess


def analyst_key(server):
    out = server.cli("users", "create", "--email", "analyst@example.com", "--role", "analyst")
    return out.split("api key (shown once): ", 1)[1].strip()


def test_analyses_over_real_detects(server, astronaut):
    key, _ = server.sign_up()
    status, _, body = server.detect(key, astronaut)
    assert status == 200, body
    analyst = analyst_key(server)

    status, correlations = server.json("GET", "/v1/insights/correlations", key=analyst)
    assert status == 200, correlations
    pairs = {(p["field"], p["target"]): p for p in correlations["correlations"]}
    brightness = pairs[("image.brightness", "confidence_max")]
    assert brightness["n"] == 1 and brightness["pearson"] is None  # one request: no correlation yet
    assert len(brightness["deciles"]) == 1 and brightness["deciles"][0]["count"] == 1
    assert ("image.width", "face_count") in pairs and ("image.contrast", "confidence_mean") in pairs

    # No reference week before the window: nothing is unusual, and the reference says why.
    status, outliers = server.json("GET", "/v1/insights/outliers?limit=5&threshold=4", key=analyst)
    assert status == 200, outliers
    assert outliers["outliers"] == [] and outliers["limit"] == 5 and outliers["threshold"] == 4
    assert outliers["reference"]["latency_p99_ms"] is None

    out = server.cli("insights", "correlations", "--format", "json")
    assert json.loads(out)["correlations"][0]["field"].startswith("image.")
    assert "pearson" in server.cli("insights", "correlations")
    assert json.loads(server.cli("insights", "outliers", "--format", "json", "--limit", "3"))["limit"] == 3
    assert "(none)" in server.cli("insights", "outliers")


def test_analyses_are_for_analysts_and_admins(server):
    key, _ = server.sign_up()
    for path in ("/v1/insights/outliers", "/v1/insights/correlations"):
        status, _, body = server.request("GET", path, key=key)
        assert status == 403, path
        assert json.loads(body)["type"] == "https://faceloop.dev/problems/forbidden"
        assert server.request("GET", path)[0] == 401
        assert server.request("GET", path, key=server.admin_key())[0] == 200


BAD_PARAMETERS = [
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("limit=ten", "limit"),
    ("limit=5.5", "limit"),
    ("threshold=inf", "threshold"),
    ("threshold=NaN", "threshold"),
    ("threshold=0.5", "threshold"),
    ("threshold=", "threshold"),
    ("from=NaN", "from"),
    ("to=inf", "to"),
    ("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"),
    ("from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
]


def test_bad_parameters_are_422_naming_them(server):
    analyst = analyst_key(server)
    for path in ("/v1/insights/outliers", "/v1/insights/correlations"):
        for query, parameter in BAD_PARAMETERS:
            if path.endswith("correlations") and parameter in ("limit", "threshold"):
                continue  # not parameters of correlations
            status, _, body = server.request("GET", path + "?" + query, key=analyst)
            assert status == 422, (path, query, body)
            problem = json.loads(body)
            assert problem["type"] == "https://faceloop.dev/problems/unprocessable"
            assert f"parameter {parameter}" in problem["detail"], (path, query, problem)


def test_cli_refuses_bad_parameters(server):
    for args, parameter in ((["outliers", "--limit", "0"], "limit"), (["correlations", "--from", "x"], "from")):
        result = subprocess.run([server.binary, "insights", *args, "--data-dir", server.data_dir],
                                capture_output=True, text=True, env=server.env())
        assert result.returncode == 1 and f"parameter {parameter}" in result.stderr, result.stderr


def test_openapi_describes_the_analyses(server):
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200
    assert "/v1/insights/outliers" in spec["paths"] and "/v1/insights/correlations" in spec["paths"]
