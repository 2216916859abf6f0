"""The method pages: the codebook rendered from the data, and the reliability of the blind second coding."""

import pandas as pd
from IPython.display import Markdown

from .. import DATA_DIR, codebook, figures, tables
from ..display import Figure
from ..text import counted, escape
from .book import Book


class Method(Book):
    def __init__(self, data_dir=DATA_DIR):
        super().__init__(data_dir)
        from .. import reliability  # scikit-learn and krippendorff: only the method chapters pay for them

        self.reliability = reliability

    def codebook(self):
        changes = self.ds.descriptor.get("codebook_changes", {})
        history = "\n".join(f"- **{escape(v)}.** {escape(t)}" for v, t in changes.items())
        # plain Markdown, escaped, with no MyST role: JupyterLab renders it as it is
        return Markdown(
            codebook.markdown(self.ds, escape=escape, heading="###")
            + ("\n\n### Changes\n\n" + history if history else "")
        )

    def counts(self):
        ds = self.ds
        out = {
            **super().counts(),
            "n_anchors": len(ds.intensity_anchors),
            "n_coded_first": len(ds.coding_first),
            "n_coded_second": len(ds.coding_second),
        }
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
        coded = set(rel.paired(ds)["event_id"])
        out.update({"n_examples": len(examples & coded), "n_without_examples": int(summ["events"].iloc[0])})
        spread = rel.intensity_spread(ds)
        differing = rel.disagreements(ds)
        changed = differing[differing["final"] != differing["first"]]
        protocol = self.protocol()
        out.update(self.third_counts())
        out.update(
            {
                "intensity_mad": f"{spread['mean_abs_diff']:.2f}",
                "within_one": f"{spread['within_one']:.0%}",
                "within_one_target": f"{spread['within_one_target']:.0%}",
                "within_one_met": "met" if spread["within_one"] >= spread["within_one_target"] else "missed",
                "n_disagreements_coding": len(differing),
                "n_events_changed": changed["event_id"].nunique(),
                "n_codes_changed": len(changed),
                "second_coder": protocol.get("coder", ""),
                "coding_codebook_version": protocol.get("codebook_version", ""),
            }
        )
        return out

    def third_counts(self):
        """The blind third coding (codebook 2.2): its coefficients, differences and protocol."""
        ds, rel = self.ds, self.reliability
        if not len(ds.coding_third):
            return {}
        out = {"n_coded_third": len(ds.coding_third)}
        for row in rel.summary(ds, coding="third").itertuples():
            out[f"third_coef_{row.field}"] = "undefined" if row.value is None else f"{row.value:.3f}"
            out[f"third_agree_{row.field}"] = f"{row.agreement:.0%}"
        differing = rel.disagreements(ds, "third")
        protocol = self.protocol("coding_third")
        out.update(
            {
                "third_within_one": f"{rel.intensity_spread(ds, 'third')['within_one']:.0%}",
                "n_events_differing_third": counted(differing["event_id"].nunique(), "event"),
                "n_disagreements_third": counted(len(differing), "code"),
                "third_codebook_version": protocol.get("codebook_version", ""),
                "third_coding_date": protocol.get("date", ""),
            }
        )
        return out

    def protocol(self, coding="coding_second"):
        return next(r for r in self.ds.descriptor["resources"] if r["name"] == coding).get("protocol", {})

    def confusion_figure(self):
        """The category confusion table of the two codings; None before a second coding exists."""
        if not len(self.ds.coding_second):
            return None
        table = self.reliability.confusion(self.ds)
        off = [(r, c, int(table.loc[r, c])) for r in table.index for c in table.columns if r != c and table.loc[r, c]]
        fig = figures.confusion_heatmap(
            table,
            "Category: first coding (rows) against the blind second coding (columns)",
            "second coding",
            "first coding",
        )
        alt = (
            f"Heat map of {len(table)} categories by {len(table)}: {int(pd.Series(table.values.diagonal()).sum())} "
            f"events on the diagonal; off it: "
            + ("; ".join(f"{r} coded {c} by the second coder ({n})" for r, c, n in off) or "none")
            + "."
        )
        caption = (
            "Category confusion table, before reconciliation: counts of events by first code (rows) and "
            "second code (columns)."
        )
        return Figure("fig_confusion", "fig-confusion", fig, alt, caption)

    def summary_table(self):
        """Both blind codings side by side: the second (codebook 2.0) and the third (2.2)."""
        summaries = {"Second coding (2.0)": self.reliability.summary(self.ds)}
        if len(self.ds.coding_third):
            summaries["Third coding (2.2)"] = self.reliability.summary(self.ds, coding="third")
        return tables.reliability_table(summaries)

    def disagreement_table(self, coding="second"):
        labels = ("First", "Second") if coding == "second" else ("Ours", "Third")
        differences = self.reliability.disagreements(self.ds, coding)
        return tables.coding_disagreement_table(self.ds, differences, labels)
