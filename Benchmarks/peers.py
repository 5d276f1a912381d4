#!/usr/bin/env python3
"""The peers giving is measured against, one job per sub-command (run by bench.py in the venv).

    peers.py jsonschema-rs PACKAGE_SCHEMA GRANT_SCHEMA FILE.json
    peers.py duckdb FILE.csv
    peers.py duckdb-full FILE.csv
    peers.py duckdb-recipients-of FILE.csv
    peers.py pandas FILE.csv
    peers.py polars FILE.csv
    peers.py openpyxl FILE.xlsx
    peers.py openpyxl-write FILE.csv OUT.xlsx   (fallback writer when giving cannot write XLSX)

Each job does what a user of that library would write to do the same work as the giving
command it is set against, and prints one summary line (counts, not data) so bench.py can
show that the work really happened. Timings of its phases follow in brackets.
"""
import csv
import json
import sys
import time

# The columns the aggregate peers group by and sum, as gen360.py writes them.
FUNDER = "Funding Org:Identifier"
CURRENCY = "Currency"
AMOUNT = "Amount Awarded"
RECIPIENT = "Recipient Org:Identifier"


PHASES = []


def phase(name, start):
    """Notes how long a phase took; summary() prints them after the counts."""
    PHASES.append(f"{name} {time.perf_counter() - start:.2f} s")
    return time.perf_counter()


def summary(text):
    print(text + (f" ({', '.join(PHASES)})" if PHASES else ""))


def jsonschema_rs_job(package_schema, grant_schema, path):
    """Validate a 360Giving JSON package against the bundled package schema, every error listed."""
    import jsonschema_rs

    t = time.perf_counter()
    with open(package_schema, encoding="utf-8") as f:
        package = json.load(f)
    with open(grant_schema, encoding="utf-8") as f:
        grant = json.load(f)
    # The package schema refers to the grant schema by its published URL, which is the grant
    # schema's own $id: embedding it there resolves the reference locally, without a network.
    items = package["properties"]["grants"]["items"]
    if items.get("$ref") != grant.get("$id"):
        sys.exit(f"peers: the package schema's grants $ref '{items.get('$ref')}' is not the grant schema's $id")
    package["properties"]["grants"]["items"] = grant
    try:
        validator = jsonschema_rs.validator_for(package, validate_formats=True)
    except TypeError:
        validator = jsonschema_rs.validator_for(package)
    t = phase("compile", t)
    with open(path, "rb") as f:
        instance = json.load(f)
    t = phase("load", t)
    errors = sum(1 for _ in validator.iter_errors(instance))
    phase("validate", t)
    summary(f"{len(instance.get('grants', []))} grants, {errors} errors")


def duckdb_job(path):
    """Total and count per funder and currency, with read_csv and GROUP BY."""
    import duckdb

    t = time.perf_counter()
    literal = "'" + path.replace("'", "''") + "'"
    rows = duckdb.sql(
        f"""
        SELECT "{FUNDER}" AS funder, "{CURRENCY}" AS currency,
               sum("{AMOUNT}") AS total, count(*) AS grants
        FROM read_csv({literal}, header = true, types = {{'{AMOUNT}': 'DECIMAL(18,2)'}})
        GROUP BY ALL ORDER BY total DESC
        """
    ).fetchall()
    phase("query", t)
    summary(f"{len(rows)} groups, {sum(r[3] for r in rows)} grants")


def duckdb_full_job(path):
    """Every measure giving aggregate reports per funder and currency, with read_csv and GROUP BY:
    grants, total, mean, median, min, max, distinct recipients and funders, share of the total.
    (giving also counts each grant id once and reports duplicates and excluded grants.)"""
    import duckdb

    t = time.perf_counter()
    literal = "'" + path.replace("'", "''") + "'"
    rows = duckdb.sql(
        f"""
        SELECT "{FUNDER}" AS funder, "{CURRENCY}" AS currency,
               count(*) AS grants, sum(amount) AS total, avg(amount) AS mean,
               median(amount) AS median, min(amount) AS min, max(amount) AS max,
               count(DISTINCT "{RECIPIENT}") AS recipients, count(DISTINCT "{FUNDER}") AS funders,
               sum(amount) / sum(sum(amount)) OVER (PARTITION BY "{CURRENCY}") AS share
        FROM (SELECT *, "{AMOUNT}" AS amount
              FROM read_csv({literal}, header = true, types = {{'{AMOUNT}': 'DECIMAL(18,2)'}}))
        GROUP BY 1, 2 ORDER BY total DESC
        """
    ).fetchall()
    phase("query", t)
    summary(f"{len(rows)} groups, {sum(r[2] for r in rows)} grants")


# The registers `type:government` names in giving (central, local government and public
# services: docs/aggregate.md), as identifier prefixes for SQL.
GOVERNMENT_PREFIXES = (
    "GB-GOR-", "GB-GOV-", "GB-GOVUK-", "GB-COA-", "GB-SRS-", "GB-LAE-", "GB-LAS-", "GB-LANI-", "GB-PLA-", "GB-NHS-",
    "GB-EDU-",
)


def duckdb_recipients_of_job(path):
    """giving aggregate --recipients-of type:government --by funder in SQL: spend per funder and
    currency on the recipients that also had a grant from a government funder."""
    import duckdb

    t = time.perf_counter()
    literal = "'" + path.replace("'", "''") + "'"
    government = " OR ".join(f'starts_with("{FUNDER}", \'{p}\')' for p in GOVERNMENT_PREFIXES)
    rows = duckdb.sql(
        f"""
        WITH grants AS (
          SELECT * FROM read_csv({literal}, header = true, types = {{'{AMOUNT}': 'DECIMAL(18,2)'}})),
        selected AS (SELECT DISTINCT "{RECIPIENT}" AS recipient FROM grants WHERE {government})
        SELECT "{FUNDER}" AS funder, "{CURRENCY}" AS currency, sum("{AMOUNT}") AS total, count(*) AS grants
        FROM grants JOIN selected ON grants."{RECIPIENT}" = selected.recipient
        GROUP BY ALL ORDER BY total DESC
        """
    ).fetchall()
    phase("query", t)
    summary(f"{len(rows)} groups, {sum(r[3] for r in rows)} grants")


def pandas_job(path):
    """The same group-by with pandas (reading only the three columns it needs)."""
    import pandas as pd

    t = time.perf_counter()
    frame = pd.read_csv(path, usecols=[FUNDER, CURRENCY, AMOUNT], dtype={FUNDER: str, CURRENCY: str})
    t = phase("read", t)
    groups = frame.groupby([FUNDER, CURRENCY])[AMOUNT].agg(["sum", "count"])
    phase("group", t)
    summary(f"{len(groups)} groups, {int(groups['count'].sum())} grants")


def polars_job(path):
    """The same group-by with polars (lazy scan, so only the needed columns are parsed)."""
    import polars as pl

    t = time.perf_counter()
    groups = (
        pl.scan_csv(path, infer_schema_length=10000)
        .group_by([FUNDER, CURRENCY])
        .agg(pl.col(AMOUNT).sum().alias("total"), pl.len().alias("grants"))
        .collect()
    )
    phase("query", t)
    summary(f"{groups.height} groups, {int(groups['grants'].sum())} grants")


def openpyxl_job(path):
    """Read every cell of every sheet in read-only mode (the least openpyxl can do)."""
    import openpyxl

    t = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            cells += sum(1 for v in row if v is not None)
    book.close()
    phase("read", t)
    summary(f"{rows} rows, {cells} cells")


def openpyxl_write_job(path, out):
    """Write a CSV as a one-sheet XLSX (write-only mode): the fallback when giving cannot."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("grants")
    rows = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
            rows += 1
    book.save(out)
    summary(f"{rows} rows written")


JOBS = {
    "jsonschema-rs": jsonschema_rs_job,
    "duckdb": duckdb_job,
    "duckdb-full": duckdb_full_job,
    "duckdb-recipients-of": duckdb_recipients_of_job,
    "pandas": pandas_job,
    "polars": polars_job,
    "openpyxl": openpyxl_job,
    "openpyxl-write": openpyxl_write_job,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: peers.py {{{'|'.join(JOBS)}}} ARGS...")
    JOBS[sys.argv[1]](*sys.argv[2:])
