#!/usr/bin/env bash
# Benchmarks/run.sh [convert|validate|aggregate|xlsx|all]...  (default: all)
#
# Benchmarks giving against its peers on generated data; see Benchmarks/README.md.
# `make bench` builds .build/release/giving first and then runs this.
#
# Environment:
#   BENCH_SIZES  grant counts to generate and measure (default "100000 1000000")
#   SHARED       folder holding tools/gen360.py and geo/ (default ../shared, from the repo root)
#   GIVING       the giving binary (default .build/release/giving)
#   BENCH_TIMEOUT  seconds before one command is killed (default 1800)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

shared="${SHARED:-../shared}"
if [ ! -f "$shared/tools/gen360.py" ]; then
  echo "bench: cannot find the data generator '$shared/tools/gen360.py'" >&2
  echo "bench: set SHARED to the folder holding tools/gen360.py and geo/ (e.g. SHARED=/work/shared)" >&2
  exit 2
fi
export SHARED="$(cd "$shared" && pwd)"

giving="${GIVING:-.build/release/giving}"
if [ ! -x "$giving" ]; then
  echo "bench: cannot find the giving binary '$giving': run 'make bench' or 'make release'" >&2
  exit 2
fi
export GIVING="$(cd "$(dirname "$giving")" && pwd)/$(basename "$giving")"

# GNU time gives each command's own peak RSS (bench.py falls back to a rougher figure without it).
if [ ! -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "bench: installing GNU time (apt)" >&2
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >&2 \
    || echo "bench: could not install GNU time: peak RSS figures will include ~20 MB of the driver" >&2
fi

# The bare libcsv pass (C, same parser giving links).
mkdir -p "$here/.build"
csvpass="$here/.build/csvpass"
if [ ! -x "$csvpass" ] || [ "$here/csvpass.c" -nt "$csvpass" ]; then
  if ! cc -O2 -o "$csvpass" "$here/csvpass.c" -lcsv; then
    echo "bench: cannot build Benchmarks/csvpass.c (is libcsv-dev installed? 'make deps')" >&2
    exit 2
  fi
fi
export CSVPASS="$csvpass"

# The Python peers live in a virtualenv of their own, made on the first run. A peer that
# fails to install is reported as n/a by the driver; it does not stop the run.
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "bench: creating $venv (first run: installs the Python peers)" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip || true
fi
for spec in jsonschema_rs:jsonschema-rs duckdb:duckdb pandas:pandas polars:polars \
            openpyxl:openpyxl flattentool:flattentool; do
  module="${spec%%:*}"; package="${spec#*:}"
  if ! "$venv/bin/python" -c "import $module" >/dev/null 2>&1; then
    echo "bench: installing $package into $venv" >&2
    "$venv/bin/python" -m pip install -q "$package" || echo "bench: could not install $package: its rows will read n/a" >&2
  fi
done

exec "$venv/bin/python" "$here/bench.py" "$@"
