#!/usr/bin/env bash
# A throwaway PostgreSQL 15 (Debian's) for the tests, on 127.0.0.1 and a free port.
#
#   tests/servers/postgres.sh install             # apt packages, when missing
#   tests/servers/postgres.sh start STATE_DIR     # initdb + start; writes STATE_DIR/postgres.env
#   tests/servers/postgres.sh stop STATE_DIR
#   tests/servers/postgres.sh down|up STATE_DIR   # fault tests: stop / restart keeping the data
#
# postgres.env exports FACELOOP_TEST_DATABASE_URL (a password login over TCP, as in production).
# The cluster runs as the `postgres` system user when we are root (initdb refuses root).
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
cmd="${1:-}"
state="${2:-}"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  install)
    if ! [[ -x $BIN/postgres ]]; then
      if ((EUID == 0)); then apt-get install -y -q postgresql-15 >/dev/null; else sudo apt-get install -y -q postgresql-15 >/dev/null; fi
    fi
    ;;
  start)
    [[ -n $state ]] || { echo "usage: $0 start STATE_DIR" >&2; exit 2; }
    mkdir -p "$state"
    state="$(cd "$state" && pwd)"
    pgdata="$state/pgdata"
    rm -rf "$pgdata"
    mkdir -p "$pgdata"
    if ((EUID == 0)); then chown postgres: "$pgdata" "$state"; chmod 0755 "$state"; fi
    port="$(free_port)"
    password="faceloop-test-$RANDOM$RANDOM"
    pwfile="$(mktemp)"
    printf '%s\n' "$password" >"$pwfile"
    chmod 0644 "$pwfile"
    as_pg "$BIN/initdb" -D "$pgdata" -U faceloop --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --no-sync >"$state/postgres-initdb.log" 2>&1
    rm -f "$pwfile"
    # fsync stays on: the fault tests stop servers and expect committed rows to survive.
    echo "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$state -c max_connections=200" \
      >"$state/postgres.opts"
    as_pg "$BIN/pg_ctl" -D "$pgdata" -l "$state/postgres.log" -w -t 60 -o "$(cat "$state/postgres.opts")" start >/dev/null
    url="postgresql://faceloop:$password@127.0.0.1:$port/postgres"
    {
      echo "export FACELOOP_TEST_DATABASE_URL='$url'"
      echo "export FACELOOP_TEST_PG_DATA='$pgdata'"
    } >"$state/postgres.env"
    echo "postgres: listening on 127.0.0.1:$port"
    ;;
  down) # the fault tests: stop the server, keep its data, port and env
    as_pg "$BIN/pg_ctl" -D "$state/pgdata" -m fast -w stop >/dev/null
    ;;
  up)
    as_pg "$BIN/pg_ctl" -D "$state/pgdata" -l "$state/postgres.log" -w -t 60 -o "$(cat "$state/postgres.opts")" start >/dev/null
    ;;
  stop)
    [[ -n $state ]] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }
    if [[ -f $state/pgdata/postmaster.pid ]]; then
      as_pg "$BIN/pg_ctl" -D "$state/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 install | start STATE_DIR | stop STATE_DIR | down STATE_DIR | up STATE_DIR" >&2
    exit 2
    ;;
esac
