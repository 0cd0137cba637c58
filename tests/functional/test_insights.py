"""GET /v1/insights/summary and `faceloop insights summary`: real detects, then the summary as an
analyst; users are refused (403) and bad parameters answered 422 naming the parameter."""
import json
import os
import subprocess

import pytest

COFFEE = "/usr/lib/python3/dist-packages/skimage/data/coffee.png"


@pytest.fixture(scope="module")
def coffee():
    if not os.path.exists(COFFEE):
        pytest.skip("scikit-image's coffee.png is not installed")
    with open(COFFEE, "rb") as f:
        return f.read()


def analyst_key(server):
    out = server.cli("users", "create", "--email", "analyst@example.com", "--role", "analyst")
    return out.split("api key (shown once): ", 1)[1].strip()


def test_summary_counts_real_detects(server, astronaut, coffee):
    key, user = server.sign_up()
    faces = 0
    for image in (astronaut, coffee):
        status, _, body = server.detect(key, image)
        assert status == 200, body
        faces += len(json.loads(body)["faces"])
    status, _, _ = server.detect(key, b"hello, I am not an image" * 10, "image/jpeg")
    assert status == 415
    analyst = analyst_key(server)

    status, summary = server.json("GET", "/v1/insights/summary?bucket=day", key=analyst)
    assert status == 200, summary
    total = summary["total"]
    assert summary["bucket"] == "day" and len(summary["buckets"]) >= 7
    assert total["requests"] == 3 and total["errors"] == 1
    assert total["errors_by_type"]["unsupported-media-type"]["count"] == 1
    assert total["faces"] == faces >= 1
    assert total["users"] == {"unique": 1, "returning": 0, "new": 2}  # the user and the analyst signed up
    assert total["latency_ms"]["count"] == 2 and total["latency_ms"]["p50"] > 0
    assert total["confidence"]["count"] == faces and 0 < total["confidence"]["p50"] <= 1
    assert sum(b["requests"] for b in summary["buckets"]) == 3
    versions = [m for m in total["models"] if m["version"]]
    assert len(versions) == 1 and versions[0]["requests"] == 2 and versions[0]["faces"] == faces

    # The CLI reads the same rollups from the configured database.
    out = server.cli("insights", "summary", "--bucket", "week", "--format", "json")
    assert json.loads(out)["total"]["requests"] == 3
    table = server.cli("insights", "summary", "--format", "table")
    assert "total" in table and "requests" in table
    # Recomputed from the stored records: the same counts.
    assert server.cli("insights", "rebuild").strip() == "rollups rebuilt from 3 records"
    status, again = server.json("GET", "/v1/insights/summary?bucket=day", key=analyst)
    assert status == 200 and again["total"] == total


def test_summary_is_for_analysts_and_admins(server):
    key, _ = server.sign_up()
    status, _, body = server.request("GET", "/v1/insights/summary", key=key)
    assert status == 403
    assert json.loads(body)["type"] == "https://faceloop.dev/problems/forbidden"
    assert server.request("GET", "/v1/insights/summary")[0] == 401
    assert server.request("GET", "/v1/insights/summary", key=server.admin_key())[0] == 200


BAD_PARAMETERS = [
    ("bucket=year", "bucket"),
    ("from=yesterday", "from"),
    ("to=inf", "to"),
    ("from=NaN", "from"),
    ("from=2026-11-01T00:30:00Z", "from"),
    ("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"),
    ("from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
    ("from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&bucket=hour", "bucket"),
]


def test_bad_parameters_are_422_naming_them(server):
    analyst = analyst_key(server)
    for query, parameter in BAD_PARAMETERS:
        status, _, body = server.request("GET", "/v1/insights/summary?" + query, key=analyst)
        assert status == 422, (query, body)
        problem = json.loads(body)
        assert problem["type"] == "https://faceloop.dev/problems/unprocessable"
        assert f"parameter {parameter}" in problem["detail"], (query, problem)


def test_cli_refuses_bad_parameters(server):
    result = subprocess.run([server.binary, "insights", "summary", "--bucket", "year", "--data-dir", server.data_dir],
                            capture_output=True, text=True, env=server.env())
    assert result.returncode == 1 and "parameter bucket" in result.stderr


def test_openapi_describes_the_summary(server):
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200 and "/v1/insights/summary" in spec["paths"]
