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


def spans(start, end=None):
    """Vectorised parse of date (and optional end) columns.

    Returns a DataFrame with `start` (first day), `end` (last day of the end date, or of the date
    itself), `precision` (of the start) and `valid`; invalid dates give NaT and valid=False.
    """
    start = pd.Series(start, dtype="string").fillna("")
    parts = start.str.extract(r"\A" + FORM + r"\Z")
    in_range = pd.to_numeric(parts[0], errors="coerce").between(YEARS.start, YEARS.stop - 1)
    parts = parts.where(in_range, None)
    precision = np.select([parts[2].notna(), parts[1].notna(), parts[0].notna()], PRECISIONS[::-1], default="")
    first = pd.to_datetime(parts[0] + "-" + parts[1].fillna("01") + "-" + parts[2].fillna("01"),
                           format="%Y-%m-%d", errors="coerce")
    month_end = first + pd.offsets.MonthEnd(0)
    last = pd.Series(np.where(precision == "day", first, np.where(precision == "month", month_end,
                                                                   first + pd.offsets.YearEnd(0))),
                     index=start.index, dtype="datetime64[ns]")
    out = pd.DataFrame({"start": first, "end": last, "precision": pd.Categorical(np.where(precision == "", None, precision), categories=PRECISIONS)},
                       index=start.index)
    out["valid"] = out["start"].notna() & (precision != "")
    if end is not None:
        end = pd.Series(end, dtype="string").fillna("")
        has_end = end != ""
        ends = spans(end[has_end])
        out["end_valid"] = True
        out.loc[has_end, "end_valid"] = ends["valid"]
        out.loc[has_end, "end"] = ends["end"]
    return out


def label(date, end=""):
    """Human label: '2024-06-18 to 2024-06-19', '1950 to 1953', '2019-04-25'."""
    return f"{date} to {end}" if end else date
