#!/usr/bin/env bash
# Runs faceloop's whole test suite; .ci/run calls it on a clean clone.
#
#   scripts/test.sh           # setup, servers, then: release tests, Schemathesis, web end to end, format
#                             # and clang-tidy checks, ASan+UBSan tests, fuzzers
#   scripts/test.sh --quick   # setup, servers, then the release tests, Schemathesis and the web end to end
#
# The integration tests talk to real servers (PostgreSQL, SeaweedFS for S3, OpenSearch, an SMTP
# sink) that this script installs (tests/servers/all.sh), starts on loopback before the tests and
# stops afterwards. FACELOOP_REQUIRE_SERVERS=1 makes a test whose server is missing fail, not skip.
#
# Environment: FUZZ_SECONDS (default 30) is how long the fuzzer runs; CCACHE_DIR (default
# ~/.cache/ccache) is where compiles are cached, keep it between CI runs to make re-runs fast.
# Stops at the first failing stage and exits non-zero; the last line says what happened.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

QUICK=0
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
JOBS="$(nproc)"
# Per-test limits come from tests/CMakeLists.txt (TIMEOUT 600); this is only the default for tests
# that set none. Generous on purpose: CI machines have 2 cores.
CTEST_ARGS=(-j2 --timeout 1800 --no-tests=error)
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"

STAGE="options"
STAGE_START=$SECONDS

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

parse_args() {
  while (($# > 0)); do
    case "$1" in
      --quick) QUICK=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
  done
  [[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || die "FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'"
}

SERVERS_STATE="$ROOT/build/servers/state"
SERVERS_STARTED=0

on_exit() {
  local rc=$?
  if ((SERVERS_STARTED)); then tests/servers/all.sh stop "$SERVERS_STATE" || true; fi
  if ((rc != 0)); then
    printf '\nfaceloop test suite: FAILED in stage "%s" (exit %d, after %ds)\n' "$STAGE" "$rc" "$SECONDS" >&2
  fi
}
trap on_exit EXIT

stage() {
  STAGE="$1"
  STAGE_START=$SECONDS
  printf '\n==> [%s] %s\n' "$STAGE" "$2"
}

stage_done() { log "[$STAGE] passed in $((SECONDS - STAGE_START))s"; }

# The real servers of the integration tests, shared by the release and ASan stages.
start_servers() {
  stage servers "install and start PostgreSQL, SMTP, S3 (SeaweedFS), OpenSearch"
  tests/servers/all.sh install
  tests/servers/all.sh stop "$SERVERS_STATE"
  rm -rf "$SERVERS_STATE"
  SERVERS_STARTED=1
  tests/servers/all.sh start "$SERVERS_STATE"
  # shellcheck disable=SC1091
  source "$SERVERS_STATE/servers.env"
  export FACELOOP_REQUIRE_SERVERS=1
  stage_done
}

# a. The product build and every test.
test_release() {
  stage release "release build + ctest"
  cmake --build --preset release -j "$JOBS"
  ctest --preset release "${CTEST_ARGS[@]}"
  stage_done
}

# b. The same tests under AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer). One clang
# build serves this stage and the fuzz stage: its objects carry libFuzzer's coverage hooks
# (fuzzer-no-link), which the tests run through as no-ops, so the fuzzers link against the very
# libraries the tests checked and nothing is compiled twice.
test_asan() {
  stage asan "ASan+UBSan build (tests and fuzzers) + ctest (without the Facebench-wide tests and functional_production*)"
  cmake --preset asan
  # Third-party caches kept for the process's life (tests/lsan.supp says which and why).
  export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
  # The build runs the test binaries too (gtest_discover_tests), so the options apply to it as well.
  # halt_on_error makes UBSan findings fatal (the build itself keeps them recoverable, as libFuzzer wants).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    cmake --build --preset asan -j "$JOBS"
  # A whole-Facebench run under ASan costs far more than it finds, and the production functional
  # suite mostly waits out server outages: the release stage runs both.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan "${CTEST_ARGS[@]}" -E "Facebench|functional_production"
  stage_done
}

# c. libFuzzer on every parser of untrusted bytes (see fuzz/README.md): the image decoder for
# FUZZ_SECONDS, seeded with generated images; the config, spool-record, S3-list, bulk-response, HTTP
# request and multipart parsers, the feedback body, the ONNX model reader and the request-derived
# record fields for a third of that each, seeded with one valid input apiece (fuzz/write_seeds.sh).
# scripts/fuzz_long.sh runs them for a million executions each.
run_fuzzer() {
  local name="$1" seconds="$2" max_len="$3"
  shift 3
  local dir="$ROOT/build/fuzz"
  mkdir -p "$dir/corpus/$name-new" "$dir/artifacts"
  local marker="$dir/artifacts/.run-started"
  touch "$marker"
  local rc=0
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$ROOT/build/asan/fuzz/$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=60 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus/$name-new" "$@" || rc=$?
  if ((rc != 0)); then
    local found
    found="$(find "$dir/artifacts" -type f -newer "$marker" ! -name '.*' | sort)"
    printf '%s failed (exit %d). Reproducers:\n%s\n' "$name" "$rc" "${found:-(none written)}" >&2
    printf 'Replay one with: %s/build/asan/fuzz/%s FILE\n' "$ROOT" "$name" >&2
    return "$rc"
  fi
}

test_fuzz() {
  stage fuzz "decode_fuzzer for ${FUZZ_SECONDS}s, then the config, record, S3-list, bulk-response, request, multipart, feedback, ONNX and request-fields fuzzers"
  command -v clang++ >/dev/null 2>&1 || die "clang++ not found (scripts/setup.sh installs clang)"
  # Built by the asan stage already (the same build); this only catches up when run on its own.
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$JOBS" --target decode_fuzzer config_fuzzer record_fuzzer s3_list_fuzzer \
    bulk_response_fuzzer request_fuzzer multipart_fuzzer onnx_fuzzer feedback_fuzzer request_fields_fuzzer
  local seeds="$ROOT/build/fuzz/corpus/seeds"
  fuzz/write_seeds.sh "$seeds"
  run_fuzzer decode_fuzzer "$FUZZ_SECONDS" 65536 "$seeds/decode_fuzzer"
  local short=$(((FUZZ_SECONDS + 2) / 3)) name
  for name in config_fuzzer record_fuzzer s3_list_fuzzer bulk_response_fuzzer request_fuzzer multipart_fuzzer \
    feedback_fuzzer onnx_fuzzer request_fields_fuzzer; do
    run_fuzzer "$name" "$short" 8192 "$seeds/$name"
  done
  stage_done
}

# Schemathesis against the real faceloop serve on the embedded default (scripts/schemathesis.sh):
# every operation of /openapi.json, positive and negative cases, every check; about 2 minutes.
test_schemathesis() {
  stage schemathesis "the API fuzzed from its OpenAPI document (Schemathesis, every operation)"
  scripts/schemathesis.sh --faceloop "$ROOT/build/faceloop"
  stage_done
}

# The web application in Debian's chromium against the real faceloop serve (web/tests/e2e.mjs):
# the sign-up-to-deletion journey, axe-core on every page, screenshots under build/web-e2e.
test_web() {
  stage web "web application end to end in chromium (playwright-core, axe-core)"
  FACELOOP_E2E_OUT="$ROOT/build/web-e2e" node web/tests/e2e.mjs "$ROOT/build/faceloop"
  stage_done
}

# e. clang-tidy (.clang-tidy) over every translation unit under src/, zero findings. scripts/tidy.py
# remembers clean TUs under FACELOOP_TIDY_CACHE (default ~/.cache/faceloop-tidy), keyed by everything
# a result depends on: keep that folder between CI runs as for ccache.
test_tidy() {
  stage tidy "clang-tidy over src/ ($(clang-tidy --version | grep -o 'version [0-9.]*'), cached)"
  /usr/bin/python3 scripts/tidy.py -j "$JOBS" -p build/release
  stage_done
}

# d. Formatting (.clang-format). Fix with: clang-format -i FILES
test_format() {
  stage format "clang-format --dry-run --Werror ($(clang-format --version | grep -o 'version [0-9.]*'))"
  local files=() bad=() file output shown=0
  mapfile -d '' files < <(find src tests bench fuzz -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)
  ((${#files[@]} > 0)) || die "no C++ sources found under src/ tests/ bench/ fuzz/"
  for file in "${files[@]}"; do
    if ! output="$(clang-format --dry-run --Werror "$file" 2>&1)"; then
      bad+=("$file")
      if ((shown < 3)); then # the first few in full; the rest by name
        printf '%s\n' "$output" >&2
        shown=$((shown + 1))
      fi
    fi
  done
  if ((${#bad[@]} > 0)); then
    printf '%d of %d files are not clang-formatted:\n' "${#bad[@]}" "${#files[@]}" >&2
    printf '  %s\n' "${bad[@]}" >&2
    printf 'Fix with: clang-format -i %s\n' "${bad[*]}" >&2
    return 1
  fi
  log "${#files[@]} files formatted"
  stage_done
}

main() {
  parse_args "$@"
  stage setup "scripts/setup.sh"
  scripts/setup.sh
  stage_done

  start_servers
  test_release
  test_schemathesis
  test_web
  if ((QUICK)); then
    printf '\nfaceloop test suite: quick run passed (release tests, Schemathesis and web) in %ds\n' "$SECONDS"
    return
  fi
  test_format
  test_tidy
  test_asan
  test_fuzz
  printf '\nfaceloop test suite: all stages passed in %ds\n' "$SECONDS"
}

main "$@"
