#!/usr/bin/python3
"""An hour under load (issue 15): `faceloop serve` at a fixed share of its measured peak, sampled
every minute, failing on growth or on a lost request. scripts/soak.sh is the entry point; see its
header for the options. Debian's python3 with python3-pil and python3-matplotlib.

Phases:
1. peak: CONNECTIONS closed-loop clients for --peak-seconds, the answered rate is the peak;
2. soak: the same clients paced to --load x peak (open loop: a slow answer does not slow the offer)
   for --minutes; with --backends production, --restart's server is stopped and started again at a
   third and two thirds of the run (tests/servers/all.sh down|up, data kept);
3. drain and verify: the shipping backlog reaches 0, then every answered request id is read back
   through the API (record and image) and, with production backends, counted in the search index.

Each sample: RSS, open file descriptors, threads, shipping backlog (records), requests answered /
refused / failed in the interval, p50 and p99 latency. Growth checks: RSS of the last sample more
than 10 % over the median after warm-up (the first --warmup-minutes), or more open files at the end
than at any point of the warm-up. Writes samples.csv, summary.json and soak.png to --out.
"""
import argparse
import csv
import http.client
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASTRONAUT = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"


def vga_jpeg():
    from PIL import Image
    out = io.BytesIO()
    Image.open(ASTRONAUT).convert("RGB").resize((640, 480)).save(out, format="JPEG", quality=90)
    return out.getvalue()


class Service:
    """The `faceloop serve` process under test, on its own data folder (and database/prefixes)."""

    def __init__(self, binary, backends, work):
        self.data = os.path.join(work, "data")
        self.log_path = os.path.join(work, "serve.log")
        env = dict(os.environ)
        self.tag = "soak" + uuid.uuid4().hex[:8]
        if backends == "production":
            env.update(self.production_env())
        self.env = env
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data],
                                     stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 120
        while time.time() < deadline:
            match = re.search(r"listening on http://([0-9.]+):(\d+)", open(self.log_path).read())
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                return
            if self.proc.poll() is not None:
                sys.exit(f"soak: serve exited: {open(self.log_path).read()[-2000:]}")
            time.sleep(0.1)
        sys.exit("soak: serve did not start in 120 s")

    def production_env(self):
        def need(name):
            value = os.environ.get(name)
            if not value:
                sys.exit(f"soak: --backends production needs {name} (tests/servers/all.sh start DIR; "
                         f"source DIR/servers.env)")
            return value
        admin = need("FACELOOP_TEST_DATABASE_URL")
        subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {self.tag}"], check=True)
        s3 = need("FACELOOP_TEST_S3_URL")
        base, query = s3.split("?", 1)
        self.search_url = need("FACELOOP_TEST_SEARCH_URL")
        return {"FACELOOP_DATABASE_URL": admin.rsplit("/", 1)[0] + "/" + self.tag,
                "FACELOOP_OBJECT_STORE_URL": f"{base}/{self.tag}?{query}",
                "FACELOOP_SEARCH_URL": self.search_url, "FACELOOP_SEARCH_INDEX_PREFIX": self.tag,
                "FACELOOP_REDIS_URL": need("FACELOOP_TEST_REDIS_URL"), "FACELOOP_REDIS_PREFIX": f"{self.tag}:rl:"}

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def sign_up(self):
        body = json.dumps({"email": f"{self.tag}@example.com"}).encode()
        status, answer = self.request("POST", "/v1/users", body, {"Content-Type": "application/json"})
        assert status == 201, answer
        return json.loads(answer)["api_key"]["secret"]

    def proc_stats(self):
        status = open(f"/proc/{self.proc.pid}/status").read()
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
        return rss_kb / 1024, len(os.listdir(f"/proc/{self.proc.pid}/fd")), threads

    def backlog(self):
        _, text = self.request("GET", "/metrics")
        match = re.search(rb"^faceloop_ship_backlog_records(?:\{[^}]*\})?\s+([0-9.e+]+)", text, re.M)
        return float(match.group(1)) if match else 0.0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Clients:
    """CONNECTIONS keep-alive clients posting the image; closed loop, or paced to a total rate."""

    def __init__(self, service, key, image, connections):
        self.service, self.image, self.connections = service, image, connections
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "image/jpeg"}
        self.lock = threading.Lock()
        self.answered_ids, self.latencies = [], []
        self.refused = self.failed = 0
        self.stopping = threading.Event()

    def take_interval(self):
        """Latencies and counts since the last call."""
        with self.lock:
            latencies, self.latencies = self.latencies, []
            refused, failed = self.refused, self.failed
            self.refused = self.failed = 0
        return latencies, refused, failed

    def one(self, conn):
        start = time.monotonic()
        try:
            conn.request("POST", "/v1/detect", body=self.image, headers=self.headers)
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.failed += 1
            return None
        elapsed = time.monotonic() - start
        with self.lock:
            if resp.status == 200:
                self.answered_ids.append(json.loads(body)["request_id"])
                self.latencies.append(elapsed)
            elif resp.status in (429, 503):
                self.refused += 1
            else:
                self.failed += 1
        return conn

    def run(self, seconds, rate=None):
        """Runs for `seconds`; `rate` (requests/s over all connections) paces them, None saturates."""
        self.stopping.clear()
        threads = [threading.Thread(target=self.client, args=(i, seconds, rate), daemon=True)
                   for i in range(self.connections)]
        for t in threads:
            t.start()
        return threads

    def client(self, index, seconds, rate):
        end = time.monotonic() + seconds
        period = self.connections / rate if rate else 0
        next_at = time.monotonic() + index * period / self.connections
        conn = None
        while time.monotonic() < end and not self.stopping.is_set():
            if rate:
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_at += period
            conn = conn or http.client.HTTPConnection(self.service.host, self.service.port, timeout=60)
            conn = self.one(conn)


def measure_peak(clients, seconds):
    before = len(clients.answered_ids)
    for t in clients.run(seconds):
        t.join()
    clients.take_interval()
    return (len(clients.answered_ids) - before) / seconds


def servers_ctl(action, name):
    state = os.environ.get("FACELOOP_TEST_SERVERS_STATE")
    if not state:
        sys.exit("soak: --restart needs servers started by tests/servers/all.sh (FACELOOP_TEST_SERVERS_STATE)")
    subprocess.run(["bash", os.path.join(ROOT, "tests/servers/all.sh"), action, name, state], check=True,
                   stdout=subprocess.DEVNULL)


def restart_later(name, at_seconds, down_seconds, events):
    def run():
        start = time.monotonic()
        for at in at_seconds:
            time.sleep(max(0, at - (time.monotonic() - start)))
            events.append((time.monotonic(), f"{name} down"))
            servers_ctl("down", name)
            time.sleep(down_seconds)
            servers_ctl("up", name)
            events.append((time.monotonic(), f"{name} up"))
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def sample_loop(service, clients, minutes, interval, t0):
    samples = []
    for _ in range(int(minutes * 60 / interval)):
        time.sleep(interval)
        latencies, refused, failed = clients.take_interval()
        rss, fds, threads = service.proc_stats()
        sample = {"minute": round((time.monotonic() - t0) / 60, 2), "rss_mb": round(rss, 1), "fds": fds,
                  "threads": threads, "backlog": service.backlog(), "answered": len(latencies),
                  "refused": refused, "failed": failed,
                  "p50_ms": round(1000 * percentile(latencies, 0.5), 1),
                  "p99_ms": round(1000 * percentile(latencies, 0.99), 1)}
        samples.append(sample)
        print("  " + "  ".join(f"{k} {v}" for k, v in sample.items()), flush=True)
    return samples


def drain(service, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if service.backlog() == 0:
            return True
        time.sleep(2)
    return False


def listed_ids(service, auth):
    """Every request id the API lists for the key's user (pages of 100)."""
    ids, cursor = set(), None
    while True:
        path = "/v1/requests?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        status, body = service.request("GET", path, headers=auth)
        assert status == 200, body
        page = json.loads(body)
        ids.update(r["id"] for r in page["requests"])
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def lost_requests(service, key, ids, image_sample=2000):
    """Answered ids missing from the database (all ids), the object store (all ids in the local
    folder of the embedded default; a random sample read through the API with production backends,
    where images live in S3) or, in production, the search index (counted, all ids)."""
    auth = {"Authorization": f"Bearer {key}"}
    lost = sorted(set(ids) - listed_ids(service, auth))
    if getattr(service, "search_url", None):
        import random
        sample = random.sample(ids, min(image_sample, len(ids)))
        lost += [f"image {i}" for i in sample
                 if service.request("GET", f"/v1/requests/{i}/image", headers=auth)[0] != 200]
        indexed = 0
        url = urllib.parse.urlsplit(service.search_url)
        for start in range(0, len(ids), 1000):
            query = {"query": {"terms": {"request_id": ids[start:start + 1000]}}}
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            conn.request("POST", f"/{service.tag}-requests-*/_count", body=json.dumps(query),
                         headers={"Content-Type": "application/json"})
            indexed += json.loads(conn.getresponse().read())["count"]
        if indexed != len(ids):
            lost.append(f"search index has {indexed} of {len(ids)}")
    else:
        stored = {name.split(".")[0] for _, _, files in os.walk(os.path.join(service.data, "objects")) for name in files}
        lost += [f"image {i}" for i in ids if i not in stored]
    return lost


def growth_failures(samples, warmup_minutes):
    warm = [s for s in samples if s["minute"] <= warmup_minutes] or samples[:1]
    after = [s for s in samples if s["minute"] > warmup_minutes] or samples[-1:]
    failures = []
    baseline = statistics.median(s["rss_mb"] for s in after[: max(1, len(after) // 10)])
    if samples[-1]["rss_mb"] > 1.10 * baseline:
        failures.append(f"RSS grew from {baseline} MB after warm-up to {samples[-1]['rss_mb']} MB (> +10 %)")
    if samples[-1]["fds"] > max(s["fds"] for s in warm):
        failures.append(f"open files grew from at most {max(s['fds'] for s in warm)} in warm-up "
                        f"to {samples[-1]['fds']} at the end")
    return failures, baseline


def chart(samples, events, t0, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    minutes = [s["minute"] for s in samples]
    fig, axes = plt.subplots(4, 1, figsize=(9, 10), sharex=True)
    panels = [(("rss_mb",), "RSS (MB)"), (("fds", "threads"), "open files, threads"),
              (("backlog",), "shipping backlog (records)"), (("p50_ms", "p99_ms"), "latency (ms)")]
    for ax, (keys, label) in zip(axes, panels):
        for key in keys:
            ax.plot(minutes, [s[key] for s in samples], label=key, marker=".")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if len(keys) > 1:
            ax.legend(loc="upper left")
        for when, what in events:
            ax.axvline((when - t0) / 60, color="red" if "down" in what else "green", alpha=0.4, linestyle="--")
    axes[0].set_ylim(bottom=0)
    axes[-1].set_xlabel("minutes (red/green dashes: backend stopped/started)")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faceloop", default=os.path.join(ROOT, "build/faceloop"))
    parser.add_argument("--backends", choices=["embedded", "production"], default="embedded")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--interval", type=float, default=60, help="seconds between samples")
    parser.add_argument("--warmup-minutes", type=float, default=None, help="default: a tenth of the run, at least 1")
    parser.add_argument("--load", type=float, default=0.7, help="share of the measured peak offered")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--peak-seconds", type=float, default=20)
    parser.add_argument("--restart", default="postgres", help="production: the server restarted twice ('' for none)")
    parser.add_argument("--down-seconds", type=float, default=15)
    parser.add_argument("--out", default=os.path.join(ROOT, "build/soak"))
    args = parser.parse_args()
    warmup = args.warmup_minutes if args.warmup_minutes is not None else max(1.0, args.minutes / 10)
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="faceloop-soak-")
    service = Service(args.faceloop, args.backends, work)
    try:
        key = service.sign_up()
        clients = Clients(service, key, vga_jpeg(), args.connections)
        peak = measure_peak(clients, args.peak_seconds)
        rate = args.load * peak
        print(f"peak {peak:.1f} req/s over {args.connections} connections; soaking at {rate:.1f} req/s "
              f"({args.load:.0%}) for {args.minutes} min, {args.backends} backends", flush=True)
        first_id = len(clients.answered_ids)
        events, t0 = [], time.monotonic()
        threads = clients.run(args.minutes * 60, rate)
        if args.backends == "production" and args.restart:
            run_s = args.minutes * 60
            restart_later(args.restart, [run_s / 3, 2 * run_s / 3], args.down_seconds, events)
        samples = sample_loop(service, clients, args.minutes, args.interval, t0)
        clients.stopping.set()
        for t in threads:
            t.join()
        ids = clients.answered_ids[first_id:]
        drained = drain(service)
        rss, fds, nthreads = service.proc_stats()
        samples.append({**samples[-1], "minute": round((time.monotonic() - t0) / 60, 2), "rss_mb": round(rss, 1),
                        "fds": fds, "threads": nthreads, "backlog": service.backlog(), "answered": 0,
                        "refused": 0, "failed": 0})
        lost = lost_requests(service, key, ids) if drained else ["the backlog did not drain in 10 min"]
        failures, baseline = growth_failures(samples, warmup)
        failures += [f"lost: {len(lost)} answered requests, e.g. {lost[:5]}"] if lost else []
        totals = {k: sum(s[k] for s in samples) for k in ("answered", "refused", "failed")}
        summary = {"backends": args.backends, "minutes": args.minutes, "peak_rps": round(peak, 1),
                   "offered_rps": round(rate, 1), "answered": len(ids), **{k: totals[k] for k in ("refused", "failed")},
                   "rss_after_warmup_mb": baseline, "rss_end_mb": samples[-1]["rss_mb"],
                   "fds_end": samples[-1]["fds"], "threads_end": samples[-1]["threads"],
                   "p99_ms_max": max(s["p99_ms"] for s in samples[:-1]),
                   "events": [f"{(w - t0) / 60:.1f} min: {e}" for w, e in events], "failures": failures}
        with open(os.path.join(args.out, "samples.csv"), "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(samples[0]))
            writer.writeheader()
            writer.writerows(samples)
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=2)
        chart(samples, events, t0, os.path.join(args.out, "soak.png"),
              f"faceloop soak: {args.backends} backends, {rate:.0f} req/s ({args.load:.0%} of peak)")
        print(json.dumps(summary, indent=2))
        print(f"soak: {'FAILED: ' + '; '.join(failures) if failures else 'passed'} (files in {args.out})")
        return 1 if failures else 0
    finally:
        service.stop()
        if args.backends == "production":
            subprocess.run(["psql", "-q", os.environ["FACELOOP_TEST_DATABASE_URL"], "-c",
                            f"DROP DATABASE IF EXISTS {service.tag} WITH (FORCE)"], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
