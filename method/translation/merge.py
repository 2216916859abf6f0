"""Write the translations into the data package: citations.quote_en, disagreements.quote_a_en/quote_b_en.

    python method/translation/merge.py

Takes translations.csv (first round) and translations-2.csv (quotes changed after the quote check), then
the second reader's corrections (check.csv, check-2.csv: `corrected_en` where the verdict is `fix`).
A quote is matched by its French text as well as its id, so a translation never lands on another quote.
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE.parents[1] / "data"


def rows(name):
    path = HERE / name
    return list(csv.DictReader(path.open(encoding="utf-8"))) if path.is_file() else []


def translations():
    """{French quote: English}, later rounds and corrections overriding earlier ones."""
    by_french = {}
    for given, done, checked in [
        ("quotes-as-given.csv", "translations.csv", "check.csv"),
        ("quotes-as-given-2.csv", "translations-2.csv", "check-2.csv"),
    ]:
        french = {r["quote_id"]: r["quote_fr"] for r in rows(given)}
        english = {r["quote_id"]: r["quote_en"] for r in rows(done)}
        for r in rows(checked):
            if r["verdict"] == "fix" and r["corrected_en"].strip():
                english[r["quote_id"]] = r["corrected_en"]
        by_french.update({french[q]: e for q, e in english.items() if q in french})
    return by_french


def rewrite(name, pairs):
    path = DATA / name
    table = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(table[0])
    for french, english in pairs:
        if english not in fields:
            fields.insert(fields.index(french) + 1, english)
    found = translations()
    missing = 0
    for row in table:
        for french, english in pairs:
            row[english] = found.get(row[french], row.get(english) or "")  # a later quote keeps its own
            missing += not row[english]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    print(f"{name}: {len(table)} rows, {missing} quotes without a translation")


if __name__ == "__main__":
    rewrite("citations.csv", [("quote", "quote_en")])
    rewrite("disagreements.csv", [("quote_a", "quote_a_en"), ("quote_b", "quote_b_en")])
