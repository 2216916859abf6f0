"""The whole dataset, for the introduction and the pages that list everything (actors, explorer)."""

from pathlib import Path

from .. import DATA_DIR, tables
from ..dataset import load
from ..display import glue_values


class Book:
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

    def glue(self):
        """Glue every count for the prose; the table of them is what a re-run notebook shows."""
        return glue_values(self.counts())

    def source_table(self):
        return tables.source_table(self.ds)

    def actor_table(self):
        return tables.actor_glossary(self.ds)

    def explorer(self):
        from ..explorer import explorer

        return explorer(self.ds)

    def event_list(self):
        from ..explorer import event_list

        return event_list(self.ds)
