"""What every chapter notebook calls: load once, glue counts and figures, return cited tables."""
import io

import matplotlib.pyplot as plt
from IPython.display import Image
from myst_nb import glue

from . import DATA_DIR, figures, periods, tables
from .dataset import load


def glue_values(values):
    """Glue each value under its key, without displaying it (the prose pastes it with {glue:text})."""
    for key, value in values.items():
        glue(key, value, display=False)


def glue_figure(key, fig):
    """Glue a figure as a PNG for a {glue:figure} directive, and close it so it is not shown twice.

    The PNG is written here rather than by the notebook's display backend, with no software tag,
    so the same figure gives the same bytes on every build.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    glue(key, Image(buffer.getvalue(), format="png"), display=False)


class Book:
    """The whole dataset, for the introduction and the cross-period chapters."""

    def __init__(self, data_dir=DATA_DIR):
        self.ds = load(data_dir)

    def counts(self):
        ds = self.ds
        return {"n_sources": len(ds.sources), "n_events": len(ds.events), "n_citations": len(ds.citations),
                "n_quantities": len(ds.quantities), "n_disagreements": len(ds.disagreements),
                "n_actors": len(ds.actors), "n_periods": len(ds.periods),
                "first_year": int(ds.events["start"].dt.year.min()), "last_year": int(ds.events["end"].dt.year.max())}

    def source_table(self):
        return tables.source_table(self.ds)


class PeriodChapter:
    """One period: its events, figures, cited tables and disagreements."""

    def __init__(self, period_id, data_dir=DATA_DIR):
        self.ds = ds = load(data_dir)
        self.period = ds.periods.set_index("period_id").loc[period_id]
        self.period_id = period_id
        self.events = ds.events[ds.events["period_id"] == period_id]
        self.shown = periods.overlapping(ds.events, ds.periods, period_id)
        self.quantities = ds.quantities[ds.quantities["event_id"].isin(self.shown["event_id"])]
        self.disagreements = ds.disagreements[ds.disagreements["event_id"].isin(self.shown["event_id"])]

    def counts(self):
        cited = self.ds.citations[self.ds.citations["event_id"].isin(self.events["event_id"])]
        return {
            "n_events": len(self.events),
            "n_bilateral": int((self.events["scope"] == "bilateral").sum()),
            "n_context": int((self.events["scope"] == "context").sum()),
            "n_ongoing": len(self.shown) - len(self.events),
            "n_shown": len(self.shown),
            "n_sources": cited["source_id"].nunique(),
            "n_citations": len(cited),
            "n_quantities": len(self.quantities),
            "n_disagreements": len(self.disagreements),
            "n_cooperation": int((self.events["tone"] == "cooperation").sum()),
            "n_friction": int((self.events["tone"] == "friction").sum()),
            "period_start": self.period["start"], "period_end": self.period["end"],
        }

    def glue(self):
        """Glue the counts and the two standard figures of a period chapter."""
        glue_values(self.counts())
        title = f"{self.period['title']}, {self.period['start']}–{self.period['end']}"
        glue_figure("fig_timeline", figures.timeline(self.ds, self.shown, f"{title}: events by category"))
        glue_figure("fig_category_tone", figures.category_tone(self.ds, self.shown, f"{title}: events by category and tone"))
        if self.quantities["value"].notna().any():
            glue_figure("fig_quantities", figures.quantities(self.ds, self.quantities, f"{title}: figures the sources give"))

    def event_table(self):
        return tables.event_table(self.ds, self.shown)

    def quantity_table(self):
        return tables.quantity_table(self.ds, self.quantities)

    def disagreement_box(self):
        return tables.disagreement_box(self.disagreements)
