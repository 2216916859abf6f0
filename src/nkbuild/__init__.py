"""The book's build machinery: execute the chapters, build the HTML (and PDF), check and benchmark them.

The entry points in `scripts/` only call the `main` of a module here.
"""

import functools
from pathlib import Path

from nkrussia import ROOT


@functools.cache
def toc_files(toc_path=ROOT / "_toc.yml"):
    """Every page of the book, as a path without extension relative to the book root, in _toc.yml order
    (as sphinx-external-toc, which jupyter-book uses, parses it)."""
    from sphinx_external_toc.api import FileItem
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(str(toc_path))

    def walk(docname):
        yield str(docname)
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, FileItem):
                    yield from walk(item)

    return tuple(walk(site_map.root.docname))


def is_notebook(path):
    """A chapter notebook: a .ipynb file, or a MyST Markdown notebook (jupytext header with a kernelspec)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return path.is_file()
    if path.suffix != ".md" or not path.is_file():
        return False
    head = path.read_text(encoding="utf-8")[:1000]
    return head.startswith("---") and "kernelspec:" in head.split("\n---", 1)[0]


@functools.cache
def toc_chapters(toc_path=ROOT / "_toc.yml"):
    """The book's notebooks (paths relative to the book root, with their suffix) in _toc.yml order."""
    root = Path(toc_path).parent
    found = []
    for name in toc_files(toc_path):
        found += [f"{name}{suffix}" for suffix in (".md", ".ipynb") if is_notebook(root / f"{name}{suffix}")][:1]
    return tuple(found)


def read_notebook(path):
    """A chapter as an nbformat notebook, whether it is stored as MyST Markdown or as .ipynb."""
    import jupytext

    notebook = jupytext.read(path)
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"  # a text notebook has no cell ids: jupytext would draw random ones
    return notebook


def executed_name(notebook):
    """Where a chapter's executed copy goes, relative to the executed directory: always a .ipynb."""
    return str(Path(notebook).with_suffix(".ipynb"))
