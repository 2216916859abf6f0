import io

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from nkrussia import analysis, figures
from nkrussia.pages.period import PeriodChapter
from nkrussia.pages.synthesis import Synthesis


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def test_same_category_same_colour_everywhere(ds):
    assert set(figures.CATEGORY_COLOURS) == set(ds.categories["category_id"])
    assert len(set(figures.CATEGORY_COLOURS.values())) == len(figures.CATEGORY_COLOURS)


@pytest.mark.parametrize("period_id", ["korean-war", "cold-war", "rupture", "putin-revival", "debt-relief", "alliance"])
def test_period_figures_render_at_the_book_width_and_are_deterministic(period_id):
    chapter = PeriodChapter(period_id)
    fig = figures.timeline(chapter.ds, chapter.shown, "t")
    assert fig.get_size_inches()[0] == figures.WIDTH
    first = png(fig)
    assert first == png(figures.timeline(chapter.ds, chapter.shown, "t"))
    png(figures.category_tone(chapter.ds, chapter.shown, "t"))


def test_synthesis_figures_render():
    s = Synthesis()
    for fig in [
        figures.overview_timeline(s.ds, "t"),
        figures.per_year_with_sources(s.per_year, s.sources, "t"),
        figures.category_mix(s.ds, "t"),
        figures.quad_balance(s.ds, "t"),
        figures.tone_index_chart(s.index, s.turning, s.ds.periods, "t"),
        figures.source_heatmap(analysis.source_period_matrix(s.ds), s.ds, "t"),
    ]:
        assert png(fig).startswith(b"\x89PNG")


PERIODS = ["korean-war", "cold-war", "rupture", "putin-revival", "debt-relief", "alliance"]


@pytest.mark.parametrize("period_id", PERIODS)
def test_a_period_timeline_shows_the_period_window_only(period_id):
    import matplotlib.dates as mdates

    chapter = PeriodChapter(period_id)
    fig = figures.timeline(chapter.ds, chapter.shown, "t", chapter.window)
    left, right = (mdates.num2date(x).replace(tzinfo=None) for x in fig.axes[0].get_xlim())
    first, last = chapter.window
    margin = (last - first) * 0.02
    plt.close(fig)
    assert first - margin <= left <= first and last <= right <= last + margin


def test_the_index_alt_text_states_what_the_plotted_series_shows():
    s = Synthesis()
    fig = figures.tone_index_chart(s.index, s.turning, s.ds.periods, "t", s.band)
    line = next(x for x in fig.axes[0].get_lines() if x.get_label() == "index")
    plotted = pd.Series(line.get_ydata(), index=s.index.index).dropna()
    plt.close(fig)
    alt = s.index_figure().alt
    assert f"{plotted.min():+.1f} ({int(plotted.idxmin())})" in alt
    assert f"{plotted.max():+.1f} ({int(plotted.idxmax())})" in alt
    for year in s.turning["year"]:
        assert str(year) in alt.split("Turning points circled in:")[1]
    assert f"for the {len(plotted)} years" in alt


def test_period_alt_text_counts_what_the_timeline_draws():
    chapter = PeriodChapter("cold-war")
    alt = chapter.timeline().alt
    assert f"the {len(chapter.shown)} events active" in alt
    before = int((chapter.shown["start"] < chapter.window[0]).sum())
    assert f"{before} began before 1954" in alt


def test_the_book_style_leaves_matplotlib_global_settings_alone(ds):
    """Importing the package or drawing a figure changes no global setting: a notebook keeps its own."""
    before = dict(plt.rcParams)
    svg = figures.svg(figures.category_mix(ds, "t"))
    assert dict(plt.rcParams) == before
    assert 'fill="none"' in svg or "fill: none" in svg  # drawn and saved transparent, in the book's style
    assert "<text" in svg  # text kept as text


@pytest.mark.parametrize("period_id", PERIODS)
def test_a_period_timeline_names_its_events(period_id):
    """Every event when the period has few; otherwise every agreement and the strongest events, the rest
    in one row; the alt text names the same events, and the axis shows the period only."""
    import matplotlib.dates as mdates

    chapter = PeriodChapter(period_id)
    named = figures.labelled_events(chapter.shown)
    if len(chapter.shown) <= 16:
        assert set(named) == set(chapter.shown["event_id"])
    else:
        agreements = chapter.shown[chapter.shown["category"].astype(str) == "agree_sign"]["event_id"]
        assert set(agreements) <= set(named) and len(named) <= 12 + len(agreements)
    fig = figures.event_timeline(chapter.ds, chapter.shown, named, "t", chapter.window)
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    left, right = (mdates.num2date(x).replace(tzinfo=None) for x in fig.axes[0].get_xlim())
    plt.close(fig)
    titles = chapter.shown.set_index("event_id").loc[named, "title"]
    assert len(ticks) == len(named) + (len(named) < len(chapter.shown))
    assert all(t.rstrip("…")[:20] in " ".join(ticks) for t in titles)
    alt = chapter.timeline().alt
    assert all(t in alt for t in titles)
    assert left <= chapter.window[0] and chapter.window[1] <= right


def test_every_mark_has_an_edge_that_stands_out_on_its_white_panel():
    """Bars and patches are outlined in their colour darkened; each outline has at least 3:1 contrast with
    the figure's background, white in both themes (WCAG 1.4.11), the light categories included."""

    def luminance(rgb):
        def channel(c):
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for colour in [*figures.CATEGORY_COLOURS.values(), *figures.TONE_COLOURS.values(), *figures.QUAD_COLOURS.values()]:
        edge = figures._darker(colour)
        assert (1.05) / (luminance(edge) + 0.05) >= 3, colour
