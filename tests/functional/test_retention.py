"""Retention and the user's data export, through the real binary: `faceloop purge [--dry-run]` counts,
then removes old records, their images and (with --backends production) their search documents;
late search documents of a deleted account go too; GET /v1/me/export pages through the caller's
own data and nothing else."""
import datetime
import json
import os
import sys
import time
import urllib.request

import pytest

from conftest import wait_until

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import replay  # noqa: E402

CLIENT_TIME = "[testing]\nallow_client_time = true\n"


def detect_at(server, key, image, when):
    status, body = replay.send(server.base, key, image, when, content_type="image/png")
    assert status == 200, body
    return body["request_id"]


def search_ids(backends, ids):
    return backends.search_count("requests", {"ids": {"values": ids}})


def test_purge_dry_run_counts_then_removes_rows_files_and_documents(make_server, astronaut, backends):
    server = make_server(config=CLIENT_TIME)
    key, _ = server.sign_up()
    now = datetime.datetime.now(datetime.timezone.utc)
    old = [detect_at(server, key, astronaut, now - datetime.timedelta(days=40)) for _ in range(2)]
    new = [detect_at(server, key, astronaut, now)]
    assert server.json("GET", "/v1/requests", key=key)[0] == 200  # read-your-writes: all in the database
    if backends:
        assert wait_until(lambda: search_ids(backends, old + new) == 3, timeout=60)
        assert wait_until(lambda: backends.search_count("events", {"ids": {"values": old + new}}) == 3, timeout=60)

    retention = ["--records-days", "30", "--events-days", "30"]
    dry = json.loads(server.cli("purge", "--dry-run", *retention))
    assert dry["dry_run"] is True
    assert dry["counts"]["records"] == 2 and dry["counts"]["input_images"] == 2, dry
    assert dry["counts"]["events"] == 2, dry  # the two old detect events; the sign-up is recent
    for request_id in old + new:
        assert server.json("GET", f"/v1/requests/{request_id}", key=key)[0] == 200
    assert wait_until(lambda: sum(any(i in path for path in server.stored_objects()) for i in old + new) == 3)

    real = json.loads(server.cli("purge", *retention))
    assert real["counts"] == dry["counts"], (real, dry)
    for request_id in old:
        assert server.json("GET", f"/v1/requests/{request_id}", key=key)[0] == 404
        assert not any(request_id in path for path in server.stored_objects()), request_id
    status, _, image = server.request("GET", f"/v1/requests/{new[0]}/image", key=key)
    assert status == 200 and image == astronaut
    if backends:
        assert search_ids(backends, old) == 0
        assert search_ids(backends, new) == 1
        # The detect events (their _id is the request id) past events_days went too.
        assert backends.search_count("events", {"ids": {"values": old}}) == 0
        assert backends.search_count("events", {"ids": {"values": new}}) == 1
    again = json.loads(server.cli("purge", *retention))
    assert again["counts"]["records"] == 0 and again["counts"]["input_images"] == 0, again


def test_images_only_retention_keeps_the_record(make_server, astronaut):
    server = make_server(config=CLIENT_TIME)
    key, _ = server.sign_up()
    now = datetime.datetime.now(datetime.timezone.utc)
    old = detect_at(server, key, astronaut, now - datetime.timedelta(days=10))
    assert server.json("GET", "/v1/requests", key=key)[0] == 200
    # An image no record names (a request that failed after its image was written): found by its day.
    day = (now - datetime.timedelta(days=9)).strftime("%Y/%m/%d")
    orphan = os.path.join(server.data_dir, "objects", "inputs", day, "orphan0000000000000000000000.png")
    os.makedirs(os.path.dirname(orphan), exist_ok=True)
    with open(orphan, "wb") as f:
        f.write(astronaut)
    dry = json.loads(server.cli("purge", "--dry-run", "--input-images-days", "7"))
    assert dry["counts"]["input_images"] == 1 and dry["counts"]["unreferenced_images"] == 1, dry
    assert os.path.exists(orphan)
    out = json.loads(server.cli("purge", "--input-images-days", "7"))
    assert out["counts"]["input_images"] == 1 and out["counts"]["records"] == 0, out
    assert out["counts"]["unreferenced_images"] == 1 and not os.path.exists(orphan), out
    status, record = server.json("GET", f"/v1/requests/{old}", key=key)
    assert status == 200 and record["id"] == old
    assert server.request("GET", f"/v1/requests/{old}/image", key=key)[0] == 404


def test_purge_refuses_bad_periods(server):
    import subprocess

    out = subprocess.run([server.binary, "purge", "--records-days", "-3", "--data-dir", server.data_dir],
                         capture_output=True, text=True, env=server.env())
    assert out.returncode != 0 and "records-days" in out.stderr, out.stderr


def test_late_search_documents_of_a_deleted_account_are_purged(make_server, astronaut, backends):
    if not backends:
        pytest.skip("the search index is a production backend (--backends production)")
    server = make_server()
    key, user = server.sign_up()
    status, _, body = server.detect(key, astronaut)
    assert status == 200
    request_id = json.loads(body)["request_id"]
    assert wait_until(lambda: search_ids(backends, [request_id]) == 1, timeout=60)
    assert server.request("DELETE", "/v1/me", key=key)[0] == 204
    assert wait_until(lambda: search_ids(backends, [request_id]) == 0, timeout=60)
    # Another process's spool ships one of the account's records after the deletion.
    today = time.strftime("%Y.%m.%d", time.gmtime())
    late = {"request_id": "late" + request_id, "user_id": user["id"],
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
    req = urllib.request.Request(
        f"{backends.search_url}/{backends.index_prefix}-requests-{today}/_doc/late{request_id}?refresh=true",
        data=json.dumps(late).encode(), headers={"Content-Type": "application/json"}, method="PUT")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status in (200, 201)
    assert search_ids(backends, ["late" + request_id]) == 1
    out = json.loads(server.cli("purge"))
    assert out["counts"]["deleted_accounts_rechecked"] >= 1, out
    assert search_ids(backends, ["late" + request_id]) == 0


def export_pages(server, key, limit):
    pages, cursor = [], None
    while True:
        path = f"/v1/me/export?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, page = server.json("GET", path, key=key)
        assert status == 200, page
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def test_export_pages_through_the_callers_own_data_only(server, astronaut):
    key_a, a = server.sign_up()
    key_b, b = server.sign_up()
    ids_a = [json.loads(server.detect(key_a, astronaut)[2])["request_id"] for _ in range(3)]
    id_b = json.loads(server.detect(key_b, astronaut)[2])["request_id"]
    assert server.json("PUT", f"/v1/requests/{ids_a[0]}/feedback", {"verdict": "correct"}, key=key_a)[0] == 201
    assert server.json("PUT", f"/v1/requests/{id_b}/feedback", {"verdict": "correct"}, key=key_b)[0] == 201

    pages = export_pages(server, key_a, limit=2)
    first = pages[0]
    assert first["account"]["user"]["id"] == a["id"] and first["account"]["user"]["email"] == a["email"]
    assert first["account"]["keys"] and all("secret" not in k and "hash" not in json.dumps(k).lower()
                                            for k in first["account"]["keys"])
    assert all("account" not in page for page in pages[1:])
    by_part = {}
    for page in pages:
        assert len(page["items"]) <= 2
        by_part.setdefault(page["part"], []).extend(page["items"])
    assert sorted(r["request_id"] for r in by_part["records"]) == sorted(ids_a)
    assert all("image_key" not in r and r["image_url"].endswith("/image") for r in by_part["records"])
    assert [f["request_id"] for f in by_part["feedback"]] == [ids_a[0]]
    types = [e["type"] for e in by_part["events"]]
    assert "signup" in types and types.count("detect") == 3, types
    everything = json.dumps(pages)
    assert b["id"] not in everything and id_b not in everything and b["email"] not in everything

    assert server.json("GET", "/v1/me/export?cursor=bogus", key=key_a)[0] == 422
    assert server.json("GET", "/v1/me/export?limit=0", key=key_a)[0] == 422
    assert server.json("GET", "/v1/me/export")[0] == 401
