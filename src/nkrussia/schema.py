"""The Frictionless Table Schema checks of datapackage.json, applied column by column with pandas.

frictionless-py validates row by row (about 10^4 rows a second here), too slow for the million-event
benchmark; these are the same checks, vectorised, reported with frictionless's error names
(type-error, constraint-error, unique-error, primary-key, foreign-key, missing-label, extra-label).
frictionless-py still validates the descriptor itself, and the test suite checks that both
validators flag the same cells on the broken fixtures.
"""

import frictionless
import pandas as pd

from .dataset import INTEGER

TRUE, FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


def descriptor_problems(descriptor):
    """Errors in datapackage.json itself, from frictionless-py: (type, note) pairs."""
    report = frictionless.Package.validate_descriptor(descriptor)
    return [(e.type, e.note) for e in report.errors]


def _type_ok(values, kind):
    if kind == "integer":
        return values.str.fullmatch(INTEGER)
    if kind == "number":
        return pd.to_numeric(values, errors="coerce").notna()
    return values.isin(TRUE | FALSE)  # boolean


def _per_value(values, check):
    """Apply a column check once per distinct value (dates, locators and enums repeat a lot)."""
    codes, uniques = pd.factorize(values)
    if len(uniques) > len(values) // 4:
        return check(values).astype(bool)
    result = check(pd.Series(uniques, dtype=object)).to_numpy(bool)
    return pd.Series(result[codes], index=values.index)


def table_problems(name, frame, schema, tables, problem):
    """Yield problems of one table; `problem(row_index, column, value, rule, message)` builds them."""
    yield from _label_problems(frame, schema, problem)
    for field in schema["fields"]:
        if field["name"] in frame.columns:
            yield from _field_problems(frame, field, problem)
    yield from _primary_key_problems(frame, schema, problem)
    yield from _foreign_key_problems(frame, schema, tables, problem)


def _label_problems(frame, schema, problem):
    fields = [f["name"] for f in schema["fields"]]
    for missing in [f for f in fields if f not in frame.columns]:
        yield problem(None, missing, None, "missing-label", f'the column "{missing}" is missing')
    for extra in [c for c in frame.columns if c not in fields]:
        yield problem(None, extra, None, "extra-label", f'the column "{extra}" is not in the schema')


def _field_checks(values, kind, rules):
    """(mask of failing rows, rule, message) for each check of one field's type and constraints."""
    present = values != ""
    bad_type = (
        present & ~_per_value(values, lambda v: _type_ok(v, kind))
        if kind != "string"
        else pd.Series(False, index=values.index)
    )
    yield bad_type, "type-error", f'type is "{kind}"'
    ok = present & ~bad_type
    if rules.get("required"):
        yield ~present, "constraint-error", 'constraint "required" is "True"'
    if "enum" in rules:
        yield ok & ~values.isin(rules["enum"]), "constraint-error", f'constraint "enum" is "{rules["enum"]}"'
    if "pattern" in rules:
        matches = _per_value(values, lambda v: v.str.fullmatch(rules["pattern"]))
        yield ok & ~matches, "constraint-error", f'constraint "pattern" is "{rules["pattern"]}"'
    if "maxLength" in rules:
        too_long = ok & (values.str.len() > rules["maxLength"])
        yield too_long, "constraint-error", f'constraint "maxLength" is "{rules["maxLength"]}"'
    if kind in ("integer", "number"):
        numbers = pd.to_numeric(values.where(ok), errors="coerce")
        if "minimum" in rules:
            yield (
                (numbers < rules["minimum"]).fillna(False),
                "constraint-error",
                (f'constraint "minimum" is "{rules["minimum"]}"'),
            )
        if "maximum" in rules:
            yield (
                (numbers > rules["maximum"]).fillna(False),
                "constraint-error",
                (f'constraint "maximum" is "{rules["maximum"]}"'),
            )
    if rules.get("unique"):
        yield present & values.duplicated(keep="first"), "unique-error", "the value is already in an earlier row"


def _field_problems(frame, field, problem):
    column = field["name"]
    values = frame[column]
    for mask, rule, message in _field_checks(values, field["type"], field.get("constraints", {})):
        for index in frame.index[mask.to_numpy(bool)]:
            yield problem(index, column, values.at[index], rule, message)


def _primary_key_problems(frame, schema, problem):
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    if not key or len(key) < 2 or not all(k in frame.columns for k in key):
        return  # a one-column key is checked as that field's "unique" constraint
    for index in frame.index[frame.duplicated(subset=key, keep="first").to_numpy(bool)]:
        yield problem(
            index,
            ", ".join(key),
            ", ".join(frame.loc[index, key]),
            "primary-key",
            "the same key is already in an earlier row",
        )


def _first(fields):
    return fields if isinstance(fields, str) else fields[0]


def _foreign_key_problems(frame, schema, tables, problem):
    for fk in schema.get("foreignKeys", []):
        column, target = _first(fk["fields"]), fk["reference"]["resource"]
        target_column = _first(fk["reference"]["fields"])
        if column not in frame.columns or target not in tables or target_column not in tables[target].columns:
            continue
        values = frame[column]
        bad = (values != "") & ~values.isin(tables[target][target_column])
        for index in frame.index[bad.to_numpy(bool)]:
            value = values.at[index]
            yield problem(index, column, value, "foreign-key", f'"{value}" is not a {target_column} in {target}.csv')
