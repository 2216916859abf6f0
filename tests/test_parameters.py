"""A chapter's parameters change what it computes: papermill's `-p coding second` on the synthesis gives
the index of the blind second coding (papermill only warns on an unknown parameter, so the values are
checked, not the exit status)."""

import subprocess
import sys

import nbformat
import pandas as pd

from nkbuild import read_notebook
from nkrussia import DATA_DIR, ROOT, analysis


def glued(notebook):
    """The values a notebook glued, as text (myst-nb's record mime type)."""
    values = {}
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                values[name] = text.strip("'")
    return values


def run_synthesis(tmp_path, *parameters):
    source = tmp_path / "synthesis.ipynb"
    nbformat.write(read_notebook(ROOT / "chapters" / "synthesis.md"), source)
    out = tmp_path / "out.ipynb"
    command = [sys.executable, "-m", "papermill", str(source), str(out), "--cwd", str(ROOT / "chapters")]
    command += ["-p", "data_dir", str(DATA_DIR), *parameters, "--no-progress-bar"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return glued(nbformat.read(out, as_version=4))


def second_coding_index(ds):
    """The index recomputed from coding_second.csv itself: the codes the reliability chapter compares
    (events split off after that coding keep their reconciled codes, as `Dataset.coded` documents)."""
    codes = ds.coding_second.set_index("event_id")
    ids = ds.events["event_id"]
    events = ds.events.assign(
        scope=ids.map(codes["scope"]).fillna(ds.events["scope"].astype(object)),
        intensity=ids.map(codes["intensity"]).fillna(ds.events["intensity"]).astype(int),
    )
    return analysis.tone_index(events, list(range(1945, 2026)))


def test_papermill_coding_second_rebuilds_the_synthesis_under_the_second_coding(tmp_path, ds):
    values = run_synthesis(tmp_path, "-p", "coding", "second")
    expected = second_coding_index(ds).dropna()
    assert values["coding"] == "second"
    assert values["index_max"] == f"{expected.max():+.1f}" and values["index_max_year"] == str(int(expected.idxmax()))
    assert values["index_min"] == f"{expected.min():+.1f}" and values["index_min_year"] == str(int(expected.idxmin()))
    assert values["index_years_known"] == str(len(expected))
    assert values["index_mean"] == f"{expected.mean():+.4f}"
    turning = analysis.turning_points(pd.Series(second_coding_index(ds)))
    assert values["turning_years"] == (", ".join(map(str, turning["year"])) or "none")


def test_the_first_coding_gives_another_index(tmp_path, ds):
    """Reconciliation kept the second coder's codes, so `first` is the coding whose index differs."""
    values = run_synthesis(tmp_path, "-p", "coding", "first")
    reconciled = analysis.tone_index(ds.events, list(range(1945, 2026))).dropna()
    assert values["coding"] == "first" and values["index_mean"] != f"{reconciled.mean():+.4f}"


def test_papermill_index_and_threshold_change_the_turning_points(tmp_path, ds):
    values = run_synthesis(tmp_path, "-p", "index", "max", "-p", "threshold", "5")
    expected = analysis.turning_points(analysis.tone_index(ds.events, list(range(1945, 2026)), "max"), 5)
    assert values["index_variant"] == "max" and values["turning_threshold"] == "5"
    assert values["turning_years"] == (", ".join(map(str, expected["year"])) or "none")
