#!/usr/bin/env bash
# Benchmarks/compare-builds.sh BEFORE AFTER [ROUNDS]
#
# Times two giving binaries on the same 1M-grant files, alternating (BEFORE, AFTER, BEFORE, …)
# so that both meet the same spells of a busy machine, and prints a Markdown table of the best
# wall time, the CPU time of that run and the peak RSS of each, with AFTER's ratio to BEFORE.
# Used to measure what Swift's bounds and overflow checks cost (an -Ounchecked binary against a
# checked one). The files are the ones run.sh generates (Benchmarks/data, gen360 --seed 360).
set -euo pipefail
before="$1"; after="$2"; rounds="${3:-3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/data"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

commands=(
  "validate CSV clean|validate --format json --now 2026-11-25 $data/grants-1000000-clean.csv"
  "validate JSON clean|validate --format json --now 2026-11-25 $data/grants-1000000-clean.json"
  "aggregate --by funder|aggregate --by funder $data/grants-1000000-geo.csv"
  "aggregate --by imd-decile|aggregate --by imd-decile $data/grants-1000000-geo.csv"
  "convert CSV→JSON|convert $data/grants-1000000-clean.csv --to json -o -"
)

# run BINARY ARGS: prints "wall cpu rss_mb status" for one run, its output discarded.
run() {
  local binary="$1"; shift
  local status=0
  /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$binary" "$@" >/dev/null 2>"$out/err" || status=$?
  read -r wall user sys rss < <(tail -1 "$out/time")
  echo "$wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024)) $status"
}

echo "| command | before: wall s | cpu s | peak MB | after: wall s | cpu s | peak MB | after / before (wall) |"
echo "|---|---|---|---|---|---|---|---|"
for entry in "${commands[@]}"; do
  name="${entry%%|*}"; read -r -a args <<< "${entry#*|}"
  best_before=""; best_after=""
  for ((i = 0; i < rounds; i++)); do
    for side in before after; do
      binary="$before"; [ "$side" = after ] && binary="$after"
      result="$(run "$binary" "${args[@]}")"
      status="${result##* }"
      if [ "$status" -gt 1 ]; then
        echo "| $name | FAIL: $side exited $status: $(head -c 200 "$out/err") |" && continue 2
      fi
      current="best_$side"
      if [ -z "${!current}" ] || awk "BEGIN { exit !(${result%% *} < ${!current%% *}) }"; then
        printf -v "$current" "%s" "$result"
      fi
    done
  done
  read -r bw bc br _ <<< "$best_before"; read -r aw ac ar _ <<< "$best_after"
  echo "| $name | $bw | $bc | $br | $aw | $ac | $ar | $(awk "BEGIN { printf \"%.2f\", $aw / $bw }") |"
done
