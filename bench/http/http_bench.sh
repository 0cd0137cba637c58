#!/usr/bin/env bash
# The service against the engine's physical limit, side by side in one run: the model-only loop
# (`faceloop bench`, decode + detect, all cores) and POST /v1/detect through HTTP with logging on
# (wrk, Debian package), on the same 640x480 JPEG. Prints both and their ratio.
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
"$BIN" bench --vga "$work/vga.jpg" --limit 1 --rounds 400 | tee "$work/model.txt" | tail -3
model_rps="$(awk '/all cores/ {print $5}' "$work/model.txt")"

"$BIN" serve --listen 127.0.0.1:0 --data-dir "$work/data" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
url="$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)"
key="$(curl -s -XPOST "$url/v1/users" -d '{"email":"bench@example.com"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"]["secret"])')"

echo "== HTTP POST /v1/detect, logging on, $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
FACELOOP_KEY="$key" FACELOOP_IMAGE="$work/vga.jpg" \
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/bench/http/detect.lua" "$url" |
  tail -1 | tee "$work/http.txt"
http_rps="$(awk '{print $2}' "$work/http.txt")"
echo "ratio HTTP with logging / model-only (all cores): $(python3 -c "print(round($http_rps / $model_rps, 2))")"
