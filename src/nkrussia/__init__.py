"""The cited dataset of Russia/USSR-North Korea relations, and what the book's chapters compute from it."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"


def corpus_dir(explicit=None):
    """The corpus directory: an explicit path, else $NKRUSSIA_CORPUS, else ../shared/corpus beside the project."""
    return Path(explicit or os.environ.get("NKRUSSIA_CORPUS") or ROOT.parent / "shared" / "corpus")
