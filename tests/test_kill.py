"""SIGKILL at any moment of `make book` (validation, chapter execution, HTML build, publication)
leaves the previously published book whole and servable, and the next build succeeds."""

import contextlib
import functools
import http.server
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import psutil
import pytest
from conftest import run
from test_robustness import _ours, tree_bytes

from nkbuild import html as build_html
from nkbuild import toc_files
from nkrussia import ROOT

BOOK = [sys.executable, str(ROOT / "scripts" / "build_book.py")]


def book(directory, text):
    directory.mkdir(parents=True)
    (directory / "index.html").write_text(text)
    return directory


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-exchange", "two-renames"])
def test_publish_replaces_the_book_and_leaves_nothing_behind(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(build_html, "_exchange", lambda a, b: False)
    target = book(tmp_path / "html", "old")
    build_html.publish(book(tmp_path / "html.partial" / "html", "new"), target)
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "html.partial"]
    assert list((tmp_path / "html.partial").iterdir()) == []


def test_publish_restores_a_book_left_aside_by_a_kill_between_two_renames(tmp_path, monkeypatch):
    monkeypatch.setattr(build_html, "_exchange", lambda a, b: False)
    book(tmp_path / "html.old", "old")  # what `html -> html.old; new -> html` leaves if killed in between
    build_html.publish(book(tmp_path / "new", "new"), tmp_path / "html")
    assert (tmp_path / "html" / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


def descendants(pid):
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kill_build(proc):
    """SIGKILL the build and everything it started: its process group, and the papermill runs and
    kernels that have sessions of their own (each frozen first, so that none starts another unseen)."""
    os.killpg(proc.pid, signal.SIGSTOP)
    tree = []
    while found := [p for p in descendants(proc.pid) if p not in tree]:
        for child in found:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.suspend()
        tree += found
    os.killpg(proc.pid, signal.SIGKILL)
    for child in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    proc.wait(timeout=30)
    psutil.wait_procs(tree, timeout=30)


def wait_for(condition, timeout=600):
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "the build never got there"
        time.sleep(0.005)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def fetch(directory, pages):
    """Serve `directory` over HTTP and return the pages' bodies."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        bodies = []
        for page in pages:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/{page}", timeout=10) as response:
                assert response.status == 200
                bodies.append(response.read())
        return bodies
    finally:
        server.shutdown()
        server.server_close()


def assert_servable(html):
    pages = [f"{name}.html" for name in toc_files()]
    missing = [page for page in pages if not (html / page).is_file()]
    assert not missing, f"pages missing from the published book: {missing}"
    index, page = fetch(html, ["index.html", pages[len(pages) // 2]])
    assert f"url={pages[0]}".encode() in index and page.rstrip().endswith(b"</html>")


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_the_previous_book_whole_and_servable(built, tmp_path):
    executed, html, _ = built
    build = tmp_path / "build"
    shutil.copytree(html, build / "html")
    # the executed chapters too, less one, so that the build has a chapter to execute and goes on to the HTML
    shutil.copytree(executed, build / "executed")
    (build / "executed" / "chapters" / "alliance.ipynb").unlink()
    before = tree_bytes(build / "html")
    rng = random.Random(20261125)
    partial = build / "html.partial"
    stamp = partial / ".source-hash"

    def running(word, at_least=1):
        def found():
            count = 0
            for child in descendants(proc.pid):
                with contextlib.suppress(psutil.Error):
                    count += word in " ".join(child.cmdline())
            return count >= at_least

        return found

    moments = [  # (what the build is doing, when it has started doing it, how long to let it go on)
        ("validation", lambda: True, rng.uniform(0.2, 1.5)),
        ("chapter execution", running("ipykernel", at_least=2), rng.uniform(0.5, 3)),  # fork server and a kernel
        ("HTML build", running("jupyter-book build"), rng.uniform(1, 8)),
        ("publication", stamp.exists, 0),
    ]
    marker = f"sigkill-{os.getpid()}"
    for phase, started, delay in moments:
        proc = subprocess.Popen(
            BOOK + ["--build", str(build)],
            cwd=ROOT,
            env=dict(os.environ, NKRUSSIA_TEST_RUN=marker),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: started() or proc.poll() is not None)  # noqa: B023 (used in this iteration only)
        time.sleep(delay)
        if proc.poll() is None:
            kill_build(proc)
            print(f"killed {delay:.1f} s into the {phase}")
        else:  # publication takes milliseconds; the exchange itself is tested above
            assert phase == "publication" and proc.returncode == 0, f"the build ended during {phase}"
        assert _ours(marker) == [], f"processes left running after a kill during {phase}"
        assert (build / "html").is_dir(), f"no published book after a kill during {phase}"
        after = tree_bytes(build / "html")
        if after != before:  # a kill right after the publication leaves the new book, whole
            assert phase == "publication" and (build / "html" / ".source-hash").is_file()
        assert_servable(build / "html")
    again = run(BOOK + ["--build", str(build)])
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert_servable(build / "html")
    assert tree_bytes(build / "html") != before  # the new book (its execution report differs)
    assert not partial.exists() and not (build / "html.old").exists()


@pytest.mark.slow
def test_no_process_outlives_a_build_however_it_ends(built_dir, data_copy, tmp_path):
    """Incremental builds, a failing chapter, invalid data, Ctrl-C and SIGKILL of the build's process group (not of its
    whole tree: kernels have sessions of their own, out of the group's reach), each several times, then a
    cold build: afterwards no process that the build started (marked by its environment) is left."""
    import uuid

    build = tmp_path / "build"
    shutil.copytree(built_dir, build, ignore=shutil.ignore_patterns("book.lock"))
    marker = str(uuid.uuid4())
    env = dict(os.environ, NKRUSSIA_TEST_RUN=marker)
    rng = random.Random(20261202)

    def start(*extra):
        command = BOOK + ["--build", str(build), *extra]
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    def left():
        alive = []
        for proc in _ours(marker):
            with contextlib.suppress(psutil.Error):
                if proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
        return alive

    def settle(what):
        deadline = time.time() + 20  # a kernel notices its parent's end within a second
        while (alive := left()) and time.time() < deadline:
            time.sleep(0.2)
        assert alive == [], f"after {what}: {alive}"

    def kernels_running():
        return any("ipykernel" in " ".join(p.cmdline()) for p in _ours(marker) if p.is_running())

    for n in range(2):
        assert start().wait(timeout=300) == 0
        settle(f"incremental build {n + 1}")
    data_copy.edit("periods", lambda f: f.replace({"period_id": {"alliance": "wartime"}}))
    assert start("--data-dir", str(data_copy)).wait(timeout=300) == 1
    settle("a build with a failing chapter")
    data_copy.edit("events", lambda f: f.assign(date=f["date"].where(f.index != 3, "2024-02-30")))
    for n in range(2):  # kernels start warming while the data is validated, then the build stops
        assert start("--data-dir", str(data_copy)).wait(timeout=300) == 1
        settle(f"invalid data {n + 1}")
    for sig, times in ((signal.SIGINT, 2), (signal.SIGKILL, 3)):
        for n in range(times):
            shutil.rmtree(build / "executed", ignore_errors=True)  # every chapter to execute
            proc = start()
            wait_for(lambda p=proc: kernels_running() or p.poll() is not None, timeout=120)
            time.sleep(rng.uniform(0.3, 3.0))
            os.killpg(proc.pid, sig)  # what Ctrl-C in a terminal, or kill -9 of the group, reaches
            proc.wait(timeout=120)
            settle(f"{signal.Signals(sig).name} {n + 1} of the build")
    assert start().wait(timeout=300) == 0
    settle("a cold build")
