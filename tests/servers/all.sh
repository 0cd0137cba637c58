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
#
# An existing server replaces one of these when its variable is set before `start` (then that server
# is neither installed nor started nor stopped here, and the fault tests that stop it skip):
#   postgres    FACELOOP_TEST_DATABASE_URL  (postgresql://...; the tests create their own databases)
#   smtp        FACELOOP_TEST_SMTP_URL and FACELOOP_TEST_SMTP_MAILDIR (the folder it delivers each
#               message to as one .eml file: the tests read the mail from there); the STARTTLS/SMTPS
#               variables too for the mailer's TLS tests, which skip otherwise
#   redis       FACELOOP_TEST_REDIS_URL
#   s3          FACELOOP_TEST_S3_URL (s3://bucket?endpoint=...&region=...), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
#   opensearch  FACELOOP_TEST_SEARCH_URL
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVERS=(postgres smtp redis s3 opensearch)

cmd="${1:-}"
state="${2:-}"

# The variable whose presence means "use this existing server", and every variable it brings.
primary_variable() {
  case "$1" in
    postgres) echo FACELOOP_TEST_DATABASE_URL ;;
    smtp) echo FACELOOP_TEST_SMTP_URL ;;
    redis) echo FACELOOP_TEST_REDIS_URL ;;
    s3) echo FACELOOP_TEST_S3_URL ;;
    opensearch) echo FACELOOP_TEST_SEARCH_URL ;;
  esac
}
server_variables() {
  case "$1" in
    postgres) echo FACELOOP_TEST_DATABASE_URL ;;
    smtp) echo FACELOOP_TEST_SMTP_URL FACELOOP_TEST_SMTP_MAILDIR FACELOOP_TEST_SMTP_STARTTLS_URL \
      FACELOOP_TEST_SMTPS_URL FACELOOP_TEST_SMTP_USER FACELOOP_TEST_SMTP_PASSWORD FACELOOP_TEST_SMTP_CA_FILE ;;
    redis) echo FACELOOP_TEST_REDIS_URL ;;
    s3) echo FACELOOP_TEST_S3_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY ;;
    opensearch) echo FACELOOP_TEST_SEARCH_URL ;;
  esac
}
is_given() { local var; var=$(primary_variable "$1"); [[ -n "${!var:-}" ]]; }

# Writes STATE/NAME/NAME.env from the environment for a server given from outside, after checking
# that what the tests need of it is there.
use_given() {
  local name=$1 dir="$state/$1" var
  if [[ $name == smtp && -z "${FACELOOP_TEST_SMTP_MAILDIR:-}" ]]; then
    echo "smtp: FACELOOP_TEST_SMTP_URL is set but FACELOOP_TEST_SMTP_MAILDIR is not: the tests read the" \
      "delivered mail from that folder" >&2
    return 1
  fi
  mkdir -p "$dir"
  : >"$dir/$name.env"
  for var in $(server_variables "$name"); do
    if [[ -n "${!var:-}" ]]; then printf "export %s=%q\n" "$var" "${!var}" >>"$dir/$name.env"; fi
  done
  touch "$dir/given"
  echo "$name: using the existing server of $(primary_variable "$name")"
}
is_given_in() { [[ -f "$2/$1/given" ]]; }

case "$cmd" in
  install)
    for server in "${SERVERS[@]}"; do
      if is_given "$server"; then continue; fi
      bash "$HERE/$server.sh" install || { echo "--- $server could not be installed (output above)" >&2; exit 1; }
    done
    ;;
  start)
    [[ -n $state ]] || { echo "usage: $0 start STATE_DIR" >&2; exit 2; }
    mkdir -p "$state"
    pids=()
    for server in "${SERVERS[@]}"; do
      rm -f "$state/$server/given"
      if is_given "$server"; then
        use_given "$server" >"$state/$server.start.log" 2>&1 &
      else
        bash "$HERE/$server.sh" start "$state/$server" >"$state/$server.start.log" 2>&1 &
      fi
      pids+=($!)
    done
    failed=()
    for i in "${!SERVERS[@]}"; do
      wait "${pids[$i]}" || failed+=("${SERVERS[$i]}")
    done
    for server in "${SERVERS[@]}"; do
      if is_given_in "$server" "$state"; then cat "$state/$server.start.log"; fi
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
    if is_given_in "$name" "$state"; then
      echo "$name is a server given from outside (its FACELOOP_TEST_* variable): not stopped or started here" >&2
      exit 3
    fi
    bash "$HERE/$name.sh" "$cmd" "$state/$name"
    ;;
  stop)
    [[ -n $state ]] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }
    for server in "${SERVERS[@]}"; do
      if is_given_in "$server" "$state"; then continue; fi
      bash "$HERE/$server.sh" stop "$state/$server" >/dev/null 2>&1 || true
    done
    ;;
  *)
    echo "usage: $0 install | start STATE_DIR | stop STATE_DIR" >&2
    exit 2
    ;;
esac
