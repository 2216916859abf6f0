import pandas as pd

from nkrussia import ROOT


def test_every_table_loads_with_typed_columns(ds):
    assert isinstance(ds.events["category"].dtype, pd.CategoricalDtype)
    assert isinstance(ds.events["tone"].dtype, pd.CategoricalDtype)
    assert str(ds.events["intensity"].dtype) == "Int64"
    assert ds.events["start"].is_monotonic_increasing
    assert (ds.events["end"] >= ds.events["start"]).all()


def test_period_is_derived_from_the_start_date(ds):
    ev = ds.events.set_index("event_id")
    assert ev.loc["treaty-1961", "period_id"] == "cold-war"
    assert ev.loc["ussr-dissolution-1991", "period_id"] == "rupture"
    assert ev.loc["debt-write-off-2014", "period_id"] == "debt-relief"
    assert ev.loc["troops-kursk-2024-2025", "period_id"] == "alliance"
    assert ds.events["period_id"].notna().all()
    assert "period_id" not in ds.descriptor["resources"][5]["schema"]["fields"]


def test_year_precision_event_spans_its_year_not_january(ds):
    ev = ds.events.set_index("event_id")
    assert ev.loc["treaty-1961", "precision"] == "year"
    assert ev.loc["treaty-1961", "end"] == pd.Timestamp("1961-12-31")


def test_quad_class_follows_from_category(ds):
    cats = ds.categories.set_index("category_id")["quad_class"]
    assert (ds.events["quad_class"].astype(str) == ds.events["category"].astype(str).map(cats).astype(str)).all()


def test_the_benchmark_s_synthetic_package_is_valid(tmp_path):
    """make bench times load + validate on synthetic packages: they must follow the real schema."""
    import runpy

    from nkrussia.validate import load_valid

    synthetic = runpy.run_path(str(ROOT / "scripts" / "make_synthetic.py"))
    synthetic["main"](["300", str(tmp_path)])
    _, problems, _ = load_valid(tmp_path / "data", tmp_path / "corpus")
    assert problems == []
