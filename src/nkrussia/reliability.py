"""Inter-coder reliability of the blind codings (the second under codebook 2.0, the third under 2.2), before
reconciliation.

Cohen's kappa comes from scikit-learn, Krippendorff's alpha from the `krippendorff` package.
"""

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

NOMINAL = ["category", "scope", "tone"]
TARGETS = {"kappa": 0.95, "alpha": 0.93, "within_one": 0.85}


CODES = ["category", "scope", "tone", "intensity"]


def paired(ds, coding="second"):
    """One row per event coded twice: ours (suffix _1) beside a blind coding (suffix _2). For "second"
    (codebook 2.0), ours is the first coding; for "third" (codebook 2.2), ours is events.csv as it stood
    when the third coding was committed (events.csv with the logged codes put back)."""
    if coding == "second":
        return ds.coding_first.merge(ds.coding_second, on="event_id", suffixes=("_1", "_2"), validate="one_to_one")
    ours = ds.events[["event_id", *CODES]].astype({c: str for c in CODES}).set_index("event_id")
    for r in ds.reconciliation_third.itertuples():
        ours.loc[r.event_id, r.field] = str(r.ours)
    ours = ours.loc[ds.coding_third["event_id"]].reset_index()
    return ours.merge(ds.coding_third.astype({c: str for c in CODES}), on="event_id", suffixes=("_1", "_2"))


def kappa(first, second):
    """Cohen's kappa, or None when it is undefined (both coders used a single and the same value)."""
    if pd.Series(list(first) + list(second)).nunique() < 2:
        return None
    return float(cohen_kappa_score(first.astype(str), second.astype(str)))


AFTER_CODING = "v2 second coding"  # how codebook_rules.added_because marks rules written after the second coding


def examples(ds):
    """Events the codebook showed the second coder as worked examples: agreement on them is built in.
    Rules added after the second coding do not count."""
    rules = ds.codebook_rules[~ds.codebook_rules["added_because"].str.startswith(AFTER_CODING)]
    return set(rules["example_event_id"].dropna()) | set(ds.intensity_anchors["example_event_id"])


def summary(ds, exclude=(), coding="second"):
    """Per field: units, percent agreement, the coefficient and its target (optionally leaving some
    events out, such as the codebook's worked examples)."""
    pairs = paired(ds, coding)
    pairs = pairs[~pairs["event_id"].isin(set(exclude))]
    rows = []
    for field in NOMINAL:
        a, b = pairs[f"{field}_1"].astype(str), pairs[f"{field}_2"].astype(str)
        rows.append(
            {
                "field": field,
                "events": len(pairs),
                "agreement": float((a == b).mean()),
                "coefficient": "Cohen's κ",
                "value": kappa(a, b),
                "target": TARGETS["kappa"],
            }
        )
    a, b = pairs["intensity_1"].astype(float), pairs["intensity_2"].astype(float)
    alpha = krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="interval")
    rows.append(
        {
            "field": "intensity",
            "events": len(pairs),
            "agreement": float((a == b).mean()),
            "coefficient": "Krippendorff's α (interval)",
            "value": float(alpha),
            "target": TARGETS["alpha"],
        }
    )
    table = pd.DataFrame(rows)
    table["met"] = [v is not None and v >= t for v, t in zip(table["value"], table["target"], strict=True)]
    return table


def intensity_spread(ds, coding="second"):
    """Mean absolute difference of intensity and the share of events within one point."""
    pairs = paired(ds, coding)
    diff = (pairs["intensity_1"].astype(float) - pairs["intensity_2"].astype(float)).abs()
    return {
        "mean_abs_diff": float(diff.mean()),
        "within_one": float((diff <= 1).mean()),
        "within_one_target": TARGETS["within_one"],
    }


def confusion(ds, field="category"):
    """Counts of events by first code (rows) and second code (columns), over the codes either used."""
    pairs = paired(ds)
    codes = [
        c
        for c in (
            list(ds.categories["category_id"])
            if field == "category"
            else sorted(set(pairs[f"{field}_1"].astype(str)) | set(pairs[f"{field}_2"].astype(str)))
        )
        if c in set(pairs[f"{field}_1"].astype(str)) | set(pairs[f"{field}_2"].astype(str))
    ]
    table = pd.crosstab(pairs[f"{field}_1"].astype(str), pairs[f"{field}_2"].astype(str))
    return table.reindex(index=codes, columns=codes, fill_value=0)


def disagreements(ds, coding="second"):
    """Every (event, field) where the codings differ, with the final code and how it was resolved."""
    pairs = paired(ds, coding)
    rows = []
    for field in NOMINAL + ["intensity"]:
        differ = pairs[pairs[f"{field}_1"].astype(str) != pairs[f"{field}_2"].astype(str)]
        rows += [
            {
                "event_id": r.event_id,
                "field": field,
                "first": str(getattr(r, f"{field}_1")),
                "second": str(getattr(r, f"{field}_2")),
            }
            for r in differ.itertuples()
        ]
    frame = pd.DataFrame(rows, columns=["event_id", "field", "first", "second"])
    log = (ds.reconciliation if coding == "second" else ds.reconciliation_third)[
        ["event_id", "field", "final", "resolution"]
    ]
    return frame.merge(log, on=["event_id", "field"], how="left")


def reconciled(ds):
    """The first coding with the reconciliation log applied: what events.csv must hold."""
    codes = ds.coding_first.set_index("event_id").astype(str)
    for r in ds.reconciliation.itertuples():
        codes.loc[r.event_id, r.field] = str(r.final)
    return codes
