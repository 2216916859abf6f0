"""Property-based fuzzing of the data package: whatever happens to a cell, a row, a header or the
encoding of any CSV file, the validator names the file, and the row and column where that means
something, in its one report format; it never raises, and `make book` then executes and publishes
nothing.

The examples are derandomized so CI always runs the same ones; NKRUSSIA_FUZZ_SCALE=10 runs ten times
as many (a few minutes) when you change the validator.
"""

import csv
import io
import os
import re
import shutil
import sys

import pytest
from conftest import run
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nkrussia import DATA_DIR, ROOT
from nkrussia.dataset import read_descriptor
from nkrussia.validate import validate

SCHEMAS = {r["path"]: r["schema"] for r in read_descriptor(DATA_DIR)["resources"]}
FILES = sorted(SCHEMAS)
ORIGINAL = {name: (DATA_DIR / name).read_bytes() for name in FILES}
SCALE = float(os.environ.get("NKRUSSIA_FUZZ_SCALE", "1"))
# A problem of the file as a whole: no column to name (and the row, if any, is a line of the file).
FILE_LEVEL = {"missing-file", "empty-file", "encoding-error", "csv-error", "header-cells", "cut-short", "blank-row"}
REPORT_LINE = re.compile(r"[a-z_]+\.(csv|json)(, row \d+)?(, column [^\n]+?)?(, value .+)?: \[[a-z-]+\] .+", re.S)


def fuzz(examples):
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def records(name):
    return list(csv.reader(io.StringIO(ORIGINAL[name].decode("utf-8-sig"), newline="")))


def to_csv(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """One writable copy of the package; each example changes one file and puts it back."""
    copy = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def problems_with(package, name, content):
    """The problems the validator finds with `name` replaced by `content`, each checked for the report's
    shape: file, row and column wherever a row is at fault, in the one format of the report."""
    path = package / name
    path.write_bytes(content)
    try:
        problems, _ = validate(package)
    finally:
        path.write_bytes(ORIGINAL[name])
    for p in problems:
        assert REPORT_LINE.fullmatch(str(p)), str(p)
        assert p.file in SCHEMAS or p.file == "datapackage.json", p
        assert p.row is None or p.row >= 1, p
        if p.row is not None and p.rule not in FILE_LEVEL:
            assert p.column, f"a row-level problem without its column: {p}"
    return problems


def must_be_flagged(field, value):
    """Whether the descriptor alone makes `value` invalid in `field` (the oracle for cell corruptions)."""
    rules = field.get("constraints", {})
    if value == "":
        return bool(rules.get("required"))
    if "\0" in value:
        return True
    if "enum" in rules and value not in rules["enum"]:
        return True
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        return True
    if field["type"] == "integer" and not re.fullmatch(r"[+-]?[0-9]+", value):
        return True
    return "maxLength" in rules and len(value) > rules["maxLength"]


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
cell_values = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            " ",
            '"',
            '""',
            ",",
            "\n",
            "\r\n",
            "\x00",
            "\ufeff",
            "NaN",
            "-1",
            "1e400",
            "2024-02-30",
            "99999999999999999999999",
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "9", "é", ",", '"', "\n"]), st.integers(1_000, 200_000)),
)


@st.composite
def cells(draw):
    name = draw(st.sampled_from(FILES))
    rows = records(name)
    row = draw(st.integers(1, len(rows) - 1))
    column = draw(st.integers(0, len(rows[0]) - 1))
    return name, row, column, draw(cell_values)


@fuzz(30)
@given(cells())
@example(("periods.csv", 1, 4, "99999999999999999999999"))  # was an OverflowError in the periods rule
@example(("events.csv", 5, 1, "\x001950"))  # was passed on as a cell value starting with NUL
@example(("periods.csv", 1, 4, "x" * 100_000))  # was printed whole, in the value and in the message
@example(("actor_names.csv", 1, 0, "\n" * 1000))  # a foreign key message repeated it whole
def test_any_cell_replaced_by_anything_is_reported_at_its_row_and_column(package, corruption):
    name, row, column, value = corruption
    rows = records(name)
    header, old = rows[0], rows[row][column]
    rows[row][column] = value
    problems = problems_with(package, name, to_csv(rows))
    field = next(f for f in SCHEMAS[name]["fields"] if f["name"] == header[column])
    if must_be_flagged(field, value):
        assert any((p.file, p.row, p.column) == (name, row + 1, header[column]) for p in problems), problems
    if value != old and problems:
        # the fault shows in this file, or where another table refers to the old value
        assert any(p.file == name or p.value == old or p.rule == "rule-not-run" for p in problems), problems
    for p in problems:
        assert len(str(p)) < 1000, "a report line must stay readable"


@st.composite
def raw_cells(draw):
    """A value written into a line as it is, unquoted: commas, quotes and line breaks break the table."""
    name = draw(st.sampled_from(FILES))
    lines = ORIGINAL[name].decode("utf-8-sig").split("\n")
    row = draw(st.integers(1, len(lines) - 2))
    at = draw(st.integers(0, len(lines[row])))
    value = draw(st.one_of(st.sampled_from(['"', ",", '","', "\n", '"\n', "\r", "\x00"]), text))
    lines[row] = lines[row][:at] + value + lines[row][at:]
    return name, row, value, "\n".join(lines).encode("utf-8")


@fuzz(20)
@given(raw_cells())
@example(("events.csv", 5, '"', ORIGINAL["events.csv"].replace(b",", b',"', 6)))  # a stray quote
def test_any_unquoted_text_inserted_in_a_line_is_reported_in_its_file(package, corruption):
    name, _, value, content = corruption
    problems = problems_with(package, name, content)
    if "\x00" in value or shape(content) != shape(ORIGINAL[name]):  # inside quotes, a comma is only text
        assert any(p.file == name for p in problems), problems


def shape(content):
    try:
        return [len(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), strict=True)]
    except csv.Error:
        return None


EMPTIED = b"\n".join(b"" if i == 1 else line for i, line in enumerate(ORIGINAL["actor_names.csv"].split(b"\n")))


@st.composite
def row_changes(draw):
    name = draw(st.sampled_from(FILES))
    lines = ORIGINAL[name].decode("utf-8-sig").split("\n")
    row = draw(st.integers(1, len(lines) - 2))
    change = draw(st.sampled_from(["delete", "duplicate", "truncate", "blank", "append-cell"]))
    if change == "delete":
        del lines[row]
    elif change == "duplicate":
        lines.insert(row + 1, lines[row])
    elif change == "truncate":
        lines[row] = lines[row][: draw(st.integers(0, max(0, len(lines[row]) - 1)))]
    elif change == "blank":
        lines[row] = "," * lines[0].count(",")
    else:
        lines[row] += ",x"
    return name, row, change, "\n".join(lines).encode("utf-8")


@fuzz(25)
@given(row_changes())
@example(("actor_names.csv", 1, "truncate", EMPTIED))  # a row emptied to a blank line vanished silently
@example(("intensity_anchors.csv", 1, "append-cell", ORIGINAL["intensity_anchors.csv"].replace(b"\n", b"\n,,,,\n", 1)))
def test_any_row_deleted_duplicated_or_cut_is_reported(package, change):
    name, row, kind, content = change
    problems = problems_with(package, name, content)
    where = {(p.file, p.row) for p in problems}
    if kind == "duplicate":
        assert any(p.file == name and p.rule in {"unique-error", "primary-key"} for p in problems), problems
    if kind in ("blank", "append-cell"):
        assert (name, row + 1) in where, problems
    if kind == "truncate":
        kept = content.decode().split("\n")[row]
        if kept.count(",") < ORIGINAL[name].decode("utf-8-sig").split("\n")[row].count(","):
            assert any(p.file == name for p in problems), problems


@st.composite
def header_changes(draw):
    name = draw(st.sampled_from(FILES))
    rows = records(name)
    header = rows[0]
    i = draw(st.integers(0, len(header) - 1))
    j = draw(st.integers(0, len(header) - 1).filter(lambda j: j != i))
    change = draw(st.sampled_from(["drop", "rename", "reorder", "duplicate", "move-column"]))
    if change == "drop":
        del header[i]
    elif change == "rename":
        header[i] = draw(st.text(st.characters(codec="utf-8", exclude_characters=',"\n\r'), max_size=12))
    elif change == "reorder":
        header[i], header[j] = header[j], header[i]
    elif change == "duplicate":
        header[j] = header[i]
    else:  # the whole column moves, header and cells: still the same table
        for cells in rows:
            cells.insert(j, cells.pop(i))
    return name, i, change, to_csv(rows)


@fuzz(20)
@given(header_changes())
def test_any_header_dropped_renamed_reordered_or_duplicated_is_reported(package, change):
    name, _, kind, content = change
    problems = problems_with(package, name, content)
    if kind == "move-column":
        assert problems == []  # columns are matched by name
    elif kind in ("drop", "duplicate") or (kind == "rename" and content != to_csv(records(name))):
        assert any(p.file == name and (p.row in (None, 1)) for p in problems), problems


def cut(name, at):
    return ORIGINAL[name][: int(len(ORIGINAL[name]) * at)]


@st.composite
def file_changes(draw):
    name = draw(st.sampled_from(FILES))
    text = ORIGINAL[name].decode("utf-8-sig")
    change = draw(
        st.sampled_from(["latin-1", "utf-16", "utf-16-le", "bom", "crlf", "cut", "empty", "garbage", "header-only"])
    )
    content = {
        "latin-1": lambda: text.encode("latin-1", errors="replace"),
        "utf-16": lambda: text.encode("utf-16"),
        "utf-16-le": lambda: text.encode("utf-16-le"),
        "bom": lambda: b"\xef\xbb\xbf" + ORIGINAL[name],
        "crlf": lambda: text.replace("\n", "\r\n").encode(),
        "cut": lambda: cut(name, draw(st.floats(0.01, 0.99))),
        "empty": lambda: b"",
        "garbage": lambda: draw(st.binary(min_size=1, max_size=2000)),
        "header-only": lambda: text.split("\n")[0].encode() + b"\n",
    }[change]()
    return name, change, content


@fuzz(40)
@given(file_changes())
@example(("events.csv", "utf-16", ORIGINAL["events.csv"].decode().encode("utf-16")))
@example(("events.csv", "utf-16-le", ORIGINAL["events.csv"].decode().encode("utf-16-le")))  # decodes as UTF-8
def test_any_file_re_encoded_cut_emptied_or_garbled_is_reported(package, change):
    name, kind, content = change
    problems = problems_with(package, name, content)
    if kind in ("bom", "crlf"):
        assert problems == []
    elif kind in ("utf-16", "utf-16-le", "empty"):
        assert [(p.file, p.rule) for p in problems] in (
            [(name, "encoding-error")],
            [(name, "empty-file")],
        ), problems
    elif kind == "latin-1" and not ORIGINAL[name].isascii():
        assert [(p.file, p.rule) for p in problems] == [(name, "encoding-error")], problems
    elif kind == "cut" and not content.endswith(b"\n"):
        assert any(p.file == name for p in problems), problems
    elif kind in ("garbage", "cut") and content.isascii():
        table = [r for r in csv.reader(io.StringIO(content.decode(), newline="")) if r]
        if table[0] != records(name)[0] or len(table[-1]) != len(table[0]):
            assert any(p.file == name for p in problems), problems
    elif kind == "garbage":
        assert any(p.file == name for p in problems), problems


CORRUPTIONS = {
    "cell": ("events.csv", lambda b: b.replace(b"1950", b"\x00", 1)),
    "header": ("citations.csv", lambda b: b.replace(b"quote", b"quote,quote", 1)),
    "encoding": ("sources.csv", lambda b: b.decode("utf-8").encode("utf-16")),
    "cut": ("periods.csv", lambda b: b[: len(b) // 2]),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_make_book_on_a_corrupt_package_executes_and_publishes_nothing(tmp_path, kind):
    name, change = CORRUPTIONS[kind]
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / name).write_bytes(change(ORIGINAL[name]))
    build = tmp_path / "build"
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("the previous book")
    result = run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), "--data-dir", str(data), "--build", str(build)]
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"^  {re.escape(name)}(, row \d+)?.*: \[[a-z-]+\] ", result.stderr, re.M), result.stderr
    assert "no chapter executed, the published book is unchanged" in result.stderr
    assert not (build / "executed").exists() and not (build / "html.partial").exists()
    assert sorted(p.name for p in build.iterdir()) == ["book.lock", "html"]
    assert (build / "html" / "index.html").read_text() == "the previous book"
