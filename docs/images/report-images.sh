#!/bin/sh
# Remakes the screenshots of `giving report` in this folder: the report of the bundled sample
# (a clean file and a dirty one), each section alone on a page, rendered by headless Chromium
# with no network. Run from the package root after `swift build`.
set -eu
giving=${GIVING:-.build/debug/giving}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$giving" report --now 2026-11-25 -q -o "$work/report.html" Fixtures/sample/grants.csv Fixtures/sample/dirty.csv
for section in validation:1500 summary:1000 spend:2900; do
  name=${section%%:*}
  # The page's head, then only this section (each section is on lines of its own).
  { sed '/<main>$/q' "$work/report.html"
    sed -n "/^<section id=\"$name\"/,/<\/section>\$/p" "$work/report.html"
    echo '</main></body></html>'; } > "$work/$name.html"
  chromium --headless --no-sandbox --disable-gpu --host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1000,"${section##*:}" \
    --screenshot="docs/images/report-$name.png" "file://$work/$name.html" 2>/dev/null
done
