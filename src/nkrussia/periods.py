"""Periods are contiguous year ranges; an event belongs to the period containing its first day."""

import pandas as pd


def assign(starts, periods):
    """Period id for each start date (NaT or a date outside every period gives <NA>)."""
    years = pd.Series(starts).dt.year
    bins = [int(periods["start"].iloc[0]) - 1] + [int(e) for e in periods["end"]]
    ids = list(periods["period_id"])
    return pd.Categorical(pd.cut(years, bins=bins, labels=ids, right=True), categories=ids)


def bounds(periods, period_id):
    """(first day, last day) of a period."""
    row = periods.set_index("period_id").loc[period_id]
    return pd.Timestamp(int(row["start"]), 1, 1), pd.Timestamp(int(row["end"]), 12, 31)


def overlapping(events, periods, period_id):
    """Events whose span touches the period, whichever period they start in."""
    first, last = bounds(periods, period_id)
    return events[(events["start"] <= last) & (events["end"] >= first)]
