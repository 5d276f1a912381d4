#!/usr/bin/env python3
"""bench.py [convert|validate|aggregate|xlsx|all]... - giving side by side with its peers.

Run through Benchmarks/run.sh (which builds the libcsv pass, makes the virtualenv of peers and
sets GIVING, CSVPASS and SHARED). Standard library only; the peers run as child processes
(Benchmarks/peers.py inside the virtualenv, flattentool's own command).

Every command is one child process: wall time from a monotonic clock around it, CPU time from
the kernel's accounting of that child (os.wait4) and peak resident set size from GNU time
(/usr/bin/time -f %M, which the child runs under when it is installed). One run prints every figure, the ratios against the peers and a
PASS/FAIL/n/a verdict per target, and writes the same tables to Benchmarks/results/latest.md.
"""
import datetime as dt
import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
OUT = BENCH / ".build" / "out"
RESULTS = BENCH / "results"
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
GEN360 = SHARED / "tools" / "gen360.py"
GEO = SHARED / "geo"
GIVING = os.environ.get("GIVING", str(ROOT / ".build" / "release" / "giving"))
CSVPASS = os.environ.get("CSVPASS", str(BENCH / ".build" / "csvpass"))
PYTHON = sys.executable
PEERS = str(BENCH / "peers.py")
SCHEMAS = ROOT / "Schemas" / "360Giving"
NOW = "2026-11-25"
SEED = "360"
DIRTY = "0.05"
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "1800"))
TIME = "/usr/bin/time"  # GNU time, for the peak RSS of each command (optional, see measure)
# Extra arguments for `giving aggregate` (for instance a geography folder), if it needs any.
AGGREGATE_ARGS = shlex.split(os.environ.get("GIVING_AGGREGATE_ARGS", ""))
# flattentool takes about a minute and 1.7 GB per 100k grants: it runs up to this size only
# and is extrapolated linearly above it.
FLATTENTOOL_MAX = 100_000
RSS_LIMIT_MB = 256
# Runs shorter than SHORT seconds are repeated, up to REPEATS runs, and the fastest kept: on
# this shared machine one run of the same command varies by up to ±20% (its CPU time too), and
# a short run can fall wholly in a slow spell. Peers and giving alike; longer runs are made once.
SHORT = 60.0
REPEATS = 3
SECTIONS = ("convert", "validate", "aggregate", "xlsx", "many", "database", "questions", "report")
# `giving charities`: a register of this many main charities, and a postcode directory of as
# many postcodes as the ONS's own (the NSPL holds about 2.7M).
REGISTER_CHARITIES = int(os.environ.get("BENCH_REGISTER_CHARITIES", "200000"))
DIRECTORY_POSTCODES = int(os.environ.get("BENCH_DIRECTORY_POSTCODES", "2700000"))


# ---------------------------------------------------------------------------------------------
# Measuring one command


@dataclass
class Run:
    """One measured command: its figures, or why there are none."""

    label: str
    argv: list
    wall: float = None  # seconds
    cpu: float = None  # user + system seconds
    rss_kb: int = None  # peak resident set size
    exit: int = None
    note: str = ""  # a one-line summary of what it did, or why it is n/a
    ok: bool = False
    extrapolated: bool = False

    @property
    def rss_mb(self):
        return None if self.rss_kb is None else self.rss_kb / 1024


def first_line(text, limit=120):
    """The first non-empty line, paths inside the repository made relative, cut to limit."""
    for line in text.splitlines():
        line = line.strip().replace(str(ROOT) + "/", "")
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


PLACEHOLDERS = {}


def placeholder(argv):
    """Whether argv is a giving subcommand that is still a placeholder (its help says so).

    A placeholder takes no options, so it fails on the first one with a usage error before it
    can say "not available yet": its help text is what tells.
    """
    if len(argv) < 2 or argv[0] != GIVING:
        return False
    sub = argv[1]
    if sub not in PLACEHOLDERS:
        try:
            text = subprocess.run([GIVING, sub, "--help"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            text = ""
        PLACEHOLDERS[sub] = "not yet available" in text or "not available yet" in text
    return PLACEHOLDERS[sub]


def measure(label, argv, accept=(0,), stdout_to=None, summary="stdout"):
    """Runs argv; wall time, CPU time and peak RSS of that child alone.

    A run shorter than SHORT seconds is noisy on a shared machine: it is made REPEATS times
    and the fastest kept (its note says so). Longer runs are made once.
    """
    print(f"  {label} ...", end="", flush=True, file=sys.stderr)
    warm(argv)
    best = measure_once(label, argv, accept, stdout_to, summary)
    tries = 1
    while best.ok and best.wall < SHORT and tries < REPEATS:
        again = measure_once(label, argv, accept, stdout_to, summary)
        tries += 1
        if not again.ok:
            break
        if again.wall < best.wall:
            best = again
    if tries > 1:
        best.note = f"best of {tries}; {best.note}" if best.note else f"best of {tries}"
    outcome = f"{best.wall:.2f} s, {best.rss_mb:.0f} MB" if best.ok else f"n/a ({best.note})"
    print(f" {outcome}", file=sys.stderr)
    return best


def warm(argv):
    """Reads every input file named in argv (and files in a folder named there) once before
    the timed run, so that every command, giving's or a peer's, starts with its input in the
    page cache. Virtual machines like this one reclaim idle page cache on their own, and a
    command that happened to read its 700 MB input from disk was measured several times slower.
    """
    for i, arg in enumerate(argv):
        if i > 0 and str(argv[i - 1]) == "-o":
            continue  # an output
        path = Path(str(arg))
        try:
            files = sorted(path.iterdir()) if path.is_dir() else [path]
        except OSError:
            continue  # not a path at all (an SQL query, say)
        for f in files:
            if not f.is_file() or f.suffix not in (".csv", ".json", ".xlsx", ".ods", ".xml", ".txt"):
                continue
            with open(f, "rb") as stream:
                while stream.read(8 << 20):
                    pass


def measure_once(label, argv, accept, stdout_to, summary):
    """One run of argv (see measure).

    accept: exit codes that mean the command did its work (validate exits 1 on findings).
    stdout_to: a file for standard output (default a scratch file that is thrown away).
    summary: where the one-line note comes from ("stdout", "stderr" or None).
    A command saying "not available yet" (a giving subcommand that has not landed; it exits
    64) is n/a; so is any other failure, with its exit code and first line of error (a usage
    error, exit 64, shows ArgumentParser's message).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    run = Run(label, [str(a) for a in argv])
    out_path = Path(stdout_to) if stdout_to else OUT / "stdout.txt"
    # A child forked from this Python process starts with (and the kernel remembers) this
    # process's resident set until it execs, so its own peak RSS would read at least ~20 MB.
    # /usr/bin/time forks from a tiny process: through it, the figure is the command's own.
    time_file = OUT / "time.txt"
    time_file.unlink(missing_ok=True)
    argv = run.argv
    if os.access(TIME, os.X_OK):
        argv = [TIME, "-f", "%e %M", "-o", str(time_file), *run.argv]
    with open(out_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            child = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True)
        except OSError as e:
            run.note = f"cannot start: {e.strerror}"
            return run
        timed_out = threading.Event()

        def kill():
            # The command's own process group: /usr/bin/time and whatever it started.
            timed_out.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(TIMEOUT, kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    stdout = ""
    if not stdout_to:
        with open(out_path, "rb") as f:
            stdout = f.read(4096).decode("utf-8", "replace")
    run.exit = child.returncode
    rss_kb = usage.ru_maxrss
    if time_file.exists():
        try:
            rss_kb = int(time_file.read_text().split()[-1])
        except (ValueError, IndexError):
            pass
    if timed_out.is_set():
        run.note = f"timed out after {TIMEOUT:g} s"
    elif run.exit in accept:
        run.ok = True
        run.wall, run.cpu, run.rss_kb = wall, usage.ru_utime + usage.ru_stime, rss_kb
        source = stdout if summary == "stdout" else stderr if summary == "stderr" else ""
        run.note = first_line(source)
        if run.exit != 0:
            run.note = f"exit {run.exit}" + (f"; {run.note}" if run.note else "")
    elif "not available yet" in stderr or placeholder(run.argv):
        run.note = "not available yet"
    else:
        run.note = f"failed (exit {run.exit}): {first_line(stderr) or first_line(stdout)}"
    return run


def extrapolated(label, base, base_size, size, why):
    """A run not made, its time scaled linearly from a smaller one (memory not extrapolated)."""
    run = Run(label, [], note=why)
    if base is not None and base.ok:
        factor = size / base_size
        run.wall, run.cpu, run.ok, run.extrapolated = base.wall * factor, base.cpu * factor, True, True
        run.note = f"{why}: {factor:g}× the {size_name(base_size)} run"
    return run


# ---------------------------------------------------------------------------------------------
# Data


def size_name(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def dataset(n, fmt, kind="clean"):
    """Benchmarks/data/grants-N-KIND.FMT, generated by gen360.py once and cached."""
    path = DATA / f"grants-{n}-{kind}.{fmt}"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, str(GEN360), "--grants", str(n), "--format", fmt, "--seed", SEED]
    if kind == "dirty":
        args += ["--dirty", DIRTY]
    elif kind == "geo":
        args += ["--geo", str(GEO)]
    partial = path.with_suffix(path.suffix + ".partial")
    args += ["--out", str(partial)]
    print(f"  generating {path.relative_to(ROOT)} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=ROOT)
    partial.rename(path)
    print(f" {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def rel(path):
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Tables


def fmt_s(run):
    if run is None or not run.ok:
        return "n/a"
    return ("~" if run.extrapolated else "") + f"{run.wall:.2f}"


def fmt_cpu(run):
    return "n/a" if run is None or not run.ok else ("~" if run.extrapolated else "") + f"{run.cpu:.2f}"


def fmt_mb(run, unit=""):
    return "n/a" if run is None or not run.ok or run.rss_kb is None else f"{run.rss_mb:.0f}{unit}"


def ratio(a, b):
    """a ÷ b for two runs' wall times, or None."""
    if a is None or b is None or not a.ok or not b.ok or not b.wall:
        return None
    return a.wall / b.wall


def rss_ratio(a, b):
    if a is None or b is None or not a.ok or not b.ok or not a.rss_kb or not b.rss_kb:
        return None
    return a.rss_kb / b.rss_kb


def fmt_x(value, approx=False):
    if value is None:
        return "n/a"
    text = f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return ("~" if approx else "") + text + "×"


def verdict(passed):
    return "n/a" if passed is None else "PASS" if passed else "FAIL"


@dataclass
class Table:
    title: str
    columns: list
    rows: list = field(default_factory=list)
    commands: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, run, *cells):
        """A row: the run's label, its figures, then the section's own cells, then its note."""
        self.rows.append([run.label, fmt_s(run), fmt_cpu(run), fmt_mb(run), *cells, run.note])
        if run.argv:
            self.commands.append((run.label, " ".join(shlex.quote(rel(a) if os.path.isabs(a) else a) for a in run.argv)))

    def markdown(self, with_commands):
        head = ["what", "wall s", "cpu s", "peak RSS MB", *self.columns, "notes"]
        body = [[c.replace("|", "\\|") for c in row] for row in self.rows]
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        numeric = {1, 2, 3}

        def line(cells):
            padded = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
            return "| " + " | ".join(padded).rstrip() + " |"

        rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
        lines = [f"### {self.title}", "", line(head), rule, *map(line, body), ""]
        for note in self.notes:
            lines.append(f"- {note}")
        if self.notes:
            lines.append("")
        if with_commands and self.commands:
            lines += ["<details><summary>commands</summary>", ""]
            lines += [f"- {label}: `{cmd}`" for label, cmd in self.commands]
            lines += ["", "</details>", ""]
        return "\n".join(lines)


@dataclass
class Target:
    section: str
    size: int
    text: str
    measured: str
    passed: object  # True / False / None


TARGETS = []


def target(section, size, text, measured, passed):
    TARGETS.append(Target(section, size, text, measured, passed))
    return verdict(passed)


def rss_ok(run):
    return None if run is None or not run.ok or run.rss_kb is None else run.rss_mb < RSS_LIMIT_MB


# ---------------------------------------------------------------------------------------------
# Sections


def giving(*args):
    return [GIVING, *map(str, args)]


def csvpass(label, path):
    return measure(label, [CSVPASS, path])


FLATTENTOOL_RUNS = {}


def bench_convert(n):
    csv_path, json_path = dataset(n, "csv"), dataset(n, "json")
    table = Table(
        f"convert, {size_name(n)} grants (clean)",
        ["÷ csvpass", "flattentool ÷", "4× csvpass", "100× flattentool", "RSS < 256 MB"],
    )
    base = csvpass("libcsv bare pass (csvpass) CSV", csv_path)
    to_json = measure("giving convert CSV→JSON", giving("convert", csv_path, "--to", "json", "-o", OUT / "convert.json", "--quiet"), summary="stderr")
    to_csv = measure("giving convert JSON→CSV", giving("convert", json_path, "--to", "csv", "-o", OUT / "convert.csv", "--quiet"), summary="stderr")
    # Not a target: the JSON reader and writer alone, a reference for the two rows above.
    json_json = measure("giving convert JSON→JSON", giving("convert", json_path, "--to", "json", "-o", OUT / "convert.json", "--quiet"), summary="stderr")
    if n <= FLATTENTOOL_MAX:
        flat = measure_flattentool(n, csv_path)
        FLATTENTOOL_RUNS[n] = flat
    else:
        smaller = max((k for k in FLATTENTOOL_RUNS if FLATTENTOOL_RUNS[k].ok), default=None)
        flat = extrapolated("flattentool unflatten CSV→JSON", FLATTENTOOL_RUNS.get(smaller), smaller, n, "skipped (extrapolated)")
        if not flat.ok:
            flat.note = "skipped (extrapolated, but no flattentool run at ≤ 100k to scale from)"
    for p in (OUT / "convert.json", OUT / "convert.csv"):
        p.unlink(missing_ok=True)

    table.add(base, "1.00×", "", "", "", "")
    speed = ratio(flat, to_json)
    r = ratio(to_json, base)
    table.add(
        to_json,
        fmt_x(r),
        fmt_x(speed, flat.extrapolated),
        target("convert", n, "CSV→JSON within 4× the bare libcsv pass", fmt_x(r), None if r is None else r <= 4),
        target("convert", n, "CSV→JSON ≥ 100× faster than flattentool" + (" (extrapolated)" if flat.extrapolated else ""),
               fmt_x(speed, flat.extrapolated), None if speed is None else speed >= 100),
        target("convert", n, "CSV→JSON peak RSS < 256 MB", fmt_mb(to_json, " MB"), rss_ok(to_json)),
    )
    table.add(
        to_csv,
        fmt_x(ratio(to_csv, base)),
        fmt_x(ratio(flat, to_csv), flat.extrapolated),
        "",
        "",
        target("convert", n, "JSON→CSV peak RSS < 256 MB", fmt_mb(to_csv, " MB"), rss_ok(to_csv)),
    )
    table.add(json_json, fmt_x(ratio(json_json, base)), fmt_x(ratio(flat, json_json), flat.extrapolated), "", "", "")
    table.add(flat, fmt_x(ratio(flat, base), flat.extrapolated), "1.00×" if flat.ok else "n/a", "", "", "")
    table.notes += [
        "÷ csvpass: wall time over the bare libcsv pass on the same CSV (lower is better); "
        "flattentool ÷: flattentool's wall time over this row's (how many times faster).",
        "targets (issue 2) are stated for 1M grants; ratios are checked at every size.",
    ]
    if n > FLATTENTOOL_MAX:
        table.notes.append("flattentool: time extrapolated linearly from the largest size it ran on (~); its memory is not extrapolated.")
    return table


def measure_flattentool(n, csv_path):
    """flattentool unflatten of the CSV (as a one-sheet folder) with the 360Giving titles."""
    exe = Path(PYTHON).parent / "flatten-tool"  # flattentool's console script
    if not exe.exists():
        return Run("flattentool unflatten CSV→JSON", [], note="flattentool not installed")
    folder = DATA / f"flattentool-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "grants.csv"
    if not link.exists():
        link.symlink_to(csv_path.resolve())
    run = measure(
        "flattentool unflatten CSV→JSON",
        [exe, "unflatten", "--input-format", "csv", "--root-list-path", "grants", "--root-id", "",
         "--convert-titles", "--schema", SCHEMAS / "360-giving-schema.json", "-o", OUT / "flattentool.json", folder],
        summary=None,
    )
    (OUT / "flattentool.json").unlink(missing_ok=True)
    return run


def bench_validate(n):
    table = Table(
        f"validate, {size_name(n)} grants",
        ["÷ jsonschema-rs", "÷ csvpass", "< 10 s per 1M", "faster than jsonschema-rs", "RSS < 256 MB"],
    )
    limit = 10.0 * n / 1_000_000
    runs = {}
    for kind in ("clean", "dirty"):
        csv_path, json_path = dataset(n, "csv", kind), dataset(n, "json", kind)
        runs["csvpass", kind] = csvpass(f"libcsv bare pass (csvpass) CSV {kind}", csv_path)
        runs["jsonschema-rs", kind] = measure(
            f"jsonschema-rs JSON {kind}",
            [PYTHON, PEERS, "jsonschema-rs", SCHEMAS / "360-giving-package-schema.json", SCHEMAS / "360-giving-schema.json", json_path],
        )
        for fmt, path in (("CSV", csv_path), ("JSON", json_path)):
            runs["giving", fmt, kind] = measure(
                f"giving validate {fmt} {kind}",
                giving("validate", "--format", "json", "--now", NOW, path),
                accept=(0, 1),
                stdout_to=OUT / "validate.json",
            )
    (OUT / "validate.json").unlink(missing_ok=True)
    for kind in ("clean", "dirty"):
        base, peer = runs["csvpass", kind], runs["jsonschema-rs", kind]
        for fmt in ("CSV", "JSON"):
            run = runs["giving", fmt, kind]
            r_peer = ratio(run, peer)
            where = f"{fmt} {kind}"
            table.add(
                run,
                fmt_x(r_peer),
                fmt_x(ratio(run, base)),
                target("validate", n, f"validate {where} in < 10 s per 1M grants (< {limit:g} s here)",
                       (fmt_s(run) + " s" if run.ok else "n/a"), None if not run.ok else run.wall < limit),
                target("validate", n, f"validate {where} faster than jsonschema-rs on the same grants",
                       fmt_x(r_peer), None if r_peer is None else r_peer < 1),
                target("validate", n, f"validate {where} peak RSS < 256 MB", fmt_mb(run, " MB"), rss_ok(run)),
            )
    for kind in ("clean", "dirty"):
        peer = runs["jsonschema-rs", kind]
        table.add(peer, "1.00×" if peer.ok else "n/a", fmt_x(ratio(peer, runs["csvpass", kind])), "", "", "")
    for kind in ("clean", "dirty"):
        table.add(runs["csvpass", kind], fmt_x(ratio(runs["csvpass", kind], runs["jsonschema-rs", kind])), "1.00×", "", "", "")
    table.notes += [
        f"giving: `validate --format json --now {NOW}` (exit 1 = findings, counted as a normal run); "
        f"dirty = gen360 `--dirty {DIRTY}`.",
        "÷ jsonschema-rs: wall time over jsonschema-rs on the JSON of the same grants (below 1.00× is faster); "
        "jsonschema-rs's time includes Python's json.load of the file, as any user of it pays.",
        "÷ csvpass: wall time over the bare libcsv pass on the CSV of the same grants.",
    ]
    return table


def bench_aggregate(n):
    path = dataset(n, "csv", "geo")
    table = Table(
        f"aggregate, {size_name(n)} grants (`--geo` CSV)",
        ["÷ duckdb", "RSS ÷ duckdb", "÷ duckdb, same measures", "≤ 2× duckdb", "≤ ¼ duckdb RSS", "imd ≤ 1.5× funder"],
    )
    by = {}
    for key in ("funder", "funder,year", "imd-decile"):
        by[key] = measure(f"giving aggregate --by {key}", giving("aggregate", path, "--by", key, *AGGREGATE_ARGS))
    duck = measure("duckdb read_csv + GROUP BY", [PYTHON, PEERS, "duckdb", path])
    duck_full = measure("duckdb, every measure giving reports", [PYTHON, PEERS, "duckdb-full", path])
    pandas = measure("pandas read_csv + groupby", [PYTHON, PEERS, "pandas", path])
    polars = measure("polars scan_csv + group_by", [PYTHON, PEERS, "polars", path])

    funder = by["funder"]
    r, m = ratio(funder, duck), rss_ratio(funder, duck)
    table.add(
        funder, fmt_x(r), fmt_x(m), fmt_x(ratio(funder, duck_full)),
        target("aggregate", n, "--by funder within 2× DuckDB's time", fmt_x(r), None if r is None else r <= 2),
        target("aggregate", n, "--by funder ≤ ¼ of DuckDB's peak memory", fmt_x(m), None if m is None else m <= 0.25),
        "",
    )
    table.add(by["funder,year"], fmt_x(ratio(by["funder,year"], duck)), fmt_x(rss_ratio(by["funder,year"], duck)), "", "", "", "")
    imd = by["imd-decile"]
    ri = ratio(imd, funder)
    table.add(
        imd, fmt_x(ratio(imd, duck)), fmt_x(rss_ratio(imd, duck)), "", "", "",
        target("aggregate", n, "--by imd-decile within 1.5× of --by funder", fmt_x(ri), None if ri is None else ri <= 1.5),
    )
    for peer in (duck, duck_full, pandas, polars):
        table.add(peer, fmt_x(ratio(peer, duck)), fmt_x(rss_ratio(peer, duck)), "", "", "", "")
    table.notes += [
        "the peers total `Amount Awarded` per `Funding Org:Identifier` and `Currency` and count grants "
        "(DuckDB reads the amount as DECIMAL(18,2), exact like giving); pandas and polars read only those three columns.",
        "giving reports more per group (mean, median, min, max, distinct recipients and funders, share), counts each "
        "grant id once, and reports duplicates and excluded grants: `duckdb, every measure giving reports` computes "
        "the same measures per group (but no de-duplication), for a like-for-like time and memory.",
        f"DuckDB and polars use every core ({os.cpu_count()} here); compare cpu s too.",
    ]
    if AGGREGATE_ARGS:
        table.notes.append(f"giving aggregate was given `{shlex.join(AGGREGATE_ARGS)}` (GIVING_AGGREGATE_ARGS).")
    return table


def bench_xlsx(n):
    csv_path = dataset(n, "csv")
    table = Table(f"XLSX, {size_name(n)} grants", ["openpyxl ÷", "≥ 20× openpyxl", "RSS < 256 MB"])
    xlsx = OUT / f"grants-{n}.xlsx"
    xlsx.unlink(missing_ok=True)
    write = measure("giving convert CSV→XLSX", giving("convert", csv_path, "--to", "xlsx", "-o", xlsx, "--quiet"), summary="stderr")
    source = "giving"
    if not write.ok or not xlsx.exists():
        # Without giving's writer the reading side can still be measured, on a workbook
        # written by openpyxl (cached: it takes minutes at 1M rows).
        xlsx = DATA / f"grants-{n}-openpyxl.xlsx"
        source = "openpyxl (giving convert --to xlsx not available)"
        if not xlsx.exists():
            partial = DATA / f"grants-{n}-openpyxl.partial.xlsx"
            made = measure("openpyxl write-only CSV→XLSX (fallback)", [PYTHON, PEERS, "openpyxl-write", csv_path, partial])
            if made.ok:
                partial.rename(xlsx)
    if xlsx.exists():
        check = measure("giving validate XLSX", giving("validate", "--format", "json", "--now", NOW, xlsx),
                        accept=(0, 1), stdout_to=OUT / "validate.json")
        peer = measure("openpyxl read-only, all rows", [PYTHON, PEERS, "openpyxl", xlsx])
    else:
        check = Run("giving validate XLSX", [], note="no XLSX file to read")
        peer = Run("openpyxl read-only, all rows", [], note="no XLSX file to read")
    (OUT / "validate.json").unlink(missing_ok=True)
    speed = ratio(peer, check)
    table.add(write, "", "", target("xlsx", n, "convert CSV→XLSX peak RSS < 256 MB", fmt_mb(write, " MB"), rss_ok(write)))
    table.add(
        check, fmt_x(speed),
        target("xlsx", n, "validate XLSX ≥ 20× faster than openpyxl read-only", fmt_x(speed), None if speed is None else speed >= 20),
        target("xlsx", n, "validate XLSX peak RSS < 256 MB", fmt_mb(check, " MB"), rss_ok(check)),
    )
    table.add(peer, "1.00×" if peer.ok else "n/a", "", "")
    table.notes += [
        f"the workbook read was written by {source}, from the clean CSV (one sheet, {n:,} grant rows).",
        "openpyxl ÷: openpyxl's wall time over this row's (how many times faster).",
    ]
    xlsx_out = OUT / f"grants-{n}.xlsx"
    xlsx_out.unlink(missing_ok=True)
    return table


def split_dataset(n, parts):
    """Benchmarks/data/grants-N-clean-in-PARTS/: the CSV of n grants cut into `parts` files of
    n/parts grants each (header repeated), the same grants as the one file, made once."""
    import csv

    folder = DATA / f"grants-{n}-clean-in-{parts}"
    if folder.exists():
        return folder
    source = dataset(n, "csv")
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    per_file = n // parts
    with open(source, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        for part in range(parts):
            with open(partial / f"part-{part:03}.csv", "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(header)
                for _ in range(per_file):
                    writer.writerow(next(reader))
    partial.rename(folder)
    return folder


FIXTURES_MEASURED = []


def bench_many(n):
    """Issue 23: many files in one run against one file of the same grants, and the 49 real
    fixtures in one run against the slowest of them alone plus the rest's CPU over two cores."""
    table = Table(f"many files, {size_name(n)} grants", ["÷ one file", "within 1.2× one file", "RSS < 256 MB"])
    parts = 100
    folder = split_dataset(n, parts)
    args = ("validate", "--format", "json", "--now", NOW)
    one = measure(f"giving validate 1 CSV file of {size_name(n)}", giving(*args, dataset(n, "csv")), accept=(0, 1),
                  stdout_to=OUT / "many.json")
    many = measure(f"giving validate {parts} CSV files of {size_name(n // parts)}", giving(*args, folder), accept=(0, 1),
                   stdout_to=OUT / "many.json")
    r = ratio(many, one)
    table.add(one, "1.00×" if one.ok else "n/a", "", target("many", n, "validate 1 file of the grants: runs", fmt_s(one), one.ok))
    table.add(
        many, fmt_x(r),
        target("many", n, f"validate {parts} files within 1.2× one file of the same grants", fmt_x(r),
               False if not many.ok else None if r is None else r <= 1.2),
        target("many", n, f"validate {parts} files peak RSS < 256 MB", fmt_mb(many, " MB"), rss_ok(many) if many.ok else False),
    )
    table.notes.append(f"the {parts} files are the one file's grants cut into {parts} (`Benchmarks/data/{folder.name}/`).")
    if not FIXTURES_MEASURED:
        FIXTURES_MEASURED.append(True)
        fixtures = sorted(p for p in (ROOT / "Fixtures" / "real").rglob("*") if p.is_file() and p.suffix != ".md")
        alone = [measure(f"  alone: {p.name}", giving(*args, p), accept=(0, 1, 2), stdout_to=OUT / "many.json") for p in fixtures]
        together = measure(f"giving validate the {len(fixtures)} real fixtures in one run", giving(*args, *fixtures),
                           accept=(0, 1, 2), stdout_to=OUT / "many.json")
        measured = [run for run in alone if run.ok]
        if len(measured) == len(alone) and together.ok:
            slowest = max(measured, key=lambda run: run.wall)
            rest_cpu = sum(run.cpu for run in measured) - slowest.cpu
            bound = slowest.wall + rest_cpu / 2
            passed = together.wall <= bound
            text = f"{bound:.2f} s ({slowest.label.strip()} {slowest.wall:.2f} s + {rest_cpu:.2f} cpu s ÷ 2)"
        else:
            passed, text = False, "a run failed"
        table.add(together, "", target("many", n, f"the {len(fixtures)} fixtures in one run within the slowest alone + the rest's CPU ÷ 2",
                                        f"{fmt_s(together)} s ≤ {text}", passed), "")
        # The JSON report lists every place of every finding (one fixture has 800,000 schema
        # errors): its memory is that of the largest reports. The text report lists 10 a kind.
        text_run = measure(f"giving validate the {len(fixtures)} real fixtures in one run, text report",
                           giving("validate", "--now", NOW, *fixtures), accept=(0, 1, 2), stdout_to=OUT / "many.json")
        table.add(text_run, "", "", target("many", n, f"the {len(fixtures)} fixtures in one run, text report, peak RSS < 256 MB",
                                            fmt_mb(text_run, " MB"), rss_ok(text_run) if text_run.ok else False))
        table.notes.append(f"each of the {len(fixtures)} fixtures alone: {sum(r.wall for r in measured):.2f} s wall, "
                           f"{sum(r.cpu for r in measured):.2f} s cpu in all (exit 2 for the one file giving does not read, as in the run).")
    (OUT / "many.json").unlink(missing_ok=True)
    return table


def bench_database(n):
    """Issue 19: the grants into SQLite against convert --to json of the same file, and a SQL
    query over the database beside the same aggregate."""
    table = Table(f"database, {size_name(n)} grants", ["÷ convert --to json", "within 3× convert", "RSS < 256 MB"])
    csv_path = dataset(n, "csv")
    database = OUT / "grants.db"
    to_json = measure("giving convert CSV --to json", giving("convert", csv_path, "--to", "json", "-o", OUT / "grants.json"))
    (OUT / "grants.json").unlink(missing_ok=True)
    database.unlink(missing_ok=True)
    to_sqlite = measure("giving convert CSV --to sqlite", giving("convert", csv_path, "--to", "sqlite", "-o", database, "--force"))
    r = ratio(to_sqlite, to_json)
    table.add(to_json, "1.00×" if to_json.ok else "n/a", "", "")
    table.add(
        to_sqlite, fmt_x(r),
        target("database", n, "convert --to sqlite within 3× convert --to json", fmt_x(r),
               False if not to_sqlite.ok else None if r is None else r <= 3),
        target("database", n, "convert --to sqlite peak RSS < 256 MB", fmt_mb(to_sqlite, " MB"),
               rss_ok(to_sqlite) if to_sqlite.ok else False),
    )
    query = ("SELECT f.id, g.currency, count(*), sum(g.amount_awarded_minor) FROM grants g "
             "JOIN funding_organizations f USING (grant_key) GROUP BY f.id, g.currency")
    sql = measure("sqlite3: spend per funder and currency", ["sqlite3", database, query])
    aggregate = measure("giving aggregate --by funder (same CSV)", giving("aggregate", "--by", "funder", "--format", "csv", csv_path))
    # Places: the grant_places view (small areas and deciles) beside the same aggregate.
    # (per code first, as docs/database.md advises over many grants).
    places = ("WITH per_code AS (SELECT p.geo_code, p.codes, g.currency, sum(g.amount_awarded_minor) AS minor "
              "FROM place_codes p JOIN grants g USING (grant_key) GROUP BY p.geo_code, p.codes, g.currency) "
              "SELECT s.nation, s.decile, c.currency, sum(c.minor * s.weight) FROM per_code c "
              "JOIN area_spreads s USING (geo_code, codes) GROUP BY s.nation, s.decile, c.currency")
    sql_places = measure("sqlite3: spend per nation and decile (grant_places)", ["sqlite3", database, places])
    imd = measure("giving aggregate --by imd-decile (same CSV)",
                  giving("aggregate", "--by", "imd-decile", "--format", "csv", csv_path, *AGGREGATE_ARGS))
    table.add(sql, "", "", "")
    table.add(aggregate, "", "", "")
    table.add(sql_places, "", "", "")
    table.add(imd, "", "", "")
    table.notes.append(f"query: `{query}`")
    table.notes.append(f"places query: `{places}`")
    database.unlink(missing_ok=True)
    return table


def registers():
    """Benchmarks/data/registers-C-P/: a register extract and an NSPL-layout postcode directory
    (make_registers.py), generated once and cached."""
    folder = DATA / f"registers-{REGISTER_CHARITIES}-{DIRECTORY_POSTCODES}"
    if (folder / "done").exists():
        return folder
    print(f"  generating {rel(folder)} ...", end="", flush=True, file=sys.stderr)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(BENCH / "make_registers.py"), "--charities", str(REGISTER_CHARITIES),
         "--postcodes", str(DIRECTORY_POSTCODES), "--out", str(folder)], check=True)
    (folder / "done").write_text("")
    print(f" {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return folder


def bench_questions(n):
    """Issue 18: who else funds the government's grantees (two passes) against one pass, with
    DuckDB computing the same answer; and registered charities counted by decile over a
    full-size postcode directory."""
    path = dataset(n, "csv", "geo")
    table = Table(f"questions, {size_name(n)} grants (`--geo` CSV)", ["÷ --by funder", "RSS ÷ --by funder", "target"])
    funder = measure("giving aggregate --by funder", giving("aggregate", path, "--by", "funder", "--format", "csv"))
    selected = measure(
        "giving aggregate --recipients-of type:government --by funder",
        giving("aggregate", path, "--recipients-of", "type:government", "--by", "funder", "--format", "csv"))
    duck = measure("duckdb: the same --recipients-of answer in SQL", [PYTHON, PEERS, "duckdb-recipients-of", str(path)])
    r, m = ratio(selected, funder), rss_ratio(selected, funder)
    table.add(funder, "1.00×" if funder.ok else "n/a", "", "")
    table.add(
        selected, fmt_x(r), fmt_x(m),
        target("questions", n, "--recipients-of type:government within 2× --by funder", fmt_x(r),
               False if not selected.ok else None if r is None else r <= 2) + "; "
        + target("questions", n, "--recipients-of peak RSS ≤ 1.5× --by funder", fmt_x(m),
                 False if not selected.ok else None if m is None else m <= 1.5))
    table.add(duck, fmt_x(ratio(duck, funder)), fmt_x(rss_ratio(duck, funder)), "")
    folder = registers()
    charities = measure(
        f"giving charities ({REGISTER_CHARITIES // 1000}k charities, {DIRECTORY_POSTCODES / 1e6:.1f}M postcodes) --by imd-decile",
        giving("charities", folder / "publicextract.charity.txt", "--postcodes", folder / "nspl.csv", "--by", "imd-decile"))
    table.add(
        charities, "", "",
        target("questions", n, "giving charities under 10 s", fmt_s(charities),
               charities.ok and charities.wall is not None and charities.wall < 10) + "; "
        + target("questions", n, "giving charities peak RSS < 256 MB", fmt_mb(charities, " MB"),
                 rss_ok(charities) if charities.ok else False))
    table.notes += [
        "DuckDB's query: the recipients of funders whose identifier starts with a government register's prefix "
        "(GB-GOR-, GB-LAE-, GB-NHS-, …, the registers `type:government` names), joined back to every grant and "
        "summed per funder and currency (see `Benchmarks/peers.py`, `duckdb_recipients_of_job`); it does not count "
        "a repeated grant id once, as giving does.",
        f"DuckDB uses every core ({os.cpu_count()} here); compare cpu s too.",
        "the register and the postcode directory are made by `Benchmarks/make_registers.py` in the published layouts "
        "(the NSPL's 41 columns), with real small area codes.",
    ]
    return table


def bench_report(n):
    """Issue 19: the HTML report against the commands whose answers it shows, run one by one."""
    path = dataset(n, "csv", "geo")
    table = Table(f"report, {size_name(n)} grants (`--geo` CSV)", ["÷ validate + aggregate", "target"])
    validate = measure("giving validate --max-locations 1000 --format json",
                       giving("validate", path, "--max-locations", "1000", "--format", "json"), accept=(0, 1))
    summary = measure("giving summary", giving("summary", path))
    aggregates = [measure(f"giving aggregate --by {key}", giving("aggregate", path, "--by", key, *AGGREGATE_ARGS))
                  for key in ("year", "funder", "recipient", "imd-decile")]
    page = OUT / "report.html"
    report = measure("giving report", giving("report", path, "-o", page, "-q"))
    size = page.stat().st_size / 1e6 if page.exists() else None
    page.unlink(missing_ok=True)

    def added(runs):
        if not all(r.ok for r in runs):
            return None
        return Run("sum", [], wall=sum(r.wall for r in runs), cpu=sum(r.cpu for r in runs), ok=True)

    shown = added([validate, summary, *aggregates])
    least = added([validate, aggregates[0]])
    for run in [validate, summary, *aggregates]:
        table.add(run, "", "")
    r_shown, r_least = ratio(report, shown), ratio(report, least)
    cpu = lambda a, b: None if a is None or b is None or not a.ok or not b.ok or not b.cpu else a.cpu / b.cpu
    table.add(
        report,
        f"{fmt_x(r_shown)} of the six commands ({fmt_x(cpu(report, shown))} cpu); "
        f"{fmt_x(r_least)} of validate + aggregate --by year ({fmt_x(cpu(report, least))} cpu)",
        target("report", n, "report within the time of the commands whose answers it shows", fmt_x(r_shown),
               False if not report.ok else None if r_shown is None else r_shown <= 1) + "; "
        + target("report", n, "report peak RSS < 256 MB", fmt_mb(report, " MB"),
                 rss_ok(report) if report.ok else False) + "; "
        + target("report", n, "page under 10 MB", "n/a" if size is None else f"{size:.2f} MB",
                 False if size is None else size < 10))
    table.notes.append(
        "the report reads the file once to validate and summarise it and once for each of its four charts' "
        "aggregations; validate, summary and the aggregates are each a command a user would otherwise run.")
    return table


BENCHES = {"convert": bench_convert, "validate": bench_validate, "aggregate": bench_aggregate, "xlsx": bench_xlsx, "many": bench_many, "database": bench_database, "questions": bench_questions, "report": bench_report}


# ---------------------------------------------------------------------------------------------
# Report


def machine():
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores{f' ({cpu})' if cpu else ''}{mem}"


def giving_revision():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def targets_markdown():
    if not TARGETS:
        return ""
    head = ["section", "size", "target", "measured", "verdict"]
    rows = [[t.section, size_name(t.size), t.text, t.measured, verdict(t.passed)] for t in TARGETS]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    counts = {v: sum(1 for t in TARGETS if verdict(t.passed) == v) for v in ("PASS", "FAIL", "n/a")}
    summary = f"{counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['n/a']} n/a"
    return "\n".join(["### targets", "", line(head), rule, *map(line, rows), "", summary, ""])


def main(argv):
    wanted = [a for a in argv if a != "all"] or list(SECTIONS)
    unknown = [a for a in wanted if a not in SECTIONS]
    if unknown:
        sys.exit(f"usage: Benchmarks/run.sh [{'|'.join(SECTIONS)}|all]... (unknown: {' '.join(unknown)})")
    if not GEN360.exists():
        sys.exit(f"bench: cannot find the data generator '{GEN360}' (set SHARED)")
    try:
        sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "100000 1000000").split()]
    except ValueError:
        sys.exit(f"bench: BENCH_SIZES must be grant counts, like '100000 1000000' (got '{os.environ['BENCH_SIZES']}')")
    sizes = sorted(set(sizes))
    started = dt.datetime.now(dt.timezone.utc)
    header = [
        "# giving benchmarks",
        "",
        f"- run: {started:%Y-%m-%d %H:%M} UTC, giving {giving_revision()} ({rel(GIVING)})",
        f"- machine: {machine()}",
        f"- sizes: {', '.join(size_name(n) for n in sizes)} grants (gen360.py --seed {SEED}); sections: {', '.join(wanted)}",
        "- wall s: elapsed time; cpu s: user + system time; peak RSS: maximum resident set size of the process "
        "(`/usr/bin/time -f %M`; the kernel's wait4 figure when GNU time is missing). n/a: the command is not available yet or failed (see notes).",
        "",
    ]
    print("\n".join(header))
    tables = []
    for section in wanted:
        for n in sizes:
            print(f"== {section} {size_name(n)}", file=sys.stderr)
            table = BENCHES[section](n)
            tables.append(table)
            print(table.markdown(with_commands=False), flush=True)
    summary = targets_markdown()
    print(summary)
    elapsed = (dt.datetime.now(dt.timezone.utc) - started).total_seconds()
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = "\n".join(header + [t.markdown(with_commands=True) for t in tables] + [summary, f"(whole run: {elapsed:.0f} s)", ""])
    # A run of some sections keeps the last whole run in latest.md and writes beside it.
    name = "latest.md" if wanted == list(SECTIONS) else f"latest-{'-'.join(wanted)}.md"
    (RESULTS / name).write_text(report, encoding="utf-8")
    print(f"(whole run: {elapsed:.0f} s; written to {rel(RESULTS / name)})")


if __name__ == "__main__":
    main(sys.argv[1:])
