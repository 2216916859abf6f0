import pandas as pd
import pytest

from nkrussia import analysis


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
