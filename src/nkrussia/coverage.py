"""Coverage of the corpus: every year and explicit date in each source is covered by an event or a
quantity citing that source, or explained in data/uncovered.csv.

    python -m nkrussia.coverage [--data-dir DIR] [--corpus DIR]

An expression is covered when an event (or a quantity's event) that cites the same source starts or
ends on the same year, month and day, as far as the expression states them.
"""

import argparse
import re
import sys

import pandas as pd

from . import DATA_DIR, corpus_dir
from .dataset import load

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_M = "(" + "|".join(MONTHS) + ")"
_Y = r"(1[89]\d\d|20\d\d)"
# Most specific first; each match hides its characters from the later patterns.
PATTERNS = [
    ("iso", re.compile(rf"\b{_Y}-(\d{{2}})\b")),
    ("day range", re.compile(rf"\b(\d{{1,2}})(?:er)? (?:au|et) (\d{{1,2}})(?:er)? {_M}(?: {_Y})?\b", re.I)),
    ("day", re.compile(rf"\b(\d{{1,2}})(?:er)? {_M}(?: {_Y})?\b", re.I)),
    ("month", re.compile(rf"\b{_M}(?: {_Y})?\b", re.I)),
    ("year", re.compile(rf"\b{_Y}\b")),
]


def _month(name):
    return MONTHS.index(name.lower()) + 1


def _parts(kind, groups):
    """(year, month, day) tuples, None where the expression does not say."""
    if kind == "iso":
        return [(int(groups[0]), int(groups[1]), None)]
    if kind == "day range":
        year = int(groups[3]) if groups[3] else None
        return [(year, _month(groups[2]), int(groups[0])), (year, _month(groups[2]), int(groups[1]))]
    if kind == "day":
        return [(int(groups[2]) if groups[2] else None, _month(groups[1]), int(groups[0]))]
    if kind == "month":
        return [(int(groups[1]) if groups[1] else None, _month(groups[0]), None)]
    return [(int(groups[0]), None, None)]


def find_dates(text):
    """Every date expression of a text: DataFrame of line, expression, year, month, day."""
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = re.sub(r"\s", " ", line)
        masked = line
        for kind, pattern in PATTERNS:
            for m in pattern.finditer(masked):
                for year, month, day in _parts(kind, m.groups()):
                    rows.append((number, m.group(0), year, month, day))
                masked = masked[: m.start()] + "#" * (m.end() - m.start()) + masked[m.end() :]
    return pd.DataFrame(rows, columns=["line", "expression", "year", "month", "day"])


def _anchors(ds):
    """Dates (year, month, day, precision) each source's events and quantities stand on."""
    ev = ds.events.set_index("event_id")
    cit = ds.citations.merge(
        ds.quantities[["quantity_id", "event_id"]], on="quantity_id", how="left", suffixes=("", "_of_quantity")
    )
    cit["event"] = cit["event_id"].fillna(cit["event_id_of_quantity"])
    cit["item"] = cit["event_id"].fillna(cit["quantity_id"])
    cit = cit.dropna(subset=["event"])
    out = []
    for which in ("date", "date_end"):
        txt = ev[which].reindex(cit["event"]).to_numpy()
        frame = pd.DataFrame({"source_id": cit["source_id"].to_numpy(), "item": cit["item"].to_numpy(), "text": txt})
        frame = frame.dropna(subset=["text"])
        parts = frame["text"].str.extract(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$").astype("float")
        frame[["year", "month", "day"]] = parts.to_numpy()
        out.append(frame)
    return pd.concat(out, ignore_index=True)


def report(ds, corpus):
    """Every date expression with what covers it (`covered_by`) or why not (`reason`)."""
    anchors = _anchors(ds)
    reasons = ds.uncovered.assign(line=ds.uncovered["line"].astype(int))
    rows = []
    for source in ds.sources.itertuples():
        found = find_dates((corpus / source.file).read_text(encoding="utf-8"))
        mine = anchors[anchors["source_id"] == source.source_id]
        for d in found.itertuples():
            ok = pd.Series(True, index=mine.index)
            for part in ("year", "month", "day"):
                value = getattr(d, part)
                if pd.notna(value):
                    ok &= mine[part] == value
            reason = reasons[
                (reasons["source_id"] == source.source_id)
                & (reasons["line"] == d.line)
                & (reasons["expression"] == d.expression)
            ]["reason"]
            rows.append(
                {
                    "source_id": source.source_id,
                    "line": d.line,
                    "expression": d.expression,
                    "covered_by": ", ".join(sorted(set(mine.loc[ok, "item"]))),
                    "reason": reason.iloc[0] if len(reason) else "",
                }
            )
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nkrussia.coverage", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--all", action="store_true", help="print covered expressions too")
    args = parser.parse_args(argv)
    table = report(load(args.data_dir), corpus_dir(args.corpus))
    unexplained = table[(table["covered_by"] == "") & (table["reason"] == "")]
    shown = table if args.all else table[table["covered_by"] == ""]
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 60, "display.width", 200):
        print(shown.to_string(index=False))
    print(
        f"\n{len(table)} date expressions, {int((table['covered_by'] != '').sum())} covered, "
        f"{int((table['reason'] != '').sum())} explained in uncovered.csv, {len(unexplained)} unexplained"
    )
    return 1 if len(unexplained) else 0


if __name__ == "__main__":
    sys.exit(main())
