#!/usr/bin/env python3
"""make_registers.py --charities N --postcodes M --out DIR - benchmark inputs for `giving charities`.

Writes DIR/nspl.csv, a postcode directory in the ONS NSPL layout (its 41 columns, in its order)
with M postcodes spread over the small areas of the bundled deprivation indices, and
DIR/publicextract.charity.txt, a Charity Commission for England and Wales register extract in its
tab-separated layout with N main charities (plus linked charities and removed ones, as in the
real extract) at postcodes of that directory. Names, numbers, incomes and postcodes are made up;
the small area codes are real. Deterministic for given sizes.
"""
import argparse
import csv
import random
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "Sources" / "GivingGeography" / "Tables"
NSPL_COLUMNS = (
    "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,ced,laua,ward,hlthau,nhser,ctry,rgn,"
    "pcon,eer,teclec,ttwa,pct,itl,park,lsoa11,msoa11,wz11,ccg,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,"
    "calncv,stp"
).split(",")
EXTRACT_COLUMNS = (
    "date_of_extract,organisation_number,registered_charity_number,linked_charity_number,charity_name,charity_type,"
    "charity_registration_status,date_of_registration,date_of_removal,charity_reporting_status,"
    "latest_acc_fin_period_start_date,latest_acc_fin_period_end_date,latest_income,latest_expenditure,"
    "charity_contact_address1,charity_contact_address2,charity_contact_address3,charity_contact_address4,"
    "charity_contact_address5,charity_contact_postcode,charity_contact_phone,charity_contact_email,charity_contact_web,"
    "charity_company_registration_number,charity_insolvent,charity_in_administration,charity_previously_excepted,"
    "charity_is_cdf_or_cif,charity_is_cio,cio_is_dissolved,date_cio_dissolution_notice,charity_activities,"
    "charity_gift_aid,charity_has_land"
).split(",")


def small_areas():
    """(code, local authority, country code) of every small area of the four indices."""
    areas = []
    for name, code, la, country in (
        ("imd2019_england_lsoa11.csv", "lsoa11_code", "lad19_code", "E92000001"),
        ("wimd2019_wales_lsoa11.csv", None, None, "W92000004"),
        ("simd2020_scotland_dz11.csv", "dz11_code", "la_code", "S92000003"),
        ("nimdm2017_ni_soa01.csv", None, None, "N92000002"),
    ):
        with open(TABLES / name, newline="", encoding="utf-8") as f:
            rows = csv.DictReader(f)
            fields = rows.fieldnames
            code_column = code or fields[0]
            la_column = la or next((c for c in fields if c.lower().startswith(("lad", "la_", "lgd"))), fields[0])
            for row in rows:
                areas.append((row[code_column], row[la_column], country))
    return areas


def postcode(i):
    """A postcode-shaped code for the i-th postcode, unique per i."""
    letters = string.ascii_uppercase
    i, inward2 = divmod(i, 26)
    i, inward1 = divmod(i, 26)
    i, sector = divmod(i, 10)
    i, district = divmod(i, 99)
    i, area2 = divmod(i, 26)
    area1 = i % 26
    return f"{letters[area1]}{letters[area2]}{district + 1} {sector}{letters[inward1]}{letters[inward2]}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--charities", type=int, required=True)
    parser.add_argument("--postcodes", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(18)
    areas = small_areas()
    live = []
    with open(args.out / "nspl.csv", "w", newline="", encoding="utf-8") as f:
        f.write(",".join(NSPL_COLUMNS) + "\n")
        for i in range(args.postcodes):
            code, la, country = areas[i % len(areas)]
            pcds = postcode(i * 7919 % (26 * 26 * 99 * 10 * 26 * 26))
            outward, inward = pcds.split(" ")
            terminated = rng.random() < 0.2
            if not terminated:
                live.append(pcds)
            row = {c: "" for c in NSPL_COLUMNS}
            row.update(
                pcd=f"{outward:<4}{inward}", pcd2=f"{outward:<5}{inward}", pcds=pcds, dointr="198001",
                doterm="201912" if terminated else "", usertype=str(int(rng.random() < 0.1)),
                oseast1m=str(rng.randrange(100000, 650000)), osnrth1m=str(rng.randrange(10000, 1200000)), osgrdind="1",
                oa11=code.replace("01", "00", 1), cty="E99999999", ced="E99999999", laua=la, ward="E05000001",
                hlthau="E18000001", nhser="E40000001", ctry=country, rgn="E12000001", pcon="E14000530",
                eer="E15000001", teclec="E24000001", ttwa="E30000001", pct="E16000001", itl="E06000001",
                park="E99999999", lsoa11=code, msoa11="E02000001", wz11="E33000001", ccg="E38000001",
                bua11="E34000001", buasd11="E35000001", ru11ind="A1", oac11="1A1", lat=f"{rng.uniform(50, 58):.6f}",
                long=f"{rng.uniform(-5, 1.5):.6f}", lep1="E37000001", lep2="", pfa="E23000001",
                imd=str(rng.randrange(1, 32844)), calncv="E56000001", stp="E54000001",
            )
            f.write(",".join(row[c] for c in NSPL_COLUMNS) + "\n")
    with open(args.out / "publicextract.charity.txt", "w", newline="", encoding="utf-8") as f:
        f.write("\ufeff" + "\t".join(EXTRACT_COLUMNS) + "\r\n")
        organisation = 0
        for i in range(args.charities):
            number = str(200000 + i)
            for linked in range(1 + (rng.random() < 0.3) * rng.randrange(1, 4)):
                organisation += 1
                removed = rng.random() < 0.1
                band = rng.choice((4, 5, 6, 7, 8))
                row = {c: "" for c in EXTRACT_COLUMNS}
                row.update(
                    date_of_extract="2026-11-20 00:00:00.0000000", organisation_number=str(organisation),
                    registered_charity_number=number, linked_charity_number=str(linked),
                    charity_name=f"Charity {number} {'Branch ' + str(linked) if linked else 'Trust'}",
                    charity_type="Other", charity_registration_status="Removed" if removed else "Registered",
                    date_of_registration="2001-05-01 00:00:00.0000000",
                    latest_income="" if rng.random() < 0.05 else str(rng.randrange(10 ** (band - 1), 10 ** band)),
                    charity_contact_postcode="" if rng.random() < 0.03 else rng.choice(live),
                    charity_insolvent="False", charity_in_administration="False", charity_gift_aid="True",
                    charity_activities="Makes grants and runs projects for the \"local\" community",
                )
                f.write("\t".join(row[c] for c in EXTRACT_COLUMNS) + "\r\n")


if __name__ == "__main__":
    main()
