#!/usr/bin/env bash
# A real SMTP server (aiosmtpd, from Debian) for the mailer's integration tests.
#
#   tests/servers/smtp.sh install           # apt-get install python3-aiosmtpd and openssl if missing
#   tests/servers/smtp.sh start STATE_DIR   # start on free 127.0.0.1 ports; wait until they accept
#   tests/servers/smtp.sh stop STATE_DIR    # stop it (fine when it is not running)
#
# `start` writes STATE_DIR/smtp.env (source it), STATE_DIR/smtp.pid and STATE_DIR/smtp.log, a
# self-signed certificate for 127.0.0.1 (smtp-cert.pem, also the CA file to verify it) and delivers
# every message to STATE_DIR/maildir/<n>.eml (see smtp_sink.py). smtp.env exports:
#   FACELOOP_TEST_SMTP_URL            smtp://127.0.0.1:PORT   plain, no AUTH
#   FACELOOP_TEST_SMTP_STARTTLS_URL   smtp://127.0.0.1:PORT   STARTTLS and AUTH required
#   FACELOOP_TEST_SMTPS_URL           smtps://127.0.0.1:PORT  implicit TLS, AUTH required
#   FACELOOP_TEST_SMTP_USER, FACELOOP_TEST_SMTP_PASSWORD, FACELOOP_TEST_SMTP_CA_FILE,
#   FACELOOP_TEST_SMTP_MAILDIR
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Debian's interpreter, which has Debian's python3-aiosmtpd, whatever python3 is first on PATH.
PYTHON=/usr/bin/python3
READY_TIMEOUT_S=20
TEST_USER=faceloop-test
TEST_PASSWORD=faceloop-test-password

log() { printf '==> smtp: %s\n' "$*"; }
die() {
  printf 'smtp.sh: error: %s\n' "$*" >&2
  exit 1
}
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

cmd_install() {
  local packages=()
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || packages+=(python3-aiosmtpd)
  command -v openssl >/dev/null || packages+=(openssl)
  if ((${#packages[@]} == 0)); then
    log "python3-aiosmtpd and openssl already installed"
    return
  fi
  log "installing ${packages[*]}"
  # A fresh machine may have no package lists yet; update only when the first try fails.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}" ||
    { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${packages[@]}"; }
}

# The pid in STATE_DIR/smtp.pid when that process is still our sink (not a recycled pid).
running_pid() {
  local pid_file="$1/smtp.pid" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q smtp_sink.py || return 1
  printf '%s\n' "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd_stop() {
  local state="$1" pid
  if pid="$(running_pid "$state")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$state/smtp.pid" "$state/smtp.env"
}

fail_start() {
  local state="$1"
  printf 'smtp.sh: error: %s; last lines of %s:\n' "$2" "$state/smtp.log" >&2
  tail -n 30 "$state/smtp.log" >&2 || true
  cmd_stop "$state" >&2
  exit 1
}

make_certificate() {
  local state="$1"
  # Valid for 127.0.0.1 and localhost so clients can verify it with itself as the CA file.
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=faceloop test SMTP" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$state/smtp-key.pem" -out "$state/smtp-cert.pem" >>"$state/smtp.log" 2>&1 ||
    fail_start "$state" "openssl could not create the test certificate"
}

cmd_start() {
  local state="$1"
  "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd is missing: run '$0 install' first"
  command -v openssl >/dev/null || die "openssl is missing: run '$0 install' first"
  mkdir -p "$state"
  state="$(cd "$state" && pwd)"
  if running_pid "$state" >/dev/null; then
    log "already running in $state; restarting"
    cmd_stop "$state"
  fi
  rm -rf "$state/maildir" "$state/smtp.env"
  mkdir -p "$state/maildir"
  : >"$state/smtp.log"
  make_certificate "$state"

  # Started straight from this shell (no setsid, which may fork) so $! is the sink's own pid.
  "$PYTHON" "$HERE/smtp_sink.py" --maildir "$state/maildir" \
    --cert "$state/smtp-cert.pem" --key "$state/smtp-key.pem" \
    --user "$TEST_USER" --password "$TEST_PASSWORD" --env-file "$state/smtp.env" \
    </dev/null >>"$state/smtp.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$state/smtp.pid"

  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until [[ -f "$state/smtp.env" ]]; do
    # kill -0, not running_pid: until the forked shell has exec'd Python its cmdline is bash's.
    kill -0 "$pid" 2>/dev/null || fail_start "$state" "the SMTP sink exited during start-up"
    ((SECONDS < deadline)) || fail_start "$state" "the SMTP sink did not start within ${READY_TIMEOUT_S}s"
    sleep 0.2
  done
  local port
  while read -r port; do
    until port_open "$port"; do
      ((SECONDS < deadline)) || fail_start "$state" "port $port does not accept connections"
      sleep 0.2
    done
  done < <(grep -o '127\.0\.0\.1:[0-9]*' "$state/smtp.env" | cut -d: -f2)
  log "ready (pid $pid); source $state/smtp.env"
}

main() {
  local command="${1:-}"
  case "$command" in
    install) cmd_install ;;
    start | stop)
      [[ $# -eq 2 && -n "$2" ]] || die "usage: $0 $command STATE_DIR"
      "cmd_$command" "$2"
      ;;
    -h | --help) usage ;;
    *) die "usage: $0 install | start STATE_DIR | stop STATE_DIR (try --help)" ;;
  esac
}

main "$@"
