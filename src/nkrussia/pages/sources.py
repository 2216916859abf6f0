"""Source criticism: which document covers what, how far events are corroborated by independent
origins, how the documents differ."""

from .. import analysis, figures, tables
from ..display import Figure
from .book import Book


class SourceCriticism(Book):
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

    def coverage_figure(self):
        matrix = analysis.source_period_matrix(self.ds)
        names = self.ds.periods.set_index("period_id")["title"]
        best = "; ".join(
            f"{names[p]}: {' and '.join(matrix.index[matrix[p] == matrix[p].max()])} ({matrix[p].max():.3g})"
            for p in matrix.columns
        )
        fig = figures.source_heatmap(matrix, self.ds, "Events each document supports, per period")
        alt = (
            f"Heat map of {len(matrix)} documents by {len(matrix.columns)} periods with the number of "
            f"events each supports; the largest per period: {best}."
        )
        caption = (
            "Events each document supports in each period, counted by rule D4: an event that lasted "
            "into several periods counts in each."
        )
        return Figure("fig_coverage", "fig-coverage", fig, alt, caption)

    def origin_table(self):
        return tables.origin_table(self.ds)

    def precision_table(self):
        return tables.precision_table(self.ds)

    def disagreements(self):
        return tables.disagreement_box(self.ds.disagreements, "Every recorded difference between the documents")
