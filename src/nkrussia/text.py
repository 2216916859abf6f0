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


def about(x):
    """A count as a reader would say it after "about": 33, not 33.3; 4.5 stays 4.5 below ten."""
    x = float(x)
    return f"{x:.0f}" if x >= 10 or x.is_integer() else f"{x:.1f}"


def counted(n, noun, plural=None):
    """'no event', '1 event', '3 events' (a plural other than noun + 's' is given)."""
    n = int(n)
    if n == 0:
        return f"no {noun}"
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def stated_as(citations, names):
    """How the documents assert a record, in words, from their citations (`assertion`, `origin`): '' when
    one document states it plainly without naming an origin; otherwise 'reportedly, according to X'
    (conditional), 'alleged by X' (an accusation), 'according to X' (attributed)."""
    if citations.empty:
        return ""
    plain = citations[(citations["assertion"] == "stated") & citations["origin"].isna()]
    if len(plain):
        return ""
    who = " and ".join(sorted({_the(names[a]) for o in citations["origin"].dropna() for a in str(o).split(";")}))
    kinds = set(citations["assertion"].astype(str))
    given = citations["origin"].notna() & (citations["origin_basis"] != "inferred")
    if who and not given.any():
        return f"no origin given; nearly the same figure and wording as a report that credits {who}"
    if "conditional" in kinds:
        return "reportedly" + (f", according to {who}" if who else "")
    if "alleged" in kinds:
        return "alleged" + (f" by {who}" if who else "")
    return f"according to {who}" if who else ""  # a speaker's own words: the title names the speaker


HEDGED = re.compile(
    r"\b(?:is|are) said\b|reported|according to|accus|alleg|suspect|denounc|\bsays?\b|declare|claim", re.I
)


def _the(name):
    """'the Soviet Union', 'the US intelligence services', but 'South Korea'."""
    return (
        f"the {name}"
        if re.search(r"(?:Union|services|States|Nations)$", name) and not name.startswith(("the ", "An "))
        else name
    )


# Where a bound comes from when not from the documents' words about the act (events.bound_basis, rules D1-D2).
BOUND_BASIS = {
    "heading": "a section heading",
    "outside_corpus": "outside the corpus",
    "our_bound": "the book's own choice where the words give none",
}
