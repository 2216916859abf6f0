import pandas as pd
import pytest

from nkrussia import analysis
from nkrussia.dataset import Dataset


def events(*rows, span=None):
    frame = pd.DataFrame(rows, columns=["event_id", "start", "end", "intensity", "scope"])
    frame["span"] = span
    frame["start"], frame["end"] = pd.to_datetime(frame["start"]), pd.to_datetime(frame["end"])
    return frame


def test_year_precision_event_is_drawn_over_its_year_not_on_1_january(ds):
    from nkrussia import figures

    treaty = ds.events[ds.events["event_id"] == "treaty-1961"]
    assert treaty["precision"].iloc[0] == "year"
    fig = figures.timeline(ds, treaty, "t")
    [bar] = fig.axes[0].patches
    assert bar.get_width() == 365  # days: the whole of 1961
    assert analysis.year_weights(treaty)[["year", "weight"]].values.tolist() == [[1961, 1.0]]


def test_a_window_is_shared_across_its_years_and_a_duration_counts_in_each():
    window = analysis.per_year(events(("a", "2024-01-01", "2025-12-31", 5, "bilateral"), span="window"))
    assert window[2024] == pytest.approx(366 / 731) and window.sum() == pytest.approx(1)
    duration = analysis.per_year(events(("a", "2024-01-01", "2025-12-31", 5, "bilateral"), span="duration"))
    assert duration.to_dict() == {2024: 1.0, 2025: 1.0}


def test_a_soviet_era_programme_counts_in_every_period_it_runs(ds):
    weights = analysis.period_weights(ds.events[ds.events["event_id"] == "soviet-era-support"], ds.periods)
    assert set(weights["period_id"]) == {"korean-war", "cold-war", "rupture"} and set(weights["weight"]) == {1.0}
    shares = analysis.period_shares(ds.events, ds.periods, "quad_class")
    assert shares.loc["cold-war", "material cooperation"] > 0


def test_tone_index_is_the_weighted_mean_intensity_of_bilateral_events():
    ev = events(
        ("a", "2000-01-01", "2000-12-31", 8, "bilateral"),
        ("b", "2000-01-01", "2000-12-31", -4, "bilateral"),
        ("c", "2000-01-01", "2000-12-31", -10, "context"),
    )
    assert analysis.tone_index(ev, [2000, 2001])[2000] == pytest.approx(2)
    assert pd.isna(analysis.tone_index(ev, [2000, 2001])[2001])


def test_turning_points_are_sign_changes_or_big_moves():
    index = pd.Series([5.0, 5.5, -2.0, None, -1.0, 6.0], index=[1, 2, 3, 4, 5, 6])
    assert list(analysis.turning_points(index)["year"]) == [3, 6]


def test_corroboration_and_source_matrix_on_the_real_data(ds):
    support = analysis.corroboration(ds)
    assert support["vladivostok-summit-2019"] == 2 and support.min() >= 1
    matrix = analysis.source_period_matrix(ds)
    assert matrix.loc["news-2025-choe", "korean-war"] == 0 and matrix.loc["chronology-2024", "alliance"] > 30


def test_per_year_fills_years_without_events_with_zero():
    out = analysis.per_year(events(("a", "2001-03-01", "2001-03-01", 1, "bilateral")), years=[2000, 2001, 2002])
    assert out.to_dict() == {2000: 0.0, 2001: 1.0, 2002: 0.0}


def test_every_variant_of_the_index():
    ev = events(
        ("a", "2000-01-01", "2000-12-31", 8, "bilateral"),
        ("b", "2000-06-01", "2000-06-01", -4, "bilateral"),
        ("c", "2000-01-01", "2000-12-31", -10, "multilateral"),
        ("d", "2000-01-01", "2001-12-31", 6, "bilateral"),
        ("e", "2001-01-01", "2001-12-31", -2, "context"),
    )
    years = [2000, 2001, 2002]
    index = {variant: analysis.tone_index(ev, years, variant).tolist() for variant in analysis.INDEX_VARIANTS}
    assert index["mean"][:2] == pytest.approx([10 / 3, 6]) and pd.isna(index["mean"][2])
    assert index["sum"][:2] == pytest.approx([10, 6])
    assert index["max"][:2] == [8, 6]
    assert index["with_multilateral"][:2] == pytest.approx([0, 6])
    single = analysis.tone_index(ev, years, "single_year_only")
    assert single[2000] == pytest.approx(2) and single[[2001, 2002]].isna().all()


def test_turning_points_report_the_index_and_the_previous_value_at_the_threshold():
    index = pd.Series([1.0, 4.0, 4.5, None, 1.5, -0.5], index=[1, 2, 3, 4, 5, 6])
    points = analysis.turning_points(index)
    assert points.to_dict("list") == {"year": [2, 5, 6], "index": [4.0, 1.5, -0.5], "previous": [1.0, 4.5, 1.5]}
    assert list(analysis.turning_points(index, threshold=2.9)["year"]) == [2, 5, 6]
    assert list(analysis.turning_points(index, threshold=3.1)["year"]) == [6]


def test_sensitivity_has_a_row_per_coding_variant_and_threshold():
    ev = events(("a", "2000-01-01", "2000-12-31", 8, "bilateral"), ("b", "2001-01-01", "2001-12-31", -4, "bilateral"))
    table = analysis.sensitivity(ev, [2000, 2001], first=ev, second=None, thresholds=(1.0, 2.0, 20.0))
    assert set(table["coding"]) == {"reconciled", "first coding"}
    per_coding = table[table["coding"] == "first coding"]
    assert len(per_coding) == 4 * 3 + 1
    mean = per_coding[per_coding["variant"] == "mean"]
    assert mean["threshold"].tolist() == [1.0, 2.0, 20.0]
    assert mean["years"].tolist() == [[2001], [2001], [2001]] and mean["turning_points"].tolist() == [1, 1, 1]
    assert per_coding[per_coding["variant"] == "sum"]["threshold"].tolist() == [6.0]


class Toy:
    """A dataset small enough to count by hand."""

    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "start": pd.to_datetime(["1950-01-01", "1960-05-01", "1949-01-01"]),
            "end": pd.to_datetime(["1953-12-31", "1960-05-01", "1949-12-31"]),
            "precision": ["year", "day", "month"],
            "date_note": [None, "inferred", "resolved"],
        }
    )
    citations = pd.DataFrame(
        {
            "event_id": ["e1", "e1", "e2", "e3", None, "e3"],
            "quantity_id": [None, None, None, None, "q1", None],
            "source_id": ["s1", "s2", "s1", "s3", "s4", "s3"],
            "origin": ["a1", "a2", None, "a1;a3", "a3", None],
        }
    )
    actors = pd.DataFrame({"actor_id": ["a1", "a2", "a3"], "iso3": ["RUS", "RUS", None]})
    sources = pd.DataFrame({"source_id": ["s1", "s2", "s3", "s4"]})
    event_sources = Dataset.event_sources.func(type("Cited", (), {"citations": citations}))


def test_sources_per_year_counts_documents_whose_events_touch_the_year():
    out = analysis.sources_per_year(Toy, list(range(1949, 1962)))
    expected = {y: 0 for y in range(1949, 1962)} | {1949: 1, 1950: 2, 1951: 2, 1952: 2, 1953: 2, 1960: 1}
    assert out.to_dict() == expected and out.name == "sources"
    assert analysis.sources_per_year(Toy, [1951, 1952]).to_dict() == {1951: 2, 1952: 2}


def test_origins_count_states_not_documents():
    assert analysis.origin_keys(Toy).to_dict() == {
        "e1": {"RUS"},
        "e2": {"document s1"},
        "e3": {"RUS", "a3", "document s3"},
    }
    assert analysis.origins(Toy).to_dict() == {"e1": 1, "e2": 1, "e3": 3}
    assert analysis.origins(Toy, "quantity_id").to_dict() == {"q1": 1}


def test_precision_by_source():
    table = analysis.precision_by_source(Toy)
    assert list(table.columns) == ["day", "month", "year", "inferred or resolved"]
    assert table.to_dict("index") == {
        "s1": {"day": 1, "month": 0, "year": 1, "inferred or resolved": 1},
        "s2": {"day": 0, "month": 0, "year": 1, "inferred or resolved": 0},
        "s3": {"day": 0, "month": 1, "year": 0, "inferred or resolved": 1},
        "s4": {"day": 0, "month": 0, "year": 0, "inferred or resolved": 0},
    }
