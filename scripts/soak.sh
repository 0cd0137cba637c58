#!/usr/bin/env bash
# An hour under load: `faceloop serve` at 70 % of its measured peak, sampled every minute (RSS, open
# files, threads, shipping backlog, p50/p99), failing on RSS growth over 10 % after warm-up, on any
# growth of open files, or on a lost request; with production backends PostgreSQL is stopped and
# started twice during the run. Not part of the test command. Writes samples.csv, summary.json and
# soak.png under build/soak/<backends>/. Needs Debian python3 with python3-pil and
# python3-matplotlib (scripts/setup.sh installs both).
#
#   scripts/soak.sh                        # embedded default, 60 minutes
#   scripts/soak.sh --minutes 10           # shorter
#   scripts/soak.sh --backends production  # after: tests/servers/all.sh start DIR; source DIR/servers.env
#   scripts/soak.sh --help                 # every option (load share, connections, restart target, ...)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
backends=embedded
for ((i = 1; i <= $#; i++)); do
  [[ "${!i}" == --backends ]] && { j=$((i + 1)); backends="${!j}"; }
  [[ "${!i}" == --backends=* ]] && backends="${!i#--backends=}"
done
exec /usr/bin/python3 "$ROOT/scripts/soak.py" --out "$ROOT/build/soak/$backends" "$@"
