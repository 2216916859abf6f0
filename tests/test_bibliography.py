from nkrussia import ROOT
from nkrussia.bibliography import bibtex


def test_references_bib_is_generated_from_sources_csv(ds):
    assert (ROOT / "references.bib").read_text(encoding="utf-8") == bibtex(ds.sources), (
        "regenerate it: python -m nkrussia.bibliography > references.bib"
    )


def test_unknown_publisher_stays_empty(ds):
    unnamed = ds.sources[ds.sources["publisher"].isna()]["source_id"]
    text = bibtex(ds.sources)
    for key in unnamed:
        entry = text.split(f"@misc{{{key},")[1].split("\n}")[0]
        assert "publisher =" not in entry
