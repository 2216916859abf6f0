import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nkrussia import DATA_DIR, ROOT
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


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


RUN = [sys.executable, str(ROOT / "scripts" / "run_chapters.py")]
BUILD = [sys.executable, str(ROOT / "scripts" / "build_html.py")]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One full build of the book (every chapter executed, HTML built) into a temporary _build."""
    build = tmp_path_factory.mktemp("build")
    executed, html = build / "executed", build / "html"
    first = run(RUN + ["--out", str(executed)])
    assert first.returncode == 0, first.stdout + first.stderr
    book = run(BUILD + ["--executed", str(executed), "--html", str(html)])
    assert book.returncode == 0, book.stdout + book.stderr
    return executed, html, first
