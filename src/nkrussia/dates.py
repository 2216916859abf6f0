"""ISO 8601 dates at reduced precision: YYYY, YYYY-MM or YYYY-MM-DD."""

import calendar
import re

import numpy as np
import pandas as pd

FORM = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
PATTERN = re.compile(FORM)
YEARS = range(1800, 2200)  # what the book can date; pandas timestamps cover 1678-2261
PRECISIONS = ["year", "month", "day"]


def parse(text):
    """Return (first day, last day, precision) of a reduced-precision date, or raise ValueError."""
    m = PATTERN.fullmatch(text or "")
    if not m:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    if year not in YEARS:
        raise ValueError(f"{text!r} is outside the years {YEARS.start}-{YEARS.stop - 1}")
    if month is None:
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), "year"
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return pd.Timestamp(year, month, 1), pd.Timestamp(year, month, last), "month"
    if not 1 <= day <= last:
        raise ValueError(f"{text!r} has no day {day}")
    return pd.Timestamp(year, month, day), pd.Timestamp(year, month, day), "day"


def _first_and_last(text):
    """Vectorised: (first day, last day, precision, valid) of reduced-precision date strings."""
    text = pd.Series(text, dtype=object).where(lambda t: t.notna(), "").astype(str)
    length = text.str.len().to_numpy()
    valid = text.str.fullmatch(FORM).to_numpy(bool).copy()
    padded = np.where(length == 4, text + "-01-01", np.where(length == 7, text + "-01", text))
    padded = np.where(valid, padded, None)
    first = pd.to_datetime(pd.Series(padded, index=text.index, dtype=object), format="%Y-%m-%d", errors="coerce")
    years = first.dt.year
    valid &= first.notna().to_numpy() & years.between(YEARS.start, YEARS.stop - 1).to_numpy()
    first = first.where(valid)
    day = first.to_numpy("datetime64[D]")
    month_end = (day.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year_end = (day.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    last = np.where(length == 10, day, np.where(length == 7, month_end, year_end))
    precision = np.where(~valid, None, np.where(length == 10, "day", np.where(length == 7, "month", "year")))
    return (
        first.astype("datetime64[ns]"),
        pd.Series(last, index=text.index).astype("datetime64[ns]").where(valid),
        pd.Categorical(precision, categories=PRECISIONS),
        pd.Series(valid, index=text.index),
    )


def spans(start, end=None):
    """Vectorised parse of date (and optional end) columns.

    Returns a DataFrame with `start` (first day), `end` (last day of the end date, or of the date
    itself), `precision` (of the start), `valid` and, given an end column, `end_valid`; invalid dates
    give NaT and valid=False. An empty end is valid (no span).
    """
    first, last, precision, valid = _first_and_last(start)
    out = pd.DataFrame({"start": first, "end": last, "precision": precision, "valid": valid}, index=first.index)
    if end is not None:
        end = pd.Series(end, index=first.index, dtype=object).where(lambda t: t.notna(), "").astype(str)
        _, end_last, _, end_valid = _first_and_last(end)
        has_end = (end != "").to_numpy()
        out["end_valid"] = ~has_end | end_valid.to_numpy()
        out.loc[has_end & end_valid.to_numpy(), "end"] = end_last[has_end & end_valid.to_numpy()]
    return out


def label(date, end=""):
    """Human label: '2024-06-18 to 2024-06-19', '1950 to 1953', '2019-04-25'."""
    return f"{date} to {end}" if end else date
