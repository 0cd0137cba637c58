"""`faceloop backup` while `serve` runs under load, then `faceloop restore` into a new folder: every
request answered before the backup started is there with its image, and nothing half-written is."""
import hashlib
import json
import os
import subprocess

import pytest

from conftest import Load, wait_until


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)


def history(server, key):
    """Every record id of the key's user, through the paged history."""
    ids, cursor = [], None
    while True:
        path = "/v1/requests?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page = server.json("GET", path, key=key)
        assert status == 200, page
        ids += [record["id"] for record in page["requests"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def test_backup_under_load_restores_every_answered_request(make_server, astronaut, tmp_path, backends):
    if backends:
        pytest.skip("backup covers the embedded default; docs/operations.md#backups covers the production backends")
    server = make_server(tmp_path / "live")
    key, _ = server.sign_up()
    backup_dir = tmp_path / "backup"
    with Load(server, key, astronaut, "image/png") as load:
        assert wait_until(lambda: len(load.answered) >= 5, timeout=60)
        answered_before = list(load.answered)
        out = run(server.binary, "backup", "--to", str(backup_dir), "--data-dir", server.data_dir)
        assert wait_until(lambda: len(load.answered) >= len(answered_before) + 3, timeout=60), load.other
    assert out.returncode == 0, out.stderr
    assert "backup written" in out.stdout, out.stdout

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    # The newest images may still wait in the spool (with their records): the restore below shows
    # that each answered request comes back with its image either way.
    assert manifest["counts"]["objects"] + manifest["counts"]["spool_segments"] >= 1
    for entry in manifest["files"]:
        data = (backup_dir / entry["path"]).read_bytes()
        assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
    assert not any("~" in entry["path"] for entry in manifest["files"]), "temp files are never backed up"

    # A second backup into the same folder, or a restore into a used one, is refused.
    assert run(server.binary, "backup", "--to", str(backup_dir), "--data-dir", server.data_dir).returncode == 1
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    refused = run(server.binary, "restore", "--from", str(backup_dir), "--data-dir", str(busy))
    assert refused.returncode == 1 and "not empty" in refused.stderr, refused.stderr

    restored_dir = tmp_path / "restored"
    out = run(server.binary, "restore", "--from", str(backup_dir), "--data-dir", str(restored_dir))
    assert out.returncode == 0, out.stderr
    restored = make_server(restored_dir)
    for request_id in answered_before:
        status, record = restored.json("GET", f"/v1/requests/{request_id}", key=key)
        assert status == 200 and record["id"] == request_id, (request_id, record)
        status, _, image = restored.request("GET", f"/v1/requests/{request_id}/image", key=key)
        assert status == 200 and image == astronaut, request_id
    # Nothing half-written: every record the restored service has comes with its whole image.
    ids = history(restored, key)
    assert set(answered_before) <= set(ids)
    for request_id in ids:
        status, _, image = restored.request("GET", f"/v1/requests/{request_id}/image", key=key)
        assert status == 200 and image == astronaut, request_id


def test_restore_refuses_a_damaged_backup(make_server, astronaut, tmp_path, backends):
    if backends:
        pytest.skip("backup covers the embedded default")
    server = make_server(tmp_path / "live")
    key, _ = server.sign_up()
    assert server.detect(key, astronaut)[0] == 200
    assert wait_until(server.stored_objects)  # out of the spool, into the objects folder
    backup_dir = tmp_path / "backup"
    assert run(server.binary, "backup", "--to", str(backup_dir), "--data-dir", server.data_dir).returncode == 0
    image = next(p for p in backup_dir.rglob("*") if p.is_file() and "objects" in p.parts)
    image.write_bytes(image.read_bytes()[:-1] + b"\0")
    out = run(server.binary, "restore", "--from", str(backup_dir), "--data-dir", str(tmp_path / "restored"))
    assert out.returncode == 1 and "sha256" in out.stderr + out.stdout, out.stderr
    assert not os.path.exists(tmp_path / "restored")


def test_backup_to_s3_and_restore_from_it(make_server, astronaut, tmp_path, backends):
    if not backends:
        pytest.skip("needs the S3 test server (--backends production)")
    # The embedded database and objects, with only the backup going to S3.
    embedded = {"FACELOOP_DATABASE_URL": "", "FACELOOP_OBJECT_STORE_URL": "", "FACELOOP_SEARCH_URL": ""}
    server = make_server(tmp_path / "live", env=embedded)
    key, _ = server.sign_up()
    answered = [json.loads(server.detect(key, astronaut)[2])["request_id"] for _ in range(3)]
    url = f"s3://{backends.bucket}/{backends.s3_prefix}-backup?" + backends.object_store_url.split("?", 1)[1]
    env = server.env()
    out = subprocess.run([server.binary, "backup", "--to", url, "--data-dir", server.data_dir], capture_output=True,
                         text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([server.binary, "restore", "--from", url, "--data-dir", str(tmp_path / "restored")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    restored = make_server(tmp_path / "restored", env=embedded)
    for request_id in answered:
        status, _, image = restored.request("GET", f"/v1/requests/{request_id}/image", key=key)
        assert status == 200 and image == astronaut, request_id
