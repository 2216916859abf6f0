import shutil
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


needs_corpus = pytest.mark.skipif(not corpus_available(), reason="the corpus (../shared/corpus) is not beside the project")
