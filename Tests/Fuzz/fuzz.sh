#!/bin/sh
# Runs each libFuzzer target of giving-fuzz (built by `make fuzz`) for a number of seconds,
# seeded with the fixtures, and fails if any finds a crash, leak, timeout or memory over 512 MB.
#   Tests/Fuzz/fuzz.sh BINARY SECONDS TARGET...
# Work goes to .build-fuzz/fuzz/: seeds/ and corpus/ (kept between runs), logs/, and
# artifacts/<target>/ for the inputs that failed in the last run (add each to Fixtures/fuzz-regressions/).
set -u
binary=$1 seconds=$2
shift 2
work=.build-fuzz/fuzz
failed=""

# seed TARGET: fills $work/seeds/TARGET from Fixtures/ (files under 256 KB).
seed() {
  dir=$work/seeds/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  small() { find Fixtures -type f -size -256k -name "*.$1"; }
  case $1 in
    json) small json | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    csv) small csv | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    xml) cp Fixtures/fuzz-seeds/xml/* "$dir/" ;;
    xlsx | ods)
      small "$1" | while read -r f; do
        cp "$f" "$dir/$(echo "$f" | tr / _)"
        # The sheet XML on its own (the target wraps it in a workbook of its own).
        if command -v unzip >/dev/null; then
          out="$dir/$(echo "$f" | tr / _).xml"
          if [ "$1" = xlsx ]; then
            { unzip -p "$f" xl/worksheets/sheet1.xml; printf '\0'
              unzip -p "$f" xl/sharedStrings.xml; printf '\0'
              unzip -p "$f" xl/styles.xml; } >"$out" 2>/dev/null
          else
            unzip -p "$f" content.xml >"$out" 2>/dev/null
          fi
        fi
      done ;;
    headings)
      small csv | while read -r f; do
        head -n 1 "$f" | tr -d '\r"' | tr , '\n' >"$dir/$(echo "$f" | tr / _).txt"
      done ;;
  esac
  if [ -d "Fixtures/fuzz-regressions/$1" ]; then cp Fixtures/fuzz-regressions/"$1"/* "$dir/"; fi
}

for target in "$@"; do
  seed "$target"
  rm -rf "$work/artifacts/$target"
  mkdir -p "$work/corpus/$target" "$work/artifacts/$target" "$work/logs"
  log=$work/logs/$target.log
  echo "== fuzz $target for ${seconds}s ($log)"
  # Workbooks are zips, whole only up to their end: they get longer inputs than the text formats.
  case $target in xlsx | ods) max_len=262144 ;; *) max_len=65536 ;; esac
  # Swift's own backtracer is off so that AddressSanitizer reports a trap; its quarantine of
  # freed memory is kept small so that the 512 MB limit measures the readers, not it.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=quarantine_size_mb=64 \
  GIVING_FUZZ_TARGET=$target "$binary" "$work/corpus/$target" "$work/seeds/$target" \
    -max_total_time="$seconds" -rss_limit_mb=512 -timeout=10 -detect_leaks=1 \
    -max_len=$max_len -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "   exit $status, ${runs:-?} executions"
  if [ $status -ne 0 ] || [ -n "$(ls "$work/artifacts/$target")" ]; then
    failed="$failed $target"
    grep -m 5 -E 'ERROR|SUMMARY|Fatal error|==[0-9]+==' "$log" | sed 's/^/   /'
    ls "$work/artifacts/$target" | sed "s|^|   artifact: $work/artifacts/$target/|"
  fi
done

if [ -n "$failed" ]; then
  echo "fuzz: findings in:$failed"
  exit 1
fi
echo "fuzz: no findings"
