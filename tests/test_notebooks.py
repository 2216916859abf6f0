"""The committed chapters: stripped, all in the table of contents, thin, parameterised."""

import re

import pytest

from nkrussia import ROOT
from nkrussia.build import is_notebook, read_notebook, toc_chapters

NOTEBOOKS = sorted(p for p in (ROOT / "chapters").iterdir() if is_notebook(p))


def test_every_chapter_notebook_is_in_the_toc():
    listed = set(toc_chapters())
    assert {str(p.relative_to(ROOT)) for p in NOTEBOOKS} == listed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapters_are_stored_as_text_notebooks_without_outputs(path):
    assert path.suffix == ".md"  # MyST Markdown (jupytext): inputs only, reviewable as text
    for cell in read_notebook(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_opens_with_its_question_and_has_a_parameters_cell(path):
    nb = read_notebook(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "data_dir" in params[0].source
    assert "remove-cell" in params[0].metadata["tags"]  # runs in papermill and JupyterLab, hidden from readers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_code_is_thin_and_never_reads_files_itself(path):
    nb = read_notebook(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"read_csv|open\(|\.csv", code)
    assert max(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") <= 6
