#!/usr/bin/env bash
# Fuzzes the running API from its own OpenAPI document with Schemathesis (PyPI, pinned with hashes in
# tests/schemathesis/requirements.txt, installed into build/schemathesis/venv).
#
#   scripts/schemathesis.sh [--faceloop BIN] [--max-examples N]
#   scripts/schemathesis.sh --install-only   # the venv only (scripts/setup.sh calls this)
#
# Starts `faceloop serve` on the embedded default (a fresh data folder), signs up a user over HTTP
# and makes an analyst with `faceloop users create`, then runs every operation of /openapi.json in
# three runs: the user's key on the user routes, the analyst's key on the analyst routes (insights,
# reports, alerts), and last `DELETE /v1/me` alone, with a third key, because it deletes the account
# under test. Phases: examples, coverage (positive and negative values of each parameter and body
# field) and fuzzing; every check (no 5xx, response schema, status codes, content types, headers,
# schema-valid data accepted and schema-invalid data refused, ...); tests/schemathesis/schemathesis.toml
# says what is relaxed and why. Prints each run's summary; exits non-zero on any failure.
# Environment: SCHEMATHESIS_SEED makes a run reproducible (each run prints its seed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

FACELOOP="$ROOT/build/faceloop"
MAX_EXAMPLES=50
INSTALL_ONLY=0
WORK="$ROOT/build/schemathesis"
VENV="$WORK/venv"
REQUIREMENTS="$ROOT/tests/schemathesis/requirements.txt"
SERVER_PID=""
ASTRONAUT=/usr/lib/python3/dist-packages/skimage/data/astronaut.png  # python3-skimage

parse_args() {
  while (($# > 0)); do
    case "$1" in
      --faceloop) FACELOOP="$2"; shift ;;
      --max-examples) MAX_EXAMPLES="$2"; shift ;;
      --install-only) INSTALL_ONLY=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
  done
  [[ "$MAX_EXAMPLES" =~ ^[1-9][0-9]*$ ]] || die "--max-examples must be a positive whole number, not '$MAX_EXAMPLES'"
  ((INSTALL_ONLY)) || [[ -x "$FACELOOP" ]] || die "$FACELOOP is not built (cmake --build --preset release)"
}

# A venv of Debian's python3 (python3-venv), re-made when the pinned requirements change.
install_schemathesis() {
  local stamp="$VENV/.requirements-installed"
  if [[ -x "$VENV/bin/st" && -f "$stamp" && ! "$stamp" -ot "$REQUIREMENTS" ]]; then
    log "schemathesis: $("$VENV/bin/st" --version) in $VENV"
    return
  fi
  log "installing schemathesis into $VENV (pip, --require-hashes)"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$REQUIREMENTS"
  touch "$stamp"
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

# faceloop serve on an ephemeral port; sets BASE from its "listening on" line.
start_server() {
  rm -rf "$WORK/data"
  mkdir -p "$WORK/data"
  # The defaults, except the limits per client address: Schemathesis is one address that signs up
  # thousands of times and fails authentication on purpose (missing and wrong credentials), so
  # at 10 a minute it would see almost only 429 and test nothing behind it. The document lists
  # that 429; tests/functional/test_owasp_auth.py tests the throttles themselves.
  printf '[limits]\nsignups_per_minute = 100000\nauth_failures_per_client_per_minute = 0\nauth_failures_per_key_per_minute = 0\n' \
    >"$WORK/serve.toml"
  "$FACELOOP" serve --listen 127.0.0.1:0 --data-dir "$WORK/data" --config "$WORK/serve.toml" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  local i line
  for ((i = 0; i < 600; i++)); do
    line="$(grep -m1 '^listening on http://' "$WORK/serve.log" || true)"
    [[ -n "$line" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "faceloop serve exited: $(cat "$WORK/serve.log")"
    sleep 0.1
  done
  [[ -n "$line" ]] || die "faceloop serve printed no 'listening on' line in 60 s"
  BASE="${line#listening on }"
  log "faceloop serve at $BASE (log: $WORK/serve.log)"
}

# A new user's key, signed up the way a user does it (the key is in the answer without SMTP).
sign_up() {
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$1@example.com\"}" "$BASE/v1/users" |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["api_key"]["secret"])'
}

# The id of one real request of KEY (a detect of scikit-image's astronaut.png), for the record routes.
detect_once() {
  curl -sf -X POST -H "Authorization: Bearer $1" -H 'Content-Type: image/png' --data-binary "@$ASTRONAUT" \
    "$BASE/v1/detect" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["request_id"])'
}

# A key of a user with role $1 made through the CLI (analysts and admins cannot sign up over HTTP).
role_key() {
  "$FACELOOP" users create --email "$1@example.com" --role "$1" --data-dir "$WORK/data" |
    sed -n 's/.*api key (shown once): //p'
}

# One Schemathesis run with KEY over the operations the remaining arguments select.
run_st() {
  local title="$1" key="$2"
  shift 2
  log "schemathesis: $title"
  local seed=()
  [[ -n "${SCHEMATHESIS_SEED:-}" ]] && seed=(--seed "$SCHEMATHESIS_SEED")
  (cd "$WORK" && "$VENV/bin/st" --config-file "$ROOT/tests/schemathesis/schemathesis.toml" --no-color run \
    "$BASE/openapi.json" -H "Authorization: Bearer $key" --phases examples,coverage,fuzzing --checks all \
    --max-examples "$MAX_EXAMPLES" --workers 1 --suppress-health-check all "${seed[@]}" "$@")
}

main() {
  parse_args "$@"
  mkdir -p "$WORK"
  install_schemathesis
  ((INSTALL_ONLY)) && return
  start_server
  local user analyst admin last rc=0
  user="$(sign_up "user")"
  analyst="$(role_key analyst)"
  admin="$(role_key admin)"
  last="$(sign_up "deleted")"
  [[ -n "$user" && -n "$analyst" && -n "$admin" && -n "$last" ]] || die "could not make the keys under test"
  FACELOOP_ST_REQUEST_ID="$(detect_once "$user")"
  [[ -n "$FACELOOP_ST_REQUEST_ID" ]] || die "the detect that gives the record routes an id failed"
  export FACELOOP_ST_REQUEST_ID
  local analyst_routes='^/v1/(insights|reports|alerts|exports|labels/imports)(/|$)' admin_routes='^/v1/admin/'
  run_st "user routes, a signed-up user's key" "$user" \
    --exclude-path-regex "$analyst_routes|$admin_routes" --exclude-name 'DELETE /v1/me' || rc=1
  run_st "analyst routes, an analyst's key" "$analyst" --include-path-regex "$analyst_routes" || rc=1
  run_st "admin routes, an admin's key" "$admin" --include-path-regex "$admin_routes" || rc=1
  run_st "DELETE /v1/me last, on a key of its own" "$last" --include-name 'DELETE /v1/me' || rc=1
  ((rc == 0)) || die "schemathesis found failures (above); replay one with: $VENV/bin/st replay ID"
  log "schemathesis: no failures"
}

main "$@"
