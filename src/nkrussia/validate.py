"""Validate the data package: Frictionless schema checks, then the project's own rules.

    python -m nkrussia.validate [--data-dir DIR] [--corpus DIR]

Reports every problem at once (file, row, column, value, rule) and exits 1 if there is any.
"""

import argparse
import csv
import functools
import hashlib
import io
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import frictionless
import pandas as pd

from . import DATA_DIR, corpus_dir, dates
from .dataset import assemble, read_descriptor, read_raw, typed
from .schema import descriptor_problems, table_problems
from .text import counted


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self):
        where = (
            self.file + (f", row {self.row}" if self.row else "") + (f", column {self.column}" if self.column else "")
        )
        value = f", value {shorten(repr(self.value), len(str(self.value)))}" if self.value is not None else ""
        return f"{where}{value}: [{self.rule}] {shorten(self.message, len(self.message))}"


def shorten(text, length, limit=300):
    """A value or message short enough to read in a report (a corrupt cell can hold a whole file)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({length} characters)"


def normalise(text):
    return re.sub(r"\s+", " ", str(text)).strip()


def read_all(data_dir, descriptor):
    """Every resource as raw strings, or the problems of the files that are missing, empty, not UTF-8
    or not a well-formed table: nothing else can be checked reliably until those are fixed."""
    raw, found = {}, []
    for resource in descriptor["resources"]:
        path = Path(data_dir) / resource["path"]
        if not path.is_file():
            found.append(Problem(path.name, None, None, None, "missing-file", "the file does not exist"))
            continue
        data = path.read_bytes()
        try:
            text = data.decode(resource.get("encoding", "utf-8-sig"))
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            found.append(
                Problem(
                    path.name,
                    line,
                    None,
                    repr(data[exc.start : exc.start + 1]),
                    "encoding-error",
                    f"not UTF-8 (byte {data[exc.start]:#x} on line {line}); save the file as UTF-8",
                )
            )
            continue
        structure = structure_problems(path.name, text)
        if structure:
            found += structure
            continue
        try:
            raw[resource["name"]] = read_raw(data_dir, resource)
        except pd.errors.EmptyDataError:
            found.append(
                Problem(
                    path.name, None, None, None, "empty-file", "the file is empty; it needs at least its header row"
                )
            )
        except pd.errors.ParserError as exc:
            found.append(Problem(path.name, None, None, None, "csv-error", str(exc)))
    return raw, found


def _plain_table_length(text):
    """The number of records when the CSV parses, has no blank line and no NUL, and every record has the
    same number of cells; else None. One streaming pass at C speed that keeps no row: the full check
    below holds every cell as a Python string, which for a million-event package doubles peak memory."""
    if "\0" in text:
        return None
    try:
        widths = Counter(map(len, csv.reader(io.StringIO(text, newline=""), strict=True)))
    except csv.Error:
        return None
    return widths.total() if len(widths) == 1 and 0 not in widths else None


def _records(file, text):
    """(records, blank lines, csv-error problem or None). A blank line is reported by the number of the
    record after it (pandas would skip the line, and with it a row whose cells were all deleted)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    try:
        records.extend(reader)  # what was read before an error stays in the list
    except csv.Error as exc:
        row = sum(1 for r in records if r) + 1
        return [], [], Problem(file, row, None, None, "csv-error", f"not valid CSV at line {reader.line_num} ({exc})")
    kept, blank = [], []
    for record in records:
        if record:
            kept.append(record)
        else:
            blank.append(len(kept) + 1)
    return kept, blank, None


def structure_problems(file, text):
    """What makes a CSV file an unreliable table, found before pandas reads it (pandas fills short rows,
    renames repeated column names and takes surplus leading cells for an index, all silently)."""
    length = _plain_table_length(text)
    if length is not None:  # only the header and the last line remain to be checked
        records, blank = [next(csv.reader(io.StringIO(text, newline="")))], []
    else:
        records, blank, error = _records(file, text)
        if error:
            return [error]
        length = len(records)
    if not records:
        return []  # an empty file, reported as such by the reader
    header, rows = records[0], records[1:]
    found = [
        Problem(file, row, None, None, "blank-row", "an empty line between rows: delete it, or restore its row")
        for row in blank
        if row <= length
    ]
    if not text.endswith("\n"):
        found.append(
            Problem(file, length, None, None, "cut-short", "the last line has no line break: is the file complete?")
        )
    if any("\0" in name for name in header):
        return [
            Problem(
                file,
                1,
                None,
                None,
                "encoding-error",
                "the header holds NUL characters (UTF-16?); save the file as UTF-8",
            )
        ]
    for number, name in enumerate(header, start=1):
        if not name.strip():
            found.append(Problem(file, 1, f"#{number}", name, "blank-label", "the header has a column without a name"))
        elif name in header[: number - 1]:
            found.append(
                Problem(file, 1, name, None, "duplicate-label", f'the column "{name}" is already in the header')
            )
    counts = Counter(len(r) for r in rows)
    usual, how_many = counts.most_common(1)[0] if counts else (len(header), 0)
    if usual != len(header) and how_many > len(rows) // 2:
        return [
            *found,
            Problem(
                file,
                1,
                None,
                None,
                "header-cells",
                f"the header names {len(header)} columns but most rows have {usual} cells: "
                "a column name is missing or extra",
            ),
        ]
    has_nul = "\0" in text
    for row, cells in enumerate(rows, start=2):
        if len(cells) > len(header):
            found.append(
                Problem(
                    file,
                    row,
                    f"#{len(header) + 1}",
                    cells[len(header)],
                    "extra-cell",
                    f"the row has {len(cells)} cells, the header names {len(header)} columns",
                )
            )
        elif len(cells) < len(header):
            found.append(
                Problem(
                    file,
                    row,
                    header[len(cells)],
                    None,
                    "missing-cell",
                    f"the row has {len(cells)} cells, the header names {len(header)} columns",
                )
            )
        for name, cell in zip(header, cells, strict=False) if has_nul else ():
            if "\0" in cell:
                found.append(Problem(file, row, name, cell, "nul-character", "a NUL character: is this a binary file?"))
    return found


def schema_problems(descriptor, raw):
    """The descriptor's Table Schema checks (see nkrussia.schema), over the raw string tables."""
    found = [
        Problem("datapackage.json", None, None, None, rule, note) for rule, note in descriptor_problems(descriptor)
    ]
    if found:
        return found
    for resource in descriptor["resources"]:

        def problem(index, column, value, rule, message, file=resource["path"]):
            return Problem(file, None if index is None else int(index) + 2, column, value, rule, message)

        found += list(table_problems(resource["name"], raw[resource["name"]], resource["schema"], raw, problem))
    return found


def frictionless_problems(data_dir):
    """The same checks by frictionless-py, row by row: the reference the vectorised checks are tested against."""
    report = frictionless.Package(str(Path(data_dir) / "datapackage.json")).validate()
    found = []
    for task in report.tasks:
        for e in task.errors:
            column = getattr(e, "field_name", None) or getattr(e, "label", None)
            value = getattr(e, "cell", None)
            if e.type == "foreign-key":
                column, value = ", ".join(e.field_names), ", ".join(map(str, e.field_cells))
            found.append(
                Problem(
                    file=Path(task.place).name,
                    row=getattr(e, "row_number", None),
                    column=column,
                    value=value,
                    rule=e.type,
                    message=e.note or e.title,
                )
            )
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
            self.found.append(
                Problem(f"{table}.csv", int(index) + 2, column, None if pd.isna(value) else str(value), rule, text)
            )

    @functools.cached_property
    def event_spans(self):
        events = self.t["events"]
        return dates.spans(events["date"], events["date_end"])

    def dates(self):
        message = "not a valid date at its precision (YYYY, YYYY-MM with month 01-12, YYYY-MM-DD with a real day)"
        events, span = self.t["events"], self.event_spans
        self.flag("events", events["date"].notna() & ~span["valid"], "date", "date-valid", message)
        has_end = events["date_end"].notna()
        self.flag("events", has_end & ~span["end_valid"], "date_end", "date-valid", message)
        self.flag(
            "events",
            has_end & span["valid"] & span["end_valid"] & (span["end"] < span["start"]),
            "date_end",
            "date-order",
            lambda r: f"ends before it starts ({r['date']})",
        )
        for column in ("published", "not_before"):
            col = self.t["sources"][column]
            self.flag("sources", col.notna() & ~dates.spans(col)["valid"], column, "date-valid", message)

    def citations(self):
        cit, events, quantities = self.t["citations"], self.t["events"], self.t["quantities"]
        targets = cit[["event_id", "quantity_id", "assessment_id"]].notna().sum(axis=1)
        self.flag(
            "citations",
            targets != 1,
            "event_id",
            "citation-target",
            "a citation must name exactly one of event_id, quantity_id and assessment_id",
        )
        self.flag(
            "events", ~events["event_id"].isin(cit["event_id"]), "event_id", "event-cited", "the event has no citation"
        )
        self.flag(
            "quantities",
            ~quantities["quantity_id"].isin(cit["quantity_id"]),
            "quantity_id",
            "quantity-cited",
            "the quantity has no citation",
        )
        assessments = self.t["assessments"]
        self.flag(
            "assessments",
            ~assessments["assessment_id"].isin(cit["assessment_id"]),
            "assessment_id",
            "assessment-cited",
            "the assessment has no citation",
        )
        self.flag(
            "quantities",
            quantities["value"].isna() & quantities["magnitude"].isna(),
            "value",
            "quantity-value",
            "give a value or an order of magnitude",
        )
        actors = set(self.t["actors"]["actor_id"])
        origins = cit["origin"].fillna("").str.split(";")
        self.flag(
            "citations",
            origins.map(lambda ids: any(i and i not in actors for i in ids)),
            "origin",
            "origin-actor",
            "names an actor id that is not in actors.csv",
        )
        self.flag(
            "citations",
            cit["origin"].notna() != cit["origin_basis"].notna(),
            "origin_basis",
            "origin-basis",
            "give origin_basis exactly when origin is given",
        )
        self.flag(
            "citations",
            (cit["origin_basis"] == "inferred") & cit["note"].isna(),
            "note",
            "origin-inferred",
            "an inferred origin needs a note saying what it was inferred from",
        )
        self.translations()

    def translations(self):
        """Every quote has our English translation (required and length are the schema's), never the
        French left as it is."""
        for table, pairs in (
            ("citations", [("quote", "quote_en")]),
            ("disagreements", [("quote_a", "quote_a_en"), ("quote_b", "quote_b_en")]),
        ):
            frame = self.t[table]
            for french, english in pairs:
                if english not in frame:
                    continue
                same = frame[english].notna() & (
                    frame[english].str.strip().str.casefold() == frame[french].str.strip().str.casefold()
                )
                self.flag(
                    table,
                    same,
                    english,
                    "translation-differs",
                    f"the translation repeats the French of {french}: translate it",
                )

    def codebook(self):
        """What codebook v2 makes mechanical: anchor levels, the tone/intensity sign, context and domestic events."""
        ev, anchors = self.t["events"], self.t["intensity_anchors"]
        levels = set(anchors["level"].dropna().astype(int))
        self.flag(
            "events",
            ev["intensity"].notna() & ~ev["intensity"].isin(levels),
            "intensity",
            "intensity-anchor",
            f"not an anchor level of intensity_anchors.csv ({sorted(levels)}; rule I1)",
        )
        sign = {"cooperation": 1, "neutral": 0, "friction": -1}
        expected = ev["tone"].astype(object).map(sign)
        self.flag(
            "events",
            expected.notna() & ev["intensity"].notna() & (expected != ev["intensity"].astype("Int64").clip(-1, 1)),
            "intensity",
            "tone-intensity",
            lambda r: (
                f"does not fit tone {r['tone']!r}: cooperation above 0, friction below 0, neutral exactly 0 (rule T3)"
            ),
        )
        self.flag(
            "events",
            (ev["scope"] == "context") & (ev["tone"] != "neutral"),
            "tone",
            "context-neutral",
            "a context event is neutral with intensity 0 (rule T2)",
        )
        self.flag(
            "events",
            (ev["category"] == "domestic") & (ev["scope"] != "context"),
            "scope",
            "domestic-context",
            "a domestic event is context (rules C2, S3)",
        )
        self.flag(
            "events",
            ev["date_end"].notna() != ev["span"].notna(),
            "span",
            "span-kind",
            "give span (duration or window) exactly when date_end is given (rule D3)",
        )
        coded = ev.drop_duplicates("event_id").set_index("event_id")["intensity"]
        example = anchors["example_event_id"].map(coded)
        self.flag(
            "intensity_anchors",
            example.notna() & (example != anchors["level"]),
            "example_event_id",
            "anchor-example",
            "the worked example is not coded at this level",
        )

    def periods(self):
        p = self.t["periods"].sort_values("order")
        starts, ends = p["start"].astype(int), p["end"].astype(int)
        self.flag("periods", pd.Series(ends < starts, index=p.index), "end", "period-order", "ends before it starts")
        gap = starts.iloc[1:].to_numpy() != ends.iloc[:-1].to_numpy() + 1
        self.flag(
            "periods",
            pd.Series([False, *gap], index=p.index),
            "start",
            "period-contiguous",
            "must start the year after the previous period ends (no overlap, no gap)",
        )
        span = self.event_spans
        year = span["start"].dt.year
        self.flag(
            "events",
            span["valid"] & ((year < starts.min()) | (year > ends.max())),
            "date",
            "event-in-period",
            "falls outside every period",
        )

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
                self.flag(
                    "sources",
                    sources.index == index,
                    "sha256",
                    "source-hash",
                    f"{row['file']} has changed: its sha256 is {hashlib.sha256(raw).hexdigest()}",
                )
            lines[row["source_id"]] = [normalise(line) for line in raw.decode("utf-8").split("\n")]

        def quote_missing(table, source_col, locator_col, quote_col):
            frame = self.t[table]
            numbers = pd.to_numeric(frame[locator_col].str.slice(5), errors="coerce").fillna(0).astype(int)

            def found(source, number, quote):
                if not 0 < number <= len(lines[source]):
                    return False
                line = lines[source][number - 1]
                return quote in line or normalise(quote) in line  # lines are normalised already

            missing = [
                source in lines and not found(source, number, quote if isinstance(quote, str) else "")
                for source, number, quote in zip(
                    frame[source_col].tolist(), numbers.tolist(), frame[quote_col].tolist(), strict=True
                )
            ]
            self.flag(
                table,
                pd.Series(missing, index=frame.index, dtype=bool),
                quote_col,
                "quote-verbatim",
                lambda r: f"not found verbatim at {r[locator_col]} of {r[source_col]}",
            )

        quote_missing("citations", "source_id", "locator", "quote")
        quote_missing("disagreements", "source_a", "locator_a", "quote_a")
        quote_missing("disagreements", "source_b", "locator_b", "quote_b")
        names = self.t["actor_names"]
        whole = {s: " ".join(ls) for s, ls in lines.items()}
        self.flag(
            "actor_names",
            names.apply(lambda r: r["source_id"] in whole and normalise(r["name"]) not in whole[r["source_id"]], axis=1)
            if len(names)
            else names["name"].isna(),
            "name",
            "name-in-source",
            lambda r: f"this spelling does not occur in {r['source_id']}",
        )


def validate(data_dir=DATA_DIR, corpus=None):
    """Return (problems, warnings). Corpus checks are skipped, with a warning, when there is no corpus."""
    problems, notes, _ = _check(data_dir, corpus)
    return problems, notes


def load_valid(data_dir=DATA_DIR, corpus=None):
    """Validate and, if the package is valid, return its Dataset from the same reading of the files:
    (dataset or None, problems, warnings)."""
    problems, notes, tables = _check(data_dir, corpus)
    if problems or tables is None:
        return None, problems, notes
    return assemble(read_descriptor(data_dir), tables), problems, notes


def _check(data_dir, corpus):
    notes = []
    descriptor = read_descriptor(data_dir)
    raw, problems = read_all(data_dir, descriptor)
    if problems:
        notes.append("schema and project rules not run until every file can be read")
        return problems, notes, None
    problems = schema_problems(descriptor, raw)
    tables = {r["name"]: typed(raw[r["name"]], r["schema"]) for r in descriptor["resources"]}
    rules = _Rules(tables, corpus_dir(corpus))
    checks = [rules.dates, rules.citations, rules.codebook, rules.periods]
    if rules.corpus.is_dir():
        checks.append(rules.corpus_checks)
    else:
        notes.append(
            f"corpus not found at {rules.corpus}: quote, spelling and sha256 checks SKIPPED "
            "(set --corpus or NKRUSSIA_CORPUS)"
        )
    for check in checks:
        try:
            check()
        except Exception as exc:  # fail closed: a rule that cannot run is a problem
            problems.append(
                Problem(
                    "datapackage.json",
                    None,
                    None,
                    None,
                    "rule-not-run",
                    f"rule {check.__name__} could not run ({exc!r}); fix the schema problems first",
                )
            )
    return problems + rules.found, notes, tables


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nkrussia.validate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR, type=Path)
    parser.add_argument("--corpus", default=None, type=Path, help="default: $NKRUSSIA_CORPUS or ../shared/corpus")
    parser.add_argument(
        "--frictionless",
        action="store_true",
        help="also run frictionless-py's row-by-row validator (slow on large data)",
    )
    args = parser.parse_args(argv)
    problems, notes = validate(args.data_dir, args.corpus)
    if args.frictionless:
        problems += [
            p
            for p in frictionless_problems(args.data_dir)
            if (p.file, p.row, p.column, p.rule) not in {(q.file, q.row, q.column, q.rule) for q in problems}
        ]
    for note in notes:
        warnings.warn(note, stacklevel=1)
        print(f"WARNING: {note}", file=sys.stderr)
    if problems:
        print(f"{counted(len(problems), 'problem')} in {args.data_dir}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"{args.data_dir}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
