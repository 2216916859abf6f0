"""Cross-period measures for the synthesis and source-criticism chapters."""
import numpy as np
import pandas as pd


def year_weights(events):
    """Long table (event_id, year, weight): each event spread evenly over the days its date allows,
    so a year-precision event counts in its year (never as 1 January) and a span is shared across years."""
    start, end = events["start"].to_numpy("datetime64[D]"), events["end"].to_numpy("datetime64[D]")
    first_year = start.astype("datetime64[Y]").astype(int) + 1970
    years = end.astype("datetime64[Y]").astype(int) + 1970 - first_year + 1
    row = np.repeat(np.arange(len(events)), years)
    year = first_year[row] + (np.arange(len(row)) - np.repeat(np.cumsum(years) - years, years))
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]") - 1
    days = (np.minimum(end[row], year_end) - np.maximum(start[row], year_start)).astype(int) + 1
    total = (end - start).astype(int) + 1
    return pd.DataFrame({"event_id": events["event_id"].to_numpy()[row], "year": year, "weight": days / total[row]})


def per_year(events, years=None):
    """Events per year, each event spread over its span (fractional counts)."""
    w = year_weights(events)
    out = w.groupby("year")["weight"].sum()
    if years is not None:
        out = out.reindex(years, fill_value=0.0)
    return out


def sources_per_year(ds, years):
    """How many documents report at least one event whose span touches each year."""
    cited = ds.citations[["event_id", "source_id"]].dropna().drop_duplicates()
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


def tone_index(events, years):
    """Cooperation-friction index per year: the mean intensity of the year's bilateral events, each
    weighted by the share of its span that falls in the year (-10 hostility ... +10 alliance in arms).
    NaN for a year with no bilateral event."""
    bilateral = events[events["scope"] == "bilateral"]
    w = year_weights(bilateral).merge(bilateral[["event_id", "intensity"]], on="event_id")
    w["weighted"] = w["weight"] * w["intensity"].astype(float)
    sums = w.groupby("year")[["weighted", "weight"]].sum()
    return (sums["weighted"] / sums["weight"]).reindex(years)


def turning_points(index, threshold=3.0):
    """Years where the index changes sign, or moves by at least `threshold`, against the previous
    year that has events."""
    known = index.dropna()
    change = known.diff()
    flips = np.sign(known) != np.sign(known.shift())
    points = known[(change.abs() >= threshold) | (flips & known.shift().notna())]
    return pd.DataFrame({"year": points.index, "index": points.values, "previous": known.shift()[points.index].values})


def source_period_matrix(ds):
    """Events per source and period (an event cited by a source counts once for it)."""
    cited = ds.citations.dropna(subset=["event_id"])[["event_id", "source_id"]].drop_duplicates()
    cited = cited.merge(ds.events[["event_id", "period_id"]], on="event_id")
    table = pd.crosstab(cited["source_id"], cited["period_id"])
    return table.reindex(index=list(ds.sources["source_id"]), columns=list(ds.periods["period_id"]), fill_value=0)


def corroboration(ds):
    """Number of distinct sources per event."""
    pairs = ds.citations[["event_id", "source_id"]].dropna().drop_duplicates()
    return pairs["event_id"].value_counts().reindex(ds.events["event_id"], fill_value=0)


def precision_by_source(ds):
    """Events each source supports, by date precision, and how many have an inferred (noted) date."""
    cited = ds.citations.dropna(subset=["event_id"])[["event_id", "source_id"]].drop_duplicates()
    cited = cited.merge(ds.events[["event_id", "precision", "date_note"]], on="event_id")
    table = pd.crosstab(cited["source_id"], cited["precision"]).reindex(
        index=list(ds.sources["source_id"]), columns=["day", "month", "year"], fill_value=0)
    table["inferred or resolved"] = cited.groupby("source_id")["date_note"].count().reindex(table.index, fill_value=0)
    return table
