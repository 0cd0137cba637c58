#!/usr/bin/env bash
# Long fuzzing, outside the test command (which runs each target for seconds): every libFuzzer
# target for at least RUNS executions (default 1,000,000), growing a corpus kept between runs under
# fuzz/corpus/<target>/ (git-ignored: generated inputs, no binaries in the repository), seeded from
# fuzz/write_seeds.sh. Prints one line per target: executions, time, executions/s, corpus growth,
# peak RSS. A crash stops that target with its reproducer under build/fuzz/long/ and fails the run.
#
#   scripts/fuzz_long.sh [RUNS] [TARGET ...]       e.g. scripts/fuzz_long.sh 1000000 request_fuzzer
#   FUZZ_JOBS=2 scripts/fuzz_long.sh              two libFuzzer workers per target (-fork)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  TARGETS=(decode_fuzzer config_fuzzer record_fuzzer s3_list_fuzzer bulk_response_fuzzer request_fuzzer
    multipart_fuzzer feedback_fuzzer onnx_fuzzer request_fields_fuzzer labels_fuzzer)
fi
JOBS="${FUZZ_JOBS:-1}"
OUT="$ROOT/build/fuzz/long"
SEEDS="$ROOT/build/fuzz/corpus/seeds"

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)" --target "${TARGETS[@]}"
fuzz/write_seeds.sh "$SEEDS"
mkdir -p "$OUT"

stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

failed=0
printf '%-22s %12s %9s %9s %9s %9s %8s\n' target executions seconds "exec/s" "corpus" "+new" "rss MB"
for target in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  before=$(find "$corpus" -type f | wc -l)
  max_len=8192
  [[ $target == decode_fuzzer ]] && max_len=65536
  log="$OUT/$target.log"
  start=$(date +%s)
  rc=0
  # -runs counts executions of one process; with -fork the workers share the budget (-runs per job).
  args=(-runs="$RUNS" -max_len="$max_len" -timeout=60 -print_final_stats=1 -artifact_prefix="$OUT/$target-")
  if ((JOBS > 1)); then args+=(-fork="$JOBS" -ignore_crashes=0); fi
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/asan/fuzz/$target" "${args[@]}" "$corpus" "$SEEDS/$target" >"$log" 2>&1 || rc=$?
  seconds=$(($(date +%s) - start))
  after=$(find "$corpus" -type f | wc -l)
  executed=$(stat_of number_of_executed_units "$log")
  printf '%-22s %12s %9s %9s %9s %9s %8s\n' "$target" "${executed:-?}" "$seconds" \
    "$(stat_of average_exec_per_sec "$log")" "$after" "+$((after - before))" "$(stat_of peak_rss_mb "$log")"
  if ((rc != 0)); then
    failed=1
    echo "  $target FAILED (exit $rc): $(grep -m1 -E 'ERROR|invariant broken' "$log" || true); log: $log" >&2
    ls "$OUT/$target-"* 2>/dev/null | sed 's/^/  reproducer: /' >&2 || true
  fi
done
exit "$failed"
