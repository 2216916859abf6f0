from conftest import needs_corpus

from nkrussia import corpus_dir
from nkrussia.coverage import find_dates, report


def test_find_dates_reads_french_date_expressions():
    found = find_dates("Du 15 au 17 janvier, puis le 26 décembre 1991.\nEn septembre 1990 et en 2014, date 2019-04.")
    got = list(found[["line", "year", "month", "day"]].itertuples(index=False, name=None))
    assert (1, None, 1, 15) in [(n, None if y != y else y, m, d) for n, y, m, d in got]
    assert (1, 1991, 12, 26) in got
    assert (2, 1990, 9, None) in [(n, y, m, None if d != d else d) for n, y, m, d in got]
    assert set(found["expression"]) >= {"15 au 17 janvier", "26 décembre 1991", "septembre 1990", "2014", "2019-04"}


@needs_corpus
def test_every_date_in_the_corpus_is_covered_or_explained(ds):
    table = report(ds, corpus_dir())
    unexplained = table[(table["covered_by"] == "") & (table["reason"] == "")]
    assert unexplained.empty, unexplained.to_string()
    assert len(table) > 100


@needs_corpus
def test_no_stale_reason_in_uncovered_csv(ds):
    table = report(ds, corpus_dir())
    listed = set(
        zip(ds.uncovered["source_id"], ds.uncovered["line"].astype(int), ds.uncovered["expression"], strict=True)
    )
    found = set(zip(table["source_id"], table["line"], table["expression"], strict=True))
    assert listed <= found
    explained_but_covered = table[(table["reason"] != "") & (table["covered_by"] != "")]
    assert explained_but_covered.empty
