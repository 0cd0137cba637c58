#!/usr/bin/env bash
# A real S3-compatible server for the integration tests: SeaweedFS, built from the Go module proxy.
#
#   tests/servers/s3.sh install           builds `weed` (pinned version) into $(go env GOPATH)/bin; skips when there
#   tests/servers/s3.sh start STATE_DIR   runs it on 127.0.0.1 with free ports, waits until S3 stores and
#                                         returns an object, writes STATE_DIR/s3.env (source it), s3.pid, s3.log
#   tests/servers/s3.sh stop STATE_DIR    stops it; fine when it is not running
#
# s3.env exports FACELOOP_TEST_S3_URL (s3://bucket?endpoint=...&region=...), AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (fixed test keys of the one identity the server knows).
set -euo pipefail

readonly WEED_MODULE=github.com/seaweedfs/seaweedfs
readonly WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
readonly ACCESS_KEY=faceloop-test-access-key
readonly SECRET_KEY=faceloop-test-secret-key-0123456789
readonly REGION=us-east-1
readonly TEST_BUCKET=faceloop-test  # the tests add a per-run suffix and create it
readonly START_TIMEOUT_S=60

die() {
  echo "s3.sh: $*" >&2
  exit 1
}

go_cmd() {
  if command -v go >/dev/null; then go "$@"; elif [[ -x /usr/local/go/bin/go ]]; then /usr/local/go/bin/go "$@"; else
    die "go not found (needed to build SeaweedFS)"
  fi
}

weed_bin() { echo "$(go_cmd env GOPATH)/bin/weed"; }

cmd_install() {
  local bin stamp
  bin=$(weed_bin)
  stamp="$bin.version"
  if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$WEED_VERSION" ]]; then
    echo "s3.sh: SeaweedFS $WEED_VERSION already installed at $bin"
    return
  fi
  # `go install module/weed@version` refuses modules whose go.mod has replace directives (SeaweedFS's
  # has one), so build inside the downloaded module, where it is the main module and they apply.
  local dir start
  start=$(date +%s)
  dir=$(go_cmd mod download -json "$WEED_MODULE@$WEED_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || die "could not download $WEED_MODULE@$WEED_VERSION"
  mkdir -p "$(dirname "$bin")"
  (cd "$dir" && GOFLAGS=-buildvcs=false go_cmd build -o "$bin.tmp" ./weed)
  mv "$bin.tmp" "$bin"
  echo "$WEED_VERSION" >"$stamp"
  echo "s3.sh: built SeaweedFS $WEED_VERSION into $bin in $(($(date +%s) - start)) s"
}

# N distinct free TCP ports on 127.0.0.1 (held open together while chosen, so they differ), taken
# below the kernel's ephemeral range: weed's parts connect to each other while they start, and an
# outgoing connection's ephemeral port could otherwise take a port chosen here before the part
# meant to listen on it binds it ("bind: address already in use", seen once in 2026-11).
free_ports() {
  /usr/bin/python3 - "$1" <<'EOF'
import random, socket, sys
low, high = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
pool = range(10000, low) if low > 11000 else range(high + 1, 65536)
socks = []
for port in random.sample(pool, len(pool)):
    if len(socks) == int(sys.argv[1]):
        break
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# A request signed like the store signs it (curl's SigV4 plus the payload hash S3 requires).
signed_curl() {
  curl -sS --max-time 5 --aws-sigv4 "aws:amz:$REGION:s3" -u "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -o /dev/null -w '%{http_code}' "$@" 2>/dev/null || true
}

# Ready = the whole chain (S3 gateway, filer, master, volume) stores and returns an object.
s3_works() {
  local endpoint=$1 probe
  probe="$STATE/probe.txt"
  echo ready >"$probe"
  [[ "$(signed_curl -X PUT "$endpoint/faceloop-ready")" =~ ^(200|409)$ ]] || return 1
  [[ "$(signed_curl -T "$probe" "$endpoint/faceloop-ready/probe")" == 200 ]] || return 1
  [[ "$(signed_curl "$endpoint/faceloop-ready/probe")" == 200 ]]
}

is_running() { [[ -f "$STATE/s3.pid" ]] && kill -0 "$(cat "$STATE/s3.pid")" 2>/dev/null; }

cmd_start() {
  local bin
  bin=$(weed_bin)
  [[ -x "$bin" ]] || die "$bin missing: run tests/servers/s3.sh install"
  ! is_running || die "already running (pid $(cat "$STATE/s3.pid")); stop it first"
  rm -rf "$STATE/weed"  # a fresh, empty server each start
  mkdir -p "$STATE/weed"
  cat >"$STATE/s3.json" <<EOF
{"identities": [{"name": "faceloop-test",
                 "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
                 "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
  free_ports 8 >"$STATE/s3.ports"
  launch
}

# The fault tests: `down` stops the server but keeps its data, ports and env; `up` restarts it.
cmd_down() {
  local env
  env=$(cat "$STATE/s3.env")
  cmd_stop
  echo "$env" >"$STATE/s3.env"
}

cmd_up() {
  is_running || launch
}

launch() {
  local bin master master_grpc volume volume_grpc filer filer_grpc s3 s3_grpc start
  bin=$(weed_bin)
  read -r master master_grpc volume volume_grpc filer filer_grpc s3 s3_grpc <"$STATE/s3.ports"
  start=$(date +%s%N)
  # Its own session, so that stop can end the server and nothing else by its process group.
  # Small volumes (the test machine's disk), no telemetry, no extra listeners (Iceberg, Lance), no
  # 10 s pre-stop grace, and no bucket auto-creation (AWS has none: a missing bucket is an error).
  setsid "$bin" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$STATE/weed" \
    -master.port="$master" -master.port.grpc="$master_grpc" -master.volumeSizeLimitMB=32 \
    -master.telemetry=false -volume.max=200 \
    -volume.port="$volume" -volume.port.grpc="$volume_grpc" -volume.preStopSeconds=0 \
    -filer -filer.port="$filer" -filer.port.grpc="$filer_grpc" -filer.localSocket="$STATE/filer.sock" \
    -s3 -s3.port="$s3" -s3.port.grpc="$s3_grpc" -s3.localSocket="$STATE/s3.sock" -s3.config="$STATE/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 -s3.autoCreateBucket=false -s3.iam=false \
    </dev/null >"$STATE/s3.log" 2>&1 &
  echo $! >"$STATE/s3.pid"
  # weed also serves gRPC on /tmp/seaweedfs-<service>-grpc-<port>.sock (path fixed in its code); stop
  # removes ours, which a killed weed leaves behind.
  echo "$master_grpc $volume_grpc $filer_grpc $s3_grpc" >"$STATE/s3.grpc_ports"

  local endpoint="http://127.0.0.1:$s3" deadline=$((SECONDS + START_TIMEOUT_S))
  until s3_works "$endpoint"; do
    if ! is_running || ((SECONDS >= deadline)); then
      local why="did not serve S3 on $endpoint within ${START_TIMEOUT_S} s"
      is_running || why="exited before serving S3"
      echo "s3.sh: SeaweedFS $why; log tail ($STATE/s3.log):" >&2
      tail -n 40 "$STATE/s3.log" >&2 || true
      cmd_stop
      exit 1
    fi
    sleep 0.5
  done
  cat >"$STATE/s3.env" <<EOF
export FACELOOP_TEST_S3_URL='s3://$TEST_BUCKET?endpoint=$endpoint&region=$REGION'
export AWS_ACCESS_KEY_ID='$ACCESS_KEY'
export AWS_SECRET_ACCESS_KEY='$SECRET_KEY'
EOF
  local elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  echo "s3.sh: SeaweedFS S3 on $endpoint (pid $(cat "$STATE/s3.pid")) ready in ${elapsed_ms} ms; source $STATE/s3.env"
}

cmd_stop() {
  [[ -f "$STATE/s3.pid" ]] || return 0
  local pid
  pid=$(cat "$STATE/s3.pid")
  # Only our weed, by the id we recorded (a stale pid file may name an unrelated process by now).
  if [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == weed ]]; then
    # A throwaway server: 3 s for a graceful stop (weed often takes 10 s or more), then KILL.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do  # gone (and its ports free) before we return
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if [[ -f "$STATE/s3.grpc_ports" ]]; then
    local port ports
    read -r -a ports <"$STATE/s3.grpc_ports"
    for port in "${ports[@]}"; do rm -f /tmp/seaweedfs-{master,volume,filer,s3}-grpc-"$port".sock; done
  fi
  rm -f "$STATE/s3.pid" "$STATE/s3.env" "$STATE/s3.grpc_ports"
}

case "${1:-}" in
  install) cmd_install ;;
  start | stop | down | up)
    [[ -n "${2:-}" ]] || die "usage: $0 $1 STATE_DIR"
    mkdir -p "$2"
    STATE=$(cd "$2" && pwd)
    "cmd_$1"
    ;;
  *) die "usage: $0 install | start STATE_DIR | stop STATE_DIR | down STATE_DIR | up STATE_DIR" ;;
esac
