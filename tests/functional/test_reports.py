"""Reports and the annotated image, on the real binary.

- `faceloop report --period day --at TODAY --send` e-mails the report to the configured analysts
  through the real SMTP sink (tests/servers/smtp.sh); the mail is parsed with Python's email
  package: its HTML, its inline PNG charts (valid, referenced by cid:), and its numbers against
  GET /v1/reports/{id} and the insights API. A second run reads the stored report back and sends
  nothing. Plain users get 403 from the reports API.
- GET /v1/requests/{id}/annotated: JPEG or PNG by Accept, the owner's only (others 404), 406 for an
  Accept it cannot meet.
"""
import datetime
import email
import email.policy
import glob
import io
import json
import os
import subprocess
import uuid

import pytest
from PIL import Image

from conftest import require_env, wait_until


def user_key(server, role):
    out = server.cli("users", "create", "--email", f"{role}-{uuid.uuid4().hex}@example.com", "--role", role)
    return out.split("api key (shown once): ", 1)[1].strip()


def report_cli(server, *args, env=None):
    return subprocess.run([server.binary, "report", *args, "--data-dir", server.data_dir], capture_output=True,
                          text=True, env={**server.env(), **(env or {})})


def mails_to(maildir, address):
    found = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def test_report_email_matches_the_api(make_server, astronaut):
    server = make_server(config="[scheduler]\nenabled = false\n")  # only the CLI makes reports here
    smtp_url = require_env("FACELOOP_TEST_SMTP_URL")
    maildir = require_env("FACELOOP_TEST_SMTP_MAILDIR")
    recipient = f"analyst-{uuid.uuid4().hex}@example.com"
    key = user_key(server, "user")
    for _ in range(3):
        status, _, body = server.detect(key, astronaut)
        assert status == 200, body
    analyst = user_key(server, "analyst")
    assert server.json("GET", "/v1/requests", key=key)[0] == 200  # waits until the records are in the database
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    env = {"FACELOOP_SMTP_URL": smtp_url, "FACELOOP_REPORTS_RECIPIENTS": recipient}

    run = report_cli(server, "--period", "day", "--at", today, "--send", env=env)
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    assert "built, 1 e-mails sent" in run.stderr
    wait_until(lambda: len(mails_to(maildir, recipient)) == 1, timeout=10)
    message = mails_to(maildir, recipient)[0]

    status, report = server.json("GET", f"/v1/reports/{printed['id']}", key=analyst)
    assert status == 200, report
    assert report["all"]["requests"] == printed["all"]["requests"] == 3
    assert report["sent_at"] is not None
    start, end = report["start"][:13] + ":00:00Z", report["end"][:13] + ":00:00Z"
    status, summary = server.json("GET", f"/v1/insights/summary?from={start}&to={end}&bucket=day", key=analyst)
    assert status == 200, summary
    assert summary["total"]["requests"] == report["all"]["requests"]
    assert summary["total"]["users"]["unique"] == report["users"]["unique"] == 1

    assert message.get_content_type() == "multipart/related"
    html_part = message.get_body(preferencelist=("html",))
    html = html_part.get_content()
    assert f'data-report-id="{report["id"]}"' in html
    assert "<tr><th align=\"left\">Requests</th><td>3</td></tr>" in html
    cids = {f"cid:{name}" for name in ("confidence.png", "volume.png", "correlation.png")}
    assert all(cid in html for cid in cids)
    images = [part for part in message.walk() if part.get_content_maintype() == "image"]
    assert {f"cid:{part['Content-ID'].strip('<>')}" for part in images} == cids
    for part in images:
        data = part.get_content()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(data)) as png:
            png.verify()
            assert png.size == (560, 220)
    assert message.get_body(preferencelist=("plain",)).get_content().count(f"/v1/reports/{report['id']}") == 1

    again = report_cli(server, "--period", "day", "--at", today, "--send", env=env)
    assert again.returncode == 0, again.stderr
    assert "read back, 0 e-mails sent" in again.stderr
    assert json.loads(again.stdout) == printed

    status, listing = server.json("GET", "/v1/reports?period=day", key=analyst)
    assert status == 200 and [r["id"] for r in listing["reports"]] == [report["id"]]
    assert len(mails_to(maildir, recipient)) == 1


def test_reports_are_for_analysts_and_admins(server):
    key = user_key(server, "user")
    assert server.request("GET", "/v1/reports", key=key)[0] == 403
    assert server.request("GET", "/v1/reports/day-20250101T0000Z", key=key)[0] == 403
    assert server.request("GET", "/v1/reports")[0] == 401
    admin = server.admin_key()
    assert server.request("GET", "/v1/reports/day-20250101T0000Z", key=admin)[0] == 404
    status, body = server.json("GET", "/v1/reports?period=year", key=admin)
    assert status == 422 and "period" in body["detail"], body
    status, body = server.json("GET", "/v1/reports?limit=0", key=admin)
    assert status == 422 and "limit" in body["detail"], body


def test_report_cli_refuses_bad_input(server):
    for args, word in ((["--period", "year", "--at", "2025-01-01"], "--period"),
                       (["--period", "day", "--at", "2025-02-30"], "--at")):
        run = report_cli(server, *args)
        assert run.returncode == 1 and word in run.stderr, run.stderr


def test_annotated_image(server, astronaut):
    owner = user_key(server, "user")
    status, _, body = server.detect(owner, astronaut)
    assert status == 200, body
    request_id = json.loads(body)["request_id"]
    path = f"/v1/requests/{request_id}/annotated"
    with Image.open(io.BytesIO(astronaut)) as original:
        size = original.size

    status, headers, data = server.request("GET", path, headers={"Accept": "image/jpeg"}, key=owner)
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and data[:2] == b"\xff\xd8"
    with Image.open(io.BytesIO(data)) as jpeg:
        assert jpeg.size == size
    status, headers, data = server.request("GET", path, headers={"Accept": "image/png"}, key=owner)
    assert status == 200 and headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(data)) as png:
        assert png.size == size
        # Boxes are drawn in green: the annotated image differs from the input.
        assert png.convert("RGB").tobytes() != Image.open(io.BytesIO(astronaut)).convert("RGB").tobytes()

    other = user_key(server, "user")
    assert server.request("GET", path, headers={"Accept": "image/png"}, key=other)[0] == 404
    status, headers, data = server.request("GET", path, headers={"Accept": "text/html"}, key=owner)
    assert status == 406 and headers["Content-Type"] == "application/problem+json", data
    assert json.loads(data)["type"].endswith("/not-acceptable")


def test_the_scheduler_produces_and_mails_yesterdays_report_once(make_server, astronaut):
    """No CLI: `serve`'s scheduler produces the day that ended (records dated yesterday through
    testing.allow_client_time) and e-mails it once, however many ticks pass."""
    smtp_url = require_env("FACELOOP_TEST_SMTP_URL")
    maildir = require_env("FACELOOP_TEST_SMTP_MAILDIR")
    recipient = f"scheduled-{uuid.uuid4().hex}@example.com"
    # No grace period: the test may run just after midnight, when the default 30 min would still
    # wait for yesterday (tests/scheduler covers the grace).
    server = make_server(config="[testing]\nallow_client_time = true\n[scheduler]\ntick_ms = 200\n"
                                "[reports]\ngrace_minutes = 0\n",
                         env={"FACELOOP_SMTP_URL": smtp_url, "FACELOOP_REPORTS_RECIPIENTS": recipient})
    key = user_key(server, "user")
    yesterday = datetime.datetime.now(datetime.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
    yesterday -= datetime.timedelta(days=1)
    for minute in range(2):
        when = (yesterday + datetime.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        status, _, body = server.request("POST", "/v1/detect", astronaut, key=key,
                                         headers={"Content-Type": "image/png", "X-Faceloop-Received-At": when})
        assert status == 200, body
    analyst = user_key(server, "analyst")
    report_id = "day-" + yesterday.strftime("%Y%m%d") + "T0000Z"

    def stored():
        status, report = server.json("GET", f"/v1/reports/{report_id}", key=analyst)
        return report if status == 200 and report.get("sent_at") else None

    # The day's job may have run before the records reached the database (the scheduler starts with
    # serve): a report of an empty day is stored then, and that is what this test accepts too; the
    # point is that the scheduler made and sent it without being asked.
    report = wait_until(stored, timeout=30)
    assert report, f"no sent report {report_id}"
    subject = f"faceloop day report from {yesterday.date().isoformat()}"

    def day_mails():
        return [m for m in mails_to(maildir, recipient) if subject in m["Subject"]]

    assert wait_until(lambda: len(day_mails()) == 1, timeout=10)
    wait_until(lambda: False, timeout=1)  # more ticks pass
    assert len(day_mails()) == 1  # produced and sent once
    # The week and the month that ended were due too: each is sent once as well.
    subjects = [m["Subject"] for m in mails_to(maildir, recipient)]
    assert len(subjects) == len(set(subjects)) and any("month report" in s for s in subjects), subjects
