#!/usr/bin/env bash
# Installs, starts and stops every real server the integration tests use, on loopback only:
# PostgreSQL (Debian), an SMTP sink (Debian's python3-aiosmtpd), Redis (Debian), SeaweedFS (S3, Go module proxy)
# and OpenSearch (Maven Central).
#
#   tests/servers/all.sh install
#   tests/servers/all.sh start STATE_DIR   # starts them in parallel; writes STATE_DIR/servers.env
#   tests/servers/all.sh stop STATE_DIR
#   tests/servers/all.sh down|up NAME STATE_DIR   # fault tests: stop one server / bring it back, data kept
#
# `source STATE_DIR/servers.env` exports every FACELOOP_TEST_* variable (see each script).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVERS=(postgres smtp redis s3 opensearch)

cmd="${1:-}"
state="${2:-}"

case "$cmd" in
  install)
    for server in "${SERVERS[@]}"; do bash "$HERE/$server.sh" install; done
    ;;
  start)
    [[ -n $state ]] || { echo "usage: $0 start STATE_DIR" >&2; exit 2; }
    mkdir -p "$state"
    pids=()
    for server in "${SERVERS[@]}"; do
      bash "$HERE/$server.sh" start "$state/$server" >"$state/$server.start.log" 2>&1 &
      pids+=($!)
    done
    failed=()
    for i in "${!SERVERS[@]}"; do
      wait "${pids[$i]}" || failed+=("${SERVERS[$i]}")
    done
    if ((${#failed[@]} > 0)); then
      for server in "${failed[@]}"; do
        echo "--- $server failed to start; its output:" >&2
        tail -n 40 "$state/$server.start.log" >&2 || true
      done
      "$0" stop "$state"
      exit 1
    fi
    echo "export FACELOOP_TEST_SERVERS_STATE='$(cd "$state" && pwd)'" >"$state/servers.env"
    for server in "${SERVERS[@]}"; do cat "$state/$server/$server.env" >>"$state/servers.env"; done
    echo "servers: ${SERVERS[*]} running (env in $state/servers.env)"
    ;;
  down | up)
    name="${2:-}"
    state="${3:-}"
    [[ -n $name && -n $state ]] || { echo "usage: $0 $cmd NAME STATE_DIR" >&2; exit 2; }
    bash "$HERE/$name.sh" "$cmd" "$state/$name"
    ;;
  stop)
    [[ -n $state ]] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }
    for server in "${SERVERS[@]}"; do bash "$HERE/$server.sh" stop "$state/$server" >/dev/null 2>&1 || true; done
    ;;
  *)
    echo "usage: $0 install | start STATE_DIR | stop STATE_DIR" >&2
    exit 2
    ;;
esac
