import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nkrussia import DATA_DIR, ROOT, corpus_dir
from nkrussia.dataset import load


@pytest.fixture(scope="session")
def ds():
    return load(DATA_DIR)


class DataCopy(type(Path())):
    """A writable copy of the data package."""

    def edit(self, table, change):
        """Rewrite one CSV through `change(frame) -> frame`."""
        path = self / f"{table}.csv"
        frame = change(pd.read_csv(path, dtype=str, keep_default_na=False))
        frame.to_csv(path, index=False, lineterminator="\n")
        return path


@pytest.fixture
def data_copy(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return DataCopy(tmp_path / "data")


@pytest.fixture(scope="session")
def root():
    return ROOT


def corpus_available():
    from nkrussia import corpus_dir

    return corpus_dir().is_dir()


needs_corpus = pytest.mark.skipif(
    not corpus_available(), reason="the corpus (../shared/corpus) is not beside the project"
)


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)


RUN = [sys.executable, str(ROOT / "scripts" / "run_chapters.py")]
BUILD = [sys.executable, str(ROOT / "scripts" / "build_html.py")]


BOOK = [sys.executable, str(ROOT / "scripts" / "build_book.py")]


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id):
    """One full build of the book (every chapter executed, HTML built), made once per test run and
    shared by every pytest-xdist worker: (executed, html, the build's output)."""
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    build, log = shared / "book", shared / "book.log"
    with FileLock(str(shared / "book.lock")):
        if not (build / "html" / "index.html").is_file():
            result = run(BOOK + ["--build", str(build)])
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            log.write_text(result.stdout)
    first = subprocess.CompletedProcess(BOOK, 0, log.read_text(), "")
    return build / "executed", build / "html", first


@pytest.fixture(scope="session")
def built_dir(built):
    """The shared build directory (do not modify it: copy it)."""
    return built[1].parent


def scratch_checkout(tmp_path):
    """A copy of the checkout to edit, with the command that builds it (its own package and _build),
    starting from a copy of the shared build."""
    copy = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("_build", ".venv*", ".git", "__pycache__", "*.egg-info", "mutants", ".*_cache")
    shutil.copytree(ROOT, copy, ignore=ignore)
    from nkbuild.html import source_date_epoch

    env = dict(
        os.environ,
        PYTHONPATH=str(copy / "src"),
        NKRUSSIA_CORPUS=str(corpus_dir()),
        SOURCE_DATE_EPOCH=source_date_epoch(),  # the copy has no git history to date the build by
    )
    return copy, [sys.executable, str(copy / "scripts" / "build_book.py")], env


# The execution report records the build itself (times, memory), so it is expected to differ; it is
# kept out of the search index so that nothing else does.
RECORDS_OF_THE_BUILD = {"report.json", "execution_report.html", "execution_report.md", ".source-hash"}


def differences(a, b, limit=5):
    """The first differing files between two trees, each with its first differing lines."""
    import difflib

    def files(root):
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name not in RECORDS_OF_THE_BUILD}

    files_a, files_b = files(a), files(b)
    report = [f"only in one build: {name}" for name in sorted(files_a ^ files_b)]
    for name in sorted(files_a & files_b):
        left, right = (a / name).read_bytes(), (b / name).read_bytes()
        if left != right:
            try:
                diff = difflib.unified_diff(left.decode().splitlines(), right.decode().splitlines(), lineterm="", n=0)
                lines = [line for line in diff if not line.startswith(("---", "+++"))][:6]
            except UnicodeDecodeError:
                lines = ["(binary)"]
            report.append(f"{name} differs:\n    " + "\n    ".join(lines))
        if len(report) >= limit:
            break
    return report
