import io

import matplotlib.pyplot as plt
import pytest

from nkrussia import analysis, figures
from nkrussia.chapter import PeriodChapter, Synthesis


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
    for fig in [figures.overview_timeline(s.ds, "t"), figures.per_year_with_sources(s.per_year, s.sources, "t"),
                figures.category_mix(s.ds, "t"), figures.quad_balance(s.ds, "t"),
                figures.tone_index_chart(s.index, s.turning, s.ds.periods, "t"),
                figures.source_heatmap(analysis.source_period_matrix(s.ds), s.ds, "t")]:
        assert png(fig).startswith(b"\x89PNG")
