"""Cross-period measures: counts per year and period under the codebook's counting rule (D4), the
cooperation-friction index and its sensitivity, corroboration by independent origin."""

import numpy as np
import pandas as pd


def year_weights(events):
    """Long table (event_id, year, weight) under counting rule D4: a duration counts 1 in every year it
    touches; a window is shared across its years in proportion to their days (it adds up to 1); a single
    date, whatever its precision, counts 1 in its year."""
    start, end = events["start"].to_numpy("datetime64[D]"), events["end"].to_numpy("datetime64[D]")
    first_year = start.astype("datetime64[Y]").astype(int) + 1970
    years = end.astype("datetime64[Y]").astype(int) + 1970 - first_year + 1
    row = np.repeat(np.arange(len(events)), years)
    year = first_year[row] + (np.arange(len(row)) - np.repeat(np.cumsum(years) - years, years))
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]") - 1
    days = (np.minimum(end[row], year_end) - np.maximum(start[row], year_start)).astype(int) + 1
    total = (end - start).astype(int) + 1
    span = events["span"].astype(object).to_numpy() if "span" in events else np.full(len(events), None)
    window = span[row] == "window"
    weight = np.where(window, days / total[row], 1.0)
    return pd.DataFrame({"event_id": events["event_id"].to_numpy()[row], "year": year, "weight": weight})


def per_year(events, years=None):
    """Events per year under counting rule D4 (fractional only for windows)."""
    out = year_weights(events).groupby("year")["weight"].sum()
    return out.reindex(years, fill_value=0.0) if years is not None else out


def period_weights(events, periods):
    """Long table (event_id, period_id, weight) under rule D4: a duration counts 1 in every period it
    touches, a window is shared across periods in proportion to its days, a single date counts 1."""
    w = year_weights(events)
    bins = [int(periods["start"].iloc[0]) - 1] + [int(e) for e in periods["end"]]
    w["period_id"] = pd.cut(w["year"], bins=bins, labels=list(periods["period_id"]))
    kind = events.set_index("event_id")["span"].astype(object) if "span" in events else pd.Series(dtype=object)
    out = w.groupby(["event_id", "period_id"], observed=True)["weight"].sum().reset_index()
    duration = out["event_id"].map(kind).eq("duration")
    out.loc[duration, "weight"] = 1.0  # a duration counts once per period, however many of its years fall in it
    return out


def period_shares(events, periods, column):
    """Share of each value of `column` in each period's events, counted by rule D4."""
    w = period_weights(events, periods).merge(events[["event_id", column]].astype({column: str}), on="event_id")
    table = w.pivot_table(
        index="period_id", columns=column, values="weight", aggfunc="sum", fill_value=0.0, observed=False
    )
    return table.div(table.sum(axis=1), axis=0).reindex(list(periods["period_id"])).fillna(0.0)


def sources_per_year(ds, years):
    """How many documents report at least one event whose span touches each year."""
    cited = ds.event_sources
    row = pd.Index(ds.events["event_id"]).get_indexer(cited["event_id"])
    y0, n = years[0], len(years)
    first = np.clip(ds.events["start"].dt.year.to_numpy()[row] - y0, 0, n)
    after = np.clip(ds.events["end"].dt.year.to_numpy()[row] - y0 + 1, 0, n)
    source, names = pd.factorize(cited["source_id"])
    spans = np.zeros((len(names), n + 1), dtype=np.int64)  # +1 at each span's first year, -1 after its last
    np.add.at(spans, (source, first), 1)
    np.add.at(spans, (source, after), -1)
    covered = np.cumsum(spans, axis=1)[:, :n] > 0
    return pd.Series(covered.sum(axis=0), index=years, name="sources")


INDEX_VARIANTS = {
    "mean": "mean intensity of the year's bilateral events (the book's index)",
    "max": "strongest bilateral event of the year (largest absolute intensity)",
    "sum": "sum of the intensities of the year's bilateral events",
    "with_multilateral": "mean intensity, bilateral and multilateral events",
    "single_year_only": "mean intensity, leaving out events whose span covers more than one year",
}


def tone_index(events, years, variant="mean"):
    """The cooperation-friction index per year: by default the mean intensity of the year's bilateral
    events, each weighted by rule D4. NaN for a year with no such event. See INDEX_VARIANTS."""
    scopes = ["bilateral", "multilateral"] if variant == "with_multilateral" else ["bilateral"]
    chosen = events[events["scope"].isin(scopes)]
    if variant == "single_year_only":
        chosen = chosen[chosen["start"].dt.year == chosen["end"].dt.year]
    w = year_weights(chosen).merge(chosen[["event_id", "intensity"]], on="event_id")
    w["intensity"] = w["intensity"].astype(float)
    w["weighted"] = w["weight"] * w["intensity"]
    by_year = w.groupby("year")
    if variant == "sum":
        out = by_year["weighted"].sum()
    elif variant == "max":
        out = by_year["intensity"].agg(lambda s: s.loc[s.abs().idxmax()])
    else:
        sums = by_year[["weighted", "weight"]].sum()
        out = sums["weighted"] / sums["weight"]
    return out.reindex(years)


THRESHOLD = 3.0  # points of the index between two years with events


def turning_points(index, threshold=THRESHOLD):
    """Years where the index changes sign, or moves by at least `threshold`, against the previous
    year that has events."""
    known = index.dropna()
    change = known.diff()
    flips = np.sign(known) != np.sign(known.shift())
    points = known[(change.abs() >= threshold) | (flips & known.shift().notna())]
    return pd.DataFrame({"year": points.index, "index": points.values, "previous": known.shift()[points.index].values})


def sensitivity(events, years, first=None, second=None, thresholds=(THRESHOLD - 1, THRESHOLD, THRESHOLD + 1)):
    """Turning-point years of the index under each variant, threshold and coding (the reconciled events
    and, when given, the first and second codings before reconciliation): one row per combination."""
    codings = {"reconciled": events, "first coding": first, "second coding": second}
    codings = {name: ev for name, ev in codings.items() if ev is not None}
    rows = []
    for coding, ev in codings.items():
        for variant in INDEX_VARIANTS:
            index = tone_index(ev, years, variant)
            for threshold in thresholds if variant != "sum" else (thresholds[1] * 3,):
                years_found = list(turning_points(index, threshold)["year"])
                rows.append(
                    {
                        "coding": coding,
                        "variant": variant,
                        "threshold": threshold,
                        "turning_points": len(years_found),
                        "years": years_found,
                    }
                )
    return pd.DataFrame(rows)


def source_period_matrix(ds):
    """Events each source supports per period, counted by rule D4 (a duration in every period it touches,
    a window shared across periods)."""
    cited = ds.event_sources
    weights = period_weights(ds.events, ds.periods).merge(cited, on="event_id")
    table = weights.pivot_table(
        index="source_id", columns="period_id", values="weight", aggfunc="sum", observed=False, fill_value=0.0
    )
    return table.reindex(index=list(ds.sources["source_id"]), columns=list(ds.periods["period_id"]), fill_value=0.0)


def corroboration(ds):
    """Number of distinct documents per event."""
    pairs = ds.event_sources
    return pairs["event_id"].value_counts().reindex(ds.events["event_id"], fill_value=0)


def origin_keys(ds, column="event_id"):
    """The set of origins behind each event (or quantity): the state of each actor a document attributes
    the claim to (actors' iso3, else the actor), or the document itself when it attributes it to no one."""
    state = ds.actors.set_index("actor_id")["iso3"].astype(object)

    def keys(origin, source):
        if not isinstance(origin, str):
            return {f"document {source}"}
        return {state[a] if pd.notna(state.get(a)) else a for a in origin.split(";")}

    cit = ds.citations.dropna(subset=[column])
    pairs = pd.Series(
        [keys(o, s) for o, s in zip(cit["origin"], cit["source_id"], strict=True)], index=cit[column].to_numpy()
    )
    return pairs.groupby(level=0).agg(lambda sets: set().union(*sets))


def origins(ds, column="event_id"):
    """Number of independent origins per event (or quantity): two documents repeating the same
    intelligence service count once."""
    return origin_keys(ds, column).map(len)


def precision_by_source(ds):
    """Events each source supports, by date precision, and how many have an inferred (noted) date."""
    cited = ds.event_sources
    cited = cited.merge(ds.events[["event_id", "precision", "date_note"]], on="event_id")
    table = pd.crosstab(cited["source_id"], cited["precision"]).reindex(
        index=list(ds.sources["source_id"]), columns=["day", "month", "year"], fill_value=0
    )
    table["inferred or resolved"] = cited.groupby("source_id")["date_note"].count().reindex(table.index, fill_value=0)
    return table
