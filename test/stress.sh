#!/usr/bin/env bash
# The default suite's own acceptance check: it passes RUNS times in a row (default 5) while a second copy of
# it runs at the same time, and each run finishes within the budget (default 600 s).
#
#   test/stress.sh [RUNS]        STRESS_BUDGET_SECONDS=600, STRESS_LOGS=<dir> (default: a new temp dir)
#
# Builds once, then runs `node test/run-tests.js` (not `npm test`, which would compile into dist/ while the
# other copy reads it). Copy B starts its runs over and over until copy A has finished its RUNS; B's last
# run is waited for, so nothing is left running. Exit 0: every run of both copies passed and A's runs were
# within the budget; 1: a run failed; 2: all passed but a run of A was over the budget. Leave the worktree
# alone meanwhile: the infra tests read the sources, so an edit made during the runs fails them against the
# older build.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BUDGET=${STRESS_BUDGET_SECONDS:-600}
LOGS=${STRESS_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/exsync-stress-XXXXXX")}
mkdir -p "$LOGS"
: >"$LOGS/results"

echo "building…"
npx tsc -p . || exit 1
echo "logs: $LOGS"

run() { # run <copy> <n>: one run of the default suite, its result appended to $LOGS/results
  local start rc line
  start=$(date +%s)
  node test/run-tests.js >"$LOGS/$1-$2.log" 2>&1
  rc=$?
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$LOGS/$1-$2.log" | tail -1 | sed 's/^# //')
  echo "$1 $2 $rc $(( $(date +%s) - start )) ${line:-no summary (see $1-$2.log)}" >>"$LOGS/results"
}

# Copy B: the load. It starts a new run as long as copy A is not done.
(
  n=0
  while [ ! -e "$LOGS/a-done" ]; do
    n=$((n + 1))
    run b "$n"
  done
) &
B=$!

for n in $(seq 1 "$RUNS"); do
  run a "$n"
  read -r _ _ rc secs summary < <(grep "^a $n " "$LOGS/results")
  echo "copy A, run $n of $RUNS: exit $rc in $secs s: $summary"
done
touch "$LOGS/a-done"
echo "waiting for copy B's last run…"
wait "$B"

echo
echo "copy  run  exit  seconds  summary"
awk '{ printf "%-5s %-4s %-5s %-8s ", $1, $2, $3, $4; $1=$2=$3=$4=""; sub(/^ +/, ""); print }' "$LOGS/results"
failed=$(awk '$3 != 0' "$LOGS/results" | wc -l)
over=$(awk -v b="$BUDGET" '$1 == "a" && $4 >= b' "$LOGS/results" | wc -l)
slowest=$(awk '$1 == "a" { if ($4 > m) m = $4 } END { print m + 0 }' "$LOGS/results")
if [ "$failed" -gt 0 ]; then
  echo "FAIL: $failed run(s) failed (logs in $LOGS)"
  exit 1
fi
if [ "$over" -gt 0 ]; then
  echo "OVER BUDGET: every run passed, but $over run(s) of copy A took ${BUDGET} s or more (slowest ${slowest} s)"
  exit 2
fi
echo "PASS: $RUNS runs in a row passed beside a second copy; slowest ${slowest} s (budget ${BUDGET} s)"
