"""Every figure and table a chapter shows has two representations: HTML for JupyterLab, MyST for the book."""

import base64
import re

import pytest

from nkrussia.pages.method import Method
from nkrussia.pages.period import PeriodChapter
from nkrussia.pages.sources import SourceCriticism
from nkrussia.pages.synthesis import Synthesis
from nkrussia.text import counted

PERIODS = ["korean-war", "cold-war", "rupture", "putin-revival", "debt-relief", "alliance"]


def figures_of(page):
    names = {
        PeriodChapter: ["timeline", "category_tone"],
        Synthesis: ["overview", "per_year_figure", "category_mix", "quad_mix", "index_figure"],
        SourceCriticism: ["coverage_figure"],
        Method: ["confusion_figure"],
    }[type(page)]
    return [f for f in (getattr(page, n)() for n in names) if f is not None]


@pytest.fixture(scope="module")
def pages():
    return [PeriodChapter(p) for p in PERIODS] + [Synthesis(), SourceCriticism(), Method()]


def test_each_figure_gives_jupyterlab_its_chart_and_the_book_its_directive(pages):
    keys, drawn = set(), 0
    for page in pages:
        figures = figures_of(page)  # each drawn once: drawing is most of this test's time
        drawn += len(figures)
        for figure in figures:
            bundle = figure._repr_mimebundle_()
            md, html = bundle["text/markdown"], bundle["text/html"]
            assert md.startswith(f"```{{glue:figure}} {figure.key}\n:name: {figure.name}\n:alt: {figure.alt}\n")
            assert figure.caption in md and "\n" not in figure.alt
            src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
            assert base64.b64decode(src).decode() == figure.svg and "<svg" in figure.svg
            assert f'alt="{figure.alt}"' in html.replace("&#x27;", "'") and "<figcaption>" in html
            keys.add((type(page).__name__, getattr(page, "period_id", ""), figure.key))
    assert len(keys) == drawn  # one key per figure of a page


def test_each_table_gives_jupyterlab_an_html_table_and_the_book_its_citations(pages):
    chapter = pages[5]  # the alliance chapter: events, figures, differences
    table = chapter.event_table()._repr_mimebundle_()
    assert table["text/html"].startswith("<table") and "{cite:p}" not in table["text/html"]
    assert "{evidence}`c" in table["text/markdown"] and "our translation" in table["text/html"]
    box = chapter.disagreement_box()._repr_mimebundle_()
    assert box["text/markdown"].startswith("````{admonition}") and "````" not in box["text/html"]


def test_a_chapter_glues_its_values_and_shows_them_as_a_table():
    shown = PeriodChapter("korean-war").glue()
    assert list(shown.columns) == ["value"] and shown.index.name == "glued as"
    assert shown.loc["n_events", "value"] == str(PeriodChapter("korean-war").counts()["n_events"])


def test_the_book_ranks_the_myst_representation_first(root):
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text())["sphinx"]["config"]
    assert ["*", "text/markdown", 25] in config["nb_mime_priority_overrides"]  # text/html is 30 in myst-nb


def test_a_period_chapter_follows_the_coding_it_is_given():
    reconciled, second = PeriodChapter("putin-revival"), PeriodChapter("putin-revival", coding="second")
    codes = second.ds.coding_second.set_index("event_id")
    assert (
        second.events.set_index("event_id")["tone"].astype(str) == codes.loc[second.events["event_id"], "tone"]
    ).all()
    assert reconciled.events["event_id"].tolist() == second.events["event_id"].tolist()


def test_the_synthesis_follows_its_index_and_threshold():
    mean, top = Synthesis(), Synthesis(index="max", threshold=1)
    assert not mean.index.equals(top.index)
    assert len(top.turning) >= len(Synthesis(index="max").turning)
    with pytest.raises(ValueError, match="index must be one of"):
        Synthesis(index="median")


def test_counts_are_rounded_as_a_reader_says_them():
    from nkrussia.text import about

    assert [about(33.3), about(4.5), about(4.0), about(12)] == ["33", "4.5", "4", "12"]


def test_counted_nouns_read_as_written():
    assert [counted(0, "event"), counted(1, "event"), counted(3, "event"), counted(2, "category", "categories")] == [
        "no event",
        "1 event",
        "3 events",
        "2 categories",
    ]
