"""Load the data package into typed pandas DataFrames, driven by datapackage.json (the one schema)."""

import functools
import hashlib
import json
import os
import pickle
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from . import DATA_DIR, dates


@dataclass(frozen=True)
class Dataset:
    sources: pd.DataFrame
    periods: pd.DataFrame
    categories: pd.DataFrame
    codebook_rules: pd.DataFrame
    intensity_anchors: pd.DataFrame
    actors: pd.DataFrame
    actor_names: pd.DataFrame
    events: pd.DataFrame
    coding_first: pd.DataFrame
    coding_second: pd.DataFrame
    coding_third: pd.DataFrame
    reconciliation: pd.DataFrame
    reconciliation_third: pd.DataFrame
    event_actors: pd.DataFrame
    quantities: pd.DataFrame
    assessments: pd.DataFrame
    citations: pd.DataFrame
    disagreements: pd.DataFrame
    uncovered: pd.DataFrame
    descriptor: dict

    @functools.cached_property
    def event_sources(self):
        """Each (event_id, source_id) pair once: which documents report which event."""
        pairs = self.citations.dropna(subset=["event_id"])[["event_id", "source_id"]].drop_duplicates()
        return pairs.reset_index(drop=True)

    def coded(self, coding="reconciled"):
        """The events under one coding: "reconciled" (events.csv, the book's), or "first" or "second" (the
        first and the blind second coding before reconciliation): their four codes, the quad class derived
        again. Events split off after those codings (codebook 2.2, rule E1) were not in them and keep their
        reconciled codes."""
        if coding == "reconciled":
            return self.events
        if coding not in CODINGS:
            raise ValueError(f"coding must be one of {', '.join(CODINGS)}, not {coding!r}")
        codes = getattr(self, f"coding_{coding}").set_index("event_id")
        events = self.events.copy()
        for field in ["category", "scope", "tone", "intensity"]:
            mapped = events["event_id"].map(codes[field]).fillna(events[field].astype(object))
            events[field] = (
                pd.Categorical(mapped, categories=events[field].cat.categories)
                if isinstance(events[field].dtype, pd.CategoricalDtype)
                else mapped.astype(events[field].dtype)
            )
        quad = self.categories.set_index("category_id")["quad_class"]
        events["quad_class"] = events["category"].map(quad).astype(self.categories["quad_class"].dtype)
        return events


CODINGS = ("reconciled", "first", "second")


INTEGER = r"[+-]?[0-9]{1,18}"  # what a 64-bit integer surely holds

TABLES = [f.name for f in fields(Dataset) if f.name != "descriptor"]


def read_descriptor(data_dir=DATA_DIR):
    return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))


def read_raw(data_dir, resource):
    """A resource's CSV as strings, exactly as written (empty cells are empty strings)."""
    return pd.read_csv(
        Path(data_dir) / resource["path"],
        dtype=str,
        keep_default_na=False,
        encoding=resource.get("encoding", "utf-8-sig"),
        engine="c",
    )


def typed(frame, schema):
    out = frame.copy()
    for field in schema["fields"]:
        name, kind = field["name"], field["type"]
        if name not in out:
            continue
        col = out[name]
        enum = field.get("constraints", {}).get("enum")
        if kind == "integer":
            out[name] = pd.to_numeric(col.where(col.str.fullmatch(INTEGER)), errors="coerce").astype("Int64")
        elif kind == "number":
            out[name] = pd.to_numeric(col.replace("", None), errors="coerce").astype("Float64")
        elif kind == "boolean":
            out[name] = col.str.lower().map({"true": True, "false": False}).astype("boolean")
        elif enum:
            out[name] = pd.Categorical(
                col.where(col.isin(enum)), categories=enum
            )  # invalid values are reported by validate
        else:
            out[name] = col.astype("string").replace("", pd.NA)
    return out


def read_tables(data_dir, descriptor):
    """Every resource as a typed DataFrame, rows in file order (row N of the file is index N - 2)."""
    return {r["name"]: typed(read_raw(data_dir, r), r["schema"]) for r in descriptor["resources"]}


def load(data_dir=DATA_DIR):
    """Read every table of the package; add sortable `start`/`end`/`precision`/`period_id` to events.

    When $NKRUSSIA_CACHE names a folder (the book's build sets it for the chapters' kernels), the loaded
    Dataset is kept there, keyed by the content of the data and of this package, so that the chapters
    of one build read and type the CSV files once instead of once each."""
    cache = _cache_file(data_dir)
    if cache is not None and cache.is_file():
        return pickle.loads(cache.read_bytes())
    descriptor = read_descriptor(data_dir)
    ds = assemble(descriptor, read_tables(data_dir, descriptor))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("dataset-*.pickle"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cache)
    return ds


def _cache_file(data_dir):
    folder = os.environ.get("NKRUSSIA_CACHE")
    if not folder:
        return None
    digest = hashlib.sha256(pd.__version__.encode())
    package = Path(__file__).parent
    for base, paths in ((Path(data_dir), Path(data_dir).iterdir()), (package, package.glob("*.py"))):
        for path in sorted(p for p in paths if p.is_file()):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return Path(folder) / f"dataset-{digest.hexdigest()[:32]}.pickle"


def version(data_dir=DATA_DIR):
    """The dataset's version: sha256 over the package descriptor and every CSV, in name order."""
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*.csv")) + [Path(data_dir) / "datapackage.json"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def assemble(descriptor, tables):
    """A Dataset from typed tables: sortable spans, precision, quad class and period added to events."""
    tables = dict(tables)
    sources = list(tables["sources"]["source_id"])
    tables["citations"] = tables["citations"].assign(
        source_id=pd.Categorical(tables["citations"]["source_id"], categories=sources)
    )
    periods = tables["periods"].sort_values("order").reset_index(drop=True)
    tables["periods"] = periods
    categories = tables["categories"]
    events = tables["events"]
    span = dates.spans(events["date"], events["date_end"])
    events = events.assign(start=span["start"], end=span["end"], precision=span["precision"])
    events["category"] = pd.Categorical(events["category"], categories=list(categories["category_id"]))
    events["quad_class"] = (
        events["category"].map(categories.set_index("category_id")["quad_class"]).astype(categories["quad_class"].dtype)
    )
    from .periods import assign

    events["period_id"] = assign(events["start"], periods)
    tables["events"] = events.sort_values(["start", "end", "event_id"]).reset_index(drop=True)
    return Dataset(descriptor=descriptor, **tables)
