from hypothesis import given
from hypothesis import strategies as st

from nkrussia import tables, text


def test_escape_neutralises_markup():
    out = text.escape("<script>alert(1)</script> **x** [x](javascript:alert(1)) {cite}`y`")
    assert "<script>" not in out and "\\<script\\>" in out
    assert "\\*\\*x\\*\\*" in out and "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in out
    assert "\\{cite\\}\\`y\\`" in out


@given(st.text())
def test_escape_never_leaves_an_unescaped_markup_character(value):
    out = text.escape(value)
    for i, ch in enumerate(out):
        if ch in "<>[]{}`*_|":
            assert i > 0 and out[i - 1] == "\\"


def test_event_table_cites_every_source_of_each_row(ds):
    """Each row carries the evidence marks of all its citations, the same marks as the prose."""
    events = ds.events[ds.events["event_id"] == "vladivostok-summit-2019"]
    md = tables.event_table(ds, events).markdown()
    cited = ds.citations[ds.citations["event_id"] == "vladivostok-summit-2019"]
    assert f"{{evidence}}`{','.join(cited['citation_id'])}`" in md
    assert set(cited["source_id"]) == {"chronology-2024", "backgrounder-2019"}
    assert "2019\\-04\\-25" in md and "[^" not in md  # no footnotes: the marks open the quotes in place


def test_a_quote_stands_with_our_translation(ds):
    c = ds.citations.iloc[0]
    md = tables.quoted(c.quote, c.quote_en)
    assert md.startswith("[«") and "]{.ev-fr}" in md and "(our translation: [“" in md and "]{.ev-en})" in md


def test_disagreement_box_shows_both_quotes(ds):
    d = ds.disagreements[ds.disagreements["disagreement_id"] == "defence-pact-sequence"]
    md = tables.disagreement_box(d).myst
    assert md.startswith("````{admonition}") and "{cite:t}`news-2025-choe`" in md and "{cite:t}`news-2025-shoigu`" in md


def test_quantity_values_show_approximation_and_magnitude(ds):
    q = ds.quantities[
        ds.quantities["quantity_id"].isin(
            ["killed-kursk-news", "killed-kursk-shoigu-article", "troops-kursk-news", "soviet-troops-korean-war"]
        )
    ]
    md = tables.quantity_table(ds, q).markdown()
    # each source's own qualifier: « quelque 600 », « près de 600 »
    assert "some 600" in md and "nearly 600" in md and "thousands" in md and "26,000" in md


def test_explorer_json_cannot_close_its_script_element(ds):
    from nkrussia.explorer import _script_json, explorer

    assert "</script>" not in _script_json({"title": "</script><script>alert(1)</script>"})
    html = explorer(ds).data
    assert html.count("<script") == 2 and "innerHTML" not in html


def test_explorer_lists_every_event_with_its_quotes(ds):
    from nkrussia.explorer import explorer_data

    data = explorer_data(ds)
    assert len(data["events"]) == len(ds.events)
    vladivostok = next(e for e in data["events"] if e["id"] == "vladivostok-summit-2019")
    assert vladivostok["sources"] == ["backgrounder-2019", "chronology-2024"] and len(vladivostok["citations"]) == 5


def test_actor_glossary_lists_every_spelling_and_links_events(ds):
    md = tables.actor_glossary(ds).markdown()
    for spelling in ["Kim Jung\\-Un", "Kim Jong Un", "Kim Jong\\-Un", "Choe Son\\-hui", "Choe Son Hui"]:
        assert spelling in md
    assert "(korean_war.ipynb)" in md and md.count("\n") == len(ds.actors) + 1
