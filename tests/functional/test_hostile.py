"""Hostile inputs get a problem+json status and never take the server down.

Decisions: an empty body is 400 (malformed request: there is no image to sniff); a multipart body
without the `image` field is 422 (well-formed, but not what the endpoint needs).
"""
import concurrent.futures
import json
import socket
import struct
import time
import zlib

import pytest


def png_header(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def multipart(field, data):
    boundary = "faceloopboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"x.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def tiny_jpeg():
    # Smallest valid-looking JPEG start; truncated right after the SOI/APP0 markers.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00"


CASES = [
    ("truncated jpeg", tiny_jpeg(), "image/jpeg", 400),
    ("png claiming 100000x100000", png_header(100000, 100000), "image/png", 413),
    ("zero bytes", b"", "image/jpeg", 400),
    ("text as jpeg", b"hello, I am not an image" * 10, "image/jpeg", 415),
    ("declared text/plain", b"hello", "text/plain", 415),
]


@pytest.mark.parametrize("name,data,content_type,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_body(server, name, data, content_type, expected):
    key, _ = server.sign_up()
    status, headers, body = server.detect(key, data, content_type)
    assert status == expected, body
    assert headers["Content-Type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == expected and problem["type"].startswith("https://faceloop.dev/problems/")
    assert server.request("GET", "/healthz")[0] == 200


def test_truncated_real_png(server, astronaut):
    key, _ = server.sign_up()
    status, _, _ = server.detect(key, astronaut[: len(astronaut) // 2])
    assert status == 400
    assert server.request("GET", "/healthz")[0] == 200


def test_multipart(server, astronaut):
    key, _ = server.sign_up()
    body, content_type = multipart("other", astronaut)
    status, _, problem = server.detect(key, body, content_type)
    assert status == 422, problem
    body, content_type = multipart("image", astronaut)
    status, _, result = server.detect(key, body, content_type)
    assert status == 200 and len(json.loads(result)["faces"]) == 1
    assert server.request("GET", "/healthz")[0] == 200


def test_bad_query_values_are_422(server, astronaut):
    key, _ = server.sign_up()
    for query in ["?min_confidence=2", "?min_confidence=x", "?max_faces=-1", "?tiling=maybe", "?model=onnx:/etc/passwd"]:
        status, _, _ = server.detect(key, astronaut, query=query)
        assert status == 422, query


def test_oversized_body_is_413(server):
    key, _ = server.sign_up()
    status, _, _ = server.detect(key, b"\x89PNG" + b"\0" * (21 * 1024 * 1024))
    assert status == 413
    assert server.request("GET", "/healthz")[0] == 200


def test_sign_up_rate_limit(server):
    statuses = [server.request("POST", "/v1/users", {"email": f"u{i}@example.com"})[0] for i in range(12)]
    assert statuses[:10] == [201] * 10
    assert statuses[-1] == 429


def test_slow_body_is_cut_off_and_others_are_served(make_server, astronaut):
    """A client that stalls mid-body cannot pin a thread: the read timeout closes it."""
    server = make_server(config="[limits]\nread_timeout_s = 2\n")
    key, _ = server.sign_up()
    host, port = server.base.split("//", 1)[1].split(":")
    slow = socket.create_connection((host, int(port)))
    slow.sendall(f"POST /v1/detect HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
                 "Content-Type: image/png\r\nContent-Length: 1000000\r\n\r\n".encode() + astronaut[:1000])
    started = time.time()
    assert server.detect(key, astronaut)[0] == 200  # served while the slow client waits
    slow.settimeout(30)
    try:
        leftover = slow.recv(65536)  # the server gives up: a close (b"") or an error response
    except ConnectionResetError:
        leftover = b""
    waited = time.time() - started
    slow.close()
    assert waited < 15, waited
    assert leftover == b"" or leftover.startswith(b"HTTP/1.1 4"), leftover[:80]
    assert server.request("GET", "/healthz")[0] == 200


def test_overload_answers_503_with_retry_after_and_keeps_serving(make_server, astronaut):
    server = make_server(config="[limits]\ndetect_workers = 1\ndetect_queue = 1\n")
    key, _ = server.sign_up()
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda _: server.detect(key, astronaut), range(24)))
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 2 and statuses.count(503) >= 1, statuses
    for status, headers, body in results:
        if status == 503:
            assert headers["Retry-After"] and json.loads(body)["status"] == 503
    assert server.detect(key, astronaut)[0] == 200


def test_full_spool_answers_503_and_loses_nothing_accepted(make_server, tmp_path):
    """A backend that never comes back fills the bounded spool; then detect is refused, not dropped."""
    import io
    from PIL import Image
    small = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 120, 150)).save(small, format="PNG")
    server = make_server(env={"FACELOOP_SEARCH_URL": "http://127.0.0.1:1"},  # refuses every connection
                         config="[limits]\nspool_max_mb = 1\n")
    key, _ = server.sign_up()
    answered, refused = [], None
    for _ in range(3000):
        status, headers, body = server.detect(key, small.getvalue())
        if status == 200:
            answered.append(json.loads(body)["request_id"])
        else:
            refused = (status, headers, json.loads(body))
            break
    assert refused is not None, "the spool never filled"
    status, headers, problem = refused
    assert status == 503 and headers["Retry-After"] and problem["type"].endswith("/unavailable"), refused
    status, ready = server.json("GET", "/readyz")
    assert status == 503 and ready == {"status": "unavailable"}  # details are for admins only
    status, ready = server.json("GET", "/readyz", key=server.admin_key())
    assert status == 503 and ready["status"] == "unavailable"
    assert ready["backends"]["ship:search"]["status"] == "down"
    # Everything answered before is in the history (the database shipper is unaffected).
    seen, cursor = set(), None
    while True:
        status, page = server.json("GET", "/v1/requests?limit=100" + (f"&cursor={cursor}" if cursor else ""), key=key)
        assert status == 200
        seen.update(r["id"] for r in page["requests"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(answered) <= seen
