#!/usr/bin/env bash
# Sets the machine up (scripts/setup.sh) and starts faceloop.
#
#   scripts/run.sh [ARGS...]
#
# The HTTP service (`faceloop serve`) arrives with the next issue. Until then this runs one
# detection on the astronaut photo that ships with Debian's python3-skimage and prints its JSON on
# stdout; setup's log goes to stderr, so `scripts/run.sh | jq` works. ARGS are ignored until
# `serve` exists, then they go to it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh >&2

DEMO_IMAGE=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
echo "==> faceloop detect $DEMO_IMAGE (\`faceloop serve\` arrives with the HTTP service)" >&2

# When `faceloop serve` lands, replace the next line with:
#   exec build/faceloop serve "$@"
exec build/faceloop detect --format json "$DEMO_IMAGE"
