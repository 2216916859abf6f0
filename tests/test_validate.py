"""One broken copy of the data package per rule, each asserting the exact problem reported."""

import subprocess
import sys

import pandas as pd
import pytest
from conftest import needs_corpus

from nkrussia import DATA_DIR
from nkrussia.validate import Problem, validate


def set_cell(row, column, value):
    def change(frame):
        frame.loc[row, column] = value
        return frame

    return change


def problems_of(data_dir):
    problems, _ = validate(data_dir)
    return problems


@needs_corpus
def test_the_real_data_package_is_valid():
    problems, notes = validate(DATA_DIR)
    assert problems == [] and notes == []


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13"])
def test_impossible_date(data_copy, value):
    data_copy.edit("events", set_cell(3, "date", value))
    assert problems_of(data_copy) == [
        Problem(
            "events.csv",
            5,
            "date",
            value,
            "date-valid",
            "not a valid date at its precision (YYYY, YYYY-MM with month 01-12, YYYY-MM-DD with a real day)",
        )
    ]


def test_free_text_in_a_date_field(data_copy):
    data_copy.edit("events", set_cell(3, "date", "printemps 2025"))
    found = {(p.file, p.row, p.column, p.value, p.rule) for p in problems_of(data_copy)}
    assert ("events.csv", 5, "date", "printemps 2025", "constraint-error") in found


def test_end_before_start(data_copy):
    data_copy.edit("events", set_cell(3, "date_end", "1949"))
    assert problems_of(data_copy) == [
        Problem("events.csv", 5, "date_end", "1949", "date-order", "ends before it starts (1950)")
    ]


def test_unknown_actor(data_copy):
    data_copy.edit("event_actors", set_cell(0, "actor_id", "nobody"))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value, p.rule) == ("event_actors.csv", 2, "actor_id", "nobody", "foreign-key")


def test_citation_to_an_unknown_source(data_copy):
    data_copy.edit("citations", set_cell(0, "source_id", "le-monde"))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value, p.rule) == ("citations.csv", 2, "source_id", "le-monde", "foreign-key")


@needs_corpus
def test_quote_not_in_its_source(data_copy):
    data_copy.edit("citations", set_cell(0, "quote", "Une phrase absente"))
    assert problems_of(data_copy) == [
        Problem(
            "citations.csv",
            2,
            "quote",
            "Une phrase absente",
            "quote-verbatim",
            "not found verbatim at line 87 of chronology-2024",
        )
    ]


@needs_corpus
def test_spelling_not_in_its_source(data_copy):
    data_copy.edit("actor_names", set_cell(0, "name", "Rossiya"))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value, p.rule) == ("actor_names.csv", 2, "name", "Rossiya", "name-in-source")


def test_duplicated_id(data_copy):
    data_copy.edit("events", lambda f: pd.concat([f, f.iloc[[0]]]))
    last_row = len(pd.read_csv(data_copy / "events.csv")) + 1  # the header is row 1
    found = {(p.file, p.row, p.column, p.rule) for p in problems_of(data_copy)}
    assert ("events.csv", last_row, "event_id", "unique-error") in found


@needs_corpus
def test_changed_source_file_hash(data_copy):
    data_copy.edit("sources", set_cell(0, "sha256", "0" * 64))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.rule) == ("sources.csv", 2, "sha256", "source-hash")
    assert "000_6559f0d1ea125e1e.txt has changed" in p.message


def test_event_without_citation(data_copy):
    data_copy.edit("citations", lambda f: f[f["event_id"] != "treaty-1961"])
    row = list(pd.read_csv(data_copy / "events.csv")["event_id"]).index("treaty-1961") + 2
    assert problems_of(data_copy) == [
        Problem("events.csv", row, "event_id", "treaty-1961", "event-cited", "the event has no citation")
    ]


def test_overlapping_periods(data_copy):
    data_copy.edit("periods", set_cell(1, "start", "1950"))
    assert problems_of(data_copy) == [
        Problem(
            "periods.csv",
            3,
            "start",
            "1950",
            "period-contiguous",
            "must start the year after the previous period ends (no overlap, no gap)",
        )
    ]


def test_tone_and_intensity_must_agree(data_copy):
    data_copy.edit("events", set_cell(0, "intensity", "-4"))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value, p.rule) == ("events.csv", 2, "intensity", "-4", "tone-intensity")


def test_wrong_encoding_is_reported_with_its_line(data_copy):
    path = data_copy / "events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    [p] = problems_of(data_copy)
    assert (p.file, p.row, p.rule) == ("events.csv", 8, "encoding-error")


def test_empty_file(data_copy):
    (data_copy / "events.csv").write_text("")
    assert [(p.file, p.rule) for p in problems_of(data_copy)] == [("events.csv", "empty-file")]


@pytest.mark.parametrize(
    "change, rule, column",
    [
        (lambda f: f.drop(columns=["tone"]), "missing-label", "tone"),
        (lambda f: f.assign(extra="x"), "extra-label", "extra"),
    ],
)
def test_missing_or_extra_column(data_copy, change, rule, column):
    data_copy.edit("events", change)
    found = [(p.file, p.column, p.rule) for p in problems_of(data_copy)]
    assert found[0] == ("events.csv", column, rule)
    # a project rule that cannot run on the broken table is itself a problem: validation fails closed
    assert set(found[1:]) <= {("datapackage.json", None, "rule-not-run")}


@needs_corpus
def test_bom_and_crlf_are_tolerated(data_copy):
    path = data_copy / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    assert problems_of(data_copy) == []


def test_all_problems_are_reported_at_once(data_copy):
    data_copy.edit("events", set_cell(3, "date", "2024-02-30"))
    data_copy.edit("event_actors", set_cell(0, "actor_id", "nobody"))
    data_copy.edit("periods", set_cell(1, "start", "1950"))
    assert {p.rule for p in problems_of(data_copy)} == {"date-valid", "foreign-key", "period-contiguous"}


def test_without_corpus_the_quote_checks_are_skipped_loudly(data_copy, tmp_path):
    problems, notes = validate(data_copy, corpus=tmp_path / "nowhere")
    assert problems == []
    assert any("SKIPPED" in n for n in notes)


def test_command_line_exits_non_zero_and_names_file_row_column_value(data_copy):
    data_copy.edit("events", set_cell(3, "date", "2024-02-30"))
    run = subprocess.run(
        [sys.executable, "-m", "nkrussia.validate", "--data-dir", str(data_copy)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "events.csv, row 5, column date, value '2024-02-30': [date-valid]" in run.stderr


@needs_corpus
def test_main_reports_every_problem_and_its_count(data_copy, capsys):
    """In-process, so that mutation testing sees the command line too."""
    from nkrussia.validate import load_valid, main

    assert main(["--data-dir", str(data_copy)]) == 0
    assert capsys.readouterr().out == f"{data_copy}: valid\n"
    dataset, problems, _ = load_valid(data_copy)
    assert dataset is not None and problems == []
    data_copy.edit("events", set_cell(3, "date", "2024-02-30"))
    data_copy.edit("events", set_cell(4, "tone", "amical"))
    assert main(["--data-dir", str(data_copy), "--frictionless"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"2 problems in {data_copy}:"
    assert len(lines) == 3 and all(line.startswith("  events.csv, row ") for line in lines[1:])
    assert any("row 5, column date, value '2024-02-30': [date-valid]" in line for line in lines)
    assert any("row 6, column tone, value 'amical': [constraint-error]" in line for line in lines)
    dataset, problems, _ = load_valid(data_copy)
    assert dataset is None and len(problems) == 2


@pytest.mark.parametrize(
    "table, change",
    [
        ("events", set_cell(3, "date", "printemps 2025")),
        ("events", set_cell(3, "intensity", "beaucoup")),
        ("events", set_cell(3, "tone", "amical")),
        ("events", set_cell(3, "title", "")),
        ("events", lambda f: pd.concat([f, f.iloc[[0]]])),
        ("event_actors", set_cell(0, "actor_id", "nobody")),
        ("citations", set_cell(0, "quote", "x" * 201)),
        ("sources", set_cell(0, "title_is_ours", "maybe")),
    ],
)
def test_vectorised_schema_checks_flag_the_same_cells_as_frictionless(data_copy, table, change):
    from nkrussia.validate import frictionless_problems

    data_copy.edit(table, change)
    ours = {
        (p.file, p.row, p.column)
        for p in problems_of(data_copy)
        if p.rule in {"type-error", "constraint-error", "unique-error", "foreign-key"}
    }
    reference = {(p.file, p.row, p.column) for p in frictionless_problems(data_copy) if p.rule != "primary-key"}
    assert ours == reference and ours


def _row_of(data_copy, event_id):
    return list(pd.read_csv(data_copy / "events.csv")["event_id"]).index(event_id)


@pytest.mark.parametrize(
    "event_id, column, value, rule",
    [
        ("ballet-pyongyang-2024-03-21", "intensity", "2", "intensity-anchor"),  # I1: not an anchor level
        ("ballet-pyongyang-2024-03-21", "tone", "neutral", "tone-intensity"),  # T3: neutral must be 0
        ("korean-war-1950", "tone", "cooperation", "context-neutral"),  # T2: context is neutral
        ("yoon-elected-2022", "scope", "bilateral", "domestic-context"),  # C2, S3: domestic is context
        ("korean-war-1950", "span", "", "span-kind"),  # D3: a span says its kind
    ],
)
def test_the_mechanical_rules_of_the_codebook_are_enforced(data_copy, event_id, column, value, rule):
    row = _row_of(data_copy, event_id)
    data_copy.edit("events", set_cell(row, column, value))
    found = {(p.file, p.row, p.rule) for p in problems_of(data_copy)}
    assert ("events.csv", row + 2, rule) in found


def test_an_anchor_example_must_be_coded_at_its_level(data_copy):
    row = _row_of(data_copy, "ballet-pyongyang-2024-03-21")
    data_copy.edit("events", set_cell(row, "intensity", "5"))
    found = {(p.file, p.column, p.rule) for p in problems_of(data_copy)}
    assert ("intensity_anchors.csv", "example_event_id", "anchor-example") in found


def test_an_inferred_origin_needs_a_note(data_copy):
    data_copy.edit("citations", lambda f: f.assign(note=f["note"].where(f["origin_basis"] != "inferred", "")))
    found = {(p.file, p.column, p.rule) for p in problems_of(data_copy)}
    assert ("citations.csv", "note", "origin-inferred") in found


@needs_corpus
def test_a_source_whose_file_is_not_in_the_corpus_is_named(data_copy):
    data_copy.edit("sources", set_cell(0, "file", "absent.txt"))
    found = [(p.file, p.row, p.column, p.value, p.rule) for p in problems_of(data_copy) if p.rule == "source-file"]
    assert found == [("sources.csv", 2, "file", "absent.txt", "source-file")]


def test_every_quote_has_our_translation_and_it_is_not_the_french(data_copy):
    data_copy.edit("citations", set_cell(0, "quote_en", ""))
    data_copy.edit("disagreements", lambda f: f.assign(quote_b_en=f["quote_b_en"].where(f.index != 1, f["quote_b"])))
    found = {(p.file, p.row, p.column, p.rule) for p in problems_of(data_copy)}
    assert {(f, r, c) for f, r, c, _ in found} >= {
        ("citations.csv", 2, "quote_en"),
        ("disagreements.csv", 3, "quote_b_en"),
    }
    assert ("disagreements.csv", 3, "quote_b_en", "translation-differs") in found
