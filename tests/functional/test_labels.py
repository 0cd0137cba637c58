"""Labels back from annotators and the production benchmark, through the real service: detect, build a
Label Studio export as an annotator would (keep a box, move one, delete one, add one), import it over
HTTP, `faceloop eval --labels` reports the AP computed here independently, importing again changes
nothing; COCO through `faceloop import`; malformed, invalid, foreign and oversized files."""
import json
import sqlite3
import subprocess
import time

import pytest

LIMITS = "[limits]\nlabels_import_max_mb = 1\n"


def label_rows(server):
    """Rows of the labels table, read beside the service (SQLite file or PostgreSQL)."""
    if server.backends:
        out = subprocess.run(["psql", "-tA", server.backends.database_url, "-c", "SELECT COUNT(*) FROM labels"],
                             check=True, capture_output=True, text=True).stdout
        return int(out.strip())
    with sqlite3.connect(f"{server.data_dir}/faceloop.db") as db:
        return db.execute("SELECT COUNT(*) FROM labels").fetchone()[0]


def analyst_key(server):
    out = server.cli("users", "create", "--email", f"analyst{time.monotonic_ns()}@example.com", "--role", "analyst")
    return out.split("api key (shown once): ", 1)[1].strip()


def detected(server, key, image):
    status, _, body = server.detect(key, image)
    assert status == 200, body
    request_id = json.loads(body)["request_id"]
    status, record = server.json("GET", f"/v1/requests/{request_id}", key=key)
    assert status == 200 and record["faces"], record
    # The image reaches the store from the spool a moment after the answer; reading it waits for
    # that, so the offline commands below (export, eval) find it in the data folder.
    assert server.request("GET", f"/v1/requests/{request_id}/image", key=key)[0] == 200
    return record


def rect(record, box, label="face"):
    """A Label Studio rectangle (percent of the image) for a box in pixels."""
    w, h = record["metadata"]["width"], record["metadata"]["height"]
    return {"type": "rectanglelabels", "from_name": "label", "to_name": "image", "original_width": w,
            "original_height": h,
            "value": {"x": box["x"] * 100 / w, "y": box["y"] * 100 / h, "width": box["width"] * 100 / w,
                      "height": box["height"] * 100 / h, "rotation": 0, "rectanglelabels": [label]}}


def task(record, boxes, annotator="ann@example.com"):
    return {"id": record["id"], "data": {"image": f"images/{record['id']}.png", "request_id": record["id"]},
            "annotations": [{"id": 1, "completed_by": {"id": 7, "email": annotator},
                             "result": [rect(record, b) for b in boxes], "was_cancelled": False,
                             "updated_at": "2026-11-30T10:00:00Z"}]}


def iou(a, b):
    ix = max(0, min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"]))
    iy = max(0, min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"]))
    inter = ix * iy
    union = a["width"] * a["height"] + b["width"] * b["height"] - inter
    return inter / union if union > 0 else 0


def expected_ap(images):
    """VOC all-point AP, WIDER matching, written here apart from src/eval: images = [(detections, truth)]
    with detections [(confidence, box)] and truth [box]; equal confidences enter the curve together."""
    matches, positives = [], 0
    for detections, truth in images:
        positives += len(truth)
        taken = [False] * len(truth)
        for confidence, box in sorted(detections, key=lambda d: -d[0]):
            best, best_iou = -1, 0.5
            for i, t in enumerate(truth):
                if not taken[i] and iou(box, t) >= best_iou:
                    best, best_iou = i, iou(box, t)
            if best >= 0:
                taken[best] = True
            matches.append((confidence, best >= 0))
    matches.sort(key=lambda m: -m[0])
    points, tp, i = [], 0, 0
    while i < len(matches):
        j = i
        while j < len(matches) and matches[j][0] == matches[i][0]:
            tp += matches[j][1]
            j += 1
        points.append((tp / positives, tp / j))
        i = j
    ap, previous = 0.0, 0.0
    for k, (recall, _) in enumerate(points):
        precision = max(p for _, p in points[k:])
        ap += (recall - previous) * precision
        previous = recall
    return ap


def eval_labels(server, mode):
    out = server.cli("eval", "--labels", "--json", "--min-confidence", "0.5", "--mode", mode, "--threads", "1",
                     "--by", "face_size")
    return json.loads(out)


def imports(server, key):
    status, body = server.json("GET", "/v1/labels/imports", key=key)
    assert status == 200, body
    return body["imports"]


def post(server, key, body, fmt="labelstudio"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, headers, raw = server.request("POST", f"/v1/labels/import?format={fmt}", data,
                                          {"Content-Type": "application/json"}, key)
    return status, headers, json.loads(raw)


@pytest.fixture
def labelled(make_server, astronaut):
    server = make_server(config=LIMITS)
    key, _ = server.sign_up()
    records = [detected(server, key, astronaut) for _ in range(4)]
    return server, key, records


def test_label_studio_round_trip_measures_the_expected_ap(labelled, astronaut, tmp_path):
    server, key, records = labelled
    kept, moved, deleted, added = records
    first = lambda r: r["faces"][0]["box"]
    rest = lambda r: [f["box"] for f in r["faces"][1:]]
    shifted = dict(first(moved), x=first(moved)["x"] + first(moved)["width"])  # IoU 0 with the detection
    shifted["x"] = min(shifted["x"], moved["metadata"]["width"] - shifted["width"])
    corner = {"x": 0, "y": 0, "width": 24, "height": 24}
    truth = {kept["id"]: [f["box"] for f in kept["faces"]], moved["id"]: [shifted] + rest(moved),
             deleted["id"]: rest(deleted), added["id"]: [f["box"] for f in added["faces"]] + [corner]}
    assert iou(shifted, first(moved)) < 0.5 and iou(corner, first(added)) < 0.5

    other_key, _ = server.sign_up()
    foreign = detected(server, other_key, astronaut)
    export = [task(r, truth[r["id"]]) for r in records] + [task(foreign, []), task(dict(foreign, id="nope"), [])]
    status, _, report = post(server, key, export)
    assert status == 201, report
    assert report["stored"] == 4 and report["unknown"] == 2 and report["changed"] is True
    assert [(line["task"], line["kind"], line["request_id"]) for line in report["lines"]] == \
        [(4, "unknown", foreign["id"]), (5, "unknown", "nope")]
    assert report["lines"][0]["message"] == report["lines"][1]["message"]  # existence not revealed

    mode = kept["model"].get("mode", "fast")
    ap = expected_ap([([(f["confidence"], f["box"]) for f in r["faces"]], truth[r["id"]]) for r in records])
    if all(len(r["faces"]) == 1 for r in records):  # the astronaut's one face each time
        assert ap == 0.25  # 2 of the 4 labelled faces found (recall 1/2), 2 of the 4 detections right
    result = eval_labels(server, mode)
    overall = result["strata"][0]
    assert overall["stratum"] == "all" and overall["images"] == 4 and result["failed"] == 0
    assert overall["faces"] == sum(len(t) for t in truth.values())
    assert overall["ap"] == pytest.approx(ap, abs=1e-6), (overall, ap)
    assert {s["stratum"] for s in result["strata"][1:]} == {"tiny", "small", "medium", "large"}

    # The same file again: nothing changes, and an analyst sees one import.
    analyst = analyst_key(server)
    before = imports(server, analyst)
    assert len(before) == 1 and before[0]["stored"] == 4
    status, _, again = post(server, key, export)
    assert status == 200 and again["changed"] is False and again["stored"] == 0 and again["unchanged"] == 4
    assert imports(server, analyst) == before
    assert eval_labels(server, mode)["strata"][0]["ap"] == pytest.approx(ap, abs=1e-6)
    assert server.request("GET", "/v1/labels/imports", key=key)[0] == 403

    # COCO through the CLI: the kept image's boxes in pixels by another annotator, no conflict (same
    # content); a moved box for the deleted image, reported as a conflict.
    w, h = kept["metadata"]["width"], kept["metadata"]["height"]
    coco = {"images": [{"id": 1, "file_name": f"images/{kept['id']}.png", "width": w, "height": h,
                        "faceloop_request_id": kept["id"]},
                       {"id": 2, "file_name": f"images/{deleted['id']}.png", "width": w, "height": h}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1,
                             "bbox": [b["x"], b["y"], b["width"], b["height"]]} for b in truth[kept["id"]]] +
                           [{"id": 9, "image_id": 2, "category_id": 1, "bbox": [0, 0, 30, 30]}],
            "categories": [{"id": 1, "name": "face"}]}
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(coco))
    out = json.loads(server.cli("import", "--format", "coco", str(path)))
    assert out["stored"] == 2 and out["conflicts"] == 1, out
    assert [(line["task"], line["kind"]) for line in out["lines"]] == [(1, "conflict")]

    # The account goes, and the labels of its requests with it.
    assert label_rows(server) == 6
    assert server.request("DELETE", "/v1/me", key=key)[0] == 204
    assert label_rows(server) == 0


def test_bad_files_are_refused_with_the_line_and_store_nothing(labelled):
    server, key, records = labelled
    record = records[0]
    status, headers, problem = post(server, key, b'[\n{"data": {"request_id": "x"}},\n{"data": }\n]')
    assert status == 400 and headers["Content-Type"] == "application/problem+json"
    assert problem["detail"].startswith("line 3 (task 1): malformed JSON"), problem

    outside = task(record, [{"x": record["metadata"]["width"] - 10, "y": 0, "width": 40, "height": 40}])
    good = task(records[1], [f["box"] for f in records[1]["faces"]])
    status, _, problem = post(server, key, [good, outside])
    assert status == 422, problem
    assert problem["type"] == "https://faceloop.dev/problems/unprocessable"
    assert problem["lines"] == [{"task": 1, "line": 1, "request_id": record["id"], "kind": "invalid",
                                 "message": f"boxes[0] lies outside the {record['metadata']['width']}x"
                                            f"{record['metadata']['height']} image"}]
    analyst = analyst_key(server)
    assert imports(server, analyst) == []  # the good task was not stored either

    assert server.request("POST", "/v1/labels/import?format=coco", b"{}")[0] == 401
    status, _, problem = post(server, key, {"images": []}, fmt="yolo")
    assert status == 422 and "format" in problem["detail"]
    status, _, problem = post(server, key, b"[" + b" " * (1 << 20) + b"]")
    assert status == 413, problem


def test_eval_labels_without_labels_or_with_both_sources_fails(server):
    done = subprocess.run([server.binary, "eval", "--labels", "--data-dir", server.data_dir], capture_output=True,
                          text=True, env=server.env())
    assert done.returncode == 1 and "no labelled requests" in done.stderr, done
    done = subprocess.run([server.binary, "eval", "--labels", "--annotations", "x.json"], capture_output=True, text=True)
    assert done.returncode == 1 and "--annotations FILE or --labels (one of them)" in done.stderr, done
    done = subprocess.run([server.binary, "import", "--format", "yolo", "x.json", "--data-dir", server.data_dir],
                          capture_output=True, text=True, env=server.env())
    assert done.returncode == 1 and "--format must be labelstudio or coco" in done.stderr, done


def test_openapi_describes_the_label_routes(server):
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200
    assert set(spec["paths"]["/v1/labels/import"]["post"]["responses"]) >= {"200", "201", "400", "413", "422"}
    assert "get" in spec["paths"]["/v1/labels/imports"]
    assert "lines" in spec["components"]["schemas"]["LabelImportReport"]["properties"]


def test_faceloops_own_label_studio_export_comes_back_as_labels_and_scores(make_server, astronaut, tmp_path):
    """The whole loop of docs/datasets.md: `faceloop export --format labelstudio` writes tasks with the
    model's boxes as predictions; an annotator (this script) accepts them on one image and, on the
    other, moves the box off the face and adds the face where it is; the file goes back through
    `faceloop import`; `faceloop eval --labels` then scores the detector at the AP those edits imply."""
    import io
    from PIL import Image, ImageOps
    server = make_server(config=LIMITS)
    key, _ = server.sign_up()
    mirrored = io.BytesIO()
    ImageOps.mirror(Image.open(io.BytesIO(astronaut))).save(mirrored, "PNG")  # other bytes, other dHash
    records = {r["id"]: r for r in (detected(server, key, astronaut), detected(server, key, mirrored.getvalue()))}
    if any(len(r["faces"]) != 1 for r in records.values()):
        pytest.skip("this detector does not find exactly the astronaut's one face")

    out = tmp_path / "dataset"
    server.cli("export", "--strategy", "random", "--format", "labelstudio", "--to", str(out))
    tasks = json.loads((out / "tasks.json").read_text())
    assert sorted(t["data"]["request_id"] for t in tasks) == sorted(records)
    accepted, corrected = tasks
    for t in tasks:  # as Label Studio exports annotated tasks: the predictions became annotations
        t["annotations"] = [{"id": 1, "completed_by": {"id": 3, "email": "ann@example.com"}, "was_cancelled": False,
                             "updated_at": "2026-11-30T10:00:00Z", "result": json.loads(json.dumps(
                                 t["predictions"][0]["result"]))}]
    box = corrected["annotations"][0]["result"][0]
    moved = dict(box, id="moved", value=dict(box["value"], x=0.0, y=0.0))  # off the face: a wrong box
    assert moved["value"]["x"] + moved["value"]["width"] < box["value"]["x"]  # no overlap with the face
    corrected["annotations"][0]["result"] = [moved, dict(box, id="face")]  # ...and the face kept as truth
    # So the labels hold 3 faces, 2 of them where the detector found one: recall 2/3, precision 1.
    exported = tmp_path / "annotated.json"
    exported.write_text(json.dumps(tasks))

    server.cli("import", "--format", "labelstudio", str(exported))
    assert label_rows(server) == 2
    mode = next(iter(records.values()))["model"].get("mode", "fast")
    truth = {t["data"]["request_id"]: [r["value"] for r in t["annotations"][0]["result"]] for t in tasks}
    in_pixels = lambda rid, v: {"x": v["x"] * records[rid]["metadata"]["width"] / 100,
                                "y": v["y"] * records[rid]["metadata"]["height"] / 100,
                                "width": v["width"] * records[rid]["metadata"]["width"] / 100,
                                "height": v["height"] * records[rid]["metadata"]["height"] / 100}
    expected = expected_ap([([(f["confidence"], f["box"]) for f in records[rid]["faces"]],
                             [in_pixels(rid, v) for v in truth[rid]]) for rid in records])
    assert expected == pytest.approx(2 / 3)
    overall = eval_labels(server, mode)["strata"][0]
    assert overall["stratum"] == "all" and overall["images"] == 2, overall
    assert overall["ap"] == pytest.approx(expected, abs=1e-6), (overall, expected)
