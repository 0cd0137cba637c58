#!/usr/bin/env python3
"""Replays images through a running faceloop service with controlled record times.

Each image is POSTed to /v1/detect with the X-Faceloop-Received-At header, so the request goes
through the real HTTP service (authentication, decoding, detection, spool, database shipper,
rollups) but lands in the hour the replay chooses. The server must run with

    [testing]
    allow_client_time = true

(it refuses the header otherwise: never set that on a production server, any client could then
date its requests). Used by tests/functional/test_drift_replay.py; by hand:

    scripts/replay.py --url http://127.0.0.1:8080 --key KEY --start 2026-11-01T00:00:00Z \\
        --spacing 60 images/*.jpg
"""
import argparse
import datetime
import json
import sys
import urllib.error
import urllib.request

HEADER = "X-Faceloop-Received-At"


def timestamp(when):
    """RFC 3339 UTC with milliseconds, the service's one format."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def schedule(start, count, spacing):
    """`count` times from `start`, `spacing` (a timedelta) apart."""
    return [start + i * spacing for i in range(count)]


def send(base, key, image, when, content_type="image/jpeg", query=""):
    """(status, parsed body) of one detect dated `when`."""
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {key}", HEADER: timestamp(when)}
    req = urllib.request.Request(base + "/v1/detect" + query, data=image, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def replay(base, key, images, times, query=""):
    """Sends images[i] dated times[i]; raises on the first answer that is not 200."""
    for image, when in zip(images, times, strict=True):
        status, body = send(base, key, image, when, query=query)
        if status != 200:
            raise RuntimeError(f"detect dated {timestamp(when)} answered {status}: {body}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="an API key")
    parser.add_argument("--start", required=True, help="the first record's time, RFC 3339 UTC")
    parser.add_argument("--spacing", type=float, default=60, help="seconds between records (default 60)")
    parser.add_argument("--query", default="", help="query string for /v1/detect, e.g. ?model=mediapipe-full")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    start = datetime.datetime.fromisoformat(args.start.replace("Z", "+00:00"))
    images = []
    for path in args.images:
        with open(path, "rb") as f:
            images.append(f.read())
    times = schedule(start, len(images), datetime.timedelta(seconds=args.spacing))
    try:
        replay(args.url.rstrip("/"), args.key, images, times, args.query)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"replayed {len(images)} images from {timestamp(times[0])} to {timestamp(times[-1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
