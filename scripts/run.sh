#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh) and starts the faceloop HTTP service on its embedded
# defaults: SQLite and a local objects folder under ./data, listening on 127.0.0.1:8080.
#
#   scripts/run.sh [ARGS...]     # ARGS go to `faceloop serve`, e.g. --listen 0.0.0.0:8080 --data-dir /srv/faceloop
#
# setup's log goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh >&2
exec build/faceloop serve "$@"
