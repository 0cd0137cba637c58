"""Production backends end to end: records and images reach PostgreSQL, S3 and OpenSearch exactly
once, also across outages of each server and across several service processes. An outage is a
cut TCP forwarder between the service and that server (conftest.Forwarder: live connections hung
up, the port refusing), so the shared servers stay up for the tests that run meanwhile.

Runs with `--backends production` only (ctest's functional_production* entries); the servers come from
tests/servers/all.sh. FACELOOP_FAULT_SECONDS (default 60) is how long each outage lasts.
"""
import json
import os
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest

import conftest
from conftest import Forwarder, Load, wait_until

FAULT_SECONDS = float(os.environ.get("FACELOOP_FAULT_SECONDS", "60"))


@pytest.fixture
def production(backends):
    if backends is None:
        pytest.skip("needs --backends production")
    return backends


def through_forwarder(production, backend):
    """A Forwarder to `backend`'s server and the environment that makes the service use it."""
    if backend == "postgres":
        url = urllib.parse.urlsplit(production.database_url)
        forwarder = Forwarder(url.port)
        return forwarder, {"FACELOOP_DATABASE_URL": production.database_url.replace(
            f"@{url.hostname}:{url.port}/", f"@127.0.0.1:{forwarder.port}/")}
    if backend == "s3":
        port = urllib.parse.urlsplit(production.s3_endpoint).port
        forwarder = Forwarder(port)
        return forwarder, {"FACELOOP_OBJECT_STORE_URL": production.object_store_url.replace(
            f"127.0.0.1:{port}", f"127.0.0.1:{forwarder.port}")}
    assert backend == "opensearch"
    port = urllib.parse.urlsplit(production.search_url).port
    forwarder = Forwarder(port)
    return forwarder, {"FACELOOP_SEARCH_URL": f"http://127.0.0.1:{forwarder.port}"}


def missing_anywhere(server, backends, key, ids):
    """What is missing of `ids` in the database (via the API), S3 and the search index; {} when
    every id is in each exactly once."""
    missing = {}
    in_database = sum(1 for i in ids if server.json("GET", f"/v1/requests/{i}", key=key)[0] == 200)
    if in_database != len(ids):
        missing["database"] = len(ids) - in_database
    wanted = set(ids)
    in_s3 = [k.rsplit("/", 1)[-1].split(".")[0] for k in backends.s3_keys()]
    if sorted(i for i in in_s3 if i in wanted) != sorted(wanted):
        missing["s3"] = len(wanted) - len(set(in_s3) & wanted)
    docs = backends.search_count("requests", {"terms": {"request_id": list(ids)}})
    if docs != len(ids):
        missing["search"] = len(ids) - docs
    return missing


def arrived_everywhere(server, backends, key, ids):
    return not missing_anywhere(server, backends, key, ids)


def test_records_and_images_reach_every_backend(make_server, production, astronaut):
    server = make_server()
    key, user = server.sign_up()
    ids = []
    for _ in range(5):
        status, _, body = server.detect(key, astronaut)
        assert status == 200, body
        ids.append(json.loads(body)["request_id"])
    assert wait_until(lambda: arrived_everywhere(server, production, key, ids), timeout=60)
    # Shipped images leave the local folder; reads come from S3.
    assert wait_until(lambda: not any(files for _, _, files in os.walk(os.path.join(server.data_dir, "objects"))))
    status, _, image = server.request("GET", f"/v1/requests/{ids[0]}/image", key=key)
    assert status == 200 and image == astronaut
    # User events and the detect events the requests imply, by type.
    assert wait_until(lambda: production.search_count("events", {"term": {"user_id": user["id"]}}) >= 6)
    assert production.search_count("events", {"term": {"type": "signup"}}) == 1
    assert production.search_count("events", {"term": {"type": "detect"}}) == 5
    status, ready = server.json("GET", "/readyz")
    assert status == 200 and ready["status"] == "ready", ready


@pytest.fixture(scope="module")
def vga_jpeg():
    """The astronaut as a 640x480 JPEG (~40 KB): realistic traffic that a 2-core machine can carry."""
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.open(conftest.ASTRONAUT).convert("RGB").resize((640, 480)).save(out, format="JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize("backend", ["postgres", "s3", "opensearch"])
def test_an_outage_loses_nothing(make_server, production, vga_jpeg, backend):
    forwarder, env = through_forwarder(production, backend)
    server = make_server(env=env)
    key, _ = server.sign_up()
    status, _, _ = server.detect(key, vga_jpeg, "image/jpeg")  # warm up the detector and the credential cache
    assert status == 200
    with Load(server, key, vga_jpeg) as load:
        time.sleep(2)
        forwarder.cut()
        try:
            time.sleep(FAULT_SECONDS)
            _, ready = server.json("GET", "/readyz")
            assert ready["status"] == "degraded", ready
        finally:
            forwarder.restore()
        time.sleep(2)
    answered = load.answered
    assert len(answered) > 10, (len(answered), load.other)
    arrived = wait_until(lambda: arrived_everywhere(server, production, key, answered), timeout=180)
    status, ready = server.json("GET", "/readyz")
    assert arrived, (len(answered), missing_anywhere(server, production, key, answered), ready, server.log()[-3000:])
    assert status == 200 and ready["status"] == "ready", ready


def test_two_processes_work_as_one(make_server, production, astronaut, tmp_path):
    pepper = {"FACELOOP_PEPPER_FILE": str(tmp_path / "shared-pepper")}
    a = make_server(tmp_path / "a", env=pepper)
    b = make_server(tmp_path / "b", env=pepper)
    key, _ = a.sign_up()
    status, _, body = b.detect(key, astronaut)
    assert status == 200, body
    request_id = json.loads(body)["request_id"]
    # Shipped from b's spool to the shared database and bucket, readable through a.
    assert wait_until(lambda: a.json("GET", f"/v1/requests/{request_id}", key=key)[0] == 200)
    assert wait_until(lambda: a.request("GET", f"/v1/requests/{request_id}/image", key=key)[2] == astronaut)

    status, second = b.json("POST", "/v1/keys", {"name": "second"}, key=key)
    assert status == 201
    assert a.json("GET", "/v1/me", key=second["secret"])[0] == 200
    status, _, _ = a.request("DELETE", f"/v1/keys/{second['id']}", key=key)
    assert status == 204
    # Refused by the other process on the very next request: every request checks the database.
    assert b.json("GET", "/v1/me", key=second["secret"])[0] == 401


def late_forwarder(target_port, delay):
    """A Forwarder to `target_port` on 127.0.0.1 that starts listening only after `delay` seconds: a
    database that comes up after the service. Its port is held, refusing, meanwhile."""
    forwarder = Forwarder(target_port)
    forwarder.cut()
    threading.Timer(delay, forwarder.restore).start()
    return forwarder


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database on the test server (dropped afterwards); its URL."""
    admin = conftest.require_env("FACELOOP_TEST_DATABASE_URL")
    name = "faceloop_late_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    yield admin.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["psql", "-q", admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False,
                   capture_output=True)


def test_serve_waits_for_a_database_that_comes_up_later(make_server, fresh_database, astronaut):
    """`serve` started before its PostgreSQL retries (logged) instead of exiting, and then works."""
    url = urllib.parse.urlsplit(fresh_database)
    late = late_forwarder(url.port, delay=3)
    proxied = fresh_database.replace(f"@{url.hostname}:{url.port}/", f"@127.0.0.1:{late.port}/")
    assert proxied != fresh_database
    server = make_server(env={"FACELOOP_DATABASE_URL": proxied})
    assert "PostgreSQL is not reachable yet; retrying" in server.log()
    key, _ = server.sign_up()
    status, _, _ = server.detect(key, astronaut, "image/png")
    assert status == 200
