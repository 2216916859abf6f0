"""What every chapter notebook calls: load once, glue counts and figures, return cited tables."""
import hashlib
import io
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Image, Markdown
from myst_nb import glue

from . import DATA_DIR, analysis, figures, periods, tables
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


def dataset_version(data_dir=DATA_DIR):
    """The dataset's version: sha256 over the package descriptor and every CSV, in name order."""
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*.csv")) + [Path(data_dir) / "datapackage.json"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def intensity_scale(descriptor):
    """The bounds of the intensity scale, as the data package defines them."""
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    rules = next(f for f in events["schema"]["fields"] if f["name"] == "intensity")["constraints"]
    return {"intensity_min": f"{rules['minimum']:+d}".replace("-", "−"), "intensity_max": f"{rules['maximum']:+d}"}


class Book:
    """The whole dataset, for the introduction and the cross-period chapters."""

    def __init__(self, data_dir=DATA_DIR):
        self.data_dir = Path(data_dir)
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


class Synthesis(Book):
    """All periods together: the timeline, events per year beside source density, the category and
    quad-class mix per period, and the cooperation-friction index with its turning points."""

    def __init__(self, data_dir=DATA_DIR):
        super().__init__(data_dir)
        ds = self.ds
        self.years = list(range(int(ds.periods["start"].min()), int(ds.periods["end"].max()) + 1))
        self.per_year = analysis.per_year(ds.events, self.years)
        self.sources = analysis.sources_per_year(ds, self.years)
        self.index = analysis.tone_index(ds.events, self.years)
        self.turning = analysis.turning_points(self.index)

    def counts(self):
        ds, per_year = self.ds, self.per_year
        by_period = ds.events["period_id"].value_counts()
        recent = ds.events[ds.events["start"].dt.year >= 2022]
        cited = ds.citations.dropna(subset=["event_id"])
        recent_sources = cited[cited["event_id"].isin(recent["event_id"])]["source_id"].nunique()
        covered = self.sources[self.sources > 0]
        return {
            **super().counts(),
            "busiest_year": int(per_year.idxmax()), "busiest_year_events": round(float(per_year.max()), 1),
            "busiest_period": ds.periods.set_index("period_id").loc[by_period.idxmax(), "title"],
            "busiest_period_events": int(by_period.max()),
            "share_since_2022": f"{len(recent) / len(ds.events):.0%}", "sources_since_2022": recent_sources,
            "years_without_events": int((per_year == 0).sum()),
            "years_one_source": int((covered == 1).sum()),
            "n_turning_points": len(self.turning),
            "turning_years": ", ".join(str(y) for y in self.turning["year"]),
            "index_min_year": int(self.index.idxmin()), "index_max_year": int(self.index.idxmax()),
            **intensity_scale(ds.descriptor),
        }

    def glue(self):
        glue_values(self.counts())
        glue_figure("fig_overview", figures.overview_timeline(self.ds, "All events, 1945–2025, by category"))
        glue_figure("fig_per_year", figures.per_year_with_sources(self.per_year, self.sources,
                                                                  "Events per year, and documents covering each year"))
        glue_figure("fig_category_mix", figures.category_mix(self.ds, "Category mix per period"))
        glue_figure("fig_quad", figures.quad_balance(self.ds, "Verbal and material cooperation and conflict per period"))
        glue_figure("fig_index", figures.tone_index_chart(self.index, self.turning, self.ds.periods,
                                                          "Cooperation-friction index per year"))

    def turning_table(self):
        weights = analysis.year_weights(self.ds.events)
        titles = self.ds.events.set_index("event_id")["title"]
        rows = []
        for t in self.turning.itertuples():
            ids = weights.loc[weights["year"] == t.year, "event_id"]
            rows.append([str(t.year), f"{t.previous:+.1f}", f"{t.index:+.1f}",
                         "; ".join(tables.escape(titles[i]) for i in ids)])
        return Markdown(tables.markdown_table(["Year", "Index before", "Index", "Events of the year"], rows))


class SourceCriticism(Book):
    """Which document covers what, how far events are corroborated, where the documents disagree."""

    def counts(self):
        ds = self.ds
        support = analysis.corroboration(ds)
        d = ds.disagreements
        return {**super().counts(),
                "n_corroborated": int((support >= 2).sum()), "n_single": int((support == 1).sum()),
                "share_corroborated": f"{(support >= 2).mean():.0%}", "max_support": int(support.max()),
                "n_self_contradictions": int((d["source_a"] == d["source_b"]).sum()),
                "n_spelling": int((d["kind"] == "spelling").sum()),
                "n_inferred_dates": int(ds.events["date_note"].notna().sum())}

    def glue(self):
        glue_values(self.counts())
        glue_figure("fig_coverage", figures.source_heatmap(analysis.source_period_matrix(self.ds), self.ds,
                                                           "Events each document supports, per period"))

    def precision_table(self):
        table = analysis.precision_by_source(self.ds)
        rows = [[f"{{cite:p}}`{s}`", *(str(v) for v in table.loc[s])] for s in table.index]
        return Markdown(tables.markdown_table(["Document", "Exact day", "Month", "Year only", "Inferred or resolved"], rows))

    def disagreements(self):
        return tables.disagreement_box(self.ds.disagreements, "Every disagreement in the corpus")


class DataAppendix(Book):
    """The data dictionary, generated from datapackage.json, and the files to download."""

    def counts(self):
        return {**super().counts(), "dataset_version": dataset_version(self.data_dir)}

    def dictionary(self):
        return tables.data_dictionary(self.ds.descriptor)

    def downloads(self):
        files = ["datapackage.json"] + [r["path"] for r in self.ds.descriptor["resources"]]
        return Markdown("\n".join(f"- {{download}}`{f} <../data/{f}>`" for f in files))
