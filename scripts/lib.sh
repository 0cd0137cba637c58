# Shared helpers of the scripts in this folder; source it, don't run it.
# shellcheck shell=bash

log() { printf '==> %s\n' "$*"; }

die() {
  printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

# Prints the calling script's header comment (its usage text).
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
