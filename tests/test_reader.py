"""What a reader sees in the built book: every quote with our translation, every evidence mark resolving
to an entry with both texts, one name per document, and no machine residue."""

import json
import re

import pytest
from bs4 import BeautifulSoup

RESIDUE = [
    (re.compile(r"\{(?:glue(?::\w+)?|evidence|cite(?::\w+)?|term|doc|numref|ref|download)\}`"), "a raw MyST role"),
    (re.compile(r"^`{3,}\{|^:{3,}\{", re.M), "a raw MyST directive"),
    (re.compile(r"<IPython\.| object at 0x"), "a Python repr"),
    (re.compile(r"\w\(s\)"), "a plural written as (s)"),
    (re.compile(r"\b(?!(?:\d+)\b)(\w{2,}) \1\b", re.I), "a doubled word"),  # in reading_text
]


def pages(html):
    return sorted((html / "chapters").glob("*.html")) + [html / "index.html"]


def article_text(path):
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup
    for tag in main.select("script, style, .cell_input, pre, code"):
        tag.decompose()
    return main.get_text(" "), soup


BLOCKS = ["p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "figcaption", "caption"]


def reading_text(path):
    """The page's text as a reader reads it: one space between the words of a block, whatever the markup
    ("The <a>The codebook</a>" reads "The The codebook"), and a ¶ between blocks (table cells included)."""
    _, soup = article_text(path)
    main = soup.find("article") or soup
    for block in main.find_all(BLOCKS):
        block.append(" ¶ ")
    return " ".join(main.get_text(" ").split())


def test_every_quote_has_our_translation(ds):
    c = ds.citations
    assert c["quote_en"].notna().all() and (c["quote_en"].str.strip() != c["quote"].str.strip()).all()
    d = ds.disagreements
    for side in "ab":
        assert d[f"quote_{side}_en"].notna().all() and (d[f"quote_{side}_en"] != d[f"quote_{side}"]).all()


def test_every_evidence_mark_resolves_to_an_entry_with_both_texts(built):
    html = built[1]
    marks = 0
    for path in pages(html):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("span.evidence a.reference")
        if not links:
            continue
        data = json.loads(soup.find("script", id="evidence-data").string)
        for a in links:
            cid = a["href"].split("#ev-")[1]
            entry = data[cid]
            assert entry["fr"].startswith("«") and entry["en"] and entry["doc"] and entry["line"].startswith("line ")
            marks += 1
    assert marks > 300


def test_each_evidence_entry_shows_french_translation_and_where_it_is_cited(built, ds):
    soup = BeautifulSoup((built[1] / "chapters" / "evidence.html").read_text(encoding="utf-8"), "html.parser")
    for c in ds.citations.itertuples():
        entry = soup.find(id=f"ev-{c.citation_id}")
        assert entry is not None, c.citation_id
        assert entry.select_one('.ev-fr[lang="fr"]') and entry.select_one(".ev-en"), c.citation_id
        assert "our translation" in entry.get_text()
        cited = entry.find_next_sibling("p")
        assert "ev-cited" in cited.get("class", [])
    c014 = soup.find(id="ev-c014").find_next_sibling("p")
    assert "synthesis.html#" in str(c014) and "introduction" in str(c014)


def test_no_document_appears_under_two_short_names(built, ds):
    keys = set(ds.sources["source_id"])
    labels = set()
    for path in pages(built[1]):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        labels |= {a.get_text() for a in soup.select(".bibtex-citation a, span.ev-doc a")}
    assert labels and labels <= keys, labels - keys


@pytest.mark.parametrize("residue, what", RESIDUE, ids=[w for _, w in RESIDUE])
def test_no_page_shows_machine_residue(built, residue, what):
    found = []
    for path in pages(built[1]):
        text = reading_text(path) if what == "a doubled word" else article_text(path)[0]
        found += [f"{path.name}: …{text[max(0, m.start() - 40) : m.end() + 40]}…" for m in residue.finditer(text)]
    assert found == [], f"{what}: " + " | ".join(found[:5])
