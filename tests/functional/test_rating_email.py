"""The rating e-mail on the real binary and the real SMTP sink (tests/servers/smtp.sh).

`faceloop rate-mail --now` runs the job on demand: a user with requests gets exactly one e-mail per
period (a second run sends none), with valid inline JPEG thumbnails, links to the web application
and List-Unsubscribe (RFC 8058); a user without requests and a deleted one get none. A "correct"
link is a GET page whose button POSTs the feedback (visible in GET /v1/requests/{id}/feedback); its
replay is 409, a forged token 401 and an expired one 410. The opt-out link's one-click POST turns rating_email off, and
the next period brings that user nothing while another user still gets theirs.
"""
import datetime
import email
import email.policy
import glob
import html
import io
import json
import os
import re
import subprocess
import time
import urllib.parse
import uuid

from PIL import Image

from conftest import require_env, wait_until


def user(server):
    address = f"rating-{uuid.uuid4().hex}@example.com"
    out = server.cli("users", "create", "--email", address, "--role", "user")
    return out.split("api key (shown once): ", 1)[1].strip(), address


def mails_to(maildir, address):
    found = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def rate_mail(server, *args):
    run = subprocess.run([server.binary, "rate-mail", *args, "--data-dir", server.data_dir], capture_output=True,
                         text=True, env=server.env())
    assert run.returncode == 0, run.stderr
    return run.stdout


def path_of(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + "?" + parts.query


def form_fields(page):
    return {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}


def test_rating_email_once_per_period_with_links_and_opt_out(make_server, astronaut):
    smtp_url = require_env("FACELOOP_TEST_SMTP_URL")
    maildir = require_env("FACELOOP_TEST_SMTP_MAILDIR")
    env = {"FACELOOP_SMTP_URL": smtp_url, "FACELOOP_SMTP_FROM": "rating@faceloop.test",
           "FACELOOP_SCHEDULER_ENABLED": "false", "FACELOOP_RATING_PERIOD_DAYS": "1",
           "FACELOOP_RATING_PREDICTIONS": "2", "FACELOOP_REPORTS_BASE_URL": "https://faceloop.test/"}
    server = make_server(env=env, config="[testing]\nallow_client_time = true\n")
    (ada, ada_mail), (bob, bob_mail), (cy, cy_mail), (dan, dan_mail) = (user(server) for _ in range(4))
    ids = []
    for _ in range(3):
        status, _, body = server.detect(ada, astronaut)
        assert status == 200, body
        ids.append(json.loads(body)["request_id"])
    assert server.detect(cy, astronaut)[0] == 200
    assert server.request("DELETE", "/v1/me", key=cy)[0] == 204
    assert server.json("GET", "/v1/requests", key=ada)[0] == 200  # the records are in the database

    assert "1 rating e-mails sent" in rate_mail(server, "--now")
    assert "0 rating e-mails sent" in rate_mail(server, "--now")
    wait_until(lambda: len(mails_to(maildir, ada_mail)) == 1, timeout=10)
    assert mails_to(maildir, bob_mail) == [] and mails_to(maildir, cy_mail) == []
    message = mails_to(maildir, ada_mail)[0]

    # Two predictions (the newest), each with a valid JPEG thumbnail the HTML references.
    images = [part for part in message.walk() if part.get_content_type() == "image/jpeg"]
    assert len(images) == 2
    page = message.get_body(preferencelist=("html",)).get_content()
    for part in images:
        Image.open(io.BytesIO(part.get_content())).verify()
        assert Image.open(io.BytesIO(part.get_content())).format == "JPEG"
        assert max(Image.open(io.BytesIO(part.get_content())).size) <= 240
        assert "cid:" + part["Content-ID"].strip("<>") in page
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://faceloop.test/history/{ids[2]}" in text and f"/history/{ids[1]}" in text and ids[0] not in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # "Correct" on the newest: the GET only shows a button; the POST records the feedback once.
    correct = re.search(r"correct: (\S+)", text).group(1)
    assert "verdict=correct" in correct
    status, headers, body = server.request("GET", path_of(correct))
    assert status == 200 and headers["Content-Type"].startswith("text/html"), body
    assert server.json("GET", f"/v1/requests/{ids[2]}/feedback", key=ada)[0] == 404  # nothing recorded yet
    fields = form_fields(body.decode())
    form = urllib.parse.urlencode(fields).encode()
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = server.request("POST", "/v1/rating/feedback", form, form_type)
    assert status == 200, body
    status, feedback = server.json("GET", f"/v1/requests/{ids[2]}/feedback", key=ada)
    assert status == 200 and feedback["verdict"] == "correct", feedback
    assert server.request("POST", "/v1/rating/feedback", form, form_type)[0] == 409
    forged = dict(fields, token=fields["token"][:-4] + ("AAAA" if not fields["token"].endswith("AAAA") else "BBBB"))
    assert server.request("POST", "/v1/rating/feedback", urllib.parse.urlencode(forged).encode(), form_type)[0] == 401
    assert server.request("GET", path_of(correct).replace("token=flfb_", "token=flfb_x"))[0] == 401

    # An expired link: 410, on the page and on its POST.
    expiring = server.cli("feedback-token", "--request", ids[0], "--ttl-seconds", "1").strip()
    time.sleep(1.5)
    assert server.request("GET", f"/v1/rating/feedback?token={expiring}&verdict=incorrect")[0] == 410
    expired_form = urllib.parse.urlencode({"token": expiring, "verdict": "incorrect"}).encode()
    assert server.request("POST", "/v1/rating/feedback", expired_form, form_type)[0] == 410

    # One-click opt-out (RFC 8058): a POST to the List-Unsubscribe URL.
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert server.request("GET", path_of(unsubscribe))[0] == 200  # a page with a button, nothing changed
    assert server.json("GET", "/v1/me/preferences", key=ada)[1]["rating_email"] is True
    status, _, body = server.request("POST", path_of(unsubscribe), b"List-Unsubscribe=One-Click", form_type)
    assert status == 200, body
    assert server.json("GET", "/v1/me/preferences", key=ada)[1]["rating_email"] is False

    # The next period (days are the periods here): requests dated tomorrow; only dan is mailed.
    tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).replace(
        hour=1, minute=0, second=0, microsecond=0)
    dated = {"X-Faceloop-Received-At": tomorrow.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "Content-Type": "image/png"}
    for key in (ada, dan):
        assert server.request("POST", "/v1/detect", astronaut, dated, key)[0] == 200
    assert server.json("GET", "/v1/requests", key=dan)[0] == 200
    later = (tomorrow + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert "1 rating e-mails sent" in rate_mail(server, "--at", later)
    wait_until(lambda: len(mails_to(maildir, dan_mail)) == 1, timeout=10)
    assert len(mails_to(maildir, ada_mail)) == 1


def test_a_mail_server_outage_loses_no_rating_email(make_server, astronaut):
    smtp_url = require_env("FACELOOP_TEST_SMTP_URL")
    maildir = require_env("FACELOOP_TEST_SMTP_MAILDIR")
    server = make_server(env={"FACELOOP_SMTP_URL": smtp_url, "FACELOOP_SCHEDULER_ENABLED": "false"})
    key, address = user(server)
    assert server.detect(key, astronaut)[0] == 200
    assert server.json("GET", "/v1/requests", key=key)[0] == 200
    down = subprocess.run([server.binary, "rate-mail", "--now", "--data-dir", server.data_dir], capture_output=True,
                          text=True, env={**server.env(), "FACELOOP_SMTP_URL": "smtp://127.0.0.1:9"})
    assert down.returncode == 1 and "could not be sent" in down.stderr, down.stderr
    assert "1 rating e-mails sent" in rate_mail(server, "--now")  # the claim was released: sent now
    wait_until(lambda: len(mails_to(maildir, address)) == 1, timeout=10)
