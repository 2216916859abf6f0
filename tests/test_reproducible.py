"""Two clean builds of the same commit give byte-identical executed notebooks and HTML, and an
incremental build gives exactly what a cold build gives."""

import shutil
import sys

from conftest import BOOK, differences, run, scratch_checkout


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    executed, html, _ = built
    second = run(BOOK + ["--build", str(tmp_path / "build")])
    assert second.returncode == 0, second.stderr
    assert differences(executed, tmp_path / "build" / "executed") == []
    assert differences(html, tmp_path / "build" / "html") == []


def test_an_incremental_build_equals_a_cold_build(built_dir, tmp_path):
    copy, book, env = scratch_checkout(tmp_path)
    build = tmp_path / "build"
    shutil.copytree(built_dir, build, ignore=shutil.ignore_patterns("book.lock"))
    prose, code = copy / "chapters" / "korean_war.md", copy / "chapters" / "rupture.md"
    prose_before, code_before = prose.read_text(encoding="utf-8"), code.read_text(encoding="utf-8")
    prose.write_text(prose_before.replace("how much of it can", "how much of all that can", 1), encoding="utf-8")
    code.write_text(code_before.replace('data_dir = "../data"', 'data_dir = "../data"  # edited', 1), encoding="utf-8")

    edited = run(book + ["--build", str(build)], env=env)
    assert edited.returncode == 0, edited.stdout[-3000:] + edited.stderr[-3000:]
    assert "rejoined   chapters/korean_war.md" in edited.stdout
    assert [line.split()[1] for line in edited.stdout.splitlines() if line.startswith("  executed")] == [
        "chapters/rupture.md"
    ]
    assert "how much of all that can" in (build / "html" / "chapters" / "korean_war.html").read_text(encoding="utf-8")

    prose.write_text(prose_before, encoding="utf-8")
    code.write_text(code_before, encoding="utf-8")
    back = run(book + ["--build", str(build)], env=env)
    assert back.returncode == 0, back.stdout[-3000:] + back.stderr[-3000:]
    assert differences(built_dir / "executed", build / "executed") == []
    assert differences(built_dir / "html", build / "html") == []


def test_an_incremental_build_equals_a_cold_build_after_a_title_and_a_label_edit(built_dir, tmp_path):
    """A title shows on every page (navigation) and a label anywhere it is referenced: after such an edit the
    incremental build must equal a cold HTML build of the same executed chapters."""
    copy, book, env = scratch_checkout(tmp_path)
    build = tmp_path / "build"
    shutil.copytree(built_dir, build, ignore=shutil.ignore_patterns("book.lock"))
    titled, labelled = copy / "chapters" / "korean_war.md", copy / "chapters" / "reliability.md"
    old_title = "# The Soviet presence and the Korean War, 1945–1953"
    assert old_title in titled.read_text(encoding="utf-8") and "third-coding" in labelled.read_text(encoding="utf-8")
    titled.write_text(
        titled.read_text(encoding="utf-8").replace(old_title, "# Soviet rule and the Korean War, 1945–1953")
    )
    labelled.write_text(labelled.read_text(encoding="utf-8").replace("third-coding", "blind-third-coding"))

    edited = run(book + ["--build", str(build)], env=env)
    assert edited.returncode == 0, edited.stdout[-3000:] + edited.stderr[-3000:]
    pages = sorted((build / "html" / "chapters").glob("*.html"))
    assert all("Soviet rule and the Korean War" in page.read_text(encoding="utf-8") for page in pages)
    assert 'id="blind-third-coding"' in (build / "html" / "chapters" / "reliability.html").read_text(encoding="utf-8")

    cold = tmp_path / "cold"
    shutil.copytree(build / "executed", cold / "executed")
    html_build = [sys.executable, str(copy / "scripts" / "build_html.py")]
    result = run(html_build + ["--executed", str(cold / "executed"), "--html", str(cold / "html")], env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert differences(cold / "html", build / "html") == []
