"""The admins' user management over HTTP (docs/api.md#admin-users): who may call it, the listing's
filters and cursor, role changes with the last-admin rule, deletion with the account's data, and
the events naming the acting admin."""
import json
import os
import sqlite3

from conftest import wait_until


def events_of(server, key, kind):
    status, page = server.json("GET", "/v1/me/export?cursor=events:&limit=1000", key=key)
    assert status == 200, page
    return [e for e in page["items"] if e["type"] == kind]


def test_only_admins_manage_users(server):
    key, user = server.sign_up()
    assert server.request("GET", "/v1/admin/users")[0] == 401
    for method, path, body in (("GET", "/v1/admin/users", None),
                               ("PATCH", f"/v1/admin/users/{user['id']}", {"role": "admin"}),
                               ("DELETE", f"/v1/admin/users/{user['id']}", None)):
        status, problem = server.json(method, path, body, key=key)
        assert status == 403 and problem["type"].endswith("/forbidden"), (method, problem)
    out = server.cli("users", "create", "--email", "analyst@example.com", "--role", "analyst")
    analyst = out.split("api key (shown once): ", 1)[1].strip()
    assert server.request("GET", "/v1/admin/users", key=analyst)[0] == 403


def test_listing_filters_pages_and_counts(server, astronaut):
    admin = server.admin_key()
    key, user = server.sign_up()
    assert server.detect(key, astronaut)[0] == 200
    status, page = server.json("GET", f"/v1/admin/users?email={user['email'][:6].upper()}", key=admin)
    assert status == 200 and [u["id"] for u in page["users"]] == [user["id"]], page
    listed = page["users"][0]
    assert listed["role"] == "user" and listed["key_count"] == 1 and listed["request_count"] == 1
    assert listed["last_request_at"].endswith("Z") and page["next_cursor"] is None
    assert not any("hash" in name or "secret" in name for name in listed)

    status, admins = server.json("GET", "/v1/admin/users?role=admin", key=admin)
    assert status == 200 and [u["role"] for u in admins["users"]] == ["admin"]
    assert admins["users"][0]["request_count"] == 0 and admins["users"][0]["last_request_at"] is None
    status, first = server.json("GET", "/v1/admin/users?limit=1", key=admin)
    assert status == 200 and len(first["users"]) == 1 and first["next_cursor"] == first["users"][0]["email"]
    status, second = server.json("GET", f"/v1/admin/users?limit=1&cursor={first['next_cursor']}", key=admin)
    assert status == 200 and second["users"][0]["email"] > first["users"][0]["email"]

    for query, name in (("limit=0", "limit"), ("role=root", "role"), ("email=" + "a" * 255, "email")):
        status, problem = server.json("GET", f"/v1/admin/users?{query}", key=admin)
        assert status == 422 and name in problem["detail"], (query, problem)


def test_role_changes_keep_an_admin_and_are_recorded(server):
    admin = server.admin_key()
    status, me = server.json("GET", "/v1/me", key=admin)
    key, user = server.sign_up()
    status, problem = server.json("PATCH", f"/v1/admin/users/{me['id']}", {"role": "user"}, key=admin)
    assert status == 409 and problem["type"].endswith("/conflict"), problem
    for body in ({}, {"role": 3}, {"role": "root"}):
        status, problem = server.json("PATCH", f"/v1/admin/users/{user['id']}", body, key=admin)
        assert status == 422 and problem["detail"].startswith("role"), problem
    assert server.request("PATCH", "/v1/admin/users/nobody", {"role": "user"}, key=admin)[0] == 404

    status, changed = server.json("PATCH", f"/v1/admin/users/{user['id']}", {"role": "analyst"}, key=admin)
    assert status == 200 and changed["role"] == "analyst"
    assert server.request("GET", "/v1/insights/summary", key=key)[0] == 200  # the next request has it
    status, _ = server.json("PATCH", f"/v1/admin/users/{user['id']}", {"role": "admin"}, key=admin)
    assert status == 200
    status, demoted = server.json("PATCH", f"/v1/admin/users/{me['id']}", {"role": "user"}, key=key)
    assert status == 200 and demoted["role"] == "user"  # another admin exists now
    assert server.request("GET", "/v1/admin/users", key=admin)[0] == 403
    changes = events_of(server, key, "role_changed")
    assert [(e["data"]["from"], e["data"]["to"], e["data"]["admin_id"]) for e in changes] == [
        ("user", "analyst", me["id"]), ("analyst", "admin", me["id"])]


def test_deleting_a_user_removes_the_account_and_its_data(server, astronaut):
    admin = server.admin_key()
    status, me = server.json("GET", "/v1/me", key=admin)
    key, user = server.sign_up()
    status, _, body = server.detect(key, astronaut)
    assert status == 200
    request_id = json.loads(body)["request_id"]
    assert wait_until(server.stored_objects)  # the objects shipper writes it a moment after the answer
    status, problem = server.json("DELETE", f"/v1/admin/users/{me['id']}", key=admin)
    assert status == 409 and "/v1/me" in problem["detail"]
    assert server.request("DELETE", "/v1/admin/users/nobody", key=admin)[0] == 404

    assert server.request("DELETE", f"/v1/admin/users/{user['id']}", key=admin)[0] == 204
    assert server.request("GET", "/v1/me", key=key)[0] == 401
    assert server.request("GET", f"/v1/requests/{request_id}", key=admin)[0] == 404
    assert server.stored_objects() == []
    status, page = server.json("GET", f"/v1/admin/users?email={user['email']}", key=admin)
    assert status == 200 and page["users"] == []
    assert server.request("DELETE", f"/v1/admin/users/{user['id']}", key=admin)[0] == 404
    if not server.backends:  # the embedded database: the event names the admin
        def deleted_event():
            with sqlite3.connect(os.path.join(server.data_dir, "faceloop.db")) as db:
                rows = db.execute("SELECT data_json FROM events WHERE type = 'account_deleted' AND user_id = ?",
                                  (user["id"],)).fetchall()
            return rows and json.loads(rows[0][0])
        data = wait_until(deleted_event)
        assert data["admin_id"] == me["id"] and data["images_deleted"] == 1

