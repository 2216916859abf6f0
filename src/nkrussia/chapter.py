"""What every chapter notebook calls: load once, glue counts and figures, return cited tables.

Figures are returned as MyST `glue:figure` blocks whose alt text and caption are computed from the
data they plot, so that no number, year or trend in them is written by hand.
"""

import hashlib
from pathlib import Path

import pandas as pd
from IPython.display import SVG, Markdown
from myst_nb import glue

from . import DATA_DIR, analysis, codebook, figures, periods, tables
from .dataset import load


def glue_values(values):
    """Glue each value under its key, without displaying it (the prose pastes it with {glue:text})."""
    for key, value in values.items():
        glue(key, value, display=False)


def glue_figure(key, fig):
    """Glue a figure as an SVG and close it."""
    glue(key, SVG(figures.svg(fig)), display=False)


def figure_block(key, name, alt, caption):
    """A glued figure with a computed alt text and caption, as MyST for myst-nb to render."""
    alt = " ".join(str(alt).split())  # an option value is plain text; docutils escapes it in the HTML
    return Markdown(f"```{{glue:figure}} {key}\n:name: {name}\n:alt: {alt}\n\n{caption}\n```")


def dataset_version(data_dir=DATA_DIR):
    """The dataset's version: sha256 over the package descriptor and every CSV, in name order."""
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*.csv")) + [Path(data_dir) / "datapackage.json"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def recoded(ds, coding):
    """The events with their four codes replaced by another coding's (quad class derived again)."""
    codes = coding.set_index("event_id")
    events = ds.events.copy()
    for field in ["category", "scope", "tone", "intensity"]:
        mapped = events["event_id"].map(codes[field])
        events[field] = (
            mapped.astype(events[field].dtype)
            if field != "category"
            else pd.Categorical(mapped, categories=events["category"].cat.categories)
        )
    events["quad_class"] = (
        events["category"]
        .map(ds.categories.set_index("category_id")["quad_class"])
        .astype(ds.categories["quad_class"].dtype)
    )
    return events


def _counts_phrase(series, labels=None):
    return ", ".join(f"{labels.get(k, k) if labels else k} {v:g}" for k, v in series.items() if v)


class Book:
    """The whole dataset, for the introduction and the cross-period chapters."""

    def __init__(self, data_dir=DATA_DIR):
        self.data_dir = Path(data_dir)
        self.ds = load(data_dir)

    def counts(self):
        ds = self.ds
        d = ds.disagreements
        return {
            "n_sources": len(ds.sources),
            "n_events": len(ds.events),
            "n_citations": len(ds.citations),
            "n_event_citations": int(ds.citations["event_id"].notna().sum()),
            "n_quantities": len(ds.quantities),
            "n_assessments": len(ds.assessments),
            "n_contradictions": int((d["relation"] == "contradiction").sum()),
            "n_differences": len(d),
            "n_actors": len(ds.actors),
            "n_periods": len(ds.periods),
            "n_categories": len(ds.categories),
            "n_rules": len(ds.codebook_rules),
            "codebook_version": ds.descriptor.get("codebook_version", ""),
            "first_year": int(ds.events["start"].dt.year.min()),
            "last_year": int(ds.events["end"].dt.year.max()),
        }

    def source_table(self):
        return tables.source_table(self.ds)


class PeriodChapter:
    """One period: its events, figures, cited tables and disagreements."""

    def __init__(self, period_id, data_dir=DATA_DIR):
        self.ds = ds = load(data_dir)
        self.period = ds.periods.set_index("period_id").loc[period_id]
        self.period_id = period_id
        self.window = periods.bounds(ds.periods, period_id)
        self.events = ds.events[ds.events["period_id"] == period_id]
        self.shown = periods.overlapping(ds.events, ds.periods, period_id)
        self.quantities = ds.quantities[ds.quantities["event_id"].isin(self.shown["event_id"])]
        self.disagreements = ds.disagreements[ds.disagreements["event_id"].isin(self.shown["event_id"])]
        self.span = f"{self.period['start']}–{self.period['end']}"

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

    def glue(self):
        """Glue the counts and the standard figures of a period chapter."""
        glue_values(self.counts())
        title = f"{self.period['title']}, {self.span}"
        glue_figure("fig_timeline", figures.timeline(self.ds, self.shown, f"{title}: events by category", self.window))
        glue_figure(
            "fig_category_tone", figures.category_tone(self.ds, self.shown, f"{title}: events by category and tone")
        )
        if self.quantities["value"].notna().any():
            glue_figure(
                "fig_quantities", figures.quantities(self.ds, self.quantities, f"{title}: figures the sources give")
            )

    def timeline_alt(self):
        labels = self.ds.categories.set_index("category_id")["label"].to_dict()
        per = self.shown["category"].astype(str).value_counts().reindex(self.ds.categories["category_id"]).dropna()
        first, last = self.window
        before, after = (self.shown["start"] < first).sum(), (self.shown["end"] > last).sum()
        text = (
            f"Timeline from {first.year} to {last.year} of the {len(self.shown)} events active in the period, "
            f"one row per category: {_counts_phrase(per.astype(int), labels)}."
        )
        if before:
            text += f" {before} began before {first.year} and are cut at the left edge."
        if after:
            text += f" {after} end after {last.year} and are cut at the right edge."
        return text

    def category_tone_alt(self):
        table = pd.crosstab(self.shown["category"].astype(str), self.shown["tone"].astype(str))
        labels = self.ds.categories.set_index("category_id")["label"]
        parts = [f"{labels[c]}: " + ", ".join(f"{n} {t}" for t, n in table.loc[c].items() if n) for c in table.index]
        return (
            f"Bar chart of the period's {len(self.shown)} events per category, split by tone. " + "; ".join(parts) + "."
        )

    def quantities_alt(self):
        numeric = self.quantities.dropna(subset=["value"])
        parts = [
            f"{q.measure}: {'about ' if q.approximate else ''}{q.value:,.0f} {q.unit}" for q in numeric.itertuples()
        ]
        units = numeric["unit"].nunique()
        return f"Bar charts in {units} panel(s), one per unit: " + "; ".join(parts) + "."

    def figures(self):
        """The timeline and the category-tone chart, with computed alt text and captions."""
        pid = self.period_id
        first, last = self.window
        before = int((self.shown["start"] < first).sum())
        timeline = figure_block(
            "fig_timeline",
            f"fig-{pid}-timeline",
            self.timeline_alt(),
            f"Events active in {first.year}–{last.year}, by category. A solid bar is an event that "
            f"lasted through its span, a hatched bar one that happened at an unknown moment inside "
            f"it; dots mark exact days. {before} bar(s) began before the period and are cut at its "
            f"start.",
        )
        tone = figure_block(
            "fig_category_tone",
            f"fig-{pid}-categories",
            self.category_tone_alt(),
            "Events of the period per category, coloured by tone (what they show about the "
            "relationship, codebook rules T1–T3).",
        )
        return Markdown(timeline.data + "\n\n" + tone.data)

    def quantity_figure(self):
        numeric = self.quantities.dropna(subset=["value"])
        if numeric.empty:
            return Markdown("")
        return figure_block(
            "fig_quantities",
            f"fig-{self.period_id}-figures",
            self.quantities_alt(),
            f"The {len(numeric)} figure(s) the sources state as numbers, one panel per unit; "
            "each bar is one source's statement.",
        )

    def event_table(self):
        return tables.event_table(self.ds, self.shown)

    def quantity_table(self):
        return tables.quantity_table(self.ds, self.quantities)

    def disagreement_box(self):
        return tables.disagreement_box(self.disagreements)


class Synthesis(Book):
    """All periods together: events per year beside source density, the category and quad-class mix per
    period under both codings, and the cooperation-friction index with its sensitivity."""

    def __init__(self, data_dir=DATA_DIR):
        super().__init__(data_dir)
        ds = self.ds
        self.years = list(range(int(ds.periods["start"].min()), int(ds.periods["end"].max()) + 1))
        self.per_year = analysis.per_year(ds.events, self.years)
        self.sources = analysis.sources_per_year(ds, self.years)
        self.index = analysis.tone_index(ds.events, self.years)
        self.turning = analysis.turning_points(self.index)
        # the two codings before reconciliation, to show how far a reading depends on who coded
        self.first = recoded(ds, ds.coding_first) if len(ds.coding_second) else None
        self.second = recoded(ds, ds.coding_second) if len(ds.coding_second) else None
        self.index_first = analysis.tone_index(self.first, self.years) if self.first is not None else None
        self.index_second = analysis.tone_index(self.second, self.years) if self.second is not None else None

    def counts(self):
        ds, per_year = self.ds, self.per_year
        by_period = analysis.period_weights(ds.events, ds.periods).groupby("period_id", observed=True)["weight"].sum()
        recent = ds.events[ds.events["start"].dt.year >= 2022]
        covered = self.sources[self.sources > 0]
        known = self.index.dropna()
        sens = self.sensitivity()
        stable = sorted(set.intersection(*[set(y) for y in sens["years"]])) if len(sens) else []
        out = {
            **super().counts(),
            "busiest_year": int(per_year.idxmax()),
            "busiest_year_events": round(float(per_year.max()), 1),
            "busiest_period": ds.periods.set_index("period_id").loc[by_period.idxmax(), "title"],
            "busiest_period_events": round(float(by_period.max()), 1),
            "share_since_2022": f"{len(recent) / len(ds.events):.0%}",
            "years_without_events": int((per_year == 0).sum()),
            "years_one_source": int((covered == 1).sum()),
            "n_turning_points": len(self.turning),
            "turning_threshold": f"{analysis.THRESHOLD:g}",
            "scale_min": f"{int(ds.intensity_anchors['level'].min()):+d}".replace("-", "−"),
            "scale_max": f"{int(ds.intensity_anchors['level'].max()):+d}",
            "turning_years": ", ".join(str(y) for y in self.turning["year"]) or "none",
            "index_min_year": int(known.idxmin()),
            "index_min": f"{known.min():+.1f}",
            "index_max_year": int(known.idxmax()),
            "index_max": f"{known.max():+.1f}",
            "index_negative_years": _year_ranges(known[known < 0].index),
            "index_years_known": len(known),
            "n_sensitivity_runs": len(sens),
            "stable_turning_years": ", ".join(map(str, stable)) or "none",
            "turning_year_range_min": int(sens["turning_points"].min()) if len(sens) else 0,
            "turning_year_range_max": int(sens["turning_points"].max()) if len(sens) else 0,
        }
        if self.index_second is not None:
            gap = (self.index_first - self.index_second).abs().dropna()
            out.update(
                {
                    "index_gap_max": f"{gap.max():.2f}",
                    "index_gap_max_year": int(gap.idxmax()),
                    "index_gap_mean": f"{gap.mean():.2f}",
                    "index_gap_years": int((gap > 0).sum()),
                }
            )
        return out

    def sensitivity(self):
        return analysis.sensitivity(self.ds.events, self.years, self.first, self.second)

    def index_alt(self):
        known = self.index.dropna()
        text = (
            f"Line chart of the yearly index for the {len(known)} years with bilateral events, between "
            f"{known.min():+.1f} ({int(known.idxmin())}) and {known.max():+.1f} ({int(known.idxmax())}). "
            f"Below zero in: {_year_ranges(known[known < 0].index) or 'no year'}. "
            f"Turning points circled in: {', '.join(map(str, self.turning['year'])) or 'none'}."
        )
        outside = self.outside_dated_turning_years()
        if outside:
            text += (
                f" The turning point(s) of {', '.join(map(str, outside))} rest on a date taken from outside the "
                "corpus (see the events' date notes)."
            )
        if self.index_second is not None:
            gap = (self.index_first - self.index_second).abs().dropna()
            text += (
                f" Before reconciliation the two codings differ by at most {gap.max():.2f} points "
                f"({int(gap.idxmax())}), in {int((gap > 0).sum())} year(s)."
            )
        return text

    def outside_dated_turning_years(self):
        """Turning years in which a bilateral event starts whose date rests on knowledge from outside the corpus."""
        ev = self.ds.events[self.ds.events["scope"] == "bilateral"]
        outside = ev[ev["date_note"].fillna("").str.contains("outside the corpus")]
        return [int(y) for y in self.turning["year"] if (outside["start"].dt.year == y).any()]

    def glue(self):
        glue_values(self.counts())
        ds = self.ds
        glue_figure(
            "fig_overview", figures.overview_timeline(ds, f"All events, {self.years[0]}–{self.years[-1]}, by category")
        )
        glue_figure(
            "fig_per_year",
            figures.per_year_with_sources(
                self.per_year, self.sources, "Events per year, and documents covering each year"
            ),
        )
        codings = (self.first, self.second) if self.second is not None else None
        glue_figure("fig_category_mix", figures.category_mix(ds, "Category mix per period", codings))
        glue_figure(
            "fig_quad", figures.quad_balance(ds, "Verbal and material cooperation and conflict per period", codings)
        )
        band = (self.index_first, self.index_second) if self.index_second is not None else None
        glue_figure(
            "fig_index",
            figures.tone_index_chart(self.index, self.turning, ds.periods, "Cooperation-friction index per year", band),
        )

    def figure(self, which):
        ds, years = self.ds, self.years
        if which == "overview":
            per = ds.events["category"].astype(str).value_counts()
            return figure_block(
                "fig_overview",
                "fig-overview",
                f"Timeline of all {len(ds.events)} events from {years[0]} to {years[-1]}, one row per "
                f"category ({_counts_phrase(per)}), over bands for the {len(ds.periods)} periods.",
                "Every event by category over the periods. Solid bars: durations; hatched: windows; dots: exact days.",
            )
        if which == "per_year":
            top = self.per_year.sort_values(ascending=False).head(3)
            return figure_block(
                "fig_per_year",
                "fig-per-year",
                f"Two bar charts over {years[0]}–{years[-1]}: events per year, highest in "
                + ", ".join(f"{y} ({v:.1f})" for y, v in top.items())
                + f"; and documents covering each year, at most {int(self.sources.max())}.",
                "Events per year under counting rule D4 (top) and the number of documents that "
                "report an event touching each year (bottom).",
            )
        if which in ("category_mix", "quad"):
            column = "category" if which == "category_mix" else "quad_class"
            shares = analysis.period_shares(ds.events, ds.periods, column)
            names = ds.periods.set_index("period_id")["title"]
            lead = "; ".join(f"{names[p]}: {shares.loc[p].idxmax()} {shares.loc[p].max():.0%}" for p in shares.index)
            both = (
                " Each period has two bars, the first and the blind second coding before reconciliation."
                if self.second is not None
                else ""
            )
            return figure_block(
                f"fig_{which}",
                f"fig-{which.replace('_', '-')}",
                f"100 % bars of the {column.replace('_', ' ')} mix per period; largest share: {lead}.{both}",
                f"Share of each {column.replace('_', ' ')} in each period's events, counted by rule D4"
                + (
                    ", under the first and the blind second coding, before reconciliation."
                    if self.second is not None
                    else "."
                ),
            )
        if which == "index":
            return figure_block(
                "fig_index",
                "fig-index",
                self.index_alt(),
                "The cooperation–friction index per year (reconciled coding, with turning points circled"
                + (
                    "; the shaded band runs between the first and the blind second coding before reconciliation"
                    if self.index_second is not None
                    else ""
                )
                + "). Gaps are years without bilateral events.",
            )
        raise KeyError(which)

    def turning_table(self):
        weights = analysis.year_weights(self.ds.events[self.ds.events["scope"] == "bilateral"])
        titles = self.ds.events.set_index("event_id")["title"]
        rows = []
        for t in self.turning.itertuples():
            ids = weights.loc[weights["year"] == t.year, "event_id"]
            rows.append(
                [str(t.year), f"{t.previous:+.1f}", f"{t.index:+.1f}", "; ".join(tables.escape(titles[i]) for i in ids)]
            )
        return Markdown(
            tables.markdown_table(["Year", "Index before", "Index", "Bilateral events active that year"], rows)
        )

    def sensitivity_table(self):
        sens = self.sensitivity()
        rows = [
            [
                tables.escape(r.coding),
                tables.escape(analysis.INDEX_VARIANTS[r.variant]),
                f"{r.threshold:g}",
                str(r.turning_points),
                ", ".join(map(str, r.years)) or "none",
            ]
            for r in sens.itertuples()
        ]
        return Markdown(tables.markdown_table(["Coding", "Index", "Threshold", "Turning points", "Years"], rows))


def _year_ranges(years):
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


class SourceCriticism(Book):
    """Which document covers what, how far events are corroborated by independent origins, how the
    documents differ."""

    def counts(self):
        ds = self.ds
        support = analysis.corroboration(ds)
        origins = analysis.origins(ds).reindex(ds.events["event_id"], fill_value=0)
        d = ds.disagreements
        relation = d["relation"].value_counts()
        echoed = ds.citations[ds.citations["origin_basis"] == "inferred"]
        return {
            **super().counts(),
            "n_corroborated": int((support >= 2).sum()),
            "n_single": int((support == 1).sum()),
            "share_corroborated": f"{(support >= 2).mean():.0%}",
            "max_support": int(support.max()),
            "n_independent": int((origins >= 2).sum()),
            "n_docs_not_independent": int(((support >= 2) & (origins < support)).sum()),
            "n_self_contradictions": int(((d["source_a"] == d["source_b"]) & (d["relation"] == "contradiction")).sum()),
            "n_precision": int(relation.get("precision", 0)),
            "n_complementary": int(relation.get("complementary", 0)),
            "n_echo_citations": len(echoed),
            "n_attributed": int((ds.citations["origin_basis"] == "stated").sum()),
            "n_inferred_dates": int(ds.events["date_note"].notna().sum()),
            **self._figure_origins(),
            "n_windows": int((ds.events["span"] == "window").sum()),
        }

    def _figure_origins(self):
        """Figures stated by two or more documents: how many, and how many of them rest on one origin."""
        ds = self.ds
        cit = ds.citations.dropna(subset=["quantity_id"])[["quantity_id", "source_id"]].merge(
            ds.quantities[["quantity_id", "event_id", "measure"]], on="quantity_id"
        )
        cit["origins"] = cit["quantity_id"].map(analysis.origin_keys(ds, "quantity_id"))
        per = cit.groupby(["event_id", "measure"], dropna=False).agg(
            docs=("source_id", "nunique"), origins=("origins", lambda o: len(set().union(*o)))
        )
        multi = per[per["docs"] >= 2]
        return {"n_figures_two_docs": len(multi), "n_figures_one_origin": int((multi["origins"] < 2).sum())}

    def glue(self):
        glue_values(self.counts())
        glue_figure(
            "fig_coverage",
            figures.source_heatmap(
                analysis.source_period_matrix(self.ds), self.ds, "Events each document supports, per period"
            ),
        )

    def coverage_figure(self):
        matrix = analysis.source_period_matrix(self.ds)
        names = self.ds.periods.set_index("period_id")["title"]
        best = "; ".join(
            f"{names[p]}: {' and '.join(matrix.index[matrix[p] == matrix[p].max()])} ({matrix[p].max():.3g})"
            for p in matrix.columns
        )
        return figure_block(
            "fig_coverage",
            "fig-coverage",
            f"Heat map of {len(matrix)} documents by {len(matrix.columns)} periods with the number of "
            f"events each supports; the largest per period: {best}.",
            "Events each document supports in each period, counted by rule D4: an event that lasted "
            "into several periods counts in each.",
        )

    def origin_table(self):
        """Events reported by two or more documents, with their documents and independent origins."""
        ds = self.ds
        support = analysis.corroboration(ds)
        origins = analysis.origins(ds)
        titles = ds.events.set_index("event_id")["title"]
        names = ds.actors.set_index("actor_id")["name_en"]
        rows = []
        for event_id in support[support >= 2].index:
            cit = ds.citations[ds.citations["event_id"] == event_id]
            attributed = sorted({names[a] for o in cit["origin"].dropna() for a in o.split(";")})
            rows.append(
                [
                    tables.escape(titles[event_id]),
                    str(int(support[event_id])),
                    str(int(origins[event_id])),
                    tables.escape("; ".join(attributed)) or "none named",
                ]
            )
        return Markdown(
            tables.markdown_table(["Event", "Documents", "Independent origins", "Origins the documents name"], rows)
        )

    def precision_table(self):
        table = analysis.precision_by_source(self.ds)
        rows = [[f"{{cite:p}}`{s}`", *(str(v) for v in table.loc[s])] for s in table.index]
        return Markdown(
            tables.markdown_table(["Document", "Exact day", "Month", "Year only", "Inferred or resolved"], rows)
        )

    def disagreements(self):
        return tables.disagreement_box(self.ds.disagreements, "Every recorded difference between the documents")


class DataAppendix(Book):
    """The data dictionary, generated from datapackage.json, and the files to download."""

    def counts(self):
        return {**super().counts(), "dataset_version": dataset_version(self.data_dir)}

    def dictionary(self):
        return tables.data_dictionary(self.ds.descriptor)

    def downloads(self):
        files = ["datapackage.json"] + [r["path"] for r in self.ds.descriptor["resources"]]
        return Markdown("\n".join(f"- {{download}}`{f} <../data/{f}>`" for f in files))


class Evidence(Book):
    """Every citation with its label, so that {evidence} links land on the quote."""

    def page(self):
        return tables.evidence_list(self.ds)


class Method(Book):
    """The codebook rendered from the data, and the reliability of the blind second coding."""

    def __init__(self, data_dir=DATA_DIR):
        super().__init__(data_dir)
        from . import reliability  # scikit-learn and krippendorff: only the method chapters pay for them

        self.reliability = reliability

    def codebook(self):
        changes = self.ds.descriptor.get("codebook_changes", {})
        history = "\n".join(f"- **{tables.escape(v)}.** {tables.escape(t)}" for v, t in changes.items())
        return Markdown(
            codebook.markdown(self.ds, escape=tables.escape, heading="###")
            + ("\n\n### Changes\n\n" + history if history else "")
        )

    def counts(self):
        ds = self.ds
        out = {**super().counts(), "n_anchors": len(ds.intensity_anchors), "n_coded_second": len(ds.coding_second)}
        if not len(ds.coding_second):
            return out
        rel = self.reliability
        examples = rel.examples(ds)
        for suffix, summ in [("", rel.summary(ds)), ("_without_examples", rel.summary(ds, exclude=examples))]:
            for row in summ.itertuples():
                out[f"coef_{row.field}{suffix}"] = "undefined" if row.value is None else f"{row.value:.2f}"
                if not suffix:
                    out.update(
                        {
                            f"agree_{row.field}": f"{row.agreement:.0%}",
                            f"target_{row.field}": f"{row.target:.2f}",
                            f"met_{row.field}": "met" if row.met else "missed",
                        }
                    )
        out.update({"n_examples": len(examples), "n_without_examples": int(summ["events"].iloc[0])})
        spread = rel.intensity_spread(ds)
        changed = rel.disagreements(ds).pipe(lambda d: d[d["final"] != d["first"]])
        out.update(
            {
                "intensity_mad": f"{spread['mean_abs_diff']:.2f}",
                "within_one": f"{spread['within_one']:.0%}",
                "within_one_target": f"{spread['within_one_target']:.0%}",
                "within_one_met": "met" if spread["within_one"] >= spread["within_one_target"] else "missed",
                "n_disagreements_coding": len(rel.disagreements(ds)),
                "n_events_changed": changed["event_id"].nunique(),
                "n_codes_changed": len(changed),
                "second_coder": self.protocol().get("coder", ""),
                "coding_codebook_version": self.protocol().get("codebook_version", ""),
            }
        )
        return out

    def protocol(self):
        return next(r for r in self.ds.descriptor["resources"] if r["name"] == "coding_second").get("protocol", {})

    def glue(self):
        glue_values(self.counts())
        if len(self.ds.coding_second):
            glue_figure(
                "fig_confusion",
                figures.confusion_heatmap(
                    self.reliability.confusion(self.ds),
                    "Category: first coding (rows) against the blind second coding (columns)",
                    "second coding",
                    "first coding",
                ),
            )

    def confusion_figure(self):
        table = self.reliability.confusion(self.ds)
        off = [(r, c, int(table.loc[r, c])) for r in table.index for c in table.columns if r != c and table.loc[r, c]]
        return figure_block(
            "fig_confusion",
            "fig-confusion",
            f"Heat map of {len(table)} categories by {len(table)}: {int(pd.Series(table.values.diagonal()).sum())} "
            f"events on the diagonal; off it: "
            + ("; ".join(f"{r} coded {c} by the second coder ({n})" for r, c, n in off) or "none")
            + ".",
            "Category confusion table, before reconciliation: counts of events by first code (rows) and "
            "second code (columns).",
        )

    def summary_table(self):
        summ = self.reliability.summary(self.ds)
        rows = [
            [
                s.field,
                str(s.events),
                f"{s.agreement:.0%}",
                tables.escape(s.coefficient),
                "undefined" if s.value is None else f"{s.value:.3f}",
                f"{s.target:.2f}",
                "met" if s.met else "missed",
            ]
            for s in summ.itertuples()
        ]
        return Markdown(
            tables.markdown_table(
                ["Field", "Events", "Agreement", "Coefficient", "Value", "Target", "Target met"], rows
            )
        )

    def disagreement_table(self):
        d = self.reliability.disagreements(self.ds)
        titles = self.ds.events.set_index("event_id")["title"]
        rows = [
            [
                tables.escape(titles.get(r.event_id, r.event_id)),
                r.field,
                tables.escape(r.first),
                tables.escape(r.second),
                tables.escape(r.final),
                tables.escape(r.resolution),
            ]
            for r in d.itertuples()
        ]
        return Markdown(tables.markdown_table(["Event", "Field", "First", "Second", "Kept", "Why"], rows))
