"""Proof that drift detection works (issue 11, item 4): scripts/replay.py sends generated images
through the real service with controlled record times (testing.allow_client_time), a reference
period the day before, then four current periods: (a) darkened to 40 %, (b) blurred, (c) downscaled
to 25 %, (d) a stationary control from the same generator. Measured: after how many requests of
(a)-(c) the verdict is `drift` on the expected features (goal <= 300), and that (d) never is.

The images are made here from scikit-image's pictures (random crops, flips, scales, brightness and
JPEG quality), never from committed facebench files."""
import datetime
import io
import os
import random
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import replay  # noqa: E402

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageFilter  # noqa: E402

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
PICTURES = ["astronaut", "coffee", "chelsea", "camera", "motorcycle_left", "motorcycle_right", "rocket",
            "hubble_deep_field"]
REFERENCE = 300  # requests in the reference period
STEP = 50  # current-period requests between two drift queries
GOAL = 300  # the goal: drift within this many requests
SPACING = datetime.timedelta(seconds=20)  # 300 requests fill 100 minutes
FMT = "%Y-%m-%dT%H:%M:%SZ"

# What each shift must move: every listed feature must reach `drift`.
SCENARIOS = {
    "darkened": ["image.brightness"],
    "blurred": ["image.sharpness"],
    "downscaled": ["image.width", "image.height", "image.bytes"],
    "control": [],
}


@pytest.fixture(scope="module")
def pictures():
    found = []
    for name in PICTURES:
        for path in (os.path.join(SKIMAGE, name + ext) for ext in (".png", ".jpg")):
            if os.path.exists(path):
                found.append(Image.open(path).convert("RGB"))
    if len(found) < 3:
        pytest.skip("scikit-image's pictures are not installed")
    return found


def variant(rng, picture):
    """One varied input: a crop of 55-100 % per side, maybe mirrored, scaled to a long side of
    240-360 px, brightness x0.85-1.15; an Image (encoded by `jpeg`)."""
    w, h = picture.size
    cw, ch = int(w * rng.uniform(0.55, 1)), int(h * rng.uniform(0.55, 1))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    image = picture.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    scale = rng.uniform(240, 360) / max(cw, ch)
    image = image.resize((max(1, int(cw * scale)), max(1, int(ch * scale))), Image.Resampling.BILINEAR)
    return image.point(lambda v, f=rng.uniform(0.85, 1.15): min(255, int(v * f)))


def jpeg(image, quality):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def darken(image):
    return image.point(lambda v: int(v * 0.4))


def blur(image):
    return image.filter(ImageFilter.GaussianBlur(2))


def downscale(image):
    w, h = image.size
    return image.resize((max(1, w // 4), max(1, h // 4)), Image.Resampling.BILINEAR)


SHIFTS = {"darkened": darken, "blurred": blur, "downscaled": downscale, "control": lambda image: image}


def images(pictures, seed, count, shift=lambda image: image):
    """`count` encoded inputs from the generator seeded `seed`, each shifted by `shift`."""
    rng = random.Random(seed)
    # Round robin over the pictures: with a handful of sources a random choice would make each
    # window's mix of pictures (and so of every feature) differ by chance far more than a large
    # stationary image set does.
    return [jpeg(shift(variant(rng, pictures[i % len(pictures)])), rng.randint(80, 95)) for i in range(count)]


def window(start, hours):
    return start.strftime(FMT) + ".." + (start + datetime.timedelta(hours=hours)).strftime(FMT)


# The default drift thresholds ([insights] unset): each statistic counts only when its p-value is
# below alpha (0.001), so windows of 100-300 values do not drift by sampling noise.
CONFIG = """[testing]
allow_client_time = true
"""
# Latency measures the machine, not the images: on a shared machine it moves with the load.
TIMINGS = {"total_ms", "decode_ms", "inference_ms"}


def drifting(server, analyst, reference, current):
    """The features at `drift` between the two windows."""
    status, drift = server.json("GET", f"/v1/insights/drift?reference={reference}&current={current}", key=analyst)
    assert status == 200, drift
    assert drift["thresholds"]["alpha"] == 0.001 and drift["thresholds"]["psi_alert"] == 0.25, drift["thresholds"]
    return {f["feature"] for f in drift["features"] if f["verdict"] == "drift"}


def run_scenario(server, key, analyst, reference, start, inputs, expected):
    """Sends `inputs` in steps from `start`; {feature: requests sent when it first was at drift}.
    Stops early once every expected feature is at drift."""
    first = {}
    times = replay.schedule(start, len(inputs), SPACING)
    for sent in range(STEP, len(inputs) + 1, STEP):
        replay.replay(server.base, key, inputs[sent - STEP:sent], times[sent - STEP:sent])
        for feature in drifting(server, analyst, reference, window(start, 2)):
            first.setdefault(feature, sent)
        if expected and all(f in first for f in expected):
            break
    return first


def listing(first):
    return ", ".join(f"{f}@{c}" for f, c in sorted(first.items(), key=lambda i: (i[1], i[0]))) or "-"


def test_drift_fires_on_shifted_images_and_not_on_a_control(make_server, pictures):
    server = make_server(config=CONFIG, env={"FACELOOP_MODEL": "mediapipe-full"})
    key, _ = server.sign_up()
    analyst = server.admin_key()
    day = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    day -= datetime.timedelta(days=1)  # the whole replay lies in yesterday's hours

    # Reference: 300 requests over 10 hours from 00:00.
    replay.replay(server.base, key, images(pictures, 1, REFERENCE), replay.schedule(day, REFERENCE, SPACING * 6))
    reference = window(day, 10)

    rows = []
    for n, (name, expected) in enumerate(SCENARIOS.items()):
        start = day + datetime.timedelta(hours=12 + 2 * n)  # each current period in its own two hours
        inputs = images(pictures, 100 + n, GOAL, SHIFTS[name])
        first = run_scenario(server, key, analyst, reference, start, inputs, expected)
        count = max((first.get(f, GOAL + 1) for f in expected), default=None)
        rows.append((name, expected, count, first))

    print("\nscenario    requests to drift  features at drift (default thresholds), requests sent when first")
    for name, _, count, first in rows:
        print(f"{name:11} {str(count):>17}  {listing(first)}")
    for name, expected, count, first in rows:
        if expected:
            assert count <= GOAL, (name, first)
        else:
            assert not set(first) - TIMINGS, f"the stationary control drifted: {first}"


def test_client_time_is_refused_unless_allowed(server, astronaut):
    key, _ = server.sign_up()
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    status, problem = replay.send(server.base, key, astronaut, when, content_type="image/png")
    assert status == 403 and "testing.allow_client_time" in problem["detail"], problem


def test_client_time_dates_the_record(make_server, astronaut):
    server = make_server(config="[testing]\nallow_client_time = true\n")
    key, _ = server.sign_up()
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
    status, body = replay.send(server.base, key, astronaut, when, content_type="image/png")
    assert status == 200, body
    status, record = server.json("GET", f"/v1/requests/{body['request_id']}", key=key)
    assert status == 200 and record["received_at"] == "2026-01-02T03:04:05.678Z", record
    status, _, raw = server.request("POST", "/v1/detect", astronaut,
                                    {"Content-Type": "image/png", replay.HEADER: "yesterday"}, key)
    assert status == 422 and b"X-Faceloop-Received-At" in raw, raw


def test_client_time_dates_every_image_of_a_batch(make_server, astronaut):
    from test_limits import multipart

    server = make_server(config="[testing]\nallow_client_time = true\n")
    key, _ = server.sign_up()
    body, content_type = multipart([("image", astronaut), ("image", astronaut)])
    headers = {"Content-Type": content_type, replay.HEADER: "2026-01-02T03:00:00Z"}
    status, answer = server.json("POST", "/v1/detect/batch", body, headers, key)
    assert status == 200, answer
    for result in answer["results"]:
        status, record = server.json("GET", f"/v1/requests/{result['request_id']}", key=key)
        assert status == 200 and record["received_at"] == "2026-01-02T03:00:00.000Z", record
