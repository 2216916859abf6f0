"""Generated text: escaping dataset text for MyST, year ranges, counted nouns."""

import re

import pandas as pd

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~&:\"'^=])")


def escape(text):
    """Backslash-escape every ASCII punctuation mark MyST could read as markup; fold newlines."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)).strip())


def year_ranges(years):
    """'1985–1991, 1995' from a list of years."""
    years = sorted(int(y) for y in years)
    runs, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            runs.append(f"{start}–{y}" if y > start else f"{y}")
            start = None
    return ", ".join(runs)


def counted(n, noun, plural=None):
    """'no event', '1 event', '3 events' (a plural other than noun + 's' is given)."""
    n = int(n)
    if n == 0:
        return f"no {noun}"
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
