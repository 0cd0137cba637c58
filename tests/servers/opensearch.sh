#!/usr/bin/env bash
# A real single-node OpenSearch 2.19 for the integration tests, in one JVM, from Maven Central only.
#
#   tests/servers/opensearch.sh install            # resolve + build (cached in ~/.m2; quick when done)
#   tests/servers/opensearch.sh start STATE_DIR    # install if needed, start, wait for yellow/green
#   tests/servers/opensearch.sh stop STATE_DIR     # stop it (fine when it is not running)
#
# start writes STATE_DIR/opensearch.pid, STATE_DIR/opensearch.log (the node's output) and
# STATE_DIR/opensearch.env, which sets FACELOOP_TEST_SEARCH_URL=http://127.0.0.1:PORT (a free port).
# The node's data lives in STATE_DIR/node. Plain HTTP on 127.0.0.1, no security plugin.
#
# Environment: FACELOOP_OPENSEARCH_JAVA (default: Java 17, which OpenSearch 2.x runs on),
# FACELOOP_OPENSEARCH_HEAP (default 1g; -Xms is 512m), FACELOOP_OPENSEARCH_START_TIMEOUT (seconds,
# default 120).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROJECT="$ROOT/tests/servers/opensearch"
# Under build/ (git-ignored) so the source tree stays clean.
BUILD_DIR="$ROOT/build/servers/opensearch"
MAIN_CLASS=dev.faceloop.testservers.OpenSearchTestNode
START_TIMEOUT="${FACELOOP_OPENSEARCH_START_TIMEOUT:-120}"

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

java_bin() {
  if [[ -n "${FACELOOP_OPENSEARCH_JAVA:-}" ]]; then
    echo "$FACELOOP_OPENSEARCH_JAVA"
  elif [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
    echo /usr/lib/jvm/java-17-openjdk-amd64/bin/java
  else
    echo java
  fi
}

# What the build depends on; a change to any of them rebuilds.
source_digest() {
  { cat "$PROJECT/pom.xml" && find "$PROJECT/src" -name '*.java' -print0 | sort -z | xargs -0 cat; } |
    sha256sum | cut -d' ' -f1
}

cmd_install() {
  local stamp="$BUILD_DIR/.installed" digest
  digest="$(source_digest)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$digest" ]]; then
    return 0
  fi
  if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    # A bare Debian 12: its Maven and Java 17 (OpenSearch 2.x runs on 17).
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get install -y -q maven openjdk-17-jdk-headless >/dev/null
  fi
  log "building the OpenSearch test node (Maven; first run downloads ~60 MB into ~/.m2)"
  rm -f "$stamp"
  mvn -q -B -f "$PROJECT/pom.xml" -Dnode.build.dir="$BUILD_DIR" package
  echo "$digest" >"$stamp"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True when the pid file names a live process that is our node (not a recycled pid).
node_running() {
  local pid_file="$1/opensearch.pid" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && grep -qa "$MAIN_CLASS" "/proc/$pid/cmdline" 2>/dev/null
}

health_status() {
  curl -s -m 2 "$1/_cluster/health" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>/dev/null
}

cmd_start() {
  local state="${1:?usage: $0 start STATE_DIR}"
  mkdir -p "$state"
  state="$(cd "$state" && pwd)"
  if node_running "$state"; then
    log "OpenSearch already running (pid $(cat "$state/opensearch.pid")); see $state/opensearch.env"
    return 0
  fi
  cmd_install
  local port
  port="$(free_port)"
  echo "$port" >"$state/opensearch.port"
  launch "$state" "$port"
}

# The fault tests: `down` stops the node but keeps its data and port; `up` starts it again there.
cmd_down() {
  local state="${1:?usage: $0 down STATE_DIR}"
  local env
  env="$(cat "$state/opensearch.env")"
  cmd_stop "$state"
  echo "$env" >"$state/opensearch.env"
}

cmd_up() {
  local state="${1:?usage: $0 up STATE_DIR}"
  node_running "$state" || launch "$state" "$(cat "$state/opensearch.port")"
}

launch() {
  local state="$1" port="$2"
  local url pid started=$SECONDS
  url="http://127.0.0.1:$port"
  rm -f "$state/opensearch.env"
  # setsid: the node outlives this script and is not hit by the caller's Ctrl-C.
  setsid "$(java_bin)" -Xms512m -Xmx"${FACELOOP_OPENSEARCH_HEAP:-1g}" -XX:+UseG1GC \
    -Djava.awt.headless=true -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
    -cp "$BUILD_DIR/classes:$BUILD_DIR/lib/*" "$MAIN_CLASS" "$state/node" "$port" \
    >"$state/opensearch.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$state/opensearch.pid"
  local status=""
  while ((SECONDS - started < START_TIMEOUT)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$state/opensearch.log" >&2
      die "OpenSearch exited during start-up (log: $state/opensearch.log)"
    fi
    status="$(health_status "$url" || true)"
    [[ "$status" == green || "$status" == yellow ]] && break
    sleep 1
  done
  if [[ "$status" != green && "$status" != yellow ]]; then
    tail -n 40 "$state/opensearch.log" >&2
    cmd_stop "$state"
    die "OpenSearch not ready after ${START_TIMEOUT}s (health: '${status:-no answer}'; log: $state/opensearch.log)"
  fi
  echo "export FACELOOP_TEST_SEARCH_URL=$url" >"$state/opensearch.env"
  log "OpenSearch $status at $url after $((SECONDS - started))s (pid $pid); source $state/opensearch.env"
}

cmd_stop() {
  local state="${1:?usage: $0 stop STATE_DIR}"
  if node_running "$state"; then
    local pid
    pid="$(cat "$state/opensearch.pid")"
    kill -TERM "$pid"
    # The shutdown hook closes the node (flushes shards); give it a while before forcing.
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "OpenSearch stopped (pid $pid)"
  fi
  rm -f "$state/opensearch.pid" "$state/opensearch.env"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  down) cmd_down "${2:-}" ;;
  up) cmd_up "${2:-}" ;;
  -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
