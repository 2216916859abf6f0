"""The committed chapters: stripped, all in the table of contents, framed, parameterised, never reading
files themselves, and showing their work."""

import re

import pytest

from nkbuild import is_notebook, read_notebook, toc_chapters
from nkrussia import ROOT

NOTEBOOKS = sorted(p for p in (ROOT / "chapters").iterdir() if is_notebook(p))
PERIODS = ["korean_war", "cold_war", "rupture", "putin_revival", "debt_relief", "alliance"]


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
def test_chapter_code_never_reads_files_and_keeps_cells_short(path):
    nb = read_notebook(path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"read_csv|read_json|read_excel|open\(|\.csv|Path\(|\.read_text|\.read_bytes", code)
    assert max(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code") <= 15


WORKED = [p for p in NOTEBOOKS if p.stem in {*PERIODS, "synthesis"}]


@pytest.mark.parametrize("path", WORKED, ids=lambda p: p.name)
def test_period_chapters_and_the_synthesis_show_how_they_compute_their_numbers(path):
    """A closing section of visible cells that compute with pandas, not only calls on the page object."""
    nb = read_notebook(path)
    heading = next(i for i, c in enumerate(nb.cells) if "## How this chapter computes its numbers" in c.source)
    visible = [
        c
        for c in nb.cells[heading:]
        if c.cell_type == "code" and not {"remove-cell", "remove-input", "hide-input"} & set(c.metadata.get("tags", []))
    ]
    assert 3 <= len(visible) <= 5
    computing = [
        c for c in visible if re.search(r"\[|groupby|crosstab|pivot_table|merge|value_counts|shift|sum\(", c.source)
    ]
    assert len(computing) >= 3


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in {*PERIODS, "synthesis"}], ids=lambda p: p.name)
def test_chapter_has_the_frame_readers_recognise(path):
    """After the question, "In this chapter" in two or three bullets; at the end, "Next" with a link."""
    nb = read_notebook(path)
    opening = nb.cells[0].source
    bullets = opening.split("In this chapter:", 1)[1].strip().splitlines()
    assert 2 <= len([b for b in bullets if b.startswith("- ")]) <= 3
    last = nb.cells[-1].source
    assert "## Next" in last and re.search(r"\{doc\}`[^`]+<\w+>`", last)


PARAMETERS = {"coding": ("reconciled", "first", "second"), "index": ("mean", "max", "sum")}


@pytest.mark.parametrize("path", WORKED, ids=lambda p: p.name)
def test_parameters_cell_says_what_each_parameter_does(path):
    nb = read_notebook(path)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = re.findall(r"^(\w+) = ", params.source, flags=re.M)
    expected = ["data_dir", "coding"] + (["index", "threshold"] if path.stem == "synthesis" else [])
    assert names == expected
    for name in names:
        assert re.search(rf"^#\s+{name}:", params.source, flags=re.M), f"no comment says what {name} does"
    for name, values in PARAMETERS.items():
        if name in names:
            assert all(f'"{v}"' in params.source for v in values)
    assert "pip install -e ." in params.source.splitlines()[0]  # the first cell says what the kernel needs
