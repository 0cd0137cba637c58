"""Dataset exports through the real service (docs/datasets.md): `faceloop export` and the API job
(POST /v1/exports, its status, the list and the tar archive). A planted near-duplicate (the same
picture re-encoded at another JPEG quality) is exported once; a user who opted out of training use
and a deleted user never appear; GET /v1/me/export names the exports that hold a user's images."""
import io
import json
import os
import sqlite3
import tarfile
import uuid

import pytest

from conftest import ASTRONAUT, wait_until

PIL = pytest.importorskip("PIL")
from PIL import Image  # noqa: E402

SKIMAGE = os.path.dirname(ASTRONAUT)


def jpeg(name, quality):
    path = os.path.join(SKIMAGE, name)
    if not os.path.exists(path):
        pytest.skip(f"scikit-image's {name} is not installed")
    out = io.BytesIO()
    Image.open(path).convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def user_key(server, role):
    out = server.cli("users", "create", "--email", f"{role}-{uuid.uuid4().hex}@example.com", "--role", role)
    return out.split("api key (shown once): ", 1)[1].strip()


def upload(server, key, data):
    status, _, body = server.detect(key, data, "image/jpeg")
    assert status == 200, body
    request_id = json.loads(body)["request_id"]
    # Waits for the image to leave the spool: `faceloop export` reads the data folder directly.
    assert server.request("GET", f"/v1/requests/{request_id}/image", key=key)[0] == 200
    return request_id


def stored(server, key, count):
    """Waits until the database holds `count` of the user's records (the shipper is asynchronous)."""
    def ready():
        status, page = server.json("GET", "/v1/requests?limit=100", key=key)
        return status == 200 and len(page["requests"]) >= count
    wait_until(ready, timeout=30)


@pytest.fixture
def traffic(server):
    """Who uploaded what: `kept` has two pictures (plus a re-encoded copy of one), `out` opted
    out, `gone` deleted the account."""
    kept, kept_user = server.sign_up()
    out, _ = server.sign_up()
    gone, _ = server.sign_up()
    ids = {"astronaut": upload(server, kept, jpeg("astronaut.png", 92)),
           "copy": upload(server, kept, jpeg("astronaut.png", 55)),
           "coffee": upload(server, kept, jpeg("coffee.png", 90)),
           "out": upload(server, out, jpeg("chelsea.png", 90)),
           "gone": upload(server, gone, jpeg("rocket.jpg", 90))}
    stored(server, kept, 3)
    stored(server, out, 1)
    stored(server, gone, 1)
    status, prefs = server.json("PATCH", "/v1/me/preferences", {"training_use": False}, key=out)
    assert status == 200 and prefs["training_use"] is False, prefs
    assert server.request("DELETE", "/v1/me", key=gone)[0] == 204
    return {"kept": kept, "kept_user": kept_user, "ids": ids}


def test_cli_export_drops_near_duplicates_opted_out_and_deleted_users(server, traffic, tmp_path):
    out = tmp_path / "coco"
    printed = json.loads(server.cli("export", "--strategy", "random,uncertain", "--format", "coco", "--to", str(out)))
    assert printed["status"] == "complete", printed
    coco = json.loads((out / "annotations.json").read_text())
    exported = {image["faceloop_request_id"] for image in coco["images"]}
    ids = traffic["ids"]
    assert len(exported) == 2 and ids["coffee"] in exported
    assert len(exported & {ids["astronaut"], ids["copy"]}) == 1  # the re-encoded copy counts once
    assert printed["counts"]["dropped"]["near_duplicate"] == 1
    assert ids["out"] not in exported and ids["gone"] not in exported
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} >= {"annotations.json"}
    assert [s["strategy"] for s in manifest["params"]["strategies"]] == ["random", "uncertain"]
    assert not [p for p in os.listdir(tmp_path) if ".partial-" in p]


def test_cli_refuses_bad_parameters_naming_them(server, tmp_path):
    import subprocess
    for args, named in ((["--strategy", "nope"], "strategy"), (["--strategy", "random", "--format", "voc"], "format"),
                        (["--strategy", "random", "--from", "2026-02-01T00:00:00Z", "--until",
                          "2026-01-01T00:00:00Z"], "from")):
        run = subprocess.run([server.binary, "export", *args, "--to", str(tmp_path / "x"), "--data-dir",
                              server.data_dir], capture_output=True, text=True, env=server.env())
        assert run.returncode == 1 and f"parameter {named}" in run.stderr, run.stderr
        assert not (tmp_path / "x").exists()


def test_api_job_lifecycle_and_archive(server, traffic):
    analyst = user_key(server, "analyst")
    body = {"strategies": ["random"], "format": "labelstudio", "params": {"random": {"seed": 7}}}
    assert server.json("POST", "/v1/exports", body, key=traffic["kept"])[0] == 403
    status, problem = server.json("POST", "/v1/exports", {**body, "format": "voc"}, key=analyst)
    assert status == 422 and "format" in problem["detail"], problem
    status, problem = server.json("POST", "/v1/exports", {**body, "to": "/tmp/elsewhere"}, key=analyst)
    assert status == 422 and "parameter to" in problem["detail"], problem
    status, started = server.json("POST", "/v1/exports", body, key=analyst)
    assert status == 202 and started["status"] in ("running", "complete"), started
    url = started["url"]

    def done():
        return server.json("GET", url, key=analyst)[1]["status"] != "running"
    wait_until(done, timeout=60)
    status, job = server.json("GET", url, key=analyst)
    assert job["status"] == "complete", job
    assert job["counts"]["images"] == 2 and job["counts"]["per_strategy"]["random"] == 2
    status, listing = server.json("GET", "/v1/exports", key=analyst)
    assert status == 200 and job["id"] in [e["id"] for e in listing["exports"]]

    status, headers, data = server.request("GET", job["archive_url"], key=analyst)
    assert status == 200 and headers["Content-Type"] == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        tasks = json.load(tar.extractfile(f"{job['id']}/tasks.json"))
        manifest = json.load(tar.extractfile(f"{job['id']}/manifest.json"))
    assert {f"{job['id']}/{f['path']}" for f in manifest["files"]} <= set(names)
    assert len(tasks) == 2
    for task in tasks:
        assert f"{job['id']}/{task['data']['image']}" in names
        for result in task["predictions"][0]["result"]:
            assert result["type"] == "rectanglelabels" and result["value"]["rectanglelabels"] == ["face"]
            assert 0 <= result["value"]["x"] <= 100 and 0 <= result["value"]["width"] <= 100

    # The user's own export names the training sets holding their images.
    status, mine = server.json("GET", "/v1/me/export", key=traffic["kept"])
    assert status == 200 and job["id"] in mine["account"]["dataset_exports"], mine["account"]
    assert server.json("GET", "/v1/exports/nope", key=analyst)[0] == 404

    # Deleting the account leaves the export as it is, and its event names it (read from the
    # embedded database).
    assert server.request("DELETE", "/v1/me", key=traffic["kept"])[0] == 204
    if server.backends:
        return

    def deletion_event():
        with sqlite3.connect(os.path.join(server.data_dir, "faceloop.db"), timeout=30) as db:
            return db.execute("SELECT data_json FROM events WHERE type = 'account_deleted' AND user_id = ?",
                              (traffic["kept_user"]["id"],)).fetchone()
    wait_until(deletion_event, timeout=30)
    assert job["id"] in json.loads(deletion_event()[0])["dataset_exports"]
