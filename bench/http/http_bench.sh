#!/usr/bin/env bash
# The service against the engine's physical limit, side by side in one run: the model-only loop
# (`faceloop bench`, decode + detect, all cores) and POST /v1/detect through HTTP with logging on
# (wrk, Debian package), on the same 640x480 JPEG, once durable (the default) and once with
# limits.sync_writes = false, to show what durability costs; and, when the test servers' variables
# are set (tests/servers/all.sh start DIR; source DIR/servers.env), once with PostgreSQL, S3 and
# OpenSearch. Then latency: an idle p50, the p99 at about 80 % of the durable peak, and 64
# connections at full load (refusals while the CPU is the limit). Prints the rates and ratios.
# FACELOOP_MODEL (optional) picks the model of both the loop and the server.
#
#   bench/http/http_bench.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_RUN="${1:-15}"
CONNECTIONS="${2:-4}"
BIN="${FACELOOP_BIN:-$ROOT/build/faceloop}"
command -v wrk >/dev/null || { echo "http_bench.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/vga.jpg" <<'PY'
import sys
from PIL import Image
Image.open("/usr/lib/python3/dist-packages/skimage/data/astronaut.png").convert("RGB").resize((640, 480)).save(sys.argv[1], quality=90)
PY

echo "== model-only loop (same image)"
"$BIN" bench --vga "$work/vga.jpg" --limit 1 --rounds 400 ${FACELOOP_MODEL:+--model "$FACELOOP_MODEL"} | tee "$work/model.txt" | tail -3
model_rps="$(awk '/all cores/ {print $5}' "$work/model.txt")"

# utime + stime of a process, in seconds.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# One server per durability mode; both measured in this run, right after the model-only loop.
run_http() {
  local mode="$1" data="$work/data-$1"
  mkdir -p "$data"
  [[ $mode == no-fsync ]] && printf '[limits]\nsync_writes = false\n' >"$work/$mode.toml"
  local config=() backends=()
  [[ $mode == no-fsync ]] && config=(--config "$work/$mode.toml")
  if [[ $mode == production ]]; then
    local tag="bench$RANDOM"
    psql -q "$FACELOOP_TEST_DATABASE_URL" -c "CREATE DATABASE $tag"
    local s3="$FACELOOP_TEST_S3_URL"
    backends=(FACELOOP_DATABASE_URL="${FACELOOP_TEST_DATABASE_URL%/*}/$tag"
      FACELOOP_OBJECT_STORE_URL="${s3%%\?*}/$tag?${s3#*\?}"
      FACELOOP_SEARCH_URL="$FACELOOP_TEST_SEARCH_URL" FACELOOP_SEARCH_INDEX_PREFIX="$tag")
  fi
  env "${backends[@]}" "$BIN" serve --listen 127.0.0.1:0 --data-dir "$data" "${config[@]}" >"$work/serve-$mode.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/serve-$mode.log" && break; sleep 0.1; done
  local url key
  url="$(grep -o 'http://[0-9.:]*' "$work/serve-$mode.log" | head -1)"
  key="$(curl -s -XPOST "$url/v1/users" -d '{"email":"bench@example.com"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["secret"])')"
  echo "== HTTP POST /v1/detect, logging on, $mode, $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
  local server_cpu_before wrk_cpu
  server_cpu_before="$(cpu_seconds "$server")"
  FACELOOP_KEY="$key" FACELOOP_IMAGE="$work/vga.jpg" \
    /usr/bin/time -f "%U %S" -o "$work/wrk-$mode.time" \
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/http/detect.lua" "$url" |
    tail -1 | tee "$work/http-$mode.txt"
  # Where the CPU went: the server's CPU per answered request, and what the load generator took
  # from the same cores.
  wrk_cpu="$(awk '{print $1 + $2}' "$work/wrk-$mode.time")"
  python3 - "$(cpu_seconds "$server")" "$server_cpu_before" "$wrk_cpu" "$SECONDS_PER_RUN" "$work/http-$mode.txt" <<'PY'
import sys
after, before, wrk, seconds, path = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rate = float(open(path).read().split()[1])
print(f"   server cpu per answered request {1000 * (after - before) / (rate * seconds):.2f} ms;"
      f" wrk used {100 * wrk / seconds:.0f} % of one core")
PY
  kill "$server"
  wait "$server" 2>/dev/null || true
}
run_http durable
run_http no-fsync
# With PostgreSQL, S3 and OpenSearch (tests/servers/all.sh start DIR; source DIR/servers.env).
if [[ -n "${FACELOOP_TEST_DATABASE_URL:-}" && -n "${FACELOOP_TEST_S3_URL:-}" && -n "${FACELOOP_TEST_SEARCH_URL:-}" ]]; then
  run_http production
  production_rps="$(awk '{print $2}' "$work/http-production.txt")"
  python3 -c "print(f'ratio HTTP with production backends / embedded default: {$production_rps / $(awk '{print $2}' "$work/http-durable.txt"):.2f}')"
fi
durable_rps="$(awk '{print $2}' "$work/http-durable.txt")"
nosync_rps="$(awk '{print $2}' "$work/http-no-fsync.txt")"
python3 - "$model_rps" "$durable_rps" "$nosync_rps" <<'PY'
import sys
model, durable, nosync = map(float, sys.argv[1:])
print(f"ratio HTTP with durable logging / model-only (all cores): {durable / model:.2f}")
print(f"ratio HTTP without fsync / model-only: {nosync / model:.2f}")
print(f"durability cost (1 - durable / no-fsync): {100 * (1 - durable / nosync):.1f} %")
PY

# Latency under load and admission: an idle p50 (one connection, one request at a time), the p99 at
# about 80 % of the durable peak (paced connections), and 64 connections at full load (any non-2xx
# while the CPU is the limit is a refusal that should not happen).
latency_runs() {
  local data="$work/data-latency"
  mkdir -p "$data"
  "$BIN" serve --listen 127.0.0.1:0 --data-dir "$data" >"$work/serve-latency.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/serve-latency.log" && break; sleep 0.1; done
  local url key
  url="$(grep -o 'http://[0-9.:]*' "$work/serve-latency.log" | head -1)"
  key="$(curl -s -XPOST "$url/v1/users" -d '{"email":"lat@example.com"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["secret"])')"
  export FACELOOP_KEY="$key" FACELOOP_IMAGE="$work/vga.jpg" FACELOOP_BENCH_DIR="$ROOT/bench/http"
  echo "== idle: 1 connection, one request at a time, ${SECONDS_PER_RUN}s"
  wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/http/detect.lua" "$url" | tail -1 | tee "$work/idle.txt"
  local idle_p50 pause
  idle_p50="$(awk '{print $6}' "$work/idle.txt")"
  # CONNECTIONS paced connections offering ~80 % of the durable rate: each cycles every
  # CONNECTIONS / rate seconds, its latency plus a pause. The latency under that load is not known
  # beforehand: a short calibration run at the idle latency's pause measures it, then the real run.
  pace() { python3 -c "print(max(0, round(1000 * $CONNECTIONS / (0.8 * $durable_rps) - $1)))"; }
  pause="$(pace "$idle_p50")"
  FACELOOP_DELAY_MS="$pause" wrk -t2 -c"$CONNECTIONS" -d5s --latency \
    -s "$ROOT/bench/http/detect_paced.lua" "$url" | tail -1 >"$work/calibrate.txt"
  pause="$(pace "$(awk '{print $6}' "$work/calibrate.txt")")"
  echo "== about 80 % of the durable peak: $CONNECTIONS connections pausing ${pause} ms, ${SECONDS_PER_RUN}s"
  FACELOOP_DELAY_MS="$pause" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency \
    -s "$ROOT/bench/http/detect_paced.lua" "$url" | tail -1 | tee "$work/paced.txt"
  echo "== 64 connections, full load, ${SECONDS_PER_RUN}s"
  wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/http/detect.lua" "$url" | tail -1 | tee "$work/c64.txt"
  python3 - "$idle_p50" "$work/paced.txt" "$durable_rps" <<'PY'
import sys
idle_p50, paced, peak = float(sys.argv[1]), open(sys.argv[2]).read().split(), float(sys.argv[3])
rate, p99 = float(paced[1]), float(paced[8])
print(f"paced load {rate:.1f}/s = {rate / peak:.2f} of the durable peak; p99 {p99:.1f} ms = {p99 / idle_p50:.2f} x idle p50 ({idle_p50:.1f} ms)")
PY
  echo "RSS of the server after the runs: $(awk '/VmRSS/ {print $2 / 1024 " MB"}' "/proc/$server/status")"
  kill "$server"
  wait "$server" 2>/dev/null || true
}
latency_runs
