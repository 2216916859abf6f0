"""Whatever a researcher does to the data or the build, the book builds correctly or says exactly
what is wrong, and the last good book stays in place."""

import fcntl
import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import psutil
import pytest
from conftest import run

from nkrussia import ROOT

BOOK = [sys.executable, str(ROOT / "scripts" / "build_book.py")]


def tree_bytes(directory):
    return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def published(built, tmp_path):
    """A build directory holding a copy of a good published book."""
    import shutil

    _, html, _ = built
    build = tmp_path / "build"
    shutil.copytree(html, build / "html")
    return build


def test_invalid_data_executes_nothing_and_keeps_the_book(published, data_copy):
    data_copy.edit("events", lambda f: f.assign(date=f["date"].where(f.index != 3, "2024-02-30")))
    before = tree_bytes(published / "html")
    result = run(BOOK + ["--data-dir", str(data_copy), "--build", str(published)])
    assert result.returncode == 1
    assert "events.csv, row 5, column date, value '2024-02-30': [date-valid]" in result.stderr
    assert not (published / "executed").exists()
    assert tree_bytes(published / "html") == before


def test_a_failing_chapter_is_named_the_others_finish_and_nothing_is_published(published, data_copy):
    # A valid edit that a chapter cannot cope with: the last period renamed.
    data_copy.edit("periods", lambda f: f.replace({"period_id": {"alliance": "wartime"}}))
    before = tree_bytes(published / "html")
    result = run(BOOK + ["--data-dir", str(data_copy), "--build", str(published)])
    assert result.returncode == 1
    assert re.search(
        r"FAILED chapters/alliance\.md: cell 3 \(`from nkrussia.pages.period import PeriodChapter`\) "
        r"raised KeyError",
        result.stderr,
    ), result.stderr
    assert "executed   chapters/korean_war.md" in result.stdout
    assert (published / "failed" / "chapters" / "alliance.ipynb").is_file()
    assert tree_bytes(published / "html") == before


def test_a_failed_html_build_leaves_the_previous_book_intact(built, published, tmp_path):
    import shutil

    executed, _, _ = built
    broken = tmp_path / "executed"
    shutil.copytree(executed, broken)
    nb = broken / "chapters" / "cold_war.ipynb"
    nb.write_text(
        nb.read_text(encoding="utf-8").replace("{numref}`fig-cold-war-timeline`", "{numref}`fig-nowhere`"),
        encoding="utf-8",
    )
    before = tree_bytes(published / "html")
    result = run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_html.py"),
            "--executed",
            str(broken),
            "--html",
            str(published / "html"),
        ]
    )
    assert result.returncode == 1 and "previous book" in result.stderr
    assert tree_bytes(published / "html") == before
    assert not (published / "html.partial").exists()


def test_a_second_build_in_the_same_checkout_stops_with_a_message(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    with open(build / "book.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("12345")
        held.flush()
        result = run(BOOK + ["--build", str(build)])
    assert result.returncode == 75
    assert "Another `make book` is already running in this checkout (pid 12345)" in result.stderr
    assert not (build / "executed").exists()


def _ours(marker):
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("NKRUSSIA_TEST_RUN") == marker:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def test_ctrl_c_stops_every_kernel_and_leaves_nothing_half_written(built_dir, tmp_path):
    import shutil

    build = tmp_path / "build"
    shutil.copytree(built_dir, build, ignore=shutil.ignore_patterns("book.lock"))
    for name in ("synthesis", "reliability", "source_criticism"):  # the slowest chapters: executed again
        (build / "executed" / "chapters" / f"{name}.ipynb").unlink()
    before = tree_bytes(build / "html")
    marker = f"sigint-{os.getpid()}"
    env = dict(os.environ, NKRUSSIA_TEST_RUN=marker)
    proc = subprocess.Popen(
        BOOK + ["--build", str(build)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in proc.stdout:
        if line.startswith("Executing"):
            break

    def kernels():  # the kernels' fork server and the kernels forked from it
        return sum("ipykernel" in " ".join(p.cmdline()) for p in _ours(marker))

    deadline = time.time() + 30
    while time.time() < deadline and kernels() < 2:
        time.sleep(0.2)
    assert kernels() >= 2, "no kernel started"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    time.sleep(0.5)
    assert _ours(marker) == [], "orphan processes left behind"
    assert list(build.rglob("*.partial*")) == []
    assert tree_bytes(build / "html") == before
    again = run(BOOK + ["--build", str(build)])
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert (build / "html" / "index.html").is_file()


def test_text_from_the_dataset_is_escaped_everywhere_it_is_rendered(data_copy, tmp_path):
    hostile_title = "<script>alert(1)</script>"
    hostile_summary = "**x** [x](javascript:alert(1)) {cite}`wikipedia-fr` <b>bold</b>"
    data_copy.edit(
        "events",
        lambda f: pd.concat(
            [
                f,
                pd.DataFrame(
                    [
                        {
                            **f.iloc[-1].to_dict(),
                            "event_id": "hostile-event",
                            "date": "2025-11",
                            "date_end": "",
                            "date_note": "",
                            "title": hostile_title,
                            "summary": hostile_summary,
                        }
                    ]
                ),
            ]
        ),
    )
    data_copy.edit(
        "citations",
        lambda f: pd.concat(
            [
                f,
                pd.DataFrame(
                    [{**f.iloc[0].to_dict(), "citation_id": "c999", "event_id": "hostile-event", "quantity_id": ""}]
                ),
            ]
        ),
    )
    build = tmp_path / "build"
    result = run(BOOK + ["--data-dir", str(data_copy), "--build", str(build)])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = (build / "html" / "chapters" / "alliance.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page.replace("[x](javascript:alert(1))", "")
    assert 'href="javascript' not in page and "<b>bold</b>" not in page
    assert "**x**" in page and "{cite}`wikipedia-fr`" in page
    # the data appendix offers for download the data the pages were computed from, not the checkout's
    [download] = (build / "html" / "_downloads").rglob("events.csv")
    assert "hostile-event" in download.read_text(encoding="utf-8")
