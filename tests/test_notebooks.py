"""The committed chapters: stripped, all in the table of contents, thin, parameterised."""

import json
import re
import sys

import nbformat
import pytest

from nkrussia import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from run_chapters import toc_chapters

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_every_chapter_notebook_is_in_the_toc():
    listed = set(toc_chapters())
    assert {str(p.relative_to(ROOT)) for p in NOTEBOOKS} == listed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs_and_no_execution_counts(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_opens_with_its_question_and_has_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "data_dir" in params[0].source
    assert "remove-cell" in params[0].metadata["tags"]  # runs in papermill and JupyterLab, hidden from readers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_code_is_thin_and_never_reads_files_itself(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"read_csv|open\(|\.csv", code)
    assert max(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") <= 6
