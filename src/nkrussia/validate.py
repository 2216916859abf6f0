"""Validate the data package: Frictionless schema checks, then the project's own rules.

    python -m nkrussia.validate [--data-dir DIR] [--corpus DIR]

Reports every problem at once (file, row, column, value, rule) and exits 1 if there is any.
"""
import argparse
import hashlib
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import frictionless
import pandas as pd

from . import DATA_DIR, corpus_dir, dates
from .dataset import read_descriptor, read_tables


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self):
        where = self.file + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column else "")
        value = f", value {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: [{self.rule}] {self.message}"


def normalise(text):
    return re.sub(r"\s+", " ", str(text)).strip()


def unreadable(data_dir, descriptor):
    """Files that are missing, empty or not UTF-8: nothing else can be checked reliably until they are fixed."""
    found = []
    for resource in descriptor["resources"]:
        path = Path(data_dir) / resource["path"]
        if not path.is_file():
            found.append(Problem(path.name, None, None, None, "missing-file", "the file does not exist"))
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            found.append(Problem(path.name, line, None, repr(raw[exc.start:exc.start + 1]), "encoding-error",
                                 f"not UTF-8 (byte {raw[exc.start]:#x} on line {line}); save the file as UTF-8"))
            continue
        if not text.strip():
            found.append(Problem(path.name, None, None, None, "empty-file", "the file is empty; it needs at least its header row"))
    return found


def schema_problems(data_dir):
    """Frictionless checks: encoding, header, types, required, enums, patterns, unique and foreign keys."""
    report = frictionless.Package(str(Path(data_dir) / "datapackage.json")).validate()
    found = []
    for task in report.tasks:
        for e in task.errors:
            column = getattr(e, "field_name", None) or getattr(e, "label", None)
            value = getattr(e, "cell", None)
            if e.type == "foreign-key":
                column, value = ", ".join(e.field_names), ", ".join(map(str, e.field_cells))
            found.append(Problem(file=Path(task.place).name, row=getattr(e, "row_number", None), column=column,
                                 value=value, rule=e.type, message=e.note or e.title))
    for e in report.errors:
        found.append(Problem("datapackage.json", None, None, None, e.type, e.note or e.title))
    return found


class _Rules:
    """The project's own rules, each a vectorised check over typed tables."""

    def __init__(self, tables, corpus):
        self.t, self.corpus, self.found = tables, corpus, []

    def flag(self, table, mask, column, rule, message):
        frame = self.t[table]
        mask = pd.Series(mask, index=frame.index).fillna(False).astype(bool)
        for index in frame.index[mask.to_numpy()]:
            value = frame.at[index, column] if column in frame else None
            text = message(frame.loc[index]) if callable(message) else message
            self.found.append(Problem(f"{table}.csv", int(index) + 2, column, None if pd.isna(value) else str(value),
                                      rule, text))

    def dates(self):
        for table, column, end_column in [("events", "date", "date_end"), ("sources", "published", None),
                                          ("sources", "not_before", None)]:
            col = self.t[table][column].fillna("")
            span = dates.spans(col, self.t[table][end_column] if end_column else None)
            self.flag(table, (col != "") & ~span["valid"], column, "date-valid",
                      "not a valid date at its precision (YYYY, YYYY-MM with month 01-12, YYYY-MM-DD with a real day)")
            if end_column:
                end = self.t[table][end_column].fillna("")
                self.flag(table, (end != "") & ~span["end_valid"], end_column, "date-valid",
                          "not a valid date at its precision")
                ends = dates.spans(end)
                self.flag(table, span["valid"] & ends["valid"] & (ends["end"] < span["start"]), end_column,
                          "date-order", lambda r: f"ends before it starts ({r['date']})")

    def citations(self):
        cit, events, quantities = self.t["citations"], self.t["events"], self.t["quantities"]
        has_event, has_quantity = cit["event_id"].notna(), cit["quantity_id"].notna()
        self.flag("citations", has_event == has_quantity, "event_id", "citation-target",
                  "a citation must name exactly one of event_id and quantity_id")
        self.flag("events", ~events["event_id"].isin(cit["event_id"]), "event_id", "event-cited",
                  "the event has no citation")
        self.flag("quantities", ~quantities["quantity_id"].isin(cit["quantity_id"]), "quantity_id", "quantity-cited",
                  "the quantity has no citation")
        self.flag("quantities", quantities["value"].isna() & quantities["magnitude"].isna(), "value",
                  "quantity-value", "give a value or an order of magnitude")
        actors = set(self.t["actors"]["actor_id"])
        attributed = quantities["attributed_to"].fillna("").str.split(";")
        self.flag("quantities", attributed.map(lambda ids: any(i and i not in actors for i in ids)),
                  "attributed_to", "attribution-actor", "names an actor id that is not in actors.csv")

    def tones(self):
        ev = self.t["events"]
        bad = (((ev["tone"] == "cooperation") & (ev["intensity"] <= 0))
               | ((ev["tone"] == "friction") & (ev["intensity"] >= 0))
               | ((ev["tone"] == "neutral") & (ev["intensity"].abs() > 2)))
        self.flag("events", bad, "intensity", "tone-intensity",
                  lambda r: f"intensity does not fit tone {r['tone']!r} (cooperation > 0, friction < 0, neutral -2..2)")

    def periods(self):
        p = self.t["periods"].sort_values("order")
        starts, ends = p["start"].astype(int), p["end"].astype(int)
        self.flag("periods", pd.Series(ends < starts, index=p.index), "end", "period-order", "ends before it starts")
        gap = starts.iloc[1:].to_numpy() != ends.iloc[:-1].to_numpy() + 1
        self.flag("periods", pd.Series([False, *gap], index=p.index), "start", "period-contiguous",
                  "must start the year after the previous period ends (no overlap, no gap)")
        span = dates.spans(self.t["events"]["date"])
        year = span["start"].dt.year
        self.flag("events", span["valid"] & ((year < starts.min()) | (year > ends.max())), "date", "event-in-period",
                  "falls outside every period")

    def corpus_checks(self):
        sources = self.t["sources"]
        lines = {}
        for index, row in sources.iterrows():
            path = self.corpus / row["file"]
            if not path.is_file():
                self.flag("sources", sources.index == index, "file", "source-file", f"not found in {self.corpus}")
                continue
            raw = path.read_bytes()
            if hashlib.sha256(raw).hexdigest() != row["sha256"]:
                self.flag("sources", sources.index == index, "sha256", "source-hash",
                          f"{row['file']} has changed: its sha256 is {hashlib.sha256(raw).hexdigest()}")
            lines[row["source_id"]] = [normalise(line) for line in raw.decode("utf-8").split("\n")]

        def quote_missing(table, source_col, locator_col, quote_col):
            frame = self.t[table]

            def missing(row):
                text = lines.get(row[source_col])
                if text is None:
                    return False  # reported as a missing source file or an unknown source
                number = int(str(row[locator_col]).split()[-1]) if pd.notna(row[locator_col]) else 0
                quote = normalise(row[quote_col])
                return not (0 < number <= len(text) and quote in text[number - 1])

            mask = frame.apply(missing, axis=1) if len(frame) else pd.Series([], dtype=bool)
            self.flag(table, mask, quote_col, "quote-verbatim",
                      lambda r: f"not found verbatim at {r[locator_col]} of {r[source_col]}")

        quote_missing("citations", "source_id", "locator", "quote")
        quote_missing("disagreements", "source_a", "locator_a", "quote_a")
        quote_missing("disagreements", "source_b", "locator_b", "quote_b")
        names = self.t["actor_names"]
        whole = {s: " ".join(ls) for s, ls in lines.items()}
        self.flag("actor_names", names.apply(lambda r: r["source_id"] in whole and normalise(r["name"]) not in
                                             whole[r["source_id"]], axis=1) if len(names) else names["name"].isna(),
                  "name", "name-in-source", lambda r: f"this spelling does not occur in {r['source_id']}")


def validate(data_dir=DATA_DIR, corpus=None):
    """Return (problems, warnings). Corpus checks are skipped, with a warning, when there is no corpus."""
    notes = []
    problems = unreadable(data_dir, read_descriptor(data_dir))
    if problems:
        notes.append("schema and project rules not run until every file can be read")
        return problems, notes
    problems = schema_problems(data_dir)
    try:
        tables = read_tables(data_dir, read_descriptor(data_dir))
    except Exception as exc:  # unreadable files are already reported by the schema checks
        notes.append(f"project rules not run: the tables could not be read ({exc})")
        return problems, notes
    rules = _Rules(tables, corpus_dir(corpus))
    for check in (rules.dates, rules.citations, rules.tones, rules.periods):
        try:
            check()
        except (KeyError, ValueError, TypeError) as exc:
            notes.append(f"rule {check.__name__} not run: {exc!r} (fix the schema problems first)")
    if rules.corpus.is_dir():
        rules.corpus_checks()
    else:
        notes.append(f"corpus not found at {rules.corpus}: quote, spelling and sha256 checks SKIPPED "
                     "(set --corpus or NKRUSSIA_CORPUS)")
    return problems + rules.found, notes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nkrussia.validate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR, type=Path)
    parser.add_argument("--corpus", default=None, type=Path, help="default: $NKRUSSIA_CORPUS or ../shared/corpus")
    args = parser.parse_args(argv)
    problems, notes = validate(args.data_dir, args.corpus)
    for note in notes:
        warnings.warn(note, stacklevel=1)
        print(f"WARNING: {note}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.data_dir}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"{args.data_dir}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
