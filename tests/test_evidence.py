"""Every factual sentence carries its evidence; every evidence id exists; interpretation is marked."""

import re

import pytest

from nkbuild import read_notebook
from nkrussia import ROOT

CHECKED = [
    "korean_war",
    "cold_war",
    "rupture",
    "putin_revival",
    "debt_relief",
    "alliance",
    "synthesis",
    "source_criticism",
]
EVIDENCE = re.compile(r"\{evidence\}`([^`]*)`")
SUPPORT = re.compile(r"\{(?:evidence|glue(?::\w+)?|numref|doc|ref)\}`")


def prose(source):
    """The sentences of a Markdown cell that make claims: headings, directive blocks (figures,
    admonitions such as "Our reading") and list markers are left out."""
    text = re.sub(r"^(`{3,})\{[^\n]*\n.*?^\1\s*$", " ", source, flags=re.S | re.M)
    text = re.sub(r"^#+ .*$", " ", text, flags=re.M)
    text = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(".", "\u2024"), text)  # no split inside roles
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z{*\"«(])", " ".join(text.split()))
    return [s.replace("\u2024", ".") for s in sentences if s.strip() and not s.strip().startswith("**")]


def unsupported(source):
    return [s for s in prose(source) if not SUPPORT.search(s) and not s.rstrip().endswith("?")]


def test_the_checker_flags_bare_claims_and_spares_marked_reading():
    cell = (
        "Moscow cut its aid {evidence}`c019`. Kim visited in 1984. How close were they?\n\n"
        "```{admonition} Our reading\n:class: note\n\nThis is our interpretation.\n```"
    )
    assert unsupported(cell) == ["Kim visited in 1984."]


WORKED = "## How this chapter computes its numbers"  # from here on, sentences describe code, not history


@pytest.mark.parametrize("name", CHECKED)
def test_every_factual_sentence_carries_evidence(name):
    nb = read_notebook(ROOT / "chapters" / f"{name}.md")
    end = next((i for i, cell in enumerate(nb.cells) if WORKED in cell.source), len(nb.cells))
    bare = [
        (i, s)
        for i, cell in enumerate(nb.cells[:end], start=1)
        if cell.cell_type == "markdown"
        for s in unsupported(cell.source)
    ]
    assert bare == [], (
        "sentences without {evidence}, a glued number or a figure reference; mark "
        "interpretation as an 'Our reading' block: " + repr(bare)
    )


def test_every_evidence_id_is_a_citation(ds):
    known = set(ds.citations["citation_id"])
    used = {
        (path.name, cid.strip())
        for path in (ROOT / "chapters").glob("*.md")
        for cell in read_notebook(path).cells
        if cell.cell_type == "markdown"
        for ids in EVIDENCE.findall(cell.source)
        for cid in ids.split(",")
    }
    assert {u for u in used if u[1] not in known} == set()
    assert len(used) > 100
