#!/usr/bin/env bash
# The HTTP engine alone under wrk, side by side in one run with Debian's cpp-httplib (the engine it
# replaces): GET /hello on one keep-alive connection and on 64, through http_server_bench --serve.
# Prints requests/s per engine and the ratio. Numbers on a machine that also builds are noisy:
# compare the ratio, measured here in one run.
#
#   bench/http/engine_bench.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_RUN="${1:-5}"
BIN="${FACELOOP_HTTP_BENCH:-$ROOT/build/release/bench/http_server_bench}"
command -v wrk >/dev/null || { echo "engine_bench.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
[[ -x $BIN ]] || { echo "engine_bench.sh: build http_server_bench first ($BIN)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

declare -A rate
for engine in engine httplib; do
  "$BIN" --serve="$engine" >"$work/$engine.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do grep -q "listening on" "$work/$engine.log" && break; sleep 0.1; done
  port="$(awk '/listening on/ {print $3}' "$work/$engine.log")"
  for connections in 1 64; do
    threads=$((connections < 2 ? 1 : 2))
    rps="$(wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:$port/hello" |
      awk '/Requests\/sec/ {print $2}')"
    rate[$engine-$connections]="$rps"
    printf '%-8s %3d connection(s): %10s requests/s\n' "$engine" "$connections" "$rps"
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
done
for connections in 1 64; do
  awk -v a="${rate[engine-$connections]}" -v b="${rate[httplib-$connections]}" -v c="$connections" \
    'BEGIN {printf "engine / httplib, %d connection(s): %.2f\n", c, a / b}'
done
