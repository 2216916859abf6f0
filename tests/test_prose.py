"""Numbers in the prose are never typed: counts and figures come from glue."""

import re

import pytest

from nkbuild import read_notebook
from nkrussia import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.md"))
ALLOWED = [
    r"\{(?:glue(?::\w+)?|numref|ref|doc|cite(?::\w+)?|download|evidence)\}`[^`]*`",  # roles: glued values and references
    r"```\{glue:figure\}[^\n]*",
    r":name: [^\n]*",
    r"`[^`\n]*`",  # code and file names
    r"\b(?:1[89]|20)\d\d(?:s\b|–(?:1[89]|20)\d\d|-\d\d(?:-\d\d)?)?",  # years, decades, year ranges, ISO dates
    r"\bmid-(?:1[89]|20)\d\ds\b",
    r"\b\d{1,2}(?: and \d{1,2})? (?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
    r"\b(?:Figure|Chapter|Table) \d+\b",
    r"PLOVER/CAMEO|CAMEO|SHA-256|UTF-8|10\^\d",
    r"\b[A-Z]\d{1,2}\b",  # codebook rule ids (C1, D4)
    r"\bc\d{3}\b",  # citation ids
]


COUNT_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\s+(?:(?:1[89]|20)\d\d\s+)?"
    r"(?:documents?|sources?|events?|citations?|figures?|periods?|reports?|chapters?|codes?|categories|rules?|"
    r"actors?|quotes?|years?|points?|disagreements?|contradictions?)\b",
    re.I,
)


def typed_numbers(text):
    words = [" ".join(w.split()) for w in COUNT_WORDS.findall(re.sub(r"`[^`]*`", " ", text))]
    for pattern in ALLOWED:
        text = re.sub(pattern, " ", text)
    return words + re.findall(r"[−+-]?\d+(?:[.,]\d+)*\s*%?", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_cells_type_no_numbers(path):
    nb = read_notebook(path)
    found = [
        (i, n)
        for i, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "markdown"
        for n in typed_numbers(cell.source)
    ]
    assert found == [], f"typed numbers (glue them instead): {found}"


def test_the_scanner_catches_typed_counts_and_spares_years():
    assert typed_numbers("The sources give 26,000 soldiers and 90 % of the debt") == ["26,000 ", "90 %"]
    assert typed_numbers("In 1961, the 1980s and 2019-04-25; see {glue:text}`n_events` and Figure 3.") == []
    assert typed_numbers("Two of the events; the five documents; the two 2025 reports; three points.") == [
        "five documents",
        "two 2025 reports",
        "three points",
    ]
