import calendar
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nkrussia import dates
from nkrussia.periods import assign


@pytest.mark.parametrize(
    "text, first, last, precision",
    [
        ("1950", "1950-01-01", "1950-12-31", "year"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2023-02", "2023-02-01", "2023-02-28", "month"),
        ("2019-04-25", "2019-04-25", "2019-04-25", "day"),
    ],
)
def test_parse_gives_the_span_of_the_precision(text, first, last, precision):
    assert dates.parse(text) == (pd.Timestamp(first), pd.Timestamp(last), precision)


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13", "2024-00", "printemps 2025", "24", "2024-1", "", "2024/02"])
def test_parse_rejects_invalid_dates(text):
    with pytest.raises(ValueError):
        dates.parse(text)


def test_spans_agrees_with_parse_and_flags_invalid():
    texts = pd.Series(["1950", "2024-02", "2024-02-30", "2024-13", "fin 2024"])
    out = dates.spans(texts, pd.Series(["1953", "", "", "", ""]))
    assert list(out["valid"]) == [True, True, False, False, False]
    assert out.loc[0, "end"] == pd.Timestamp("1953-12-31")
    assert out.loc[1, "end"] == pd.Timestamp("2024-02-29")


valid_dates = st.dates(min_value=pd.Timestamp("1945-01-01").date(), max_value=pd.Timestamp("2025-12-31").date())


@given(valid_dates, st.sampled_from(["year", "month", "day"]))
def test_any_valid_reduced_date_parses_and_falls_in_exactly_one_period(day, precision):
    text = {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": f"{day:%Y-%m-%d}"}[precision]
    first, last, got = dates.parse(text)
    assert got == precision and first <= pd.Timestamp(day) <= last
    periods = pd.DataFrame(
        {"period_id": ["a", "b", "c"], "start": ["1945", "1954", "1990"], "end": ["1953", "1989", "2025"]}
    )
    labels = assign(pd.Series([first]), periods)
    assert labels.notna().all()
    year = first.year
    inside = [p for p, s, e in periods.itertuples(index=False) if int(s) <= year <= int(e)]
    assert list(labels) == inside


def _expected(text):
    m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", text)
    if not m:
        return False
    year, month, day = m.groups()
    if int(year) not in dates.YEARS:
        return False
    if month is None:
        return True
    if not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]


@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z")))
def test_parser_accepts_exactly_the_valid_iso_forms(text):
    try:
        dates.parse(text)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == _expected(text)
    assert bool(dates.spans(pd.Series([text]))["valid"].iloc[0]) == accepted


@pytest.mark.parametrize(
    "text, message",
    [
        ("2024-13", "'2024-13' has no month 13"),
        ("2024-00", "'2024-00' has no month 0"),
        ("2023-02-29", "'2023-02-29' has no day 29"),
        ("2024-02-00", "'2024-02-00' has no day 0"),
        ("1799", "'1799' is outside the years 1800-2199"),
        ("2200-01", "'2200-01' is outside the years 1800-2199"),
        ("24-1", "'24-1' is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_parse_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        dates.parse(text)


@pytest.mark.parametrize("text", ["2024-02-01", "2024-02-29", "1800", "2199-12-31"])
def test_first_and_last_days_and_years_are_valid(text):
    assert dates.parse(text)[2] in dates.PRECISIONS


PERIODS = pd.DataFrame({"period_id": ["a", "b"], "start": ["1945", "1954"], "end": ["1953", "1989"]})


def test_a_period_holds_its_first_and_last_year_and_nothing_outside():
    starts = pd.Series(
        pd.to_datetime(["1944-12-31", "1945-01-01", "1953-12-31", "1954-01-01", "1989-12-31", "1990-01-01"])
    )
    assert list(assign(starts, PERIODS).add_categories("-").fillna("-")) == ["-", "a", "a", "b", "b", "-"]
    assert list(assign(starts, PERIODS).categories) == ["a", "b"]


def test_period_bounds_and_the_events_that_touch_a_period():
    from nkrussia.periods import bounds, overlapping

    assert bounds(PERIODS, "b") == (pd.Timestamp("1954-01-01"), pd.Timestamp("1989-12-31"))
    events = pd.DataFrame(
        {
            "event_id": ["before", "into", "inside", "across", "after", "last-day"],
            "start": pd.to_datetime(
                ["1950-01-01", "1950-01-01", "1960-01-01", "1980-01-01", "1990-01-01", "1989-12-31"]
            ),
            "end": pd.to_datetime(["1953-12-31", "1954-01-01", "1960-01-01", "1995-01-01", "1991-01-01", "1989-12-31"]),
        }
    )
    assert list(overlapping(events, PERIODS, "b")["event_id"]) == ["into", "inside", "across", "last-day"]


def _oracle(text):
    """What the scalar parser says of one value: (first, last, precision), or None if invalid."""
    try:
        return dates.parse(text)
    except ValueError:
        return None


any_day = st.dates(min_value=pd.Timestamp("1795-01-01").date(), max_value=pd.Timestamp("2204-12-31").date())
date_texts = st.one_of(
    st.builds(lambda day, form: f"{day:{form}}", any_day, st.sampled_from(["%Y", "%Y-%m", "%Y-%m-%d"])),
    st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
    st.text(max_size=11),
    st.sampled_from(["", "2024-13-05", "1800", "2199-12-31", "2200"]),
)


@given(st.lists(st.tuples(date_texts, st.one_of(st.just(""), date_texts)), min_size=1, max_size=8))
def test_spans_gives_what_parse_gives_for_every_row_and_field(rows):
    """The vectorised parser against the scalar one: start, end, precision and validity of each date and
    of each end, on an index that is not 0..n-1 and with a missing value or two."""
    starts = pd.Series([s for s, _ in rows] + [None], index=[10 * i + 7 for i in range(len(rows) + 1)], dtype=object)
    ends = pd.Series([e for _, e in rows] + [float("nan")], index=starts.index, dtype=object)
    out = dates.spans(starts, ends)
    assert list(out.index) == list(starts.index)
    for index, start, end in zip(starts.index, starts, ends, strict=True):
        row, parsed, parsed_end = out.loc[index], _oracle(start), _oracle(end) if isinstance(end, str) else None
        assert bool(row["valid"]) == (parsed is not None)
        has_end = isinstance(end, str) and end != ""
        assert bool(row["end_valid"]) == (not has_end or parsed_end is not None)
        if parsed is None:
            assert pd.isna(row["start"]) and pd.isna(row["precision"])
            continue
        assert (row["start"], row["precision"]) == (parsed[0], parsed[2])
        assert list(out["precision"].cat.categories) == dates.PRECISIONS
        assert row["end"] == (parsed_end[1] if has_end and parsed_end else parsed[1])
