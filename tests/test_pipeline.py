"""The runner and the HTML build, end to end, into a temporary _build."""

import re

from conftest import BOOK, RUN, run

from nkrussia import ROOT


def test_every_chapter_in_the_toc_executes(built):
    executed, _, first = built
    from nkbuild import executed_name, toc_chapters

    for notebook in toc_chapters():
        assert (executed / executed_name(notebook)).is_file()
        assert f"executed   {notebook}" in first.stdout


def test_executed_copies_carry_no_timings(built):
    executed, _, _ = built
    for path in executed.rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert '"papermill"' not in text and "start_time" not in text


def test_html_has_every_chapter_with_figures_and_working_citation_links(built):
    _, html, _ = built
    page = (html / "chapters" / "korean_war.html").read_text(encoding="utf-8")
    assert page.count("<img alt=") >= 2
    bibliography = (html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', bibliography))
    links = re.findall(r'href="bibliography\.html#([^"]+)"', page)
    assert links and set(links) <= anchors


def test_second_run_with_nothing_changed_executes_and_rebuilds_nothing(built):
    _, html, _ = built
    again = run(BOOK + ["--build", str(html.parent)])
    assert again.returncode == 0 and "Nothing to execute" in again.stdout and "HTML up to date" in again.stdout


def test_failing_chapter_is_named_with_its_cell(tmp_path):
    result = run(RUN + ["tests/fixtures/failing.ipynb", "--out", str(tmp_path / "executed")])
    assert result.returncode == 1
    assert (
        "FAILED tests/fixtures/failing.ipynb: cell 4 (`missing = {}`) raised KeyError: 'no such key'" in result.stderr
    )
    assert (tmp_path / "failed" / "tests" / "fixtures" / "failing.ipynb").is_file()
    assert not (tmp_path / "executed" / "tests" / "fixtures" / "failing.ipynb").exists()


def test_chapter_past_its_timeout_is_stopped_and_reported(tmp_path):
    result = run(RUN + ["tests/fixtures/slow.ipynb", "--out", str(tmp_path / "executed"), "--timeout", "8"])
    assert result.returncode == 1
    assert "timeout    tests/fixtures/slow.ipynb" in result.stdout
    assert "stopped after 8 s" in result.stderr


def test_the_benchmark_is_an_input_of_the_performance_chapter_only(tmp_path, monkeypatch):
    """A chapter's extra inputs are declared in its front matter (`nkrussia: inputs`), and only its
    hashes follow them."""
    import shutil

    from nkbuild import runner as run_chapters

    for nb in ["chapters/alliance.md", "chapters/performance.md"]:
        (tmp_path / nb).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / nb, tmp_path / nb)
    monkeypatch.setattr(run_chapters, "ROOT", tmp_path)
    bench = tmp_path / "benchmarks" / "bench.json"
    bench.parent.mkdir()
    bench.write_text("{}")
    before = {
        nb: run_chapters.chapter_hashes(nb, "shared") for nb in ["chapters/alliance.md", "chapters/performance.md"]
    }
    bench.write_text('{"changed": true}')
    assert run_chapters.chapter_hashes("chapters/alliance.md", "shared") == before["chapters/alliance.md"]
    assert run_chapters.chapter_hashes("chapters/performance.md", "shared") != before["chapters/performance.md"]
