"""The blind second coding is frozen, the reconciled codes are what events.csv holds, and every
reliability figure in the book is computed and glued."""

import hashlib

import pandas as pd
import pytest

from nkbuild import read_notebook
from nkrussia import DATA_DIR, ROOT, reliability
from nkrussia.pages.method import Method

CODES = ["category", "scope", "tone", "intensity"]
# Events split off after the 2.0 codings: under codebook 2.2 (rule E1), and after the third coding (E2).
SPLIT_IN_2_2 = {"military-visits-2021", "cyber-cooperation-2021", "senior-visits-2023", "south-korea-exercises-2024-01"}
SPLIT_AFTER_THIRD = {"choe-praises-closeness-2025"}


def resource(ds, name):
    return next(r for r in ds.descriptor["resources"] if r["name"] == name)


@pytest.mark.parametrize("coding", ["coding_second", "coding_third"])
def test_the_blind_codings_have_not_changed_since_their_commit(ds, coding):
    recorded = resource(ds, coding)["sha256"]
    assert hashlib.sha256((DATA_DIR / f"{coding}.csv").read_bytes()).hexdigest() == recorded


def test_the_third_coding_covers_every_event_but_those_split_off_after_it(ds):
    assert set(ds.events["event_id"]) - set(ds.coding_third["event_id"]) == SPLIT_AFTER_THIRD
    assert set(ds.coding_third["event_id"]) <= set(ds.events["event_id"])


def test_every_difference_with_the_third_coding_is_logged_and_events_hold_the_kept_code(ds):
    differences = reliability.disagreements(ds, "third")
    assert differences["final"].notna().all() and differences["resolution"].notna().all()
    logged = set(zip(ds.reconciliation_third["event_id"], ds.reconciliation_third["field"], strict=True))
    assert logged == set(zip(differences["event_id"], differences["field"], strict=True))
    events = ds.events.set_index("event_id")
    for r in ds.reconciliation_third.itertuples():
        assert str(events.loc[r.event_id, r.field]) == r.final


@pytest.mark.parametrize("coding", ["coding_second", "coding_third"])
def test_the_protocol_says_who_coded_what_they_saw_when_and_with_which_codebook(ds, coding):
    protocol = resource(ds, coding)["protocol"]
    assert {"coder", "saw", "did_not_see", "date", "codebook_version", "brief"} <= set(protocol)
    current = ds.descriptor["codebook_version"]
    assert protocol["codebook_version"] == current or current in ds.descriptor["codebook_changes"]
    assert (ROOT / protocol["brief"]).is_file()


def test_every_event_of_the_2_0_coding_was_coded_twice_and_still_exists(ds):
    assert set(ds.coding_first["event_id"]) == set(ds.coding_second["event_id"]) <= set(ds.events["event_id"])


def test_the_events_split_off_since_are_the_codebook_2_2_splits(ds):
    added = set(ds.events["event_id"]) - set(ds.coding_first["event_id"])
    assert added == SPLIT_IN_2_2 | SPLIT_AFTER_THIRD


def test_the_uncoded_splits_keep_their_reconciled_codes_under_the_earlier_codings(ds):
    events = ds.events.set_index("event_id")
    for coding in ["first", "second"]:
        coded = ds.coded(coding).set_index("event_id")
        split = list(SPLIT_IN_2_2 | SPLIT_AFTER_THIRD)
        for field in CODES:
            assert (coded.loc[split, field] == events.loc[split, field]).all()


def test_events_hold_the_first_coding_with_the_reconciliation_applied(ds):
    expected = reliability.reconciled(ds)[CODES]
    actual = ds.events.set_index("event_id")[CODES].astype(str).loc[expected.index]
    assert (actual == expected).all().all()


def test_every_difference_between_the_codings_is_logged_and_resolved(ds):
    differences = reliability.disagreements(ds)
    assert differences["final"].notna().all() and differences["resolution"].notna().all()
    logged = set(zip(ds.reconciliation["event_id"], ds.reconciliation["field"], strict=True))
    assert logged == set(zip(differences["event_id"], differences["field"], strict=True))


def test_kappa_and_alpha_come_from_the_libraries_and_are_glued(ds):
    from sklearn.metrics import cohen_kappa_score

    pairs = reliability.paired(ds)
    summary = reliability.summary(ds).set_index("field")
    assert summary.loc["tone", "value"] == cohen_kappa_score(pairs["tone_1"], pairs["tone_2"])
    counts = Method().counts()
    for field in ["category", "scope", "tone", "intensity"]:
        assert counts[f"coef_{field}"] == f"{summary.loc[field, 'value']:.2f}"
    prose = " ".join(
        c.source for c in read_notebook(ROOT / "chapters" / "reliability.md").cells if c.cell_type == "markdown"
    )
    for key in ["coef_category", "coef_scope", "coef_tone", "coef_intensity", "within_one", "agree_category"]:
        assert f"{{glue:text}}`{key}`" in prose


def test_kappa_is_undefined_rather_than_nan_when_a_single_value_is_used():
    same = pd.Series(["neutral"] * 4)
    assert reliability.kappa(same, same) is None
