"""Cross-period measures for the synthesis and source-criticism chapters."""
import numpy as np
import pandas as pd


def year_weights(events):
    """Long table (event_id, year, weight): each event spread evenly over the days its date allows,
    so a year-precision event counts in its year (never as 1 January) and a span is shared across years."""
    rows = []
    for e in events[["event_id", "start", "end"]].itertuples(index=False):
        days = (e.end - e.start).days + 1
        for year in range(e.start.year, e.end.year + 1):
            first = max(e.start, pd.Timestamp(year, 1, 1))
            last = min(e.end, pd.Timestamp(year, 12, 31))
            rows.append((e.event_id, year, ((last - first).days + 1) / days))
    return pd.DataFrame(rows, columns=["event_id", "year", "weight"])


def month_weights(events):
    """Like year_weights, by calendar month (a year-precision event is spread over its twelve months)."""
    rows = []
    for e in events[["event_id", "start", "end"]].itertuples(index=False):
        days = (e.end - e.start).days + 1
        for month in pd.period_range(e.start, e.end, freq="M"):
            first = max(e.start, month.start_time.normalize())
            last = min(e.end, month.end_time.normalize())
            rows.append((e.event_id, str(month), ((last - first).days + 1) / days))
    return pd.DataFrame(rows, columns=["event_id", "month", "weight"])


def per_year(events, years=None):
    """Events per year, each event spread over its span (fractional counts)."""
    w = year_weights(events)
    out = w.groupby("year")["weight"].sum()
    if years is not None:
        out = out.reindex(years, fill_value=0.0)
    return out


def sources_per_year(ds, years):
    """How many documents report at least one event whose span touches each year."""
    cited = ds.citations.dropna(subset=["event_id"])[["event_id", "source_id"]].drop_duplicates()
    spans = ds.events.set_index("event_id")[["start", "end"]]
    cited = cited.join(spans, on="event_id")
    return pd.Series([cited.loc[(cited["start"].dt.year <= y) & (cited["end"].dt.year >= y), "source_id"].nunique()
                      for y in years], index=years, name="sources")


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
    cited = ds.citations.dropna(subset=["event_id"]).groupby("event_id")["source_id"].nunique()
    return cited.reindex(ds.events["event_id"], fill_value=0)


def precision_by_source(ds):
    """Events each source supports, by date precision, and how many have an inferred (noted) date."""
    cited = ds.citations.dropna(subset=["event_id"])[["event_id", "source_id"]].drop_duplicates()
    cited = cited.merge(ds.events[["event_id", "precision", "date_note"]], on="event_id")
    table = pd.crosstab(cited["source_id"], cited["precision"]).reindex(
        index=list(ds.sources["source_id"]), columns=["day", "month", "year"], fill_value=0)
    table["inferred or resolved"] = cited.groupby("source_id")["date_note"].count().reindex(table.index, fill_value=0)
    return table
