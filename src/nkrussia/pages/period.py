"""A period chapter: its events, their figures and cited tables, and how the sources differ on them."""

import pandas as pd

from .. import DATA_DIR, dates, figures, periods, tables
from ..display import Figure
from ..text import BOUND_BASIS, counted
from .book import Book


def counts_phrase(series, labels=None):
    """'Meeting or visit 3, Agreement 1' from counts by key (zero counts left out)."""
    return ", ".join(f"{labels.get(k, k) if labels else k} {v:g}" for k, v in series.items() if v)


class PeriodChapter(Book):
    """One period, under one coding ("reconciled", the book's; or "first" or "second", before
    reconciliation)."""

    def __init__(self, period_id, data_dir=DATA_DIR, coding="reconciled"):
        super().__init__(data_dir)
        ds = self.ds
        self.period_id, self.coding = period_id, coding
        self.period = ds.periods.set_index("period_id").loc[period_id]
        self.window = periods.bounds(ds.periods, period_id)
        coded = ds.coded(coding)
        self.events = coded[coded["period_id"] == period_id]
        self.shown = periods.overlapping(coded, ds.periods, period_id)
        self.quantities = ds.quantities[ds.quantities["event_id"].isin(self.shown["event_id"])]
        self.disagreements = ds.disagreements[ds.disagreements["event_id"].isin(self.shown["event_id"])]
        self.span = f"{self.period['start']}–{self.period['end']}"
        self.title = f"{self.period['title']}, {self.span}"

    def counts(self):
        cited = self.ds.citations[self.ds.citations["event_id"].isin(self.events["event_id"])]
        ev = self.events
        return {
            "n_events": len(ev),
            "n_bilateral": int((ev["scope"] == "bilateral").sum()),
            "n_multilateral": int((ev["scope"] == "multilateral").sum()),
            "n_context": int((ev["scope"] == "context").sum()),
            "n_ongoing": len(self.shown) - len(ev),
            "n_shown": len(self.shown),
            "n_sources": cited["source_id"].nunique(),
            "n_citations": len(cited),
            "n_quantities": len(self.quantities),
            "n_contradictions": int((self.disagreements["relation"] == "contradiction").sum()),
            "n_cooperation": int((ev["tone"] == "cooperation").sum()),
            "n_friction": int((ev["tone"] == "friction").sum()),
            "n_neutral": int((ev["tone"] == "neutral").sum()),
            "period_start": self.period["start"],
            "period_end": self.period["end"],
            **{"q_" + q.quantity_id.replace("-", "_"): tables.quantity_value(q) for q in self.quantities.itertuples()},
        }

    def timeline(self):
        """The period's events by name (all of them, or its agreements and strongest events), cut at its edges."""
        labels = self.ds.categories.set_index("category_id")["label"].to_dict()
        first, last = self.window
        shown = self.shown
        before, after = int((shown["start"] < first).sum()), int((shown["end"] > last).sum())
        named = figures.labelled_events(shown)
        fig = figures.event_timeline(self.ds, shown, named, f"{self.title}: the events", self.window)
        listed = shown[shown["event_id"].isin(named)].sort_values(["start", "end"])
        others = shown[~shown["event_id"].isin(named)]
        alt = (
            f"Timeline from {first.year} to {last.year} of the {len(shown)} events active in the period, one row "
            f"per named event: "
            + "; ".join(
                f"{e.title} ({dates.label(e.date, '' if pd.isna(e.date_end) else e.date_end)}, {labels[e.category]})"
                for e in listed.itertuples()
            )
            + "."
        )
        if len(others):
            per = others["category"].astype(str).value_counts().reindex(self.ds.categories["category_id"]).dropna()
            alt += (
                f" The other {len(others)} share the last row, by category: {counts_phrase(per.astype(int), labels)}."
            )
        if before:
            alt += f" {before} began before {first.year} and are cut at the left edge."
        if after:
            alt += f" {after} end after {last.year} and are cut at the right edge."
        chosen = (
            "every event of the period has its row"
            if not len(others)
            else "every agreement and every event at the period's highest intensity levels has its row; the "
            f"other {len(others)} share the last row and are listed in the explorer"
        )
        caption = (
            f"The events active in {first.year}–{last.year}: {chosen}. Colour is the category; a solid bar is an "
            "event that lasted through its span, a hatched bar one that happened at an unknown moment inside it, "
            "a dot an exact day."
            + (
                f" {counted(before, 'bar').capitalize()} began before the period and {'is' if before == 1 else 'are'} cut at its start."
                if before
                else ""
            )
        )
        bounded = shown[shown["bound_basis"].notna()]
        if len(bounded):
            where = " or ".join(BOUND_BASIS[b] for b in BOUND_BASIS if b in set(bounded["bound_basis"]))
            one = len(bounded) == 1
            alt += (
                f" The span{'' if one else 's'} of {'; '.join(bounded['title'])} "
                f"{'rests' if one else 'rest'} on a bound taken from {where}."
            )
            caption += (
                f" The span{'' if one else 's'} of {counted(len(bounded), 'event')} "
                f"{'rests' if one else 'rest'} on a bound taken from {where}: see the date notes in the table of events."
            )
        return Figure("fig_timeline", f"fig-{self.period_id}-timeline", fig, alt, caption)

    def tone_by_category(self):
        """The crosstab behind the category-and-tone chart: events of the period per category and tone."""
        return pd.crosstab(self.shown["category"].astype(str), self.shown["tone"].astype(str))

    def category_tone(self):
        table = self.tone_by_category()
        labels = self.ds.categories.set_index("category_id")["label"]
        parts = [f"{labels[c]}: " + ", ".join(f"{n} {t}" for t, n in table.loc[c].items() if n) for c in table.index]
        fig = figures.category_tone(self.ds, self.shown, f"{self.title}: events by category and tone")
        alt = (
            f"Bar chart of the period's {len(self.shown)} events per category, split by tone. " + "; ".join(parts) + "."
        )
        caption = (
            "Events of the period per category, coloured by tone (what they show about the "
            "relationship, codebook rules T1–T3)."
        )
        return Figure("fig_category_tone", f"fig-{self.period_id}-categories", fig, alt, caption)

    def event_table(self):
        return tables.event_table(self.ds, self.shown)

    def quantity_table(self):
        return tables.quantity_table(self.ds, self.quantities)

    def disagreement_box(self):
        return tables.disagreement_box(self.disagreements)
