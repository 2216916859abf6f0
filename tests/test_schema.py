"""The vectorised Table Schema checks (nkrussia.schema) against frictionless-py, on a small package that
breaks every constraint the book's descriptor uses, at and beside each bound."""

import json

import pandas as pd
import pytest

from nkrussia.schema import table_problems
from nkrussia.validate import frictionless_problems

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "k1", "type": "string"},
    {"name": "k2", "type": "string"},
    {"name": "n", "type": "integer", "constraints": {"minimum": 1, "maximum": 5}},
    {"name": "x", "type": "number", "constraints": {"minimum": 0.5}},
    {"name": "flag", "type": "boolean"},
    {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}"}},
    {"name": "word", "type": "string", "constraints": {"maxLength": 3}},
    {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
    {"name": "ref", "type": "string"},
]
SCHEMA = {
    "fields": FIELDS,
    "primaryKey": ["k1", "k2"],
    "foreignKeys": [{"fields": "ref", "reference": {"resource": "targets", "fields": "uid"}}],
}
#        id    k1   k2   n     x      flag     code   word    kind  ref
ROWS = [
    ["r1", "a", "1", "1", "0.5", "true", "AB", "abc", "a", "u1"],  # every value at its bound: valid
    ["r2", "a", "2", "5", "7", "false", "CD", "", "b", ""],  # valid
    ["r3", "a", "1", "0", "0.4", "maybe", "ab", "abcd", "c", "u9"],  # key repeated; each value one past
    ["", "b", "1", "6", "abc", "1", "ABC", "ab", "", "u1"],  # id missing, n over, x not a number
    ["r1", "b", "2", "1.5", "", "", "", "", "a", "u2"],  # id repeated; n not an integer
    ["r6", "b", "3", "x1", "1e3", "TRUE", "ZZ", "xyz", "b", ""],  # n not an integer
]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema")
    names = [f["name"] for f in FIELDS]
    pd.DataFrame(ROWS, columns=names).to_csv(folder / "table.csv", index=False)
    pd.DataFrame({"uid": ["u1", "u2"]}).to_csv(folder / "targets.csv", index=False)
    descriptor = {
        "name": "toy",
        "resources": [
            {"name": "table", "path": "table.csv", "schema": SCHEMA},
            {"name": "targets", "path": "targets.csv", "schema": {"fields": [{"name": "uid", "type": "string"}]}},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder


def ours(folder):
    tables = {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False) for name in ("table", "targets")
    }

    def problem(index, column, value, rule, message):
        return (None if index is None else int(index) + 2, column, rule, message)

    return list(table_problems("table", tables["table"], SCHEMA, tables, problem))


def test_every_broken_cell_is_found_as_frictionless_finds_it(package):
    found = ours(package)
    reference = [p for p in frictionless_problems(package) if p.file == "table.csv"]

    def cell(row, column, rule):  # frictionless names no column for a composite key; ours names the key's
        return (row, None if rule == "primary-key" else column, rule)

    assert {cell(*p[:3]) for p in found} == {cell(p.row, p.column, p.rule) for p in reference}
    assert len(found) == len(reference) == 15
    # the constraint notes are frictionless's own
    theirs = {(p.row, p.column): p.message for p in reference if p.rule == "constraint-error"}
    assert {(row, column): message for row, column, rule, message in found if rule == "constraint-error"} == theirs


def test_the_messages_say_what_is_wrong(package):
    messages = {(row, column, rule): message for row, column, rule, message in ours(package)}
    assert messages[(6, "n", "type-error")] == 'type is "integer"'
    assert messages[(5, "id", "constraint-error")] == 'constraint "required" is "True"'
    assert messages[(6, "id", "unique-error")] == "the value is already in an earlier row"
    assert messages[(4, "k1, k2", "primary-key")] == "the same key is already in an earlier row"
    assert messages[(4, "ref", "foreign-key")] == '"u9" is not a uid in targets.csv'


def test_a_missing_or_unknown_column_is_named():
    frame = pd.DataFrame({"id": ["r1"], "extra": ["?"]})
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "gone", "type": "string"}]}
    found = list(table_problems("t", frame, schema, {}, lambda *args: args))
    assert found == [
        (None, "gone", None, "missing-label", 'the column "gone" is missing'),
        (None, "extra", None, "extra-label", 'the column "extra" is not in the schema'),
    ]
