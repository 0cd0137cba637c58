#!/usr/bin/env bash
# A throwaway Redis (Debian's redis-server) for the shared rate limits, on 127.0.0.1 and a free port.
#
#   tests/servers/redis.sh install             # apt package, when missing
#   tests/servers/redis.sh start STATE_DIR     # start; writes STATE_DIR/redis.env
#   tests/servers/redis.sh stop STATE_DIR
#   tests/servers/redis.sh down|up STATE_DIR   # fault tests: stop / restart on the same port
#
# redis.env exports FACELOOP_TEST_REDIS_URL=redis://127.0.0.1:PORT. Nothing is persisted: buckets
# are soft state.
set -euo pipefail

cmd="${1:-}"
state="${2:-}"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {
  redis-server --bind 127.0.0.1 --port "$(cat "$state/redis.port")" --daemonize yes --pidfile "$state/redis.pid" \
    --dir "$state" --logfile "$state/redis.log" --save "" --appendonly no --protected-mode yes >/dev/null
  for _ in $(seq 100); do
    redis-cli -p "$(cat "$state/redis.port")" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis did not answer within 10 s; last lines of $state/redis.log:" >&2
  tail -n 20 "$state/redis.log" >&2 || true
  exit 1
}

stop_server() {
  [[ -f $state/redis.pid ]] || return 0
  local pid
  pid="$(cat "$state/redis.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$state/redis.pid"
}

case "$cmd" in
  install)
    if ! command -v redis-server >/dev/null; then
      if ((EUID == 0)); then apt-get install -y -q redis-server >/dev/null; else sudo apt-get install -y -q redis-server >/dev/null; fi
    fi
    ;;
  start)
    [[ -n $state ]] || { echo "usage: $0 start STATE_DIR" >&2; exit 2; }
    mkdir -p "$state"
    state="$(cd "$state" && pwd)"
    stop_server
    free_port >"$state/redis.port"
    start_server
    echo "export FACELOOP_TEST_REDIS_URL='redis://127.0.0.1:$(cat "$state/redis.port")'" >"$state/redis.env"
    echo "redis: listening on 127.0.0.1:$(cat "$state/redis.port")"
    ;;
  down) stop_server ;;
  up) start_server ;;
  stop)
    [[ -n $state ]] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }
    stop_server
    ;;
  *)
    echo "usage: $0 install | start STATE_DIR | stop STATE_DIR | down STATE_DIR | up STATE_DIR" >&2
    exit 2
    ;;
esac
