"""The synthesis: events per year beside source density, the category and quad-class mix per period under
both codings, and the cooperation-friction index with its turning points and their sensitivity."""

from .. import DATA_DIR, analysis, figures, tables
from ..display import Figure
from ..text import about, counted, year_ranges
from .book import Book
from .period import counts_phrase


class Synthesis(Book):
    """All periods under one coding ("reconciled", "first" or "second"), with one index variant
    (`analysis.INDEX_VARIANTS`: "mean", "max", "sum"...) and one turning-point threshold."""

    def __init__(self, data_dir=DATA_DIR, coding="reconciled", index="mean", threshold=analysis.THRESHOLD):
        super().__init__(data_dir)
        ds = self.ds
        if index not in analysis.INDEX_VARIANTS:
            raise ValueError(f"index must be one of {', '.join(analysis.INDEX_VARIANTS)}, not {index!r}")
        self.coding, self.variant, self.threshold = coding, index, float(threshold)
        self.events = ds.coded(coding)
        self.years = list(range(int(ds.periods["start"].min()), int(ds.periods["end"].max()) + 1))
        self.per_year = analysis.per_year(self.events, self.years)
        self.sources = analysis.sources_per_year(ds, self.years)
        self.index = analysis.tone_index(self.events, self.years, index)
        self.turning = analysis.turning_points(self.index, self.threshold)
        # the two codings before reconciliation, to show how far a reading depends on who coded
        self.codings = (ds.coded("first"), ds.coded("second")) if len(ds.coding_second) else None
        self.band = tuple(analysis.tone_index(e, self.years, index) for e in self.codings) if self.codings else None
        self.sensitivity = analysis.sensitivity(ds.events, self.years, *(self.codings or ()))

    def counts(self):
        ds, per_year, sens = self.ds, self.per_year, self.sensitivity
        by_period = analysis.period_weights(self.events, ds.periods).groupby("period_id", observed=True)["weight"].sum()
        recent = self.events[self.events["start"].dt.year >= 2022]
        covered = self.sources[self.sources > 0]
        known = self.index.dropna()
        stable = sorted(set.intersection(*[set(y) for y in sens["years"]])) if len(sens) else []
        out = {
            **super().counts(),
            "coding": self.coding,
            "index_variant": self.variant,
            "busiest_year": int(per_year.idxmax()),
            "busiest_year_events": about(per_year.max()),
            "busiest_period": ds.periods.set_index("period_id").loc[by_period.idxmax(), "title"],
            "busiest_period_events": about(by_period.max()),
            "share_since_2022": f"{len(recent) / len(self.events):.0%}",
            "years_without_events": int((per_year == 0).sum()),
            "years_one_source": int((covered == 1).sum()),
            "n_turning_points": len(self.turning),
            "turning_threshold": f"{self.threshold:g}",
            "scale_min": f"{int(ds.intensity_anchors['level'].min()):+d}".replace("-", "−"),
            "scale_max": f"{int(ds.intensity_anchors['level'].max()):+d}",
            "turning_years": ", ".join(str(y) for y in self.turning["year"]) or "none",
            "index_min_year": int(known.idxmin()),
            "index_min": f"{known.min():+.1f}",
            "index_max_year": int(known.idxmax()),
            "index_max": f"{known.max():+.1f}",
            "index_negative_years": year_ranges(known[known < 0].index),
            "index_years_known": len(known),
            "index_mean": f"{known.mean():+.4f}",  # over the years with events: shows a change of coding
            "n_sensitivity_runs": len(sens),
            "stable_turning_years": ", ".join(map(str, stable)) or "none",
            "turning_year_range_min": int(sens["turning_points"].min()) if len(sens) else 0,
            "turning_year_range_max": int(sens["turning_points"].max()) if len(sens) else 0,
        }
        if self.band is not None:
            gap = self.coding_gap()
            out.update(
                {
                    "index_gap_max": f"{gap.max():.2f}",
                    "index_gap_max_year": int(gap.idxmax()),
                    "index_gap_mean": f"{gap.mean():.2f}",
                    "index_gap_years": counted((gap > 0).sum(), "year"),
                }
            )
        return out

    def coding_gap(self):
        """How far apart the index is, year by year, under the first and the blind second coding."""
        first, second = self.band
        return (first - second).abs().dropna()

    def overview(self):
        ds, years = self.ds, self.years
        per = self.events["category"].astype(str).value_counts()
        fig = figures.overview_timeline(ds, f"All events, {years[0]}–{years[-1]}, by category", self.events)
        alt = (
            f"Timeline of all {len(self.events)} events from {years[0]} to {years[-1]}, one row per "
            f"category ({counts_phrase(per)}), over bands for the {len(ds.periods)} periods."
        )
        caption = "Every event by category over the periods. Solid bars: durations; hatched: windows; dots: exact days."
        return Figure("fig_overview", "fig-overview", fig, alt, caption)

    def per_year_figure(self):
        years = self.years
        top = self.per_year.sort_values(ascending=False).head(3)
        fig = figures.per_year_with_sources(
            self.per_year, self.sources, "Events per year, and documents covering each year"
        )
        alt = (
            f"Two bar charts over {years[0]}–{years[-1]}: events per year, highest in "
            + ", ".join(f"{y} (about {about(v)})" for y, v in top.items())
            + f"; and documents covering each year, at most {int(self.sources.max())}."
        )
        caption = (
            "Events per year under counting rule D4 (top) and the number of documents that "
            "report an event touching each year (bottom)."
        )
        return Figure("fig_per_year", "fig-per-year", fig, alt, caption)

    def _mix(self, column, draw, key, title, scopes=None):
        ds = self.ds
        events = self.events if scopes is None else self.events[self.events["scope"].isin(scopes)]
        shares = analysis.period_shares(events, ds.periods, column)
        names = ds.periods.set_index("period_id")["title"]
        lead = "; ".join(f"{names[p]}: {shares.loc[p].idxmax()} {shares.loc[p].max():.0%}" for p in shares.index)
        both = self.codings is not None
        fig = draw(ds, title, self.codings)
        name = column.replace("_", " ")
        alt = f"100 % bars of the {name} mix per period; largest share: {lead}." + (
            " Each period has two bars, the first and the blind second coding before reconciliation." if both else ""
        )
        among = "events" if scopes is None else f"{' and '.join(scopes)} events (context events left out)"
        caption = f"Share of each {name} in each period's {among}, counted by rule D4" + (
            ", under the first and the blind second coding, before reconciliation." if both else "."
        )
        if scopes is not None:
            alt = alt.replace(f"{name} mix per period", f"{name} mix of the {' and '.join(scopes)} events per period")
        return Figure(f"fig_{key}", f"fig-{key.replace('_', '-')}", fig, alt, caption)

    def category_mix(self):
        return self._mix("category", figures.category_mix, "category_mix", "Category mix per period")

    def quad_mix(self):
        return self._mix(
            "quad_class",
            figures.quad_balance,
            "quad",
            "Verbal and material cooperation and conflict per period, between Moscow and Pyongyang",
            figures.RELATIONSHIP,
        )

    def outside_dated_turning_years(self):
        """Turning years in which a bilateral event starts whose date rests on knowledge from outside the corpus."""
        ev = self.events[self.events["scope"] == "bilateral"]
        outside = ev[ev["date_note"].fillna("").str.contains("outside the corpus")]
        return [int(y) for y in self.turning["year"] if (outside["start"].dt.year == y).any()]

    def index_figure(self):
        known = self.index.dropna()
        bilateral = self.events[self.events["scope"] == "bilateral"]
        support = analysis.per_year(bilateral, self.years)
        caveat = {
            "mean": "a mean: a year with one strong event can outrank a busy one",
            "sum": "a sum: busy years weigh more",
        }
        fig = figures.tone_index_chart(
            self.index,
            self.turning,
            self.ds.periods,
            f"Cooperation-friction index per year ({caveat.get(self.variant, self.variant)})",
            self.band,
            self.variant,
            support,
        )
        alt = (
            f"Line chart of the yearly index for the {len(known)} years with bilateral events, between "
            f"{known.min():+.1f} ({int(known.idxmin())}) and {known.max():+.1f} ({int(known.idxmax())}). "
            f"Below zero in: {year_ranges(known[known < 0].index) or 'no year'}. "
            f"Turning points circled in: {', '.join(map(str, self.turning['year'])) or 'none'}. "
            f"Below it, bars of the bilateral events each year rests on, at most about {support.max():.0f} ({int(support.idxmax())})."
        )
        outside = self.outside_dated_turning_years()
        if outside:
            alt += (
                f" The turning {'point' if len(outside) == 1 else 'points'} of {', '.join(map(str, outside))} "
                f"{'rests' if len(outside) == 1 else 'rest'} on a date taken from outside the corpus (see the events' date notes)."
            )
        if self.band is not None:
            gap = self.coding_gap()
            alt += (
                f" Before reconciliation the two codings differ by at most {gap.max():.2f} points "
                f"({int(gap.idxmax())}), in {counted((gap > 0).sum(), 'year')}."
            )
        caption = (
            f"The cooperation–friction index per year ({self.coding} coding, with turning points circled"
            + (
                "; the shaded band runs between the first and the blind second coding before reconciliation"
                if self.band is not None
                else ""
            )
            + "). Gaps are years without bilateral events. The index is "
            + caveat.get(self.variant, f"the {self.variant} of the year's intensities")
            + "; the panel below shows how many bilateral events each year rests on."
        )
        return Figure("fig_index", "fig-index", fig, alt, caption)

    def turning_table(self):
        return tables.turning_table(self.events, self.turning)

    def sensitivity_table(self):
        return tables.sensitivity_table(self.sensitivity)
