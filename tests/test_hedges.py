"""A claim the documents hedge stays hedged wherever it is shown: every table row (the figures the sources
state are shown in tables, not charts: a chart of one number per panel says less than its table)."""

import pytest

from nkrussia import tables
from nkrussia.pages.period import PeriodChapter
from nkrussia.text import BOUND_BASIS, HEDGED, stated_as

PERIODS = ["korean-war", "cold-war", "rupture", "putin-revival", "debt-relief", "alliance"]


def hedged(citations):
    """A record no document states plainly in its own voice: conditional, alleged, or attributed to an origin."""
    plain = (citations["assertion"] == "stated") & citations["origin"].isna()
    return (
        len(citations)
        and not plain.any()
        and (citations["assertion"].isin(["conditional", "alleged"]).any() or citations["origin"].notna().any())
    )


def test_every_citation_says_how_its_document_asserts_the_claim(ds):
    assert ds.citations["assertion"].isin(["stated", "attributed", "conditional", "alleged"]).all()
    c091 = ds.citations.set_index("citation_id").loc["c091"]
    assert c091["assertion"] == "conditional"  # « aurait, d'après les services de renseignement »


@pytest.mark.parametrize("period_id", PERIODS)
def test_hedged_figures_are_hedged_in_the_table(period_id):
    chapter = PeriodChapter(period_id)
    table = chapter.quantity_table()
    names = chapter.ds.actors.set_index("actor_id")["name_en"]
    cited = chapter.ds.citations.dropna(subset=["quantity_id"])
    for q, row in zip(chapter.quantities.itertuples(), table.rows, strict=True):
        mine = cited[cited["quantity_id"] == q.quantity_id]
        if not hedged(mine):
            continue
        how = stated_as(mine, names)
        assert (how and HEDGED.search(how)) or "no origin given" in how
        assert row[0] == q.measure and row[1] == tables.quantity_value(q) and row[4] == how


@pytest.mark.parametrize("period_id", PERIODS)
def test_hedged_events_say_so_in_their_row(period_id):
    chapter = PeriodChapter(period_id)
    table = tables.event_table(chapter.ds, chapter.shown)
    cited = chapter.ds.citations.dropna(subset=["event_id"])
    for e, row in zip(chapter.shown.itertuples(), table.rows, strict=True):
        mine = cited[cited["event_id"] == e.event_id]
        if hedged(mine) and mine["assertion"].isin(["conditional", "alleged"]).all():
            assert HEDGED.search(row[1].myst.replace("\\", "")), e.event_id


@pytest.mark.parametrize("period_id", PERIODS)
def test_a_bound_from_a_heading_or_outside_the_corpus_is_said_in_the_row_and_the_timeline(period_id):
    chapter = PeriodChapter(period_id)
    table = tables.event_table(chapter.ds, chapter.shown)
    flagged = chapter.shown[chapter.shown["bound_basis"].notna()]
    for e, row in zip(chapter.shown.itertuples(), table.rows, strict=True):
        said = f"bound taken from {BOUND_BASIS[e.bound_basis]}" if isinstance(e.bound_basis, str) else None
        assert (said in row[1].myst.replace("\\", "")) if said else "bound taken from" not in row[1].myst
    timeline = chapter.timeline()
    for basis in set(flagged["bound_basis"]):
        assert BOUND_BASIS[basis] in timeline.alt and BOUND_BASIS[basis] in timeline.caption
    for title in flagged["title"]:
        assert title in timeline.alt


def test_the_flagged_bounds_are_the_headings_and_outside_dates_the_notes_describe(ds):
    flagged = ds.events.dropna(subset=["bound_basis"])
    assert flagged["date_note"].notna().all()
    assert set(flagged.loc[flagged["bound_basis"] == "outside_corpus", "event_id"]) == {
        "gorbachev-turn-west",
        "soviet-aid-cut",
    }
