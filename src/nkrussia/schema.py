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
    fields = [f["name"] for f in schema["fields"]]
    for missing in [f for f in fields if f not in frame.columns]:
        yield problem(None, missing, None, "missing-label", f'the column "{missing}" is missing')
    for extra in [c for c in frame.columns if c not in fields]:
        yield problem(None, extra, None, "extra-label", f'the column "{extra}" is not in the schema')
    for field in schema["fields"]:
        column, kind, rules = field["name"], field["type"], field.get("constraints", {})
        if column not in frame.columns:
            continue
        values = frame[column]
        present = values != ""
        bad_type = (
            present & ~_per_value(values, lambda v, kind=kind: _type_ok(v, kind))
            if kind != "string"
            else pd.Series(False, index=values.index)
        )
        checks = [(bad_type, "type-error", f'type is "{kind}"')]
        ok = present & ~bad_type
        if rules.get("required"):
            checks.append((~present, "constraint-error", 'constraint "required" is "True"'))
        if "enum" in rules:
            checks.append(
                (ok & ~values.isin(rules["enum"]), "constraint-error", f'constraint "enum" is "{rules["enum"]}"')
            )
        if "pattern" in rules:
            checks.append(
                (
                    ok & ~_per_value(values, lambda v, p=rules["pattern"]: v.str.fullmatch(p)),
                    "constraint-error",
                    f'constraint "pattern" is "{rules["pattern"]}"',
                )
            )
        if "maxLength" in rules:
            checks.append(
                (
                    ok & (values.str.len() > rules["maxLength"]),
                    "constraint-error",
                    f'constraint "maxLength" is "{rules["maxLength"]}"',
                )
            )
        numbers = pd.to_numeric(values.where(ok), errors="coerce") if kind in ("integer", "number") else None
        for bound, compare in (("minimum", lambda x, b: x < b), ("maximum", lambda x, b: x > b)):
            if bound in rules and numbers is not None:
                checks.append(
                    (
                        compare(numbers, rules[bound]).fillna(False),
                        "constraint-error",
                        f'constraint "{bound}" is "{rules[bound]}"',
                    )
                )
        if rules.get("unique"):
            checks.append(
                (present & values.duplicated(keep="first"), "unique-error", "the value is already in an earlier row")
            )
        for mask, rule, message in checks:
            for index in frame.index[mask.to_numpy(bool)]:
                yield problem(index, column, values.at[index], rule, message)
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    if key and all(k in frame.columns for k in key) and len(key) > 1:
        for index in frame.index[frame.duplicated(subset=key, keep="first").to_numpy(bool)]:
            yield problem(
                index,
                ", ".join(key),
                ", ".join(frame.loc[index, key]),
                "primary-key",
                "the same key is already in an earlier row",
            )
    for fk in schema.get("foreignKeys", []):
        column = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        target = fk["reference"]["resource"]
        target_column = fk["reference"]["fields"]
        target_column = target_column if isinstance(target_column, str) else target_column[0]
        if column not in frame.columns or target not in tables or target_column not in tables[target].columns:
            continue
        values = frame[column]
        bad = (values != "") & ~values.isin(tables[target][target_column])
        for index in frame.index[bad.to_numpy(bool)]:
            yield problem(
                index,
                column,
                values.at[index],
                "foreign-key",
                f'"{values.at[index]}" is not a {target_column} in {target}.csv',
            )
