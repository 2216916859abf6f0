"""A real client: the chapters run as notebooks in JupyterLab (the lab environment) in Debian's chromium
show their figures, tables and numbers, and no raw MyST."""

import os
import shutil

import nbformat
import pytest

from nkbuild import lab
from nkrussia import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHAPTERS = ["korean_war", "synthesis"]  # one period chapter and the synthesis


@pytest.mark.skipif(
    (not os.path.exists(CHROMIUM) or not lab.LAB_PYTHON.exists()) and os.environ.get("CI") != "true",
    reason="needs Debian's chromium and the lab environment (make .venv-lab/.installed); CI has both",
)
def test_chapters_run_all_in_jupyterlab_show_every_figure_and_no_raw_myst(built):
    executed = built[0]
    seen = lab.check(CHAPTERS, shots=ROOT / "_build" / "screenshots")
    for name, cells in seen.items():
        assert lab.problems(name, cells) == []
        book = nbformat.read(executed / "chapters" / f"{name}.ipynb", as_version=4)
        figures = sum(
            1
            for cell in book.cells
            for out in cell.get("outputs", [])
            if out.get("data", {}).get("text/markdown", "").startswith("```{glue:figure}")
        )
        shown = [c for c in cells if c["figures"]]
        assert figures and sum(c["figures"] for c in cells) == figures  # every figure of the book, as a chart
        assert all(c["images"] >= c["figures"] for c in shown)
        assert sum(c["tables"] for c in cells) >= 3  # the glued values, the chapter's tables, the worked cells
        assert (ROOT / "_build" / "screenshots" / f"lab-{name}-figure-1.png").is_file()
