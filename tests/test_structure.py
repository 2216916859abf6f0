"""What makes a CSV file an unreliable table, reported before pandas reads it (validate.structure_problems),
and how problems are written in a report. In-process, so that mutation testing sees these checks."""

import re

import pytest

from nkrussia.validate import Problem, shorten, structure_problems


def found(text):
    return [(p.row, p.column, p.value, p.rule) for p in structure_problems("t.csv", text)]


@pytest.mark.parametrize(
    "text",
    ["a,b\n1,2\n3,4\n", 'a,b\n"1,5",2\n"x\ny",4\n', "a\n1\n", "a,b\n"],
)
def test_a_plain_table_has_no_structure_problem(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a,b\n1,2\n\n3,4\n", [(3, None, None, "blank-row")]),  # reported by the record after it
        ("a,b\n\n\n1,2\n", [(2, None, None, "blank-row"), (2, None, None, "blank-row")]),
        ("a,b\n1,2\n\n", []),  # a blank last line is no missing row
        ("a,b\n1,2", [(2, None, None, "cut-short")]),
        ("a,b\n1,2,3\n4,5\n6,7\n", [(2, "#3", "3", "extra-cell")]),
        ("a,b\n1\n4,5\n6,7\n", [(2, "b", None, "missing-cell")]),
        ("a,b\n1,2,3\n4,5,6\n", [(1, None, None, "header-cells")]),
        ("a,b\n1,x\0y\n", [(2, "b", "x\0y", "nul-character")]),
        ("a,\0b\n1,2\n", [(1, None, None, "encoding-error")]),
        ("a,a\n1,2\n", [(1, "a", None, "duplicate-label")]),
        ("a, \n1,2\n", [(1, "#2", " ", "blank-label")]),
        ('a,b\n1,2\n3,"4\n', [(3, None, None, "csv-error")]),
        ('a,b\n\n3,"4\n', [(2, None, None, "csv-error")]),
    ],
)
def test_each_structure_problem_is_named_at_its_row_and_column(text, expected):
    assert found(text) == expected


def test_structure_messages_say_what_to_do():
    [blank] = structure_problems("t.csv", "a,b\n1,2\n\n3,4\n")
    assert blank.message == "an empty line between rows: delete it, or restore its row"
    [extra] = structure_problems("t.csv", "a,b\n1,2,3\n4,5\n6,7\n")
    assert extra.message == "the row has 3 cells, the header names 2 columns"
    [header] = structure_problems("t.csv", "a,b\n1,2,3\n4,5,6\n")
    assert header.message == "the header names 2 columns but most rows have 3 cells: a column name is missing or extra"
    [error] = structure_problems("t.csv", 'a,b\n1,2\n3,"4\n')
    assert error.message.startswith("not valid CSV at line 3 (")


def test_a_problem_reads_as_file_row_column_value_rule_and_message():
    assert str(Problem("events.csv", 3, "date", "2024-13", "type-error", "no month 13")) == (
        "events.csv, row 3, column date, value '2024-13': [type-error] no month 13"
    )
    assert str(Problem("datapackage.json", None, None, None, "schema", "bad")) == "datapackage.json: [schema] bad"


def test_long_values_and_messages_are_shortened_with_their_length():
    assert shorten("x" * 300, 300) == "x" * 300
    assert shorten("x" * 301, 301) == "x" * 300 + "… (301 characters)"
    text = str(Problem("e.csv", 2, "quote", "y" * 400, "rule", "m" * 301))
    assert (
        text
        == f"e.csv, row 2, column quote, value '{'y' * 299}… (400 characters): [rule] {'m' * 300}… (301 characters)"
    )


def test_the_build_machinery_is_apart_from_what_the_chapters_import():
    """nkbuild (runner, HTML and PDF builds, checks, benchmark, Sphinx extension) imports nkrussia; the
    package the chapters import never imports nkbuild, and no chapter does."""
    from nkrussia import ROOT

    package = list((ROOT / "src" / "nkrussia").rglob("*.py"))
    chapters = list((ROOT / "chapters").glob("*.md"))
    assert package and chapters
    imports = re.compile(r"^\s*(?:from|import)\s+nkbuild\b", re.M)
    for path in package + chapters:
        assert not imports.search(path.read_text(encoding="utf-8")), path
